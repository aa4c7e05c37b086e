"""Vetting, the adversaries first: an organiser reaching outside their branches, one officer
excluding someone on political grounds alone, a stranger appealing someone else's case, an
appeal after the deadline, the proposer sitting on their own appeal, an exclusion meant to
cancel a vote already cast. Then what the excluded person is told, refunds and the audit."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from groundswell.accounts.models import AuditEvent, Role
from groundswell.accounts.policies import Refused
from groundswell.ballots import services as ballots
from groundswell.ballots.models import Elector
from groundswell.vetting import selectors, services
from groundswell.vetting.models import Appeal, Exclusion
from tests import factories
from tests.ballots.factories import draft_ballot
from tests.vetting.helpers import code, exclude, open_supporters_ballot, panel_member, supporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(branches, users):
    north, south = branches
    ro = users[Role.RETURNING_OFFICER]
    sue = supporter(north, first_name="Sue", email="sue.supporter@example.org")
    sam = supporter(south, first_name="Sam")
    ballot = open_supporters_ballot(ro)
    mail.outbox.clear()  # the voting codes
    return ballot, sue, sam


def _must_tender(ballot, person) -> bool:
    return Elector.objects.get(ballot=ballot, person=person).must_tender


def test_an_organiser_cannot_exclude_someone_outside_their_branches(setting, users):
    ballot, _, sam = setting
    with pytest.raises(Refused) as e:
        exclude(users[Role.BRANCH_ORGANISER], ballot, sam)
    assert e.value.status == 404
    assert not Exclusion.objects.exists() and not _must_tender(ballot, sam)


@pytest.mark.parametrize("role", [Role.MEMBER, Role.RETURNING_OFFICER, Role.CANVASSER])
def test_only_officers_propose_exclusions(setting, users, role):
    ballot, sue, _ = setting
    with pytest.raises(Refused) as e:
        exclude(users[role], ballot, sue)
    assert e.value.status == 403 and not Exclusion.objects.exists()


def test_an_unknown_criterion_or_no_evidence_is_refused_naming_the_field(setting, users):
    ballot, sue, _ = setting
    with pytest.raises(Refused) as e:
        exclude(users[Role.NATIONAL_ADMIN], ballot, sue, criterion="looks_shifty")
    assert e.value.status == 422 and "criterion" in e.value.message and "abuse" in e.value.message
    with pytest.raises(Refused) as e:
        exclude(users[Role.NATIONAL_ADMIN], ballot, sue, evidence="  ")
    assert e.value.status == 422 and "evidence" in e.value.message


def test_a_political_exclusion_needs_a_second_different_officer(setting, users, branches):
    ballot, sue, _ = setting
    organiser = users[Role.BRANCH_ORGANISER]
    ex = exclude(organiser, ballot, sue, criterion="supports_another_party", evidence="Stood for the Greens")
    assert ex.state == Exclusion.State.PROPOSED
    assert not _must_tender(ballot, sue)  # not in force: she still votes into the box
    with pytest.raises(Refused) as e:
        services.exclusion_confirm(actor=organiser, exclusion=ex)
    assert e.value.status == 403 and "second" in e.value.message
    other_branch = factories.user(Role.BRANCH_ORGANISER, branch=branches[1])
    with pytest.raises(Refused) as e:
        services.exclusion_confirm(actor=other_branch, exclusion=ex)
    assert e.value.status == 404
    assert Exclusion.objects.get().state == Exclusion.State.PROPOSED and not mail.outbox
    services.exclusion_confirm(actor=users[Role.NATIONAL_ADMIN], exclusion=ex)
    ex.refresh_from_db()
    assert ex.state == Exclusion.State.IN_FORCE and ex.confirmed_by == users[Role.NATIONAL_ADMIN]
    assert _must_tender(ballot, sue)


def test_a_non_political_exclusion_is_in_force_at_once(setting, users):
    ballot, sue, _ = setting
    ex = exclude(users[Role.BRANCH_ORGANISER], ballot, sue)
    assert ex.state == Exclusion.State.IN_FORCE and _must_tender(ballot, sue)


def test_the_person_is_told_the_reason_and_deadline_by_email_even_without_marketing_consent(
    setting, users, client, django_capture_on_commit_callbacks
):
    ballot, sue, _ = setting
    assert sue.consent_email_on is None  # no consent to email: a legal notice goes anyway
    with django_capture_on_commit_callbacks(execute=True):
        ex = exclude(users[Role.BRANCH_ORGANISER], ballot, sue)
    assert [m.to for m in mail.outbox] == [["sue.supporter@example.org"]]
    body = mail.outbox[0].body
    local = timezone.localtime(ex.appeal_deadline)
    deadline = f"{local.day} {local:%B %Y}"  # as the page writes it: "6 December", not "06 December"
    assert "Abusive" in body and "screenshots held" in body and deadline in body
    assert "tendered" in body and "/me/vetting/" in body
    # and on her own page, signed in
    client.force_login(factories.user(person=sue))
    page = client.get("/me/vetting/").content.decode()
    assert "Abusive" in page and deadline in page and "screenshots held" in page


def test_only_the_person_appeals_and_only_before_the_deadline(setting, users):
    ballot, sue, _ = setting
    ex = exclude(users[Role.NATIONAL_ADMIN], ballot, sue)
    sue_user = factories.user(person=sue)
    with pytest.raises(Refused) as e:
        services.appeal_lodge(actor=users[Role.MEMBER], exclusion=ex, statement="Not me")
    assert e.value.status == 404
    with pytest.raises(Refused) as e:
        services.appeal_lodge(actor=sue_user, exclusion=ex, statement=" ")
    assert e.value.status == 422 and "statement" in e.value.message
    with pytest.raises(Refused) as e:
        services.appeal_lodge(
            actor=sue_user, exclusion=ex, statement="Those posts were not mine",
            now=ex.appeal_deadline + timedelta(seconds=1),
        )  # fmt: skip
    assert e.value.status == 409 and "deadline" in e.value.message
    services.appeal_lodge(actor=sue_user, exclusion=ex, statement="Those posts were not mine")
    with pytest.raises(Refused) as e:
        services.appeal_lodge(actor=sue_user, exclusion=ex, statement="Again")
    assert e.value.status == 409
    assert Appeal.objects.count() == 1


def test_only_the_named_panel_decides_never_an_officer_who_proposed_or_confirmed(setting, users):
    ballot, sue, _ = setting
    admin, organiser = users[Role.NATIONAL_ADMIN], users[Role.BRANCH_ORGANISER]
    ex = exclude(organiser, ballot, sue, criterion="supports_another_party")
    services.exclusion_confirm(actor=admin, exclusion=ex)
    appeal = services.appeal_lodge(actor=factories.user(person=sue), exclusion=ex, statement="I never did")
    for who in (admin, organiser, users[Role.RETURNING_OFFICER]):  # not on the panel
        with pytest.raises(Refused) as e:
            services.appeal_decide(actor=who, appeal=appeal, allow=True, reasons="x", confirm=True)
        assert e.value.status == 403
    services.panel_appoint(actor=admin, user=organiser)
    services.panel_appoint(actor=admin, user=admin)
    for who in (admin, organiser):  # on the panel, but they proposed or confirmed it
        with pytest.raises(Refused) as e:
            services.appeal_decide(actor=who, appeal=appeal, allow=True, reasons="x", confirm=True)
        assert e.value.status == 403 and "proposed or confirmed" in e.value.message
    panel = panel_member(admin)
    with pytest.raises(Refused) as e:
        services.appeal_decide(actor=panel, appeal=appeal, allow=True, reasons="  ", confirm=True)
    assert e.value.status == 422 and "reasons" in e.value.message
    with pytest.raises(Refused) as e:
        services.appeal_decide(actor=panel, appeal=appeal, allow=True, reasons="No evidence she stood")
    assert e.value.status == 428  # final: the panel confirms
    services.appeal_decide(
        actor=panel, appeal=appeal, allow=True, reasons="No evidence she stood", confirm=True
    )
    ex.refresh_from_db()
    assert ex.state == Exclusion.State.REINSTATED and not _must_tender(ballot, sue)
    with pytest.raises(Refused) as e:
        services.appeal_decide(actor=panel, appeal=appeal, allow=False, reasons="Changed mind", confirm=True)
    assert e.value.status == 409


def test_only_national_admins_name_the_panel(setting, users):
    with pytest.raises(Refused):
        services.panel_appoint(actor=users[Role.BRANCH_ORGANISER], user=users[Role.BRANCH_ORGANISER])


def test_an_exclusion_cannot_cancel_a_vote_already_cast(setting, users):
    ballot, sue, _ = setting
    ballots.ballot_cast(credential=code(ballot, sue), ranking=[0])
    with pytest.raises(Refused) as e:
        exclude(users[Role.NATIONAL_ADMIN], ballot, sue)
    assert e.value.status == 409 and "already voted" in e.value.message
    assert not Exclusion.objects.exists()


def test_an_exclusion_made_before_the_ballot_opens_applies_when_the_electorate_is_frozen(branches, users):
    from tests.ballots.factories import open_ballot
    from tests.vetting.helpers import CATEGORIES

    north, _ = branches
    sue = supporter(north)
    ballot = draft_ballot(users[Role.RETURNING_OFFICER], categories=CATEGORIES)
    exclude(users[Role.NATIONAL_ADMIN], ballot, sue)
    open_ballot(ballot)
    assert _must_tender(ballot, sue)


def _pay(admin, person, pence=2500):
    from groundswell.lifecycle.services import payments_import

    number = person.memberships.get().membership_number
    amount = f"{pence / 100:.2f}"
    data = (
        "Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,"
        f"Debit Amount,Credit Amount,Balance\n20/07/2016,FPI,,,{number},,{amount},{amount}\n"
    ).encode()
    payments_import(user=admin, fmt="bank_csv", filename=f"fee-{number}.csv", data=data)


def test_refunds_owed_list_excluded_supporters_whose_fee_was_taken(setting, users, branches):
    ballot, sue, sam = setting
    admin = users[Role.NATIONAL_ADMIN]
    member = factories.person(branch=branches[0])
    ballot_member = member  # a member (dues, not a fee) is not refunded
    _pay(admin, sue)
    _pay(admin, sam)
    _pay(admin, ballot_member, 500)
    from tests.ballots.factories import open_ballot  # noqa: F401

    for p in (sue, sam):
        exclude(admin, ballot, p)
    rows = selectors.refunds_owed(admin)
    assert {(r.exclusion.person_id, r.amount_pence) for r in rows} == {(sue.pk, 2500), (sam.pk, 2500)}
    # an organiser sees only their branches' people
    assert [r.exclusion.person_id for r in selectors.refunds_owed(users[Role.BRANCH_ORGANISER])] == [sue.pk]
    with pytest.raises(Refused):
        selectors.refunds_owed(users[Role.MEMBER])
    sam_ex = Exclusion.objects.get(person=sam)
    with pytest.raises(Refused) as e:
        services.refund_record(actor=users[Role.BRANCH_ORGANISER], exclusion=sam_ex, reference="R1")
    assert e.value.status == 404
    services.refund_record(actor=admin, exclusion=sam_ex, reference="BACS 2016-08-01 R1")
    assert [r.exclusion.person_id for r in selectors.refunds_owed(admin)] == [sue.pk]
    # reinstated on appeal: she votes, nothing to refund
    ex = Exclusion.objects.get(person=sue)
    appeal = services.appeal_lodge(actor=factories.user(person=sue), exclusion=ex, statement="Wrong person")
    services.appeal_decide(
        actor=panel_member(admin), appeal=appeal, allow=True, reasons="Wrong person", confirm=True
    )
    assert selectors.refunds_owed(admin) == []


def test_every_step_is_audited_without_the_evidence_or_statement_in_the_trail(setting, users):
    ballot, sue, _ = setting
    admin = users[Role.NATIONAL_ADMIN]
    ex = exclude(users[Role.BRANCH_ORGANISER], ballot, sue, criterion="supports_another_party")
    services.exclusion_confirm(actor=admin, exclusion=ex)
    appeal = services.appeal_lodge(actor=factories.user(person=sue), exclusion=ex, statement="Secret reasons")
    services.appeal_decide(
        actor=panel_member(admin), appeal=appeal, allow=False, reasons="Stood", confirm=True
    )
    services.exclusions_for_officer(actor=admin, ballot=ballot)
    actions = set(AuditEvent.objects.filter(action__startswith="vetting.").values_list("action", flat=True))
    assert actions >= {
        "vetting.panel_appoint",
        "vetting.propose",
        "vetting.confirm",
        "vetting.appeal",
        "vetting.decide",
        "vetting.list_read",
    }
    details = " ".join(str(d) for d in AuditEvent.objects.values_list("detail", flat=True))
    assert "Secret reasons" not in details and "screenshots" not in details


def test_subject_access_shows_the_case_and_erasure_blanks_it_but_keeps_the_published_count(setting, users):
    from groundswell.members.services import person_erase, person_subject_access

    ballot, sue, _ = setting
    admin = users[Role.NATIONAL_ADMIN]
    ex = exclude(users[Role.BRANCH_ORGANISER], ballot, sue, evidence="Sue's posts of 3 May")
    services.appeal_lodge(actor=factories.user(person=sue), exclusion=ex, statement="I, Sue, deny it")
    held = person_subject_access(person=sue, actor=admin)["vetting"]["exclusions"][0]
    assert held["evidence"] == "Sue's posts of 3 May" and held["appeal"]["statement"] == "I, Sue, deny it"
    person_erase(person=sue, actor=admin, confirm=True)
    assert not Exclusion.objects.filter(evidence__contains="Sue").exists()
    assert not Appeal.objects.filter(statement__contains="Sue").exists()
    assert selectors.published_counts(ballot)["in_force_by_reason"] == {"abuse": 1}


def test_the_command_lists_a_ballots_cases_and_counts(setting, users, capsys):
    import json

    from django.core.management import call_command

    ballot, sue, _ = setting
    exclude(users[Role.NATIONAL_ADMIN], ballot, sue)
    call_command("vetting", "list", str(ballot.pk), "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["cases"][0]["criterion"] == "abuse" and out["counts"]["in_force_by_reason"] == {"abuse": 1}
    call_command("vetting", "list", str(ballot.pk))
    assert "abuse" in capsys.readouterr().out
