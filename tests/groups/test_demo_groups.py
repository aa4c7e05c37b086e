"""The demo's groups: two in Derby North, labelled synthetic, with boards; re-running adds nothing."""

import pytest

from groundswell.groups.demo import demo_groups
from groundswell.groups.models import GroupMember, Post, Response, WorkingGroup
from tests import factories
from tests.groups.test_groups import member

pytestmark = pytest.mark.django_db


def test_demo_groups_are_synthetic_and_loading_twice_adds_nothing():
    north = factories.branch("E14000662", "Derby North")
    fac, mem, other = member(north), member(north), member(north)
    for _ in range(2):
        demo_groups(branch=north, facilitator=fac, member=mem, others=[other])
    groups = list(WorkingGroup.objects.all())
    assert len(groups) == 2 and all("synthetic" in g.name and "Synthetic" in g.purpose for g in groups)
    assert all(p.body.startswith("Synthetic") for p in Post.objects.all())
    assert (
        Post.objects.filter(group__isnull=False).count() == 3
        and Post.objects.filter(branch=north).count() == 1
    )
    assert GroupMember.objects.filter(person=mem.person, status="requested").count() == 1
    assert Response.objects.get().status == "pending"
