"""What a newcomer found walking the selection pages: a preselected gender fed the balance
rule, a date-order mistake cleared the whole "open a selection" form, the panel could
shortlist while applications were still open, and the closed selection never said who won."""

from datetime import date
from unittest import mock

import pytest

from groundswell.accounts.models import Role
from groundswell.accounts.policies import Refused
from groundswell.selections import services
from groundswell.selections.models import Application
from tests import factories
from tests.selections.test_selections import TT, apply, member

pytestmark = pytest.mark.django_db
OPEN_DAY = date(2026, 11, 15)


@pytest.fixture
def setup():
    a = factories.branch()
    org = factories.user(Role.BRANCH_ORGANISER, branch=a)
    s = services.selection_create(actor=org, branch=a, title="North", timetable=TT, balance_gender="woman")
    return a, org, s


def test_gender_has_no_preselected_answer_and_must_be_chosen(client, setup):
    a, _org, s = setup
    applicant = member(a)
    client.force_login(applicant)
    with mock.patch("groundswell.selections.selectors.today", return_value=OPEN_DAY):
        page = client.get(f"/selections/{s.pk}/").content.decode()
    select = page[page.index('name="gender"') : page.index("</select>", page.index('name="gender"'))]
    assert '<option value="">' in select and "required" in select.split(">")[0]
    assert "Prefer not to say" in select
    with mock.patch("groundswell.selections.services.timezone.localdate", return_value=OPEN_DAY):
        r = client.post(f"/selections/{s.pk}/apply/", {"statement": "Vote me"}, follow=True)
    assert not Application.objects.filter(person=applicant.person).exists()
    assert "Gender (self-declared): choose one" in r.content.decode()


def test_prefer_not_to_say_never_counts_towards_the_balance_rule(setup):
    a, org, s = setup
    for g in ("man", "not stated"):
        app = apply(member(a), s, gender=g)
        for stage in ("longlist", "shortlist"):
            services.decision_record(actor=org, application=app, stage=stage, include=True, reason="ok")
    with pytest.raises(Refused) as e:
        services.shortlist_confirm(actor=org, selection=s)
    assert e.value.code == "selections.balance"


def test_a_date_order_mistake_keeps_every_field_and_names_the_field(client):
    a = factories.branch()
    client.force_login(factories.user(Role.BRANCH_ORGANISER, branch=a))
    form = {
        "branch": str(a.pk),
        "title": "Typed with care",
        "applications_open": "2027-01-01",
        "applications_close": "2027-01-20",
        "shortlisting": "2027-01-10",
        "hustings": "2027-02-01",
        "ballot_opens": "2027-02-10",
        "ballot_closes": "2027-02-20",
        "min_months": "6",
        "balance_percent": "40",
    }
    r = client.post("/selections/new/", form)
    page = r.content.decode()
    assert r.status_code == 422
    assert "Shortlisting: must be on or after applications_close" in page
    for name in ("applications_open", "shortlisting", "ballot_closes", "min_months", "balance_percent"):
        assert f'name="{name}" required value="{form[name]}"' in page or f'value="{form[name]}"' in page
    assert 'value="Typed with care"' in page


def test_the_panel_cannot_shortlist_while_applications_are_open(setup):
    a, org, s = setup
    app = apply(member(a), s)
    with pytest.raises(Refused) as e:
        services.decision_record(
            actor=org, application=app, stage="longlist", include=True, reason="ok", today=OPEN_DAY
        )
    assert e.value.code == "selections.too_early" and "applications are still open" in str(e.value)
    app.refresh_from_db()
    assert app.status == "applied"


def test_panel_selects_are_labelled(client, setup):
    a, org, s = setup
    apply(member(a), s)
    client.force_login(org)
    page = client.get(f"/selections/{s.pk}/panel/").content.decode()
    assert '<label>Stage <select name="stage">' in page
    assert '<label>Decision <select name="include">' in page
