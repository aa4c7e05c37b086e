"""Running a ballot: electorate, credentials, secret casting, counting and publishing."""

import hashlib
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from groundswell.accounts.models import AuditEvent, Role
from groundswell.ballots import services
from groundswell.ballots.models import Ballot, Elector, PublishedFile, SealedBallot, SpentCredential
from groundswell.core.counting import count
from groundswell.core.formats.ballot_files import parse_blt, parse_csv
from tests import factories
from tests.ballots.factories import close_and_count, code_for, draft_ballot, open_ballot, vote_all


@pytest.fixture
def ro(users):
    return users[Role.RETURNING_OFFICER]


@pytest.fixture
def electorate(branches, users):
    """Derby North: the member from `users`, four more members, two supporters, one too new."""
    north, _ = branches
    people = [factories.person(branch=north) for _ in range(4)]
    people.append(factories.person(branch=north, category="registered_supporter"))
    people.append(factories.person(branch=north, category="affiliated_supporter", email=""))
    factories.person(branch=north, joined_on=timezone.localdate())  # joined after the freeze
    return people


def test_a_ballot_needs_valid_settings(ro):
    with pytest.raises(services.BallotError, match="at least two candidates"):
        draft_ballot(ro, candidates=("Ann",))
    with pytest.raises(services.BallotError, match="use STV"):
        draft_ballot(ro, method="irv", seats=2)
    with pytest.raises(services.BallotError, match="close after it opens"):
        draft_ballot(ro, closes_in=timedelta(hours=-2))


def test_opening_freezes_the_electorate_and_emails_each_elector_a_credential(ro, electorate):
    ballot = open_ballot(
        draft_ballot(
            ro,
            categories=("member", "registered_supporter", "affiliated_supporter"),
            freeze_date=timezone.localdate() - timedelta(days=1),
        )
    )
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.OPEN
    assert ballot.electorate_size == 7  # 5 members + 2 supporters; the newcomer joined after the freeze
    assert ballot.electorate_by_category == {
        "member": 5,
        "registered_supporter": 1,
        "affiliated_supporter": 1,
    }
    hashes = list(
        Elector.objects.filter(ballot=ballot).exclude(code_hash=None).values_list("code_hash", flat=True)
    )
    assert len(set(hashes)) == 6 and all(len(h) == 64 for h in hashes)  # the postal one is made when printed
    assert len(mail.outbox) == 6  # the affiliated supporter has no email: a postal credential
    assert all("/vote/?code=" in m.body for m in mail.outbox)
    sent = {m.to[0] for m in mail.outbox}
    assert all(
        e.person.email in sent for e in Elector.objects.filter(ballot=ballot).exclude(person__email="")
    )


def test_a_cast_ballot_holds_no_link_to_its_elector(ro, electorate):
    ballot = open_ballot(draft_ballot(ro))
    code = code_for(ballot, electorate[0])
    cast = services.ballot_cast(credential=services.format_credential(code).lower(), ranking=[2, 0])
    fields = {f.name for f in SealedBallot._meta.get_fields()}
    assert fields == {"id", "ballot", "sealed", "tracker", "category"}
    assert cast.tracker == hashlib.sha256(bytes(cast.sealed)).hexdigest() and cast.category == "member"
    spent = SpentCredential.objects.get()
    assert {f.name for f in SpentCredential._meta.get_fields()} == {
        "elector",
        "ballot",
        "category",
        "spent_on",
    }
    assert isinstance(spent.spent_on, date) and not hasattr(spent.spent_on, "hour")


def test_second_cast_with_same_credential_is_rejected(ro, electorate):
    ballot = open_ballot(draft_ballot(ro))
    code = code_for(ballot, electorate[0])
    services.ballot_cast(credential=code, ranking=[0])
    with pytest.raises(services.AlreadyVoted):
        services.ballot_cast(credential=code, ranking=[1])
    assert SealedBallot.objects.filter(ballot=ballot).count() == 1


