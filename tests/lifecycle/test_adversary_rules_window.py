"""Changing a ballot's rules once the supporter window they named has opened."""

from datetime import datetime, timedelta

import pytest

from groundswell.accounts.models import Role
from groundswell.accounts.policies import Refused
from groundswell.lifecycle import selectors, services
from tests import factories
from tests.ballots.factories import draft_ballot
from tests.lifecycle.test_rules import BEFORE_WINDOW, FREEZE, TZ, rules_doc

pytestmark = pytest.mark.django_db

DURING_WINDOW = datetime(2016, 7, 19, 9, tzinfo=TZ)


@pytest.mark.parametrize(
    "change",
    [
        {"supporter_fee_window": ""},  # drop the fee rule: those who paid £25 are no longer the rule
        {"supporter_fee_window": "july-2016", "min_membership_months": 12},  # move the goalposts
        {"supporter_fee_window": "later", "categories": ["member"]},  # a window not yet open
    ],
)
def test_rules_cannot_change_once_the_window_named_by_the_current_version_has_opened(change):
    """Version 1 names July 2016's window and is published before it opens. Supporters pay in
    the window. Then, with the window open, a runner publishes version 2 that no longer
    names it (or names another window not open yet): the rules change after people acted
    on them. README: rules are "refused once the ballot or its supporter window opened"."""
    ro = factories.user(Role.RETURNING_OFFICER)
    ballot = draft_ballot(ro, opens_in=timedelta(days=1), closes_in=timedelta(days=3), freeze_date=FREEZE)
    admin = factories.user(Role.NATIONAL_ADMIN)
    branch = factories.branch()
    services.window_create(
        user=admin, slug="july-2016", name="July 2016", fee_pence=2500, branch=branch,
        opens_at=datetime(2016, 7, 18, 17, tzinfo=TZ), closes_at=datetime(2016, 7, 20, 17, tzinfo=TZ),
    )  # fmt: skip
    services.window_create(
        user=admin, slug="later", name="Later", fee_pence=2500, branch=branch,
        opens_at=datetime(2016, 7, 21, 17, tzinfo=TZ), closes_at=datetime(2016, 7, 22, 17, tzinfo=TZ),
    )  # fmt: skip
    services.rules_publish(
        user=ro, ballot=ballot, document=rules_doc(supporter_fee_window="july-2016"), confirm=True,
        now=BEFORE_WINDOW,
    )  # fmt: skip
    with pytest.raises(Refused, match="July 2016 opened") as e:
        services.rules_publish(
            user=ro, ballot=ballot, document=rules_doc(**change), confirm=True, now=DURING_WINDOW
        )
    assert e.value.status == 409
    assert [v.number for v in selectors.rules_versions(ballot)] == [1]
