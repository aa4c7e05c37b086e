"""The menu links each role to the pages it may open, and no others: a member reaches
their friends, referral link and selections; a caller reaches join-by-code without the
organisers' page (which refuses them); /me/vetting/ only for someone with a case."""

import re

import pytest

from groundswell.accounts.models import Role
from groundswell.vetting.models import Exclusion
from tests import factories
from tests.vetting.helpers import exclude, open_supporters_ballot, supporter


def _menu(client) -> set[str]:
    page = client.get("/").content.decode()
    nav = page.split("<main>")[0]
    return set(re.findall(r'href="([^"]+)"', nav))


@pytest.mark.django_db
def test_a_member_reaches_friends_referrals_selections_and_call_by_code(client, users):
    client.force_login(users[Role.MEMBER])
    links = _menu(client)
    assert {"/friends/", "/me/referrals/", "/selections/", "/call/"} <= links
    assert "/phonebanks/" not in links and "/payments/" not in links and "/vetting/" not in links
    assert "/me/vetting/" not in links  # no case: nothing to read
    for url in ("/friends/", "/me/referrals/", "/selections/", "/call/"):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_a_canvasser_joins_a_phone_bank_by_code_from_the_menu(client, users):
    client.force_login(users[Role.CANVASSER])
    links = _menu(client)
    assert "/call/" in links and "/phonebanks/" not in links
    page = client.get("/call/")
    assert page.status_code == 200 and b'name="code"' in page.content


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.BRANCH_ORGANISER, Role.NATIONAL_ADMIN])
def test_officers_reach_phone_banks_payments_and_vetting(client, users, role):
    client.force_login(users[role])
    links = _menu(client)
    assert {"/phonebanks/", "/payments/", "/vetting/", "/call/"} <= links
    for url in ("/phonebanks/", "/payments/", "/vetting/"):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_my_vetting_is_in_the_menu_only_for_a_person_with_a_case(client, users, branches):
    north, _ = branches
    sue = supporter(north, first_name="Sue", last_name="Excluded")
    account = factories.user(Role.MEMBER, person=sue, email="sue@example.org")
    ballot = open_supporters_ballot(users[Role.RETURNING_OFFICER])
    ex = exclude(users[Role.NATIONAL_ADMIN], ballot, sue)
    Exclusion.objects.filter(pk=ex.pk).update(state=Exclusion.State.IN_FORCE)
    client.force_login(account)
    assert "/me/vetting/" in _menu(client)
