"""Existing ballots move into the sealed box: counted ones keep their results and papers,
open ones are sealed, and no plaintext voting code is left anywhere."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("ballots", "0002_ballot_branch_ballot_in_app")]
AFTER = [("ballots", "0003_sealed_ballot_box")]


def test_migrating_keeps_results_seals_open_ballots_and_leaves_no_plaintext_code(users):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Ballot, Candidate = old.get_model("ballots", "Ballot"), old.get_model("ballots", "Candidate")
    Elector, Cast = old.get_model("ballots", "Elector"), old.get_model("ballots", "CastBallot")
    Spent = old.get_model("ballots", "SpentCredential")
    Person = old.get_model("members", "Person")
    person = Person.objects.first()
    now = timezone.now()
    made = {}
    for status in ("counted", "open"):
        b = Ballot.objects.create(
            title=status,
            method="irv",
            seats=1,
            eligible_categories=["member"],
            freeze_date=now.date(),
            opens_at=now,
            closes_at=now,
            status=status,
            result={"winners": ["Bob"]} if status == "counted" else None,
        )
        for i, name in enumerate(("Ann", "Bob")):
            Candidate.objects.create(ballot=b, name=name, position=i)
        code = f"CODE{status.upper():0<16}"[:20]
        Elector.objects.create(ballot=b, person_id=person.pk, category="member", credential=code)
        Spent.objects.create(credential=code, ballot=b, spent_on=now.date())
        Cast.objects.create(
            ballot=b, ranking=[1, 0], category="member", tracker=f"t-{status}", cast_on=now.date()
        )
        made[status] = (b.pk, code)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from groundswell.ballots import services
    from groundswell.ballots.models import Ballot as B
    from groundswell.ballots.models import Paper, SealedBallot, SpentCredential

    counted = B.objects.get(pk=made["counted"][0])
    assert counted.result == {"winners": ["Bob"]}
    assert list(Paper.objects.filter(ballot=counted).values_list("ranking", flat=True)) == [[1, 0]]
    opened = B.objects.get(pk=made["open"][0])
    assert opened.key_custody == "server" and SealedBallot.objects.filter(ballot=opened).count() == 1
    assert SpentCredential.objects.filter(ballot__in=[counted, opened]).count() == 2
    assert services.elector_for_code(made["open"][1]).ballot_id == opened.pk  # the old code still works
    with connection.cursor() as cur:
        for table in connection.introspection.table_names(cur):
            cur.execute(f'SELECT * FROM "{table}"')
            text = str(cur.fetchall())
            assert made["open"][1] not in text and made["counted"][1] not in text, table
