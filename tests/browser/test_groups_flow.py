"""Two members in Chromium: one joins a working group and offers a lift on its board; the
other responds; no contact detail is on either page until the poster accepts, then each
sees the other's chosen detail."""

from datetime import date

import pytest
from playwright.sync_api import expect

from groundswell.groups import services
from groundswell.groups.models import WorkingGroup
from groundswell.members.models import Person
from tests import factories
from tests.browser.test_motion_flow import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _member(branch, first_name, phone):
    p = factories.person(branch=branch, first_name=first_name)
    Person.objects.filter(pk=p.pk).update(phone=phone, consent_email_on=date(2024, 1, 1))
    return factories.user("member", person=Person.objects.get(pk=p.pk))


def test_join_post_respond_accept_and_contacts_shown(browser, live_server):
    north = factories.branch("E14000662", "Derby North")
    facilitator = _member(north, "Fay", "07700 900001")
    poster = _member(north, "Pat", "07700 900002")
    helper = _member(north, "Hal", "07700 900003")
    services.group_create(
        user=facilitator, name="Lifts for canvassers", purpose="Sharing lifts", branch=north
    )
    services.group_join(user=helper, group=WorkingGroup.objects.get())

    pat = signed_in(browser, live_server, poster)
    pat.get_by_role("link", name="Groups").first.click()
    pat.get_by_role("link", name="Lifts for canvassers").click()
    pat.get_by_role("button", name="Join").click()
    expect(pat.get_by_test_id("place")).to_have_text("Member")
    pat.get_by_text("Post a request or an offer").click()
    pat.get_by_label("Kind").select_option("offer")
    pat.get_by_label("Topic").select_option("lift")
    pat.get_by_label("Title").fill("Lift from Mickleover on Saturday")
    pat.get_by_role("button", name="Post").click()
    post_url = pat.url

    hal = signed_in(browser, live_server, helper)
    hal.goto(post_url)
    hal.get_by_label("Message").fill("Two of us, please")
    hal.get_by_label("If they accept, share my").select_option("phone")
    hal.get_by_role("button", name="Respond").click()
    expect(hal.get_by_test_id("response-status")).to_have_text("Waiting for the poster")
    expect(hal.get_by_test_id("contact")).to_have_count(0)
    assert "07700 900002" not in hal.content() and poster.person.email not in hal.content()

    pat.reload()
    expect(pat.get_by_test_id("response")).to_contain_text("Two of us, please")
    assert "07700 900003" not in pat.content()
    pat.get_by_label("Share my").select_option("phone")
    pat.get_by_role("button", name="Accept and exchange contacts").click()
    expect(pat.get_by_test_id("contact")).to_contain_text("07700 900003")

    hal.reload()
    expect(hal.get_by_test_id("response-status")).to_have_text("Accepted: contact details exchanged")
    expect(hal.get_by_test_id("contact")).to_contain_text("07700 900002")
