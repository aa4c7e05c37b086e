"""Phone banks over members (to recruit volunteers, or to get the vote out in a ballot),
played by the adversary first: an organiser reaching members of another branch, a GOTV list
that would tell callers who has voted, a TPS-listed member without consent, and a member's
"do not call" ignored by the next list."""

from datetime import date, time

import pytest

from groundswell.accounts.models import Role
from groundswell.accounts.policies import Refused
from groundswell.ballots.models import Ballot, SpentCredential
from groundswell.ballots.models import Elector as BallotElector
from groundswell.groundgame.models import Contact
from groundswell.reach import services
from groundswell.reach.models import CallAttempt, CallTarget, PhoneBank, TpsNumber
from tests import factories
from tests.ballots.factories import draft_ballot
from tests.reach.helpers import daytime


def member(branch, n, *, phone=True, **kw):
    p = factories.person(branch=branch, first_name=f"Member{n}", last_name="Caller", **kw)
    if phone:
        p.phone = f"07700 900{n:03d}" if phone is True else phone
        p.save(update_fields=["phone"])
    return p


def joined(bank, name):
    u = factories.user(Role.CANVASSER, email=f"{name}@example.org")
    services.phone_bank_join(user=u, code=bank.code)
    return u


def test_a_members_list_holds_current_members_of_the_branch_with_a_usable_phone(branches, users):
    north, south = branches
    keep = [member(north, 1), member(north, 2)]
    member(north, 3, lapsed_on=date(2016, 1, 1))  # lapsed
    member(north, 4, phone=False)  # no number
    member(north, 5, phone="not a number")
    member(south, 6)  # another branch
    bank = services.phone_bank_create(
        user=users[Role.BRANCH_ORGANISER], branch=north, name="Volunteer drive", segment="members"
    )
    assert sorted(bank.targets.values_list("person_id", flat=True)) == sorted(p.pk for p in keep)
    assert not bank.targets.filter(elector__isnull=False).exists()
    with pytest.raises(Refused) as e:
        services.phone_bank_create(
            user=users[Role.BRANCH_ORGANISER], branch=south, name="Raid", segment="members"
        )
    assert e.value.status == 403


def test_a_member_on_the_tps_list_is_called_only_with_their_recorded_phone_consent(branches, users):
    north, _ = branches
    no_consent = member(north, 1)
    consented = member(north, 2)
    consented.consent_phone_on = date(2017, 5, 1)
    consented.save(update_fields=["consent_phone_on"])
    TpsNumber.objects.bulk_create([TpsNumber(number="+447700900001"), TpsNumber(number="+447700900002")])
    bank = services.phone_bank_create(
        user=users[Role.BRANCH_ORGANISER], branch=north, name="Calls", segment="members"
    )
    assert list(bank.targets.values_list("person_id", flat=True)) == [consented.pk]
    ann = joined(bank, "ann")
    assert services.call_next(bank=bank, user=ann, now=daytime()).person_id == consented.pk
    assert no_consent.pk not in CallTarget.objects.values_list("person_id", flat=True)


def _open_ballot_with(users, branch, people):
    ballot = draft_ballot(users[Role.RETURNING_OFFICER])
    Ballot.objects.filter(pk=ballot.pk).update(status=Ballot.Status.OPEN, branch=branch)
    ballot.refresh_from_db()
    return ballot, {
        p.pk: BallotElector.objects.create(ballot=ballot, person=p, category="member") for p in people
    }


