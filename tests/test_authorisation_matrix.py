"""Every page and endpoint against every role: the right roles get in, the rest are refused.

The matrix is checked for completeness too: a new URL or API operation without a row
here fails `test_every_url_is_in_the_matrix`, so nobody can add a page and forget its rule.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from groundswell.accounts.models import Role
from groundswell.api import api
from groundswell.members.models import ImportJob
from tests import factories

ADMIN, ORG, RO, CAN, MEM = (
    Role.NATIONAL_ADMIN,
    Role.BRANCH_ORGANISER,
    Role.RETURNING_OFFICER,
    Role.CANVASSER,
    Role.MEMBER,
)
ALL = (ADMIN, ORG, RO, CAN, MEM)
MANAGERS = (ADMIN, ORG)
RUNNERS = (RO, ADMIN)
PUBLIC = "public"  # anyone, signed in or not

# (method, path template, roles allowed in, status for everyone else)
# {north} is a person in the organiser's branch, {south} one outside it, {job} an admin's import.
MATRIX = [
    ("get", "/", ALL, 403),
    ("get", "/members/", MANAGERS, 403),
    ("get", "/members/{north}/", MANAGERS, 404),
    ("get", "/members/{south}/", (ADMIN,), 404),
    ("get", "/members/{north}/data.json", (ADMIN,), 403),
    ("get", "/members/{north}/erase/", (ADMIN,), 403),
    ("get", "/members/import/", MANAGERS, 403),
    ("get", "/members/import/{job}/", (ADMIN,), (403, 404)),  # organisers: not their job
    ("get", "/members/export.csv", MANAGERS, 403),
    ("get", "/members/duplicates/", MANAGERS, 403),
    ("post", "/members/duplicates/{candidate}/", MANAGERS, 403),
    ("get", "/me/data.json", (MEM,), 404),
    ("get", "/api/members", MANAGERS, 403),
    ("get", "/api/people/{north}", MANAGERS, 404),
    ("get", "/api/people/{south}", (ADMIN,), 404),
    ("post", "/api/members/import", MANAGERS, 403),
    ("get", "/api/members/imports/{job}", (ADMIN,), (403, 404)),
    ("get", "/api/members/export", MANAGERS, 403),
    ("get", "/api/me/data", (MEM,), 404),
    ("post", "/api/people/{south}/erase", (ADMIN,), 403),
    ("get", "/api/stats/membership", (ADMIN, ORG, RO), 403),
    # ballots: run by returning officers (and national admins); results and voting are public
    ("get", "/ballots/", RUNNERS, 403),
    ("get", "/ballots/new/", RUNNERS, 403),
    ("get", "/ballots/{ballot}/", RUNNERS, 403),
    ("post", "/ballots/{ballot}/open/", RUNNERS, 403),
    ("post", "/ballots/{ballot}/close/", RUNNERS, 403),
    ("post", "/ballots/{ballot}/publish/", RUNNERS, 403),
    ("get", "/ballots/{ballot}/postal.csv", RUNNERS, 403),
    ("get", "/ballots/{published}/results/", PUBLIC, None),
    ("get", "/ballots/{published}/files/{file}", PUBLIC, None),
    ("get", "/ballots/{published}/verify/", PUBLIC, None),
    ("get", "/results/", PUBLIC, None),
    ("get", "/vote/", PUBLIC, None),
    ("get", "/vote/ballot/", PUBLIC, None),
    ("post", "/vote/cast/", PUBLIC, None),
    ("get", "/api/ballots", RUNNERS, 403),
    ("post", "/api/ballots", RUNNERS, 403),
    ("get", "/api/ballots/{ballot}", RUNNERS, 403),
    ("post", "/api/ballots/{ballot}/open", RUNNERS, 403),
    ("post", "/api/ballots/{ballot}/close", RUNNERS, 403),
    ("post", "/api/ballots/{ballot}/publish", RUNNERS, 403),
    ("post", "/api/vote", PUBLIC, None),
    ("get", "/api/results/{published}", PUBLIC, None),
    ("get", "/api/results/{published}/trackers/{tracker}", PUBLIC, None),
]
FILL = {k: "X" for k in ("north", "south", "job", "candidate", "ballot", "published", "file", "tracker")}
# Pages open to anyone, or guarded by Django itself (admin, auth views, API docs).
PUBLIC_OR_DJANGO = ("accounts/", "admin/", "api/docs", "api/openapi.json")


@pytest.fixture
def objects(branches, users):
    north, south = branches
    from groundswell.members.models import DuplicateCandidate
    from tests.ballots.factories import draft_ballot, published_ballot

    a = factories.person(branch=north, first_name="Nora", last_name="North")
    b = factories.person(branch=north, first_name="Nora", last_name="North", email="")
    return {
        "north": a.pk,
        "south": factories.person(branch=south, first_name="Sam", last_name="South").pk,
        "job": ImportJob.objects.create(
            uploaded_by=users[ADMIN], filename="x.csv", path="/nonexistent", status=ImportJob.Status.DONE
        ).pk,
        "candidate": DuplicateCandidate.objects.create(person=a, other=b, reason="name_postcode").pk,
        "ballot": draft_ballot(users[RO]).pk,
        "published": published_ballot(users[RO]).pk,
        "file": "result.json",
        "tracker": "0123abcd",
    }


def _request(client, method, path):
    if method == "get":
        return client.get(path)
    return client.post(path, {"action": "dismiss"})


@pytest.mark.parametrize("method,template,allowed,refused_status", MATRIX)
@pytest.mark.parametrize("role", ALL)
def test_role_against_url(client, users, objects, role, method, template, allowed, refused_status):
    path = template.format(**objects)
    client.force_login(users[role])
    response = _request(client, method, path)
    if allowed == PUBLIC or role in allowed:
        # let in: whatever the answer (a redirect, a form error), it is not a refusal
        assert response.status_code not in (401, 403, 404) and response.status_code < 500, (
            role,
            path,
            response.status_code,
        )
        assert response.status_code != 422 or method == "post"
    else:
        expected = refused_status if isinstance(refused_status, tuple) else (refused_status,)
        assert response.status_code in expected, (role, path, response.status_code)


@pytest.mark.parametrize("method,template,allowed,refused_status", MATRIX)
def test_anonymous_is_sent_to_sign_in(client, objects, method, template, allowed, refused_status):
    response = _request(client, method, template.format(**objects))
    if allowed == PUBLIC:
        assert response.status_code not in (401, 403, 404) and response.status_code < 500
    elif template.startswith("/api/"):
        assert response.status_code == 401
    else:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _patterns(p, route)
        elif isinstance(p, URLPattern):
            yield route


def _normalise(route: str) -> str:
    import re

    route = route.lstrip("^").rstrip("$")
    return re.sub(r"<[^>]+>|\{[^}]+\}", "X", route).strip("/")


def test_every_url_is_in_the_matrix():
    covered = {_normalise(t.format(**FILL)) for _, t, _, _ in MATRIX}
    missing = []
    for route in _patterns():
        if route.startswith(PUBLIC_OR_DJANGO) or route.startswith("api/"):
            continue
        if _normalise(route) not in covered:
            missing.append(route)
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method in operations:
            key = "/" + _normalise(path)
            if not any(m == method and "/" + _normalise(t.format(**FILL)) == key for m, t, _, _ in MATRIX):
                missing.append(f"{method.upper()} {path}")
    assert missing == []
