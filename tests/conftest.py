import pytest

from groundswell.accounts.models import Role
from tests import factories


@pytest.fixture
def branches(db):
    """Two branches: Derby North (real code) and Derby South."""
    return (
        factories.branch("E14000662", "Derby North"),
        factories.branch("E14000663", "Derby South"),
    )


@pytest.fixture
def users(branches):
    """One user per role; the organiser runs Derby North only."""
    north, _ = branches
    member_person = factories.person(branch=north, first_name="Mo", last_name="Member")
    return {
        Role.MEMBER: factories.user(Role.MEMBER, person=member_person),
        Role.CANVASSER: factories.user(Role.CANVASSER),
        Role.BRANCH_ORGANISER: factories.user(Role.BRANCH_ORGANISER, branch=north),
        Role.RETURNING_OFFICER: factories.user(Role.RETURNING_OFFICER),
        Role.NATIONAL_ADMIN: factories.user(Role.NATIONAL_ADMIN),
    }


@pytest.fixture
def client_as(client, users):
    def login(role: str):
        client.force_login(users[role])
        return client

    return login


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Per-process caches (target seats) must not leak from one test's data to the next."""
    from django.core.cache import cache

    from groundswell.groundgame.selectors import clear_caches

    clear_caches()
    cache.clear()
    yield
    clear_caches()
    cache.clear()
