"""Tendered ballots, the adversaries first: an excluded elector's code used on the ordinary
box, a tendered voter voting twice, an appeal allowed too late, and the database reader
trying to find which paper came in tendered once the count has moved it into the box."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client

from groundswell.accounts.models import Role
from groundswell.ballots import services as ballots
from groundswell.ballots.models import (
    Ballot,
    Paper,
    PublishedFile,
    SealedBallot,
    SpentCredential,
    TenderedPaper,
)
from groundswell.ballots.services import AlreadyVoted, BallotError
from groundswell.core.ballotbox.verify import verify_board
from groundswell.vetting import services
from groundswell.vetting.models import Appeal
from tests import factories
from tests.ballots.factories import close_and_count
from tests.vetting.helpers import code, exclude, open_supporters_ballot, panel_member, supporter

CANDIDATES = ("Ann", "Bob", "Cat")


def _setup(users, branches, voters=3):
    north, _ = branches
    ro = users[Role.RETURNING_OFFICER]
    people = [factories.person(branch=north) for _ in range(voters)]
    sue = supporter(north, first_name="Sue")
    ballot = open_supporters_ballot(ro, candidates=CANDIDATES)
    for p in people:
        ballots.ballot_cast(credential=code(ballot, p), ranking=[0, 1])
    return ballot, sue


def _appeal(users, ballot, sue) -> Appeal:
    ex = exclude(users[Role.NATIONAL_ADMIN], ballot, sue)
    return services.appeal_lodge(actor=factories.user(person=sue), exclusion=ex, statement="Not my posts")


def _decide(users, appeal, allow: bool) -> Appeal:
    return services.appeal_decide(
        actor=panel_member(users[Role.NATIONAL_ADMIN]),
        appeal=appeal,
        allow=allow,
        reasons="Decided on the evidence",
        confirm=True,
    )


def _publish(ballot, ro, tmp_path):
    ballots.ballot_publish(ballot=ballot, actor=ro, confirm=True)
    for f in PublishedFile.objects.filter(ballot=ballot):
        (tmp_path / f.name).write_bytes(bytes(f.content))
    return json.loads((tmp_path / "manifest.json").read_text())


@pytest.mark.django_db
def test_an_excluded_electors_code_no_longer_casts_into_the_box(users, branches):
    ballot, sue = _setup(users, branches)
    sue_code = code(ballot, sue)
    exclude(users[Role.NATIONAL_ADMIN], ballot, sue)
    with pytest.raises(BallotError) as e:
        ballots.ballot_cast(credential=sue_code, ranking=[2])
    assert e.value.code == "ballot.must_tender"
    assert SealedBallot.objects.filter(ballot=ballot).count() == 3
    assert not SpentCredential.objects.filter(elector__person=sue).exists()
    # told, she tenders: sealed like any paper, but set aside, not in the box
    paper = ballots.ballot_cast(credential=sue_code, ranking=[2], tendered=True)
    assert isinstance(paper, TenderedPaper)
    assert SealedBallot.objects.filter(ballot=ballot).count() == 3
    assert not SealedBallot.objects.filter(tracker=paper.tracker).exists()
    assert len(bytes(paper.sealed)) == len(bytes(SealedBallot.objects.filter(ballot=ballot).first().sealed))
    with pytest.raises(AlreadyVoted):
        ballots.ballot_cast(credential=sue_code, ranking=[1], tendered=True)


@pytest.mark.django_db
def test_a_tendered_voter_reinstated_cannot_vote_again_in_the_box(users, branches):
    ballot, sue = _setup(users, branches)
    sue_code = code(ballot, sue)
    appeal = _appeal(users, ballot, sue)
    ballots.ballot_cast(credential=sue_code, ranking=[2], tendered=True)
    assert _decide(users, appeal, allow=True).paper == Appeal.Paper.ADMITTED
    with pytest.raises(AlreadyVoted):
        ballots.ballot_cast(credential=sue_code, ranking=[1])


@pytest.mark.django_db
def test_the_voting_pages_tell_an_excluded_elector_and_cast_a_tendered_paper(client, users, branches):
    ballot, sue = _setup(users, branches)
    sue_code = code(ballot, sue)
    exclude(users[Role.NATIONAL_ADMIN], ballot, sue)
    assert client.post("/vote/", {"code": sue_code}).status_code == 302
    page = client.get("/vote/ballot/").content.decode()
    assert 'data-testid="tendered-notice"' in page and 'name="tendered" value="1"' in page
    review = client.post("/vote/ballot/", {"rank_2": "1"}).content.decode()
    assert 'name="tendered" value="1"' in review
    # a form without the flag (the voter was not told) is refused, and nothing is cast
    refused = client.post("/vote/cast/", {"ranking": "2"})
    assert refused.status_code == 409 and not TenderedPaper.objects.exists()
    client.post("/vote/", {"code": sue_code})
    receipt = client.post("/vote/cast/", {"ranking": "2", "tendered": "1"})
    assert receipt.status_code == 200 and b"tendered-receipt" in receipt.content
    tracker = TenderedPaper.objects.get().tracker
    look = client.get(f"/ballots/{ballot.pk}/verify/?tracker={tracker}").content.decode()
    assert "set aside" in look


@pytest.mark.django_db
@pytest.mark.parametrize("outcome", ["allowed_before_the_count", "dismissed", "allowed_after_the_count"])
def test_a_tendered_paper_counts_only_if_the_appeal_is_allowed_before_the_count(
    users, branches, tmp_path, outcome
):
    ballot, sue = _setup(users, branches)
    ro = users[Role.RETURNING_OFFICER]
    appeal = _appeal(users, ballot, sue)
    paper = ballots.ballot_cast(credential=code(ballot, sue), ranking=[2], tendered=True)
    if outcome == "allowed_before_the_count":
        assert _decide(users, appeal, allow=True).paper == Appeal.Paper.ADMITTED
    elif outcome == "dismissed":
        _decide(users, appeal, allow=False)
    close_and_count(ballot, ro)
    if outcome == "allowed_after_the_count":
        assert _decide(users, appeal, allow=True).paper == Appeal.Paper.TOO_LATE
    ballot.refresh_from_db()
    counted = outcome == "allowed_before_the_count"
    assert ballot.result["valid"] == (4 if counted else 3)
    assert ballot.result["tendered"] == {"admitted": int(counted), "not_admitted": int(not counted)}
    assert sorted(tuple(p.ranking) for p in Paper.objects.filter(ballot=ballot)) == sorted(
        [(0, 1)] * 3 + ([(2,)] if counted else [])
    )
    assert SealedBallot.objects.filter(tracker=paper.tracker).exists() == counted
    assert TenderedPaper.objects.filter(ballot=ballot).count() == int(not counted)

    manifest = _publish(ballot, ro, tmp_path)
    assert manifest["tendered"] == {"admitted": int(counted), "not_admitted": int(not counted)}
    report = verify_board(tmp_path)
    assert report.ok, report.lines()
    published = json.loads((tmp_path / "exclusions.json").read_text())
    assert published["in_force_by_reason"] == (
        {} if counted or outcome.startswith("allowed") else {"abuse": 1}
    )
    assert published["tendered"]["not_admitted"] == int(not counted)
    page = Client().get(f"/ballots/{ballot.pk}/results/").content.decode()
    assert f"Tendered ballots not admitted (set aside, never opened): {int(not counted)}" in page
    assert ("Abusive or threatening conduct: 1" in page) == (outcome == "dismissed")
    # set aside and never opened: after publication its sealed bytes are gone for good
    assert not TenderedPaper.objects.filter(sealed__isnull=False).exists()


@pytest.mark.django_db
def test_an_appeal_allowed_once_the_count_has_begun_is_too_late(users, branches):
    ballot, sue = _setup(users, branches)
    appeal = _appeal(users, ballot, sue)
    ballots.ballot_cast(credential=code(ballot, sue), ranking=[2], tendered=True)
    ballots.ballot_close(ballot=ballot, actor=users[Role.RETURNING_OFFICER], confirm=True)
    Ballot.objects.filter(pk=ballot.pk).update(count_progress={"state": "running", "token": "x"})
    assert _decide(users, appeal, allow=True).paper == Appeal.Paper.TOO_LATE
    assert not TenderedPaper.objects.get().admitted


ORDINARY, TENDERED = 20, 10


def _physical(table: str) -> list[int]:
    order = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cur:
        cur.execute(f"SELECT id FROM {table} ORDER BY {order}")
        return [r[0] for r in cur.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_after_the_count_a_database_reader_cannot_tell_which_papers_came_in_tendered(users, branches):
    """Ten excluded supporters tender, win their appeals before the count, and are counted.
    After the count their papers sit in the box among twenty ordinary ones: no set-aside row
    is left, no table but the box holds their trackers, they share the box's one transaction
    id (PostgreSQL), and their places in it are not the last ten (as an append would be)."""
    north, _ = branches
    ro = users[Role.RETURNING_OFFICER]
    ordinary = [factories.person(branch=north) for _ in range(ORDINARY)]
    tendering = [supporter(north) for _ in range(TENDERED)]
    ballot = open_supporters_ballot(ro, candidates=CANDIDATES)
    for p in ordinary:
        ballots.ballot_cast(credential=code(ballot, p), ranking=[0])
    trackers = []
    for sue in tendering:
        appeal = _appeal(users, ballot, sue)
        trackers.append(ballots.ballot_cast(credential=code(ballot, sue), ranking=[1], tendered=True).tracker)
        _decide(users, appeal, allow=True)
    close_and_count(ballot, ro)
    ballot.refresh_from_db()
    assert ballot.result["valid"] == ORDINARY + TENDERED

    assert not TenderedPaper.objects.exists()
    everything = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names():
            if table == "ballots_sealedballot":
                continue
            cur.execute(f'SELECT * FROM "{table}"')
            everything.extend(" ".join(map(str, row)) for row in cur.fetchall())
    text = "\n".join(everything)
    assert not any(t in text for t in trackers)  # not in the audit trail, not in the appeals

    moved = set(SealedBallot.objects.filter(tracker__in=trackers).values_list("id", flat=True))
    places = [i for i, pk in enumerate(_physical("ballots_sealedballot")) if pk in moved]
    assert len(places) == TENDERED
    assert places != list(range(ORDINARY, ORDINARY + TENDERED))  # chance: 1 in 30,045,015
    by_key = sorted(SealedBallot.objects.filter(ballot=ballot).values_list("id", flat=True))
    assert [i for i, pk in enumerate(by_key) if pk in moved] != list(range(ORDINARY, ORDINARY + TENDERED))
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(
                "SELECT DISTINCT xmin::text FROM ballots_sealedballot WHERE ballot_id = %s", [ballot.pk]
            )
            assert len(cur.fetchall()) == 1
