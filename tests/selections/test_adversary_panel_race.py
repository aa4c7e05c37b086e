"""Adversary: a panel member shortlists an applicant another panel member has just ruled
out at the longlist, by racing the two requests.

Each request reads the application before the service locks the selection; the second to
get the lock must decide on the application as it is now, not as its request first read
it, or "only a longlisted application can be shortlisted" is beaten by timing."""

import pytest

from groundswell.accounts.models import Role
from groundswell.accounts.policies import Refused
from groundswell.selections import services
from groundswell.selections.models import Application
from tests import factories
from tests.selections.test_selections import a, apply, member, selection  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_stale_read_cannot_shortlist_an_applicant_ruled_out_meanwhile(a, selection):  # noqa: F811
    org, other = (factories.user(Role.BRANCH_ORGANISER, branch=a) for _ in range(2))
    app = apply(member(a), selection)
    services.decision_record(actor=org, application=app, stage="longlist", include=True, reason="meets spec")
    stale = Application.objects.get(pk=app.pk)  # request 2 read it here (longlisted)...
    services.decision_record(  # ...request 1 rules it out first
        actor=other,
        application=Application.objects.get(pk=app.pk),
        stage="longlist",
        include=False,
        reason="not a member long enough after all",
    )
    with pytest.raises(Refused, match="only a longlisted application"):
        services.decision_record(
            actor=org, application=stale, stage="shortlist", include=True, reason="strong"
        )
    assert Application.objects.get(pk=app.pk).status == Application.Status.NOT_SELECTED
