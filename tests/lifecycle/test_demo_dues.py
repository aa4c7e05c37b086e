"""The demo's dues: a year of synthetic Direct Debits with some arrears and lapses; run twice,
nothing is recorded twice."""

from datetime import date

import pytest
from django.utils import timezone

from groundswell.core.lifecycle import State
from groundswell.lifecycle.demo import demo_dues
from groundswell.lifecycle.models import Payment
from groundswell.lifecycle.selectors import standings_as_at
from groundswell.members.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db


def test_demo_dues_make_a_mix_of_standings_and_run_twice_add_nothing():
    branch = factories.branch()
    for _ in range(10):
        factories.person(branch=branch, joined_on=date(2015, 1, 1))
    demo_dues(branch=branch, exclude_person_ids=set())
    rows = Payment.objects.count()
    assert "already imported" in demo_dues(branch=branch, exclude_person_ids=set())
    assert Payment.objects.count() == rows
    states = {s.state for s in standings_as_at(Membership.objects.all(), timezone.localdate()).values()}
    assert {State.GOOD_STANDING, State.IN_ARREARS, State.LAPSED} <= states
    assert Payment.objects.filter(membership__isnull=True).count() == 1


def test_demo_rules_publish_two_versions_before_their_window_opens_and_run_twice_add_nothing():
    from groundswell.accounts.models import Role
    from groundswell.lifecycle.demo import RULES_TITLE, demo_rules
    from groundswell.lifecycle.models import RulesVersion, SupporterSignup

    branch = factories.branch()
    officer = factories.user(Role.RETURNING_OFFICER)
    demo_rules(branch=branch, officer=officer)
    assert "already" in demo_rules(branch=branch, officer=officer)
    versions = RulesVersion.objects.filter(ballot__title=RULES_TITLE).order_by("number")
    assert [v.number for v in versions] == [1, 2]
    assert SupporterSignup.objects.filter(membership__person__synthetic=True).count() == 3
