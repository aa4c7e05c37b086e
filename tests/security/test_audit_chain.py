"""The audit trail is append-only and chained: `groundswell audit verify` finds tampering."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from groundswell.accounts.models import AuditEvent
from groundswell.accounts.services import audit_record, role_grant
from groundswell.members.services import members_export
from tests import factories

pytestmark = pytest.mark.django_db


def sensitive_actions():
    admin = factories.user("national_admin")
    branch = factories.branch()
    factories.person(branch=branch)
    members_export(actor=admin, memberships=branch.memberships.all(), description="all")  # personal data
    role_grant(user=factories.user(), role="canvasser", actor=admin)  # a role change
    for i in range(3):
        audit_record(actor=admin, action="test.action", target=f"thing:{i}", detail={"n": i})
    return list(AuditEvent.objects.order_by("pk"))


def test_an_untouched_trail_verifies(capsys):
    events = sensitive_actions()
    assert {"members.export", "role.grant"} <= {e.action for e in events}
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert f"{len(events)} entries" in out and events[-1].hash in out


def test_the_database_refuses_to_change_an_entry():
    event = sensitive_actions()[1]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(rows=999)
    assert AuditEvent.objects.get(pk=event.pk).rows == event.rows


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite refuses changes only (see migration 0003)"
)
def test_the_database_refuses_to_delete_an_entry():
    event = sensitive_actions()[1]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def _around_the_app(sql: str, params) -> None:
    """What someone with database access could do: switch the guard off and edit."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = replica")  # a superuser skips triggers
            cur.execute(sql, params)
            cur.execute("SET session_replication_role = DEFAULT")
        else:
            cur.execute("DROP TRIGGER audit_no_update")
            cur.execute(sql, params)


def test_verify_names_the_first_changed_entry():
    events = sensitive_actions()
    victim = events[2]
    _around_the_app("UPDATE accounts_auditevent SET rows = %s WHERE id = %s", [12345, victim.pk])
    with pytest.raises(CommandError, match=f"broken at entry {victim.pk} .*changed after it was written"):
        call_command("audit", "verify")


def test_verify_finds_a_removed_entry_at_the_one_after_it():
    events = sensitive_actions()
    _around_the_app("DELETE FROM accounts_auditevent WHERE id = %s", [events[2].pk])
    with pytest.raises(CommandError, match=f"broken at entry {events[3].pk} .*removed or changed"):
        call_command("audit", "verify")


def test_a_rehashed_forgery_is_still_caught_by_the_next_link():
    """Editing an entry and recomputing its own hash does not help: the next entry's link fails."""
    from groundswell.core.audit import entry_hash

    events = sensitive_actions()
    victim = AuditEvent.objects.get(pk=events[2].pk)
    victim.rows = 1
    forged = entry_hash(victim.prev_hash, victim.chained_fields())
    _around_the_app(
        "UPDATE accounts_auditevent SET rows = %s, hash = %s WHERE id = %s", [1, forged, victim.pk]
    )
    with pytest.raises(CommandError, match=f"broken at entry {events[3].pk}"):
        call_command("audit", "verify")


def test_deleting_an_account_keeps_its_entries_verifiable():
    admin = factories.user("national_admin")
    event = audit_record(actor=admin, action="members.export", rows=10)
    admin.delete()
    assert AuditEvent.objects.get(pk=event.pk).actor_id is None
    call_command("audit", "verify")


def test_role_changes_in_the_django_admin_are_audited(client, branches):
    north, _ = branches
    admin = factories.user("national_admin")
    target = factories.user()
    client.force_login(admin)
    form = {
        "email": target.email,
        "display_name": "",
        "person": "",
        "is_active": "on",
        "roles-TOTAL_FORMS": "1",
        "roles-INITIAL_FORMS": "0",
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
        "roles-0-role": "branch_organiser",
        "roles-0-branch": str(north.pk),
        "roles-0-user": str(target.pk),
        "roles-0-id": "",
    }
    response = client.post(f"/admin/accounts/user/{target.pk}/change/", form)
    assert response.status_code == 302, response.content.decode().count("errorlist")
    grant = AuditEvent.objects.get(action="role.grant", target=f"user:{target.pk}")
    assert grant.actor_id == admin.pk and grant.detail == {"role": "branch_organiser", "branch": north.pk}
    assignment = target.roles.get()
    form.update({"roles-INITIAL_FORMS": "1", "roles-0-id": str(assignment.pk), "roles-0-DELETE": "on"})
    assert client.post(f"/admin/accounts/user/{target.pk}/change/", form).status_code == 302
    assert AuditEvent.objects.filter(action="role.revoke", target=f"user:{target.pk}").count() == 1
    assert not target.roles.exists()
    call_command("audit", "verify")
