"""Bulk reads leave a trace, searches are bounded, and the Django admin cannot quietly make
someone staff or superuser (issue 12)."""

import pytest

from groundswell.accounts.models import AuditEvent, Role, User
from tests import factories


def test_paging_through_the_members_api_is_audited(client, users, branches):
    north, _ = branches
    for n in range(150):
        factories.person(branch=north, first_name=f"P{n}")
    client.force_login(users[Role.BRANCH_ORGANISER])
    assert client.get("/api/members").status_code == 200
    assert not AuditEvent.objects.filter(action="members.page").exists()  # a look-up
    page2 = client.get("/api/members?page=2").json()
    entry = AuditEvent.objects.get(action="members.page")
    assert entry.actor == users[Role.BRANCH_ORGANISER] and entry.rows == len(page2["results"]) > 0


@pytest.mark.parametrize("path", ["/api/members?q=", "/members/?q="])
def test_a_three_thousand_word_search_is_refused_at_once(client, users, path):
    client.force_login(users[Role.BRANCH_ORGANISER])
    response = client.get(path + "+".join(["word"] * 3000))
    assert response.status_code == 400
    assert b"at most" in response.content


def test_the_django_admin_cannot_make_someone_superuser_without_the_audited_role(client, users):
    admin, target = users[Role.NATIONAL_ADMIN], users[Role.CANVASSER]
    client.force_login(admin)
    before = AuditEvent.objects.count()
    form = {
        "email": target.email,
        "display_name": "",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "roles-TOTAL_FORMS": "0",
        "roles-INITIAL_FORMS": "0",
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
    }
    client.post(f"/admin/accounts/user/{target.pk}/change/", form)
    target = User.objects.get(pk=target.pk)
    assert not target.is_superuser and not target.is_staff
    assert AuditEvent.objects.count() == before
    # the way in is the national admin role, granted through the audited role service
    existing = target.roles.get()
    form.update(
        {
            "roles-TOTAL_FORMS": "2",
            "roles-INITIAL_FORMS": "1",
            "roles-0-id": str(existing.pk),
            "roles-0-user": str(target.pk),
            "roles-0-role": existing.role,
            "roles-1-user": str(target.pk),
            "roles-1-role": Role.NATIONAL_ADMIN,
        }
    )
    client.post(f"/admin/accounts/user/{target.pk}/change/", form)
    target = User.objects.get(pk=target.pk)
    assert target.is_superuser and target.is_staff
    grant = AuditEvent.objects.filter(action="role.grant", target=f"user:{target.pk}").order_by("-id").first()
    assert grant.detail["role"] == Role.NATIONAL_ADMIN and grant.actor == admin
