"""The caller's and organiser's pages: a number shows only to the caller holding the
household, and only until they wrap it up."""

import pytest

from groundswell.accounts.models import Role
from groundswell.reach import services
from groundswell.reach.models import CallTarget, PhoneBank
from tests import factories
from tests.reach.helpers import seat_with_phones


@pytest.fixture
def bank(branches, users, settings):
    north, _ = branches
    seat_with_phones(north, n=3)
    return services.phone_bank_create(user=users[Role.BRANCH_ORGANISER], branch=north, name="Calls")


@pytest.fixture(autouse=True)
def _always_calling_hours(monkeypatch):
    from datetime import time

    monkeypatch.setattr(PhoneBank._meta.get_field("opens"), "default", time(0, 0))
    monkeypatch.setattr(PhoneBank._meta.get_field("closes"), "default", time(23, 59, 59))


def test_the_number_shows_only_to_its_caller_and_only_until_wrapped_up(client, bank):
    ann = factories.user(Role.CANVASSER, email="ann@example.org")
    bob = factories.user(Role.CANVASSER, email="bob@example.org")
    client.force_login(ann)
    assert b"Join this phone bank" in client.get(f"/call/{bank.code}/").content
    assert client.post(f"/call/{bank.code}/next/").status_code == 404  # not joined yet
    client.post(f"/call/{bank.code}/join/")
    client.post(f"/call/{bank.code}/next/")
    held = CallTarget.objects.get(assigned_to=ann)
    page = client.get(f"/call/{bank.code}/").content.decode()
    assert f'href="tel:{held.number}"' in page
    client.force_login(bob)
    client.post(f"/call/{bank.code}/join/")
    assert held.number not in client.get(f"/call/{bank.code}/").content.decode()
    assert (
        client.post(f"/call/{bank.code}/wrap/{held.pk}/", {"outcome": "answered", "code": "LAB"}).status_code
        == 404
    )
    client.force_login(ann)
    response = client.post(
        f"/call/{bank.code}/wrap/{held.pk}/", {"outcome": "answered", "code": "LAB"}, follow=True
    )
    assert held.number not in response.content.decode() and b"Next household" in response.content


def test_the_organiser_sees_progress_of_their_own_branch_only(client, users, bank, branches):
    client.force_login(users[Role.BRANCH_ORGANISER])
    page = client.get(f"/phonebanks/{bank.pk}/").content.decode()
    assert bank.code in page and "Households" in page
    other = services.phone_bank_create(user=users[Role.NATIONAL_ADMIN], branch=branches[1], name="South")
    assert client.get(f"/phonebanks/{other.pk}/").status_code == 404
    response = client.post("/phonebanks/", {"branch": branches[1].pk, "name": "Raid"})
    assert not PhoneBank.objects.filter(name="Raid").exists() and response.status_code == 200
    listing = client.get("/phonebanks/").content.decode()
    assert "Calls" in listing and "South" not in listing


def test_a_person_stops_calls_and_only_they_take_it_back(client, users, branches):
    from groundswell.accounts.models import AuditEvent
    from groundswell.reach.selectors import on_do_not_call

    person = factories.person(branch=branches[0], first_name="Dee", last_name="Nc")
    person.phone = "07700 900123"
    person.save()
    dee = factories.user(Role.MEMBER, person=person, email="dee@example.org")
    client.force_login(dee)
    client.post("/me/calls/", {"action": "block"})
    assert on_do_not_call("+447700900123")
    client.force_login(users[Role.NATIONAL_ADMIN])  # an admin's own page is about their own number
    client.post("/me/calls/", {"action": "reverse"})
    assert on_do_not_call("+447700900123")
    client.force_login(dee)
    assert "you asked not to be called" in client.get("/me/calls/").content.decode()
    client.post("/me/calls/", {"action": "reverse"})
    assert not on_do_not_call("+447700900123")
    assert AuditEvent.objects.filter(action="reach.do_not_call_reversed").count() == 1
