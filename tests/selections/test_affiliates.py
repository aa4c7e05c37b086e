"""Trade unions and socialist societies are both affiliates, but only a trade union's
members meet a selection's trade-union rule (the adversary: a society member applying)."""

from datetime import date

import pytest

from groundswell.accounts.models import Role
from groundswell.accounts.policies import Refused
from groundswell.selections import services
from groundswell.selections.models import Affiliate
from tests import factories
from tests.selections.test_selections import TT, apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    a = factories.branch()
    org = factories.user(Role.BRANCH_ORGANISER, branch=a)
    s = services.selection_create(actor=org, branch=a, title="U", timetable=TT, union_required=True)
    admin = factories.user(Role.NATIONAL_ADMIN)
    services.affiliate_set_kind(actor=admin, name="Unison", kind="trade_union")
    services.affiliate_set_kind(actor=admin, name="Fabian Society", kind="society")
    return a, s


def member_with(branch, affiliate=None):
    p = factories.person(branch=branch, joined_on=date(2015, 1, 1))
    if affiliate:
        factories.membership(p, branch=branch, category="affiliated_supporter", affiliate=affiliate)
    return factories.user(person=p)


def test_a_socialist_society_member_does_not_meet_a_trade_union_rule(setup):
    a, s = setup
    with pytest.raises(Refused, match="trade union"):
        apply(member_with(a, "Fabian Society"), s)
    with pytest.raises(Refused, match="Fabian Society is a socialist society, not a trade union"):
        apply(member_with(a), s, trade_union="Fabian Society")


def test_a_trade_unions_members_meet_it_by_record_or_by_naming_it(setup):
    a, s = setup
    assert apply(member_with(a, "Unison"), s).status == "applied"
    assert apply(member_with(a), s, trade_union="unison").trade_union == "Unison"


def test_a_union_not_on_the_partys_list_is_refused_naming_the_field(setup):
    a, s = setup
    with pytest.raises(
        Refused, match="trade union: 'Made Up Union' is not a trade union on the party's list"
    ):
        apply(member_with(a), s, trade_union="Made Up Union")


def test_only_national_admins_say_what_kind_an_affiliate_is(setup):
    a, _s = setup
    org = factories.user(Role.BRANCH_ORGANISER, branch=a)
    with pytest.raises(Refused):
        services.affiliate_set_kind(actor=org, name="Fabian Society", kind="trade_union")
    assert Affiliate.objects.get(organisation__name="Fabian Society").kind == "society"
