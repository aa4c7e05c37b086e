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
