"""The member list pages by keyset: "next page" walks every membership the user may see
exactly once, in order, whatever the ties in names; a letter jumps to its surnames; and no
cursor, however forged, moves an organiser outside their branches."""

import re

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groundswell.accounts.models import Role
from groundswell.members import selectors
from groundswell.members.models import Membership
from groundswell.members.views import cursor_token
from tests import factories

pytestmark = pytest.mark.django_db

NEXT = re.compile(r'href="\?([^"]*after=[^"]+)" data-testid="next-page"')


def walk(client, query: str = "") -> list[str]:
    """Follows "Next →" from the first page to the last; returns the membership numbers seen."""
    seen, url = [], f"/members/?{query}"
    for _ in range(100):
        html = client.get(url).content.decode()
        seen += re.findall(r"<td>(N\d+)</td>", html)
        found = NEXT.search(html)
        if not found:
            return seen
        url = "/members/?" + found.group(1).replace("&amp;", "&")
    raise AssertionError("the pages never ended")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=st.lists(
        st.tuples(
            st.sampled_from(["Smith", "Shah", "O'Neil", "smith", ""]), st.sampled_from(["Al", "Bo", ""])
        ),
        min_size=0,
        max_size=23,
    ),
    size=st.integers(1, 6),
)
def test_keyset_pages_hold_every_membership_once_in_order_whatever_the_ties(names, size):
    with transaction.atomic():
        branch = factories.branch()
        for i, (last, first) in enumerate(names):
            factories.person(branch=branch, last_name=last or " ", first_name=first, number=f"N{i:03d}")
        everyone = selectors.membership_search(factories.user(Role.NATIONAL_ADMIN))
        expected = [m.membership_number for m in everyone]
        seen, after = [], None
        while True:
            rows, after = selectors.membership_page(everyone, after=after, size=size)
            seen += [m.membership_number for m in rows]
            if after is None:
                break
        assert seen == expected
        transaction.set_rollback(True)


@pytest.fixture
def two_branches():
    north, south = factories.branch("E14000662", "Derby North"), factories.branch("E14000663", "Derby South")
    for i in range(120):
        factories.person(branch=north if i % 3 else south, last_name=f"Name{i % 7}", number=f"N{i:04d}")
    return north, south


def test_an_organiser_walking_every_page_sees_all_their_branch_and_nothing_else(client, two_branches):
    north, _ = two_branches
    organiser = factories.user(Role.BRANCH_ORGANISER, branch=north)
    client.force_login(organiser)
    seen = walk(client)
    ours = set(Membership.objects.filter(branch=north).values_list("membership_number", flat=True))
    assert sorted(seen) == sorted(ours) and len(seen) == len(set(seen))


def test_a_forged_cursor_never_reaches_another_branch(client, two_branches):
    north, south = two_branches
    client.force_login(factories.user(Role.BRANCH_ORGANISER, branch=north))
    theirs = set(Membership.objects.filter(branch=south).values_list("membership_number", flat=True))
    for cursor in [("", "", ""), ("Name3", "Ada", "N0000"), ("Name0", "", "N0003"), ("\x00", "x", "y")]:
        response = client.get(f"/members/?after={cursor_token(cursor)}")
        assert response.status_code == 200  # a NUL byte was a 500 on PostgreSQL
        html = response.content.decode()
        assert not theirs & set(re.findall(r"<td>(N\d+)</td>", html))
    assert client.get("/members/?after=%%%not-base64").status_code == 200  # the first page
    assert client.get("/members/?q=Sm%00ith").status_code == 200


def test_a_letter_jumps_to_the_first_surname_there(client, two_branches):
    client.force_login(factories.user(Role.NATIONAL_ADMIN))
    factories.person(branch=two_branches[0], last_name="Zephaniah", number="N9999")
    html = client.get("/members/?letter=Z").content.decode()
    assert re.findall(r"<td>(N\d+)</td>", html) == ["N9999"]


def test_the_count_stops_at_its_cap_and_says_so(two_branches):
    admin = factories.user(Role.NATIONAL_ADMIN)
    everyone = selectors.membership_search(admin)
    assert selectors.membership_count(everyone, up_to=200) == (120, False)
    assert selectors.membership_count(everyone, up_to=100) == (100, True)
