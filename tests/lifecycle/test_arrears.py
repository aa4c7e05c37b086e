"""Arrears reminders and lapse (issue 16, item 2): the scheduled pass emails consented members
newly in arrears once per spell, never twice however often it runs, records a lapse once,
and a lapsed member who pays again is restored (and reminded again in a later spell)."""

from datetime import date

import pytest
from django.core import mail

from groundswell.core.lifecycle import State
from groundswell.lifecycle import selectors, services
from groundswell.lifecycle.models import ArrearsNotice, LapseEvent, Rate, Subscription
from groundswell.management.commands.tick import tick_once
from tests import factories

pytestmark = pytest.mark.django_db


def bank(lines) -> bytes:
    head = "Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,"
    head += "Debit Amount,Credit Amount,Balance\n"
    return (head + "".join(f"{d:%d/%m/%Y},FPI,,,{ref},,{amount},0\n" for d, ref, amount in lines)).encode()


@pytest.fixture
def people():
    branch = factories.branch()
    rate = Rate.objects.create(name="standard monthly", amount_pence=400, grace_months=3)

    def member(consent: bool):
        p = factories.person(branch=branch, joined_on=date(2016, 1, 1))
        if consent:
            p.consent_email_on = date(2016, 1, 1)
            p.save()
        m = p.memberships.get()
        Subscription.objects.create(membership=m, rate=rate)
        return m

    consenting, silent, gone = member(True), member(False), member(True)
    rows = [(date(2016, 1, 1), m.membership_number, "20.00") for m in (consenting, silent)]  # to 1 June
    services.payments_import(user=None, fmt="bank_csv", filename="jan.csv", data=bank(rows))
    return consenting, silent, gone


def test_a_consented_member_newly_in_arrears_is_emailed_once_however_often_the_pass_runs(people):
    consenting, silent, _ = people
    assert services.arrears_run(today=date(2016, 6, 10))["reminded"] == 1
    assert [m.to for m in mail.outbox] == [[consenting.person.email]]
    assert "in arrears since 1 June 2016" in mail.outbox[0].body
    for day in (date(2016, 6, 10), date(2016, 6, 11), date(2016, 7, 1)):
        services.arrears_run(today=day, force=True)  # a re-run, and later days in the same spell
    assert len(mail.outbox) == 1
    assert (
        ArrearsNotice.objects.filter(membership=silent, sent_at__isnull=True).count() == 1
    )  # marked, not sent


def test_a_lapse_is_recorded_once_and_paying_again_restores_with_a_new_spell_reminded(people):
    _, _, gone = people  # joined 1 January, never paid: in arrears since then, lapsed 1 April
    services.arrears_run(today=date(2016, 4, 2))
    services.arrears_run(today=date(2016, 4, 3))
    assert list(LapseEvent.objects.filter(membership=gone).values_list("lapsed_on", flat=True)) == [
        date(2016, 4, 1)
    ]
    data = bank([(date(2016, 5, 1), gone.membership_number, "4.00")])  # one month, from 1 May
    services.payments_import(user=None, fmt="bank_csv", filename="may.csv", data=data)
    restored = selectors.standing_of(gone, date(2016, 5, 15))
    assert restored.state == State.GOOD_STANDING and restored.restored_on == date(2016, 5, 1)
    mail.outbox.clear()
    services.arrears_run(today=date(2016, 6, 2))  # the month bought has run out: a new spell
    assert [m.to for m in mail.outbox if gone.person.email in m.to]
    assert ArrearsNotice.objects.filter(membership=gone, arrears_since=date(2016, 6, 1)).exists()


def test_the_tick_runs_the_days_pass_once(people):
    first = tick_once()
    again = tick_once()
    assert "arrears reminders sent" in first and again["arrears reminders sent"] == 0
