"""What a newcomer walking the payments, windows and eligibility pages found wanting."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from groundswell.accounts.models import Role
from groundswell.lifecycle.models import HandMatch, Payment, Rate
from tests import factories
from tests.lifecycle import samples

pytestmark = pytest.mark.django_db


def upload(client, data, fmt="gocardless", name="gc.csv"):
    return client.post(
        "/payments/", {"file": SimpleUploadedFile(name, data), "format": fmt}, follow=True
    ).content.decode()


def test_the_amount_shows_in_the_queue_and_the_ledger_negative_for_a_failed_collection(client):
    Rate.objects.create(name="standard monthly", amount_pence=417, is_default=True)
    ann = factories.person(branch=factories.branch(), joined_on=date(2016, 6, 1)).memberships.get()
    client.force_login(factories.user(Role.NATIONAL_ADMIN))
    page = upload(client, samples.GOCARDLESS)
    assert "<td>£4.17</td>" in page and "<td>£1.00</td>" in page
    source = Payment.objects.first().source
    failed = Payment.objects.create(
        kind=Payment.Kind.FAILED, amount_pence=-417, paid_on=date(2016, 7, 1), method="direct_debit",
        reference="RETURNED", source=source, line=99,
    )  # fmt: skip
    assert "<td>\u2212£4.17</td>" in client.get("/payments/").content.decode()
    HandMatch.objects.create(payment=failed, membership=ann)
    page = client.get(f"/payments/memberships/{ann.pk}/").content.decode()
    assert "<td>\u2212£4.17</td>" in page


def test_an_import_error_keeps_the_chosen_format_and_names_the_field(client):
    client.force_login(factories.user(Role.NATIONAL_ADMIN))
    page = upload(client, b"not a statement", fmt="bank_csv", name="bank.csv")
    assert "Nothing was imported." in page
    assert '<option value="bank_csv" selected>' in page
    page = client.post("/payments/", {"format": "stripe"}).content.decode()
    assert "File: choose a file" in page and '<option value="stripe" selected>' in page


def test_a_hand_match_shows_the_payment_and_member_to_confirm_and_keeps_a_wrong_number(client):
    Rate.objects.create(name="standard monthly", amount_pence=417, is_default=True)
    ann = factories.person(branch=factories.branch(), first_name="Ann", last_name="Payer").memberships.get()
    client.force_login(factories.user(Role.NATIONAL_ADMIN))
    upload(client, samples.GOCARDLESS)
    row = Payment.objects.get(reference="MD000AAA1")
    page = client.post(
        f"/payments/{row.pk}/match/", {"membership_number": "NOPE123", "note": "mandate form"}
    ).content.decode()
    assert "Membership number (payment" in page and "NOPE123" in page
    assert 'value="NOPE123"' in page and 'value="mandate form"' in page
    body = {"membership_number": ann.membership_number, "note": "mandate form"}
    page = client.post(f"/payments/{row.pk}/match/", body).content.decode()
    assert "Confirm the match" in page
    assert "Ann Payer" in page and ann.membership_number in page and "£4.17" in page and "MD000AAA1" in page
    assert not HandMatch.objects.exists()
    client.post(f"/payments/{row.pk}/match/", {**body, "confirm": "yes"})
    assert HandMatch.objects.get().membership == ann


def test_a_bad_fee_keeps_every_field_of_the_new_window_and_names_the_fee(client):
    north = factories.branch()
    factories.branch()
    client.force_login(factories.user(Role.NATIONAL_ADMIN))
    body = {
        "slug": "summer-2026", "name": "Summer sign-up", "opens_at": "2026-07-01T09:00",
        "closes_at": "2026-07-03T09:00", "fee": "twenty", "branch": str(north.pk), "declaration": "I agree.",
    }  # fmt: skip
    r = client.post("/payments/windows/", body)
    page = r.content.decode()
    assert r.status_code == 422
    assert "Fee (£): &#x27;twenty&#x27; is not an amount in pounds" in page
    for field in ("summer-2026", "Summer sign-up", "2026-07-01T09:00", "2026-07-03T09:00", "twenty"):
        assert f'value="{field}"' in page
    assert f'<option value="{north.pk}" selected>' in page and ">I agree.</textarea>" in page
    page = client.post(
        "/payments/windows/", {**body, "fee": "25", "closes_at": "2026-06-01T09:00"}
    ).content.decode()
    assert "Closes: must be after the opening time" in page and 'value="25"' in page


def test_a_date_not_understood_is_said_and_the_member_page_links_the_standing(client):
    ann = factories.person(branch=factories.branch()).memberships.get()
    client.force_login(factories.user(Role.NATIONAL_ADMIN))
    r = client.get(f"/payments/memberships/{ann.pk}/?on=garbage")
    assert r.status_code == 400
    assert "the date garbage is not understood" in r.content.decode()
    assert "not understood" not in client.get(f"/payments/memberships/{ann.pk}/").content.decode()
    page = client.get(f"/members/{ann.person_id}/").content.decode()
    assert f'href="/payments/memberships/{ann.pk}/"' in page


def test_the_public_rules_page_speaks_in_names_and_dates_for_every_version(client):
    from datetime import datetime, timedelta

    from django.utils import timezone

    from groundswell.lifecycle.models import RulesVersion, SupporterWindow
    from tests.ballots.factories import draft_ballot

    tz = timezone.get_current_timezone()
    SupporterWindow.objects.create(
        slug="demo-2026", name="Summer supporters 2026", fee_pence=2500, branch=factories.branch(),
        opens_at=datetime(2026, 7, 1, 9, tzinfo=tz), closes_at=datetime(2026, 7, 3, 9, tzinfo=tz),
    )  # fmt: skip
    ballot = draft_ballot(
        factories.user(Role.RETURNING_OFFICER), opens_in=timedelta(days=1), closes_in=timedelta(days=3)
    )
    first = {"categories": ["member"], "freeze_date": "2026-07-12", "min_membership_months": 6}
    second = {
        **first, "categories": ["member", "registered_supporter"], "dues_in_good_standing_by": "2026-08-08",
        "dues_categories": ["member"], "supporter_fee_window": "demo-2026",
        "fee_categories": ["registered_supporter"],
    }  # fmt: skip
    RulesVersion.objects.create(ballot=ballot, number=1, document=first, note="first draft")
    RulesVersion.objects.create(ballot=ballot, number=2, document=second, note="supporters added")
    page = client.get(f"/eligibility/{ballot.pk}/").content.decode()
    assert "member, registered_supporter" not in page and "demo-2026<" not in page
    assert "Who votes: Members and registered supporters." in page
    assert "Dues of members must be in good standing by 8 August 2026" in page
    assert "Summer supporters 2026</a> (open 1 July 2026, 09:00 to 3 July 2026, 09:00, fee £25.00)" in page
    # the earlier version shows its own rules, not only its note
    earlier = page[page.index('data-testid="version-1"') :]
    assert "Who votes: Members." in earlier and "The electorate is fixed on 12 July 2026" in earlier
    assert "at least 6 month(s) before it" in earlier and "first draft" in earlier


def test_the_closed_window_message_writes_the_date_as_the_page_does(client):
    from datetime import datetime

    from django.utils import timezone

    from groundswell.lifecycle.models import SupporterWindow

    tz = timezone.get_current_timezone()
    SupporterWindow.objects.create(
        slug="past", name="Past window", fee_pence=2500, branch=factories.branch(),
        opens_at=datetime(2025, 12, 4, 9, tzinfo=tz), closes_at=datetime(2025, 12, 6, 9, tzinfo=tz),
    )  # fmt: skip
    assert "Sign-up closed on 6 December 2025 at 09:00." in client.get("/supporters/past/").content.decode()
    page = client.post("/supporters/past/", {"first_name": "Sue"}).content.decode()
    assert "closed on 6 December 2025 at 09:00" in page and "06 December" not in page


def test_the_published_counts_of_people_left_out_are_in_words(client, monkeypatch):
    """Once the result is published, the public page says why people were left out in words,
    not in the rules' reason codes (counts only, never names)."""
    from datetime import timedelta

    from django.utils.html import escape

    from groundswell.ballots.models import Ballot
    from groundswell.core.lifecycle.eligibility import Reason
    from groundswell.lifecycle import selectors, views
    from groundswell.lifecycle.models import RulesVersion
    from tests.ballots.factories import draft_ballot

    ballot = draft_ballot(
        factories.user(Role.RETURNING_OFFICER), opens_in=timedelta(days=1), closes_in=timedelta(days=3)
    )
    RulesVersion.objects.create(ballot=ballot, number=1, document={"categories": ["member"]}, note="")
    Ballot.objects.filter(pk=ballot.pk).update(status=Ballot.Status.PUBLISHED)
    by_reason = {r.value: i for i, r in enumerate(Reason, 1)}
    monkeypatch.setattr(selectors, "exclusion_counts", lambda b: {"rules_version": 1, "by_reason": by_reason})
    page = client.get(f"/eligibility/{ballot.pk}/").content.decode()
    table = page[page.index('data-testid="exclusions"') :]
    assert "in_arrears" not in table and "joined_too_late" not in table
    assert set(views.REASON_LABELS) == {r.value for r in Reason}  # every code has its words
    for code, n in by_reason.items():
        assert f"<td>{escape(views.REASON_LABELS[code])}</td><td>{n}</td>" in table
