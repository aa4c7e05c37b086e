"""Phone banks, played by the adversary first: a caller fishing for numbers that are not
theirs, two callers racing for a household, an organiser reaching over another branch, and
a TPS-listed number reaching a caller."""

from datetime import timedelta

import pytest

from groundswell.accounts.models import AuditEvent, Role
from groundswell.accounts.policies import Refused
from groundswell.groundgame.models import Contact
from groundswell.reach import services
from groundswell.reach.models import CallTarget, DoNotCall
from groundswell.reach.selectors import is_suppressed
from tests import factories
from tests.reach.helpers import daytime, seat_with_phones


@pytest.fixture
def north_bank(branches, users):
    north, _ = branches
    _seat, electors = seat_with_phones(north, n=5)
    bank = services.phone_bank_create(user=users[Role.BRANCH_ORGANISER], branch=north, name="Tuesday calls")
    return bank, electors


def caller(bank, name):
    u = factories.user(Role.CANVASSER, email=f"{name}@example.org")
    services.phone_bank_join(user=u, code=bank.code)
    return u


def test_an_organiser_of_branch_a_cannot_build_a_call_list_over_branch_b(branches, users):
    north, south = branches
    seat_with_phones(south, n=3, prefix="07700 901")
    with pytest.raises(Refused) as e:
        services.phone_bank_create(user=users[Role.BRANCH_ORGANISER], branch=south, name="Raid")
    assert e.value.status == 403 and not CallTarget.objects.exists()
    for role in (Role.CANVASSER, Role.MEMBER, Role.RETURNING_OFFICER):
        with pytest.raises(Refused):
            services.phone_bank_create(user=users[role], branch=north, name="x")
    bank = services.phone_bank_create(user=users[Role.NATIONAL_ADMIN], branch=south, name="National")
    assert bank.targets.count() == 3


def test_a_caller_never_sees_or_records_a_household_not_assigned_to_them(north_bank):
    bank, _ = north_bank
    ann, bob = caller(bank, "ann"), caller(bank, "bob")
    now = daytime()
    a = services.call_next(bank=bank, user=ann, now=now)
    with pytest.raises(Refused) as e:
        services.call_wrap_up(
            bank=bank, user=bob, target_id=a.pk, outcome="answered", survey={"code": "LAB"}, now=now
        )
    assert e.value.status == 404 and not Contact.objects.exists()
    # after wrapping up, ann no longer holds it either
    services.call_wrap_up(
        bank=bank, user=ann, target_id=a.pk, outcome="answered", survey={"code": "LAB"}, now=now
    )
    with pytest.raises(Refused):
        services.call_wrap_up(
            bank=bank, user=ann, target_id=a.pk, outcome="answered", survey={"code": "CON"}, now=now
        )
    assert list(Contact.objects.values_list("code", "channel")) == [("LAB", "phone")]


def test_someone_who_has_not_joined_gets_nothing(north_bank, users):
    bank, _ = north_bank
    with pytest.raises(Refused) as e:
        services.call_next(bank=bank, user=users[Role.CANVASSER], now=daytime())
    assert e.value.status == 404


def test_two_callers_never_hold_the_same_household_and_each_holds_one_at_a_time(north_bank):
    bank, _ = north_bank
    ann, bob = caller(bank, "ann"), caller(bank, "bob")
    now = daytime()
    a1 = services.call_next(bank=bank, user=ann, now=now)
    b1 = services.call_next(bank=bank, user=bob, now=now)
    assert a1.pk != b1.pk
    assert services.call_next(bank=bank, user=ann, now=now).pk == a1.pk  # still one at a time
    # ann walks away: after the lease runs out the household can go to someone else
    later = now + services.LEASE + timedelta(seconds=1)
    services.call_wrap_up(bank=bank, user=bob, target_id=b1.pk, outcome="no_answer", now=now)
    b2 = services.call_next(bank=bank, user=bob, now=later)
    assert b2.pk == a1.pk
    with pytest.raises(Refused):
        services.call_wrap_up(
            bank=bank, user=ann, target_id=a1.pk, outcome="answered", survey={"code": "LAB"}, now=later
        )


