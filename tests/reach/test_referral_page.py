"""/me/referrals/ offers links only to events a stranger can open (public, approved), and a
copy/share button that works under the CSP (a static script, no inline code)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groundswell.accounts.models import Role
from groundswell.events.models import Event


def _event(user, title, **kw):
    start = timezone.now() + timedelta(days=3)
    return Event.objects.create(
        kind=Event.Kind.MEETING,
        title=title,
        place="Hall",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        created_by=user,
        **kw,
    )


@pytest.mark.django_db
def test_only_events_the_public_can_open_get_a_share_link(client, users):
    member = users[Role.MEMBER]
    _event(member, "Open meeting", visibility=Event.Visibility.PUBLIC)
    pending = _event(member, "My proposal", visibility=Event.Visibility.PUBLIC, pending_approval=True)
    members_only = _event(member, "Members' social", visibility=Event.Visibility.MEMBERS)
    client.force_login(member)
    page = client.get("/me/referrals/").content.decode()
    assert "Open meeting" in page
    assert "My proposal" not in page and f"/events/{pending.pk}/" not in page
    assert "Members&#x27; social" not in page and f"/events/{members_only.pk}/" not in page
    # every link offered opens for a stranger
    client.logout()
    for url in [u for u in page.split('data-share-link="')[1:]]:
        target = url.split('"')[0].replace("http://testserver", "")
        assert client.get(target, follow=True).status_code == 200


@pytest.mark.django_db
def test_copy_or_share_button_uses_a_static_script(client, users):
    client.force_login(users[Role.MEMBER])
    page = client.get("/me/referrals/").content.decode()
    assert "data-share-link=" in page and "Copy or share" in page
    assert "groundswell/share.js" in page
    assert "<script>" not in page and "onclick" not in page
