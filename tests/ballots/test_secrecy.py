"""The database reader: a DBA, a backup, a leaked dump. They read every table, every
column, and what the database keeps beside the rows (PostgreSQL's transaction id `xmin` and
place `ctid`, SQLite's `rowid`), and try to pair each vote with its voter.

Known rankings are cast through the voting pages by known voters. While the ballot is open
no table holds a readable vote or a voting code. After the count the opened papers, and the
sealed papers even for a reader who also holds the trustees' key, pair with the marked
register no better than chance, by row, transaction, physical order or time.

On the code before the sealed box, the first assertion fails: `ballots_castballot` held each
ranking in clear, written in the same transaction as its spent credential.
"""

from __future__ import annotations

import itertools
import json

import pytest
from django.db import connection, models

from groundswell.accounts.models import Role
from groundswell.ballots.models import Paper, SealedBallot, SpentCredential
from groundswell.core.ballotbox import sealing, shares
from tests import factories
from tests.ballots.factories import SHARES, close_and_count, code_for, draft_ballot, open_ballot

VOTERS = 30
CANDIDATES = ("Ann", "Bob", "Cat", "Dan", "Eve")
# Fixed points of a random pairing of 30 are Poisson(1): P(>= 7) is about 1 in 10,000.
CHANCE_BOUND = 6


def _cast_through_pages(client, ballot, people) -> dict[int, tuple[int, ...]]:
    """Each voter votes a different ranking through the no-JavaScript pages (the path where
    the server sees the ranking and must seal it at once). Returns elector id -> ranking."""
    rankings = [r for k in (2, 3) for r in itertools.permutations(range(len(CANDIDATES)), k)][:VOTERS]
    cast = {}
    for person, ranking in zip(people, rankings, strict=True):
        client.cookies.clear()
        code = code_for(ballot, person)
        assert client.post("/vote/", {"code": code}).status_code == 302
        marks = {f"rank_{p}": str(i) for i, p in enumerate(ranking, 1)}
        assert client.post("/vote/ballot/", marks).status_code == 200
        receipt = client.post("/vote/cast/", {"ranking": ",".join(map(str, ranking))})
        assert receipt.status_code == 200, receipt.content
        elector = ballot.electors.get(person=person)
        cast[elector.pk] = tuple(ranking)
    return cast


def _every_text_cell() -> str:
    """Everything a reader sees in every table, as text (binary columns as hex)."""
    out = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names():
            cur.execute(f'SELECT * FROM "{table}"')
            for row in cur.fetchall():
                out.append(
                    " ".join(bytes(v).hex() if isinstance(v, bytes | memoryview) else str(v) for v in row)
                )
    return "\n".join(out)


def _system_columns(model, order_column: str) -> list[tuple]:
    """(order key, primary key) of each row, by the database's own physical order."""
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cur:
        cur.execute(f"SELECT {order_column}, {pk} FROM {table} ORDER BY {order_column}")
        return cur.fetchall()


def _pair_by_order(voters: list[int], votes: list[tuple], truth: dict[int, tuple]) -> int:
    """The reader's guess: the i-th voter in storage order cast the i-th vote in storage
    order. Returns how many guesses are right."""
    return sum(truth[v] == vote for v, vote in zip(voters, votes, strict=False))


def _physical(model) -> str:
    return "ctid" if connection.vendor == "postgresql" else "rowid"


@pytest.mark.django_db(transaction=True)
def test_a_database_reader_cannot_pair_votes_with_voters(client, branches, users):
    north, _ = branches
    people = [factories.person(branch=north) for _ in range(VOTERS)]
    ro = users[Role.RETURNING_OFFICER]
    ballot = open_ballot(draft_ballot(ro, candidates=CANDIDATES))
    truth = _cast_through_pages(client, ballot, people)
    codes = {code_for(ballot, users[Role.MEMBER].person)}  # an unused code, fresh

    # While the box is sealed: no table holds a readable vote, nor any voting code.
    everything = _every_text_cell()
    for ranking in truth.values():
        assert json.dumps(list(ranking)) not in everything.replace(", ", ",")
    assert not any(code in everything for code in codes)
    assert SealedBallot.objects.filter(ballot=ballot).count() == VOTERS

    # Nothing on the box, the marked register or the papers is finer than the day.
    for model in (SealedBallot, SpentCredential, Paper):
        assert not any(isinstance(f, models.DateTimeField | models.TimeField) for f in model._meta.fields)
        assert not {"person", "elector_id", "user"} & {f.name for f in model._meta.fields} - (
            {"elector"} if model is SpentCredential else set()
        )

    close_and_count(ballot, ro)
    key = sealing.key_from_secret(shares.combine(SHARES[ballot.pk]))
    info = sealing.info_for(ballot.pk)
    n = len(CANDIDATES)

    # The register, in storage order, as the reader sees it.
    spent = [pk for _, pk in _system_columns(SpentCredential, _physical(SpentCredential))]
    # The opened papers, and the sealed ones opened with the trustees' key, in storage order.
    papers = {p.pk: tuple(p.ranking) for p in Paper.objects.filter(ballot=ballot)}
    sealed = {
        s.pk: tuple(sealing.decode_ranking(sealing.open_paper(key, info, bytes(s.sealed)), n))
        for s in SealedBallot.objects.filter(ballot=ballot)
    }
    assert sorted(papers.values()) == sorted(truth.values()) == sorted(sealed.values())
    for votes in (papers, sealed):
        model = Paper if votes is papers else SealedBallot
        by_place = [votes[pk] for _, pk in _system_columns(model, _physical(model))]
        assert _pair_by_order(spent, by_place, truth) <= CHANCE_BOUND
        by_key = [votes[pk] for pk in sorted(votes)]
        assert _pair_by_order(sorted(spent), by_key, truth) <= CHANCE_BOUND

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT DISTINCT xmin::text FROM ballots_spentcredential")
            spent_x = {r[0] for r in cur.fetchall()}
            for table in ("ballots_paper", "ballots_sealedballot"):
                cur.execute(f"SELECT DISTINCT xmin::text FROM {table} WHERE ballot_id = %s", [ballot.pk])
                xs = {r[0] for r in cur.fetchall()}
                assert len(xs) == 1 and not xs & spent_x, table  # one transaction for all, none shared