def test_busy_comes_back_to_the_same_caller_after_its_delay(north_bank):
    bank, _ = north_bank
    ann, bob = caller(bank, "ann"), caller(bank, "bob")
    now = daytime()
    t = services.call_next(bank=bank, user=ann, now=now)
    services.call_wrap_up(bank=bank, user=ann, target_id=t.pk, outcome="busy", now=now)
    later = now + timedelta(minutes=bank.busy_delay_minutes)
    seen_by_bob = set()
    for _ in range(4):
        b = services.call_next(bank=bank, user=bob, now=later)
        seen_by_bob.add(b.pk)
        services.call_wrap_up(
            bank=bank, user=bob, target_id=b.pk, outcome="answered", survey={"code": "DK"}, now=later
        )
    assert t.pk not in seen_by_bob
    assert services.call_next(bank=bank, user=ann, now=later).pk == t.pk


def test_a_number_on_the_tps_list_never_reaches_a_caller_unless_consent_is_recorded(north_bank, users):
    bank, _electors = north_bank
    admin = users[Role.NATIONAL_ADMIN]
    services.tps_import(user=admin, lines=["number", "07700900001", "+44 7700 900002"], filename="tps.csv")
    ann = caller(bank, "ann")
    now = daytime()
    handed = []
    while (t := services.call_next(bank=bank, user=ann, now=now)) is not None:
        handed.append(t.number)
        services.call_wrap_up(
            bank=bank, user=ann, target_id=t.pk, outcome="answered", survey={"code": "LAB"}, now=now
        )
    assert "+447700900001" not in handed and "+447700900002" not in handed and len(handed) == 3
    # consent needs evidence, then lifts TPS suppression
    with pytest.raises(Refused):
        services.consent_record(user=admin, number="07700900001", evidence="")
    services.consent_record(user=admin, number="07700900001", evidence="signed up on the doorstep 1 Dec")
    assert not is_suppressed("+447700900001") and is_suppressed("+447700900002")
    assert services.call_next(bank=bank, user=ann, now=now).number == "+447700900001"


def test_a_tps_file_with_a_bad_line_imports_nothing_and_says_where(users):
    with pytest.raises(Refused) as e:
        services.tps_import(
            user=users[Role.NATIONAL_ADMIN], lines=["07700900001", "call me"], filename="tps.csv"
        )
    assert "tps.csv, line 2" in e.value.message
    with pytest.raises(Refused):
        services.tps_import(user=users[Role.BRANCH_ORGANISER], lines=["07700900001"])


def test_do_not_call_is_honoured_in_every_bank_and_reversed_only_by_the_person(north_bank, users, branches):
    bank, _electors = north_bank
    ann = caller(bank, "ann")
    now = daytime()
    t = services.call_next(bank=bank, user=ann, now=now)
    services.call_wrap_up(bank=bank, user=ann, target_id=t.pk, outcome="do_not_call", now=now)
    assert DoNotCall.objects.filter(number=t.number).exists()
    other = services.phone_bank_create(user=users[Role.BRANCH_ORGANISER], branch=branches[0], name="Again")
    assert not other.targets.filter(number=t.number).exists()
    with pytest.raises(Refused):
        services.do_not_call_reverse(user=users[Role.BRANCH_ORGANISER], number=t.number)
    with pytest.raises(Refused):
        services.do_not_call_reverse(user=users[Role.NATIONAL_ADMIN], number=t.number)
    person = factories.person(branch=branches[0], first_name="Vee", last_name="Oter")
    person.phone = "07700 900" + t.number[-3:]
    person.save()
    me = factories.user(Role.MEMBER, person=person, email="vee@example.org")
    # a number on a member record proves nothing (imports write it): an objection a caller
    # took stays; the person lifts only one they made themselves (tests/reach/test_pages.py)
    with pytest.raises(Refused):
        services.do_not_call_reverse(user=me, number=t.number)
    assert DoNotCall.objects.filter(number=t.number).exists()
    assert not AuditEvent.objects.filter(action="reach.do_not_call_reversed").exists()


def test_do_not_call_recorded_mid_session_takes_a_held_household_away(north_bank):
    bank, _ = north_bank
    ann = caller(bank, "ann")
    now = daytime()
    t = services.call_next(bank=bank, user=ann, now=now)
    services.do_not_call_record(number=t.number)
    assert services.call_next(bank=bank, user=ann, now=now).pk != t.pk


