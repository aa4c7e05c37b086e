"""The propose form on /vetting/: a refusal keeps what was typed and names the field; an
exclusion in force at once (non-political) asks to confirm, saying who, which ballot and
that an email goes, and nothing happens (no case, no email) until it is confirmed."""

import pytest
from django.core import mail

from groundswell.accounts.models import Role
from groundswell.vetting.models import Exclusion
from tests.vetting.helpers import open_supporters_ballot, supporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(branches, users, client):
    north, _ = branches
    sue = supporter(north, first_name="Sue", last_name="Example", email="sue.supporter@example.org")
    ballot = open_supporters_ballot(users[Role.RETURNING_OFFICER])
    mail.outbox.clear()
    client.force_login(users[Role.BRANCH_ORGANISER])
    return ballot, sue


def test_an_empty_evidence_keeps_person_criterion_and_ballot_and_names_the_field(client, setting):
    ballot, sue = setting
    number = sue.memberships.get().membership_number
    r = client.post(
        "/vetting/propose/",
        {"ballot": ballot.pk, "who": number, "criterion": "duplicate", "evidence": "  "},
        follow=True,
    )
    page = r.content.decode()
    assert "Evidence: required" in page
    assert f'name="who" required value="{number}"' in page
    assert '<option value="duplicate" selected>' in page
    assert f'<option value="{ballot.pk}" selected>' in page
    assert not Exclusion.objects.exists()


def test_a_non_political_exclusion_asks_to_confirm_first_and_only_then_emails(
    client, setting, django_capture_on_commit_callbacks
):
    ballot, sue = setting
    body = {"ballot": ballot.pk, "who": sue.email, "criterion": "abuse", "evidence": "Threats on 3 May"}
    page = client.post("/vetting/propose/", body).content.decode()
    assert "Confirm the exclusion" in page
    assert "Sue Example" in page and ballot.title in page and "emailed a notice" in page
    assert not Exclusion.objects.exists() and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/vetting/propose/", {**body, "confirm": "yes"})
    assert r.status_code == 302
    assert Exclusion.objects.get().state == Exclusion.State.IN_FORCE
    assert [m.to for m in mail.outbox] == [[sue.email]]


def test_the_case_page_writes_its_times_without_a_double_full_stop(client, setting):
    ballot, sue = setting
    body = {
        "ballot": ballot.pk,
        "who": sue.email,
        "criterion": "abuse",
        "evidence": "Threats",
        "confirm": "yes",
    }
    page = client.post("/vetting/propose/", body, follow=True).content.decode()
    assert "In force since" in page and ".." not in page.split("In force since", 1)[1].split("</p>", 1)[0]
    assert "m.." not in page
