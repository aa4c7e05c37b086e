"""The pages and the API give the same answers as the services: a hidden group is 404 by
every route, and a contact detail appears only after the poster accepts."""

import json

import pytest

from groundswell.groups import services
from tests import factories
from tests.groups.test_groups import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def north():
    return factories.branch(name="Derby North")


def test_a_hidden_group_is_404_on_every_route_for_an_outsider(client, north):
    fac, outsider = member(north), member(north)
    g = services.group_create(user=fac, name="Secret", purpose="p", branch=north, visibility="hidden")
    post = services.post_create(user=fac, group=g, kind="offer", title="Lifts")
    client.force_login(outsider)
    assert "Secret" not in client.get("/groups/").content.decode()
    for path in (
        f"/groups/{g.pk}/",
        f"/groups/posts/{post.pk}/",
        f"/api/groups/{g.pk}",
        f"/api/posts/{post.pk}",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/groups/{g.pk}/join/").status_code == 404
    assert (
        client.post(
            f"/api/groups/{g.pk}/posts",
            json.dumps({"kind": "offer", "title": "x"}),
            content_type="application/json",
        ).status_code
        == 404
    )
    assert json.loads(client.get("/api/groups").content) == []


def test_the_posters_phone_shows_only_after_acceptance_on_the_page_and_in_the_api(client, north):
    poster, responder = member(north, phone="07700 900111"), member(north, phone="07700 900222")
    g = services.group_create(user=poster, name="Lifts", purpose="p", branch=north)
    services.group_join(user=responder, group=g)
    post = services.post_create(user=poster, group=g, kind="offer", title="Lift to the count")
    client.force_login(responder)
    assert (
        client.post(f"/groups/posts/{post.pk}/", {"share": "phone", "message": "Please"}).status_code == 302
    )
    page = client.get(f"/groups/posts/{post.pk}/").content.decode()
    assert "07700 900111" not in page and poster.person.email not in page
    api = json.loads(client.get(f"/api/posts/{post.pk}").content)
    assert api["responses"][0]["contact"] is None
    response_id = api["responses"][0]["id"]
    # the responder cannot accept for the poster
    assert (
        client.post(f"/groups/responses/{response_id}/", {"action": "accept", "share": "phone"}).status_code
        == 403
    )
    client.force_login(poster)
    assert "07700 900222" not in client.get(f"/groups/posts/{post.pk}/").content.decode()
    client.post(f"/groups/responses/{response_id}/", {"action": "accept", "share": "phone"})
    assert "07700 900222" in client.get(f"/groups/posts/{post.pk}/").content.decode()
    client.force_login(responder)
    assert "07700 900111" in client.get(f"/groups/posts/{post.pk}/").content.decode()


def test_muting_by_htmx_returns_the_button_only(client, north):
    u = member(north)
    g = services.group_create(user=u, name="G", purpose="p", branch=north)
    client.force_login(u)
    r = client.post(f"/groups/{g.pk}/mute/", {"muted": "1"}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and 'data-testid="muted"' in r.content.decode()
    assert "<html" not in r.content.decode()


def test_a_bad_post_names_the_field(client, north):
    u = member(north)
    g = services.group_create(user=u, name="G", purpose="p", branch=north)
    client.force_login(u)
    r = client.post(f"/groups/{g.pk}/posts/", {"kind": "offer", "title": ""}, follow=True)
    assert "Title: write something" in r.content.decode()