def test_a_ballot_list_calls_the_electorate_and_never_tells_anyone_who_has_voted(branches, users, client):
    """The marked register is used as a count only: a list built before and after members
    vote is the same, the caller's page and the organiser's dashboard name nobody as voted."""
    north, _ = branches
    a, b, c = member(north, 1), member(north, 2), member(north, 3)
    not_elector = member(north, 4)
    ballot, electors = _open_ballot_with(users, north, [a, b, c])
    org = users[Role.BRANCH_ORGANISER]
    before = services.phone_bank_create(
        user=org, branch=north, name="GOTV 1", segment="ballot", ballot=ballot
    )
    SpentCredential.objects.create(
        elector=electors[a.pk], ballot=ballot, category="member", spent_on=date.today()
    )
    after = services.phone_bank_create(user=org, branch=north, name="GOTV 2", segment="ballot", ballot=ballot)
    expected = sorted([a.pk, b.pk, c.pk])
    assert sorted(before.targets.values_list("person_id", flat=True)) == expected
    assert sorted(after.targets.values_list("person_id", flat=True)) == expected
    assert not_elector.pk not in after.targets.values_list("person_id", flat=True)
    client.force_login(org)
    page = client.get(f"/phonebanks/{after.pk}/").content.decode()
    assert "Member1" not in page and "voted so far" not in page  # the organiser: no turnout
    client.force_login(users[Role.NATIONAL_ADMIN])  # who may see the ballot's turnout: a count
    page = client.get(f"/phonebanks/{after.pk}/").content.decode()
    assert "1 of 3 voted so far" in page and "Member1" not in page
    # the caller holding a's number sees a script and a's name, nothing about a's vote
    ann = joined(after, "ann")
    PhoneBank.objects.filter(pk=after.pk).update(opens=time(0), closes=time(23, 59, 59))
    after.refresh_from_db()
    while True:
        held = services.call_next(bank=after, user=ann)
        if held.person_id == a.pk:
            break
        services.call_wrap_up(bank=after, user=ann, target_id=held.pk, outcome="wrong_number")
    client.force_login(ann)
    page = client.get(f"/call/{after.code}/").content.decode()
    assert (
        "Member1" in page and "has voted" not in page.lower() and "already voted" in page
    )  # a result to pick


def test_a_ballot_must_be_open_and_cover_the_branch(branches, users):
    north, south = branches
    ballot, _ = _open_ballot_with(users, south, [member(south, 1)])
    with pytest.raises(Refused) as e:
        services.phone_bank_create(
            user=users[Role.NATIONAL_ADMIN], branch=north, name="x", segment="ballot", ballot=ballot
        )
    assert e.value.status == 422
    Ballot.objects.filter(pk=ballot.pk).update(status=Ballot.Status.CLOSED, branch=None)
    ballot.refresh_from_db()
    with pytest.raises(Refused):
        services.phone_bank_create(
            user=users[Role.NATIONAL_ADMIN], branch=north, name="x", segment="ballot", ballot=ballot
        )


def test_a_member_call_records_a_member_result_not_a_register_contact(branches, users):
    north, _ = branches
    member(north, 1)
    bank = services.phone_bank_create(
        user=users[Role.BRANCH_ORGANISER], branch=north, name="Volunteers", segment="members"
    )
    ann = joined(bank, "ann")
    t = services.call_next(bank=bank, user=ann, now=daytime())
    with pytest.raises(Refused) as e:  # an answered member call needs the member's answer
        services.call_wrap_up(bank=bank, user=ann, target_id=t.pk, outcome="answered", now=daytime())
    assert e.value.status == 422
    services.call_wrap_up(
        bank=bank,
        user=ann,
        target_id=t.pk,
        outcome="answered",
        survey={"result": "will_volunteer"},
        now=daytime(),
    )
    assert list(CallAttempt.objects.values_list("outcome", "result")) == [("answered", "will_volunteer")]
    assert not Contact.objects.exists()


def test_a_members_do_not_call_is_honoured_by_every_later_list(branches, users):
    north, _ = branches
    member(north, 1)
    org = users[Role.BRANCH_ORGANISER]
    bank = services.phone_bank_create(user=org, branch=north, name="First", segment="members")
    ann = joined(bank, "ann")
    t = services.call_next(bank=bank, user=ann, now=daytime())
    services.call_wrap_up(bank=bank, user=ann, target_id=t.pk, outcome="do_not_call", now=daytime())
    again = services.phone_bank_create(user=org, branch=north, name="Second", segment="members")
    assert again.targets.count() == 0


def test_erasing_a_member_takes_them_off_call_lists(branches, users):
    from groundswell.members.services import person_erase

    north, _ = branches
    p = member(north, 1)
    services.phone_bank_create(user=users[Role.BRANCH_ORGANISER], branch=north, name="x", segment="members")
    person_erase(person=p, actor=users[Role.NATIONAL_ADMIN], confirm=True)
    assert not CallTarget.objects.exists()
