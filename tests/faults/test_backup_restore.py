"""A backup taken while Groundswell runs restores into an empty database with everything in
it, and the restored audit trail still verifies."""

import sqlite3
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from groundswell.accounts.models import AuditEvent
from groundswell.accounts.services import audit_record
from groundswell.members.models import Membership
from tests import factories

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def _count(url: str, table: str):
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    import psycopg

    with psycopg.connect(url) as db:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


@pytest.fixture
def empty_database(tmp_path):
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name}")
    s = connection.settings_dict
    yield f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{name}"
    with connection.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_backup_then_restore_into_an_empty_database(tmp_path, branches, users, empty_database, capsys):
    north, _ = branches
    for _ in range(25):
        factories.person(branch=north)
    audit_record(actor=users["national_admin"], action="members.export", rows=25)
    backup = tmp_path / "groundswell.backup"
    call_command("backup", str(backup))
    assert backup.stat().st_size > 0
    call_command("restore", str(backup), database_url=empty_database)
    out = capsys.readouterr().out
    assert f"audit trail intact: {AuditEvent.objects.count()} entries" in out
    assert _count(empty_database, "members_membership") == Membership.objects.count() == 26
    assert _count(empty_database, "accounts_auditevent") == AuditEvent.objects.count()


def test_restoring_over_an_existing_sqlite_file_is_refused(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("pg_restore --exit-on-error refuses a database with the tables already there")
    backup = tmp_path / "b"
    call_command("backup", str(backup))
    existing = tmp_path / "there.sqlite3"
    existing.write_bytes(b"")
    with pytest.raises(CommandError, match="exists"):
        call_command("restore", str(backup), database_url=f"sqlite:///{existing}")
