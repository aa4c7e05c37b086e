"""The caller's page keeps what was typed when a wrap-up is refused, asks before recording
"do not call" (only the person can take it back), and says which outcome was saved."""

import pytest

from groundswell.accounts.models import Role
from groundswell.reach import selectors, services
from groundswell.reach.models import CallTarget, PhoneBank
from tests import factories
from tests.reach.helpers import seat_with_phones


@pytest.fixture(autouse=True)
def _always_calling_hours(monkeypatch):
    from datetime import time

    monkeypatch.setattr(PhoneBank._meta.get_field("opens"), "default", time(0, 0))
    monkeypatch.setattr(PhoneBank._meta.get_field("closes"), "default", time(23, 59, 59))


@pytest.fixture
def held(client, branches, users):
    north, _ = branches
    seat_with_phones(north, n=2)
    bank = services.phone_bank_create(user=users[Role.BRANCH_ORGANISER], branch=north, name="Calls")
    ann = factories.user(Role.CANVASSER, email="ann@example.org")
    client.force_login(ann)
    client.post(f"/call/{bank.code}/join/")
    client.post(f"/call/{bank.code}/next/")
    return bank, CallTarget.objects.get(assigned_to=ann)


def test_a_refused_wrap_up_keeps_everything_the_caller_entered(client, held):
    bank, target = held
    response = client.post(
        f"/call/{bank.code}/wrap/{target.pk}/",
        {
            "outcome": "answered",
            "code": "LAB",
            "likelihood": "15",
            "issues": "Buses and the library",
            "pledged": "on",
            "notes": "Call after six",
        },
    )
    page = response.content.decode()
    assert response.status_code != 302
    assert "Buses and the library" in page and "Call after six" in page and 'value="15"' in page
    assert "<option selected>LAB</option>" in page
    assert 'name="pledged" checked' in page


def test_do_not_call_asks_to_confirm_before_it_is_recorded(client, held):
    bank, target = held
    url = f"/call/{bank.code}/wrap/{target.pk}/"
    response = client.post(url, {"outcome": "do_not_call", "notes": "asked politely"})
    assert b"Record \xe2\x80\x9cdo not call\xe2\x80\x9d" in response.content
    assert b"asked politely" in response.content
    assert not selectors.on_do_not_call(target.number)
    response = client.post(url, {"outcome": "do_not_call", "confirm_do_not_call": "1"}, follow=True)
    assert selectors.on_do_not_call(target.number)
    assert b"Saved: Do not call." in response.content


def test_saved_says_which_outcome(client, held):
    bank, target = held
    response = client.post(f"/call/{bank.code}/wrap/{target.pk}/", {"outcome": "busy"}, follow=True)
    assert b"Saved: Busy. The number is hidden now." in response.content
