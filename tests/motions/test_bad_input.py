"""Input an attacker or a careless client sends gets a clear 4xx, never a 500 (issue 12)."""

import pytest

from groundswell.accounts.models import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["offset=-5", "limit=-1", "offset=99999999999999999999"])
def test_motions_list_with_a_negative_or_huge_offset_is_a_4xx(client, users, query):
    client.force_login(users[Role.MEMBER])
    response = client.get(f"/api/motions?{query}")
    assert 400 <= response.status_code < 500, response.status_code
