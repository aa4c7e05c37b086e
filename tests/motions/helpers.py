"""Members with accounts, motion rules, and running on-commit work the way a worker would."""

from __future__ import annotations

from groundswell.accounts.models import Role
from groundswell.motions.models import MotionRules
from tests import factories


def member(branch, **kwargs):
    """A member of `branch` who can sign in."""
    return factories.user(Role.MEMBER, person=factories.person(branch=branch, **kwargs))


def rules(support_count: int = 2, share: float = 0.0) -> MotionRules:
    r = MotionRules.current()
    r.support_count, r.support_share_percent = support_count, share
    r.save()
    return r
