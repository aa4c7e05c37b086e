"""The officer's payments pages: import, the queue, a hand match, a membership's ledger."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from groundswell.accounts.models import AuditEvent, Role
from groundswell.lifecycle.models import Payment, Rate
from tests import factories
from tests.lifecycle import samples

pytestmark = pytest.mark.django_db


def upload(client, data, fmt="gocardless", name="gc.csv"):
    return client.post(
        "/payments/", {"file": SimpleUploadedFile(name, data), "format": fmt}, follow=True
    ).content.decode()


def test_an_organiser_imports_matches_by_hand_and_reads_the_standing(client):
    Rate.objects.create(name="standard monthly", amount_pence=417, is_default=True)
    north, south = factories.branch(), factories.branch()
    ann = factories.person(branch=north, joined_on=date(2016, 6, 1)).memberships.get()
    sam = factories.person(branch=south, joined_on=date(2016, 6, 1)).memberships.get()
    org = factories.user(Role.BRANCH_ORGANISER, branch=north)
    client.force_login(org)
    page = upload(client, samples.GOCARDLESS)
    assert "4 row(s) recorded: 0 matched, 4 for matching by hand" in page
    assert "MD000AAA1" in page  # in the queue
    # the same file again
    assert "was already imported" in upload(client, samples.GOCARDLESS, name="again.csv")
    assert Payment.objects.count() == 4
    row = Payment.objects.get(reference="MD000AAA1")
    # a member of another branch cannot be matched from here
    page = client.post(
        f"/payments/{row.pk}/match/", {"membership_number": sam.membership_number}, follow=True
    ).content.decode()
    assert "among the members you can see" in page
    page = client.post(
        f"/payments/{row.pk}/match/",
        {"membership_number": ann.membership_number, "note": "mandate form", "confirm": "yes"},
        follow=True,
    ).content.decode()  # fmt: skip
    assert "matched to" in page
    assert AuditEvent.objects.filter(action="lifecycle.match").count() == 1
    page = client.get(f"/payments/memberships/{ann.pk}/?on=2016-06-15").content.decode()
    assert "in good standing" in page and "paid up to 1 July 2016" in page and "by hand" in page
    page = client.get(f"/payments/memberships/{ann.pk}/?on=2016-07-15").content.decode()
    assert "in arrears since 1 July 2016" in page
    assert client.get(f"/payments/memberships/{sam.pk}/").status_code == 404


def test_a_bad_file_on_the_page_says_where_and_imports_nothing(client):
    client.force_login(factories.user(Role.NATIONAL_ADMIN))
    page = upload(client, samples.GOCARDLESS.replace(b"4.17,0.00,GBP", b"4.17,0.00,EUR", 1), name="eur.csv")
    assert "eur.csv: line 2: currency: &#x27;EUR&#x27;: only GBP is taken" in page
    assert "Nothing was imported." in page and Payment.objects.count() == 0