@pytest.mark.parametrize(
    "ranking,message", [([], "at least one"), ([0, 0], "twice"), ([7], "not on this ballot")]
)
def test_a_bad_ranking_is_refused_and_the_credential_stays_unused(ro, electorate, ranking, message):
    ballot = open_ballot(draft_ballot(ro))
    code = code_for(ballot, electorate[0])
    with pytest.raises(services.BallotError, match=message):
        services.ballot_cast(credential=code, ranking=ranking)
    assert not SpentCredential.objects.exists()
    services.ballot_cast(credential=code, ranking=[1])


def test_no_votes_before_opening_or_after_closing(ro, electorate):
    early = open_ballot(draft_ballot(ro, opens_in=timedelta(hours=2), closes_in=timedelta(days=1)))
    with pytest.raises(services.BallotError, match="not open"):
        services.ballot_cast(credential=code_for(early, electorate[0]), ranking=[0])
    ballot = open_ballot(draft_ballot(ro))
    code = code_for(ballot, electorate[0])
    services.ballot_close(ballot=ballot, actor=ro, confirm=True)
    with pytest.raises(services.BallotError, match="not open"):
        services.ballot_cast(credential=code, ranking=[0])


def test_count_and_publish_give_files_that_recount_to_the_published_result(ro, electorate):
    ballot = open_ballot(draft_ballot(ro, categories=("member", "registered_supporter")))
    trackers = vote_all(ballot, [(0, 1), (1, 2), (2, 1), (1,), (0, 2, 1), (1, 0)])
    ballot = close_and_count(ballot, ro)
    assert ballot.status == Ballot.Status.COUNTED
    assert ballot.result["winners"] == ["Bob"]
    ballot = services.ballot_publish(ballot=ballot, actor=ro, confirm=True)
    files = {f.name: f for f in PublishedFile.objects.filter(ballot=ballot)}
    assert set(files) == {
        "ballots.blt",
        "ballots.csv",
        "trackers.txt",
        "result.json",
        "board.jsonl",
        "marked_register.json",
        "manifest.json",
    }

    for f in files.values():
        assert hashlib.sha256(bytes(f.content)).hexdigest() == f.sha256
    csv_text = bytes(files["ballots.csv"].content).decode()
    recount = count(
        parse_csv(csv_text.splitlines(keepends=True), candidates=["Ann", "Bob", "Cat"]), method="irv"
    ).to_dict()
    shown = {k: v for k, v in ballot.result.items() if k != "category_map"}  # small categories folded
    assert recount == shown
    blt_ballots, seats = parse_blt(bytes(files["ballots.blt"].content).decode().splitlines())
    blt_recount = count(blt_ballots, method="irv", seats=seats).to_dict()
    assert blt_recount == {k: v for k, v in shown.items() if k != "by_category"}
    assert sorted(bytes(files["trackers.txt"].content).decode().split()) == sorted(trackers)
    assert (
        AuditEvent.objects.filter(
            action__in=["ballot.open", "ballot.close", "ballot.publish", "ballot.count"]
        ).count()
        >= 3
    )


@pytest.mark.django_db(transaction=True)
def test_two_processes_casting_with_one_credential_store_exactly_one_ballot(tmp_path, branches, users):
    ro = users[Role.RETURNING_OFFICER]
    ballot = open_ballot(draft_ballot(ro))
    elector = Elector.objects.filter(ballot=ballot).first()
    code = code_for(ballot, elector.person)
    go = tmp_path / "go"
    env = {
        **os.environ,
        "GROUNDSWELL_DB_NAME": connection.settings_dict["NAME"],
        "PYTHONPATH": os.pathsep.join([str(Path.cwd() / "src"), str(Path.cwd())]),
    }
    worker = Path(__file__).with_name("cast_worker.py")
    procs = [
        subprocess.Popen(
            [sys.executable, str(worker), code, str(go)], stdout=subprocess.PIPE, text=True, env=env
        )
        for _ in range(2)
    ]
    import time

    time.sleep(1.5)  # both processes have started Django and are waiting
    go.touch()
    outcomes = sorted(p.communicate(timeout=60)[0].strip() for p in procs)
    assert outcomes == ["already", "cast"]
    assert SealedBallot.objects.filter(ballot=ballot).count() == 1
    assert SpentCredential.objects.filter(elector=elector).count() == 1
