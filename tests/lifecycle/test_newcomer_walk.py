"""What a newcomer walking the payments, windows and eligibility pages found wanting."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from groundswell.accounts.models import Role
from groundswell.lifecycle.models import HandMatch, Payment, Rate
from tests import factories
from tests.lifecycle import samples

pytestmark = pytest.mark.django_db


def upload(client, data, fmt="gocardless", name="gc.csv"):
    return client.post(
        "/payments/", {"file": SimpleUploadedFile(name, data), "format": fmt}, follow=True
    ).content.decode()


def test_the_amount_shows_in_the_queue_and_the_ledger_negative_for_a_failed_collection(client):
    Rate.objects.create(name="standard monthly", amount_pence=417, is_default=True)
    ann = factories.person(branch=factories.branch(), joined_on=date(2016, 6, 1)).memberships.get()
    client.force_login(factories.user(Role.NATIONAL_ADMIN))
    page = upload(client, samples.GOCARDLESS)
    assert "<td>£4.17</td>" in page and "<td>£1.00</td>" in page
    source = Payment.objects.first().source
    failed = Payment.objects.create(
        kind=Payment.Kind.FAILED, amount_pence=-417, paid_on=date(2016, 7, 1), method="direct_debit",
        reference="RETURNED", source=source, line=99,
    )  # fmt: skip
    assert "<td>\u2212£4.17</td>" in client.get("/payments/").content.decode()
    HandMatch.objects.create(payment=failed, membership=ann)
    page = client.get(f"/payments/memberships/{ann.pk}/").content.decode()
    assert "<td>\u2212£4.17</td>" in page