def test_wrong_number_removes_the_number_and_completed_rests_a_week(north_bank, users, branches):
    bank, _electors = north_bank
    ann = caller(bank, "ann")
    now = daytime()
    t = services.call_next(bank=bank, user=ann, now=now)
    services.call_wrap_up(bank=bank, user=ann, target_id=t.pk, outcome="wrong_number", now=now)
    t2 = services.call_next(bank=bank, user=ann, now=now)
    services.call_wrap_up(
        bank=bank, user=ann, target_id=t2.pk, outcome="answered", survey={"code": "LAB"}, now=now
    )
    again = services.phone_bank_create(user=users[Role.BRANCH_ORGANISER], branch=branches[0], name="Again")
    numbers = set(again.targets.values_list("number", flat=True))
    assert t.number not in numbers and t2.number not in numbers and len(numbers) == 3


def test_calls_only_within_calling_hours(north_bank):
    bank, _ = north_bank
    ann = caller(bank, "ann")
    with pytest.raises(Refused) as e:
        services.call_next(bank=bank, user=ann, now=daytime(22))
    assert e.value.status == 409


def test_an_answered_call_needs_the_survey(north_bank):
    bank, _ = north_bank
    ann = caller(bank, "ann")
    t = services.call_next(bank=bank, user=ann, now=daytime())
    with pytest.raises(Refused):
        services.call_wrap_up(
            bank=bank, user=ann, target_id=t.pk, outcome="answered", survey={}, now=daytime()
        )


def test_cli_imports_the_tps_file_all_or_nothing_and_reports_progress(tmp_path, north_bank):
    from django.core.management import CommandError, call_command

    bank, _ = north_bank
    bad = tmp_path / "tps.txt"
    bad.write_text("07700900001\nnot a number\n")
    with pytest.raises(CommandError, match=r"tps\.txt, line 2"):
        call_command("import_tps", str(bad))
    assert not is_suppressed("+447700900001")
    good = tmp_path / "tps-good.txt"
    good.write_text("07700900001\n07700900002\n")
    call_command("import_tps", str(good))
    assert is_suppressed("+447700900001")
    from io import StringIO

    out = StringIO()
    call_command("phone_bank", bank.code, "--json", stdout=out)
    assert '"total": 5' in out.getvalue()


def test_one_contact_history_a_doorstep_pledge_survives_unanswered_calls_and_the_caller_sees_it(north_bank):
    """Phone and doorstep results are one history: a pledge made on the doorstep stays on the
    knock-up list through four unanswered calls; an answered call is the elector's current view."""
    import uuid

    from django.utils import timezone

    from groundswell.groundgame.selectors import pledges_not_voted
    from groundswell.reach.selectors import bank_progress, contact_history

    bank, _electors = north_bank
    ann = caller(bank, "ann")
    now = daytime()
    t = services.call_next(bank=bank, user=ann, now=now)
    Contact.objects.create(
        id=uuid.uuid4(),
        elector=t.elector,
        code="LAB",
        pledged=True,
        recorded_at=timezone.now() - timedelta(days=2),
    )
    seat = t.elector.constituency
    services.call_wrap_up(bank=bank, user=ann, target_id=t.pk, outcome="no_answer", now=now)
    assert t.elector_id in set(pledges_not_voted(seat).values_list("pk", flat=True))
    assert [c.channel for c in contact_history(t.elector_id)] == ["door"]
    progress = bank_progress(bank)
    assert progress["calls"] == 1 and progress["outcomes"] == {"no_answer": 1}
    later = now + timedelta(hours=bank.no_answer_delay_hours)
    t2 = services.call_next(bank=bank, user=ann, now=later)
    while t2.pk != t.pk:
        services.call_wrap_up(
            bank=bank, user=ann, target_id=t2.pk, outcome="answered", survey={"code": "DK"}, now=later
        )
        t2 = services.call_next(bank=bank, user=ann, now=later)
    services.call_wrap_up(
        bank=bank,
        user=ann,
        target_id=t.pk,
        outcome="answered",
        survey={"code": "CON", "pledged": False},
        now=later,
    )
    assert t.elector_id not in set(pledges_not_voted(seat).values_list("pk", flat=True))
    assert [c.channel for c in contact_history(t.elector_id)] == ["phone", "door"]
