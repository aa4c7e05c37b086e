"""/friends/: removing asks first and says it was done; an ask is recorded without an
answer and reads "no answer yet", not "Not asked yet"; the suggested text names no polling
hours the app does not know."""

import pytest

from groundswell.accounts.models import Role
from groundswell.reach import relational
from groundswell.reach.models import Friend


@pytest.fixture
def ann(users):
    return users[Role.MEMBER]


@pytest.mark.django_db
def test_remove_asks_to_confirm_then_says_so(client, ann):
    sue = relational.friend_add(user=ann, nickname="Sue")
    client.force_login(ann)
    response = client.post(f"/friends/{sue.pk}/", {"remove": "1"})
    assert Friend.objects.filter(pk=sue.pk).exists()
    assert b"Remove Sue?" in response.content
    response = client.post(f"/friends/{sue.pk}/", {"remove": "1", "confirm": "1"}, follow=True)
    assert not Friend.objects.filter(pk=sue.pk).exists()
    assert b"Removed Sue from your list." in response.content


@pytest.mark.django_db
def test_an_ask_is_recorded_without_an_answer_and_reads_consistently(client, ann):
    sue = relational.friend_add(user=ann, nickname="Sue")
    client.force_login(ann)
    page = client.post(f"/friends/{sue.pk}/", {"ask": "vote", "save_ask": "1"}, follow=True).content.decode()
    sue.refresh_from_db()
    assert sue.ask == "vote" and sue.outcome == "" and sue.asked_at is not None
    assert "asked to vote" in page and "Not asked yet" not in page and "no answer yet" in page
    # changing the ask later keeps the answer already recorded
    relational.friend_record(user=ann, friend_id=sue.pk, outcome="will_vote", ask="vote")
    client.post(f"/friends/{sue.pk}/", {"ask": "volunteer", "save_ask": "1"})
    sue.refresh_from_db()
    assert sue.ask == "volunteer" and sue.outcome == "will_vote"


@pytest.mark.django_db
def test_suggested_text_names_no_polling_hours(ann):
    sue = relational.friend_add(user=ann, nickname="Sue")
    relational.friend_record(user=ann, friend_id=sue.pk, outcome="will_vote", ask="vote")
    sue.refresh_from_db()
    assert "7am" not in relational.share_links(sue)["text"]
