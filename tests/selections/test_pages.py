"""Selection pages: a member of the branch sees the timetable but no statements until the
shortlist is confirmed; another branch's organiser gets 403/404 on every panel route."""

from datetime import date
from unittest import mock

import pytest

from groundswell.accounts.models import Role
from groundswell.selections import services
from groundswell.selections.models import Application, Selection
from tests import factories
from tests.selections.test_selections import TT, apply, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    a, b = factories.branch(), factories.branch()
    org = factories.user(Role.BRANCH_ORGANISER, branch=a)
    s = services.selection_create(actor=org, branch=a, title="North", timetable=TT, balance_gender="woman")
    return a, b, org, s


def test_statements_hidden_until_confirmed_and_outsiders_refused(client, setup):
    a, b, _org, s = setup
    app = apply(member(a), s)
    app.statement = "SECRET-STATEMENT"
    app.save()
    client.force_login(member(a))
    page = client.get(f"/selections/{s.pk}/")
    assert page.status_code == 200 and "Timetable" in page.content.decode()
    assert "SECRET-STATEMENT" not in page.content.decode()
    assert client.get(f"/selections/{s.pk}/panel/").status_code in (403, 404)
    other = factories.user(Role.BRANCH_ORGANISER, branch=b)
    client.force_login(other)
    assert client.get(f"/selections/{s.pk}/").status_code == 404
    assert client.get(f"/selections/{s.pk}/panel/").status_code == 404
    r = client.post(
        f"/selections/{s.pk}/panel/{app.pk}/", {"stage": "longlist", "include": "yes", "reason": "x"}
    )
    assert r.status_code == 404
    app.refresh_from_db()
    assert app.status == "applied"


def test_apply_then_panel_decides_with_reasons_and_confirms(client, setup):
    a, _b, org, s = setup
    applicant = member(a)
    client.force_login(applicant)
    with mock.patch("groundswell.selections.services.timezone.localdate", return_value=date(2026, 11, 15)):
        client.post(f"/selections/{s.pk}/apply/", {"statement": "Vote me", "gender": "woman"})
    assert "Received" in client.get(f"/selections/{s.pk}/").content.decode()
    other = apply(member(a), s, gender="woman")
    client.force_login(org)
    mine = Application.objects.get(person=applicant.person)
    r = client.post(
        f"/selections/{s.pk}/panel/{mine.pk}/", {"stage": "longlist", "include": "yes", "reason": ""}
    )
    assert r.status_code == 302
    mine.refresh_from_db()
    assert mine.status == "applied"  # no reason, no decision
    for x in (mine, other):
        for stage in ("longlist", "shortlist"):
            client.post(
                f"/selections/{s.pk}/panel/{x.pk}/", {"stage": stage, "include": "yes", "reason": "strong"}
            )
    assert "balance met" in client.get(f"/selections/{s.pk}/panel/").content.decode()
    client.post(f"/selections/{s.pk}/confirm/")
    client.force_login(factories.user(Role.NATIONAL_ADMIN))
    client.post(f"/selections/{s.pk}/ballot/")
    s.refresh_from_db()
    assert s.ballot is not None and s.ballot.branch_id == a.pk
    assert sorted(s.ballot.candidates.values_list("name", flat=True)) == sorted(
        f"{x.person.first_name} {x.person.last_name}" for x in (mine, other)
    )
    client.force_login(applicant)
    assert "Shortlisted" in client.get(f"/selections/{s.pk}/").content.decode()


def test_an_organiser_opens_a_selection_only_in_their_branch(client, setup):
    a, b, org, _s = setup
    client.force_login(org)
    form = {k: getattr(TT, k).isoformat() for k in TT.__dataclass_fields__} | {
        "title": "Raid",
        "min_months": "6",
    }
    r = client.post("/selections/new/", form | {"branch": b.pk})
    assert r.status_code == 403
    client.post(
        "/selections/new/", form | {"branch": a.pk, "hustings": "2026-12-20"}
    )  # after the ballot opens
    assert not Selection.objects.filter(title="Raid").exists()
    r = client.post("/selections/new/", form | {"branch": a.pk})
    assert Selection.objects.filter(title="Raid", branch=a, min_months=6).exists()
    assert "Raid" in client.get("/selections/").content.decode()


def test_the_panels_read_of_every_application_is_audited(client, setup):
    """Statements, self-declared gender and trade union of every applicant, on one page:
    a bulk read of personal data, audited with how many applications were shown."""
    from groundswell.accounts.models import AuditEvent

    a, _b, org, s = setup
    apply(member(a), s)
    apply(member(a), s)
    client.force_login(org)
    assert client.get(f"/selections/{s.pk}/panel/").status_code == 200
    entry = AuditEvent.objects.filter(action="selections.applications_read").get()
    assert entry.rows == 2 and entry.target == f"selection:{s.pk}" and entry.actor_id == org.pk
