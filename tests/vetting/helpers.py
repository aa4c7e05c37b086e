"""Shared set-up for vetting tests: an open ballot, an excluded supporter, a panel."""

from __future__ import annotations

from django.db import transaction

from groundswell.accounts.models import Role
from groundswell.ballots import services as ballots
from groundswell.ballots.models import Elector
from groundswell.members.models import Category
from groundswell.vetting import services
from tests import factories
from tests.ballots.factories import draft_ballot, open_ballot

CATEGORIES = (Category.MEMBER, Category.REGISTERED_SUPPORTER)


def open_supporters_ballot(ro, **kw):
    return open_ballot(draft_ballot(ro, categories=CATEGORIES, **kw))


def supporter(branch, **kw):
    return factories.person(branch=branch, category=Category.REGISTERED_SUPPORTER, **kw)


def panel_member(admin):
    u = factories.user()
    services.panel_appoint(actor=admin, user=u)
    return u


def code(ballot, person) -> str:
    elector = Elector.objects.get(ballot=ballot, person=person)
    with transaction.atomic():
        ((_, c),) = ballots.codes_issue([elector])
    return c


def exclude(officer, ballot, person, criterion="abuse", evidence="Abusive posts on 3 May (screenshots held)"):
    return services.exclusion_propose(
        actor=officer, ballot=ballot, person=person, criterion=criterion, evidence=evidence, confirm=True
    )


def roles(users):
    return (
        users[Role.NATIONAL_ADMIN],
        users[Role.BRANCH_ORGANISER],
        users[Role.RETURNING_OFFICER],
        users[Role.MEMBER],
    )
