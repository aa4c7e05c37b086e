"""The database reader against sessions: the rows in `django_session` must not be usable as
cookies (today's Django default stores the cookie's value itself). Found by the ballot box's
adversarial review: a dump let a reader vote for an elector who had entered their code,
and take trustees' shares through their signed-in sessions."""

from django.contrib.sessions.models import Session

from groundswell.accounts.models import Role
from tests.ballots.factories import code_for, draft_ballot, open_ballot


def test_a_session_row_read_from_the_database_is_not_a_cookie_that_works(client, users):
    ballot = open_ballot(draft_ballot(users[Role.RETURNING_OFFICER]))
    victim_cookie = client.cookies
    client.post("/vote/", {"code": code_for(ballot, users[Role.MEMBER].person)})
    real = victim_cookie["sessionid"].value
    stored = [s.session_key for s in Session.objects.all()]
    assert real not in stored  # the row is keyed by a keyed hash of the cookie
    from django.test import Client

    reader = Client()
    for key in stored:
        reader.cookies["sessionid"] = key
        page = reader.get("/vote/ballot/")
        assert page.status_code == 302 and page["Location"].endswith("/vote/")  # sent back to enter a code
    # the real cookie still works for its owner
    assert client.get("/vote/ballot/").status_code == 200


def test_signing_in_and_out_works_with_hashed_session_keys(client, users):
    from tests.factories import PASSWORD

    user = users[Role.RETURNING_OFFICER]
    client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert client.get("/ballots/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/ballots/").status_code == 302
    assert not Session.objects.filter(session_key=client.cookies["sessionid"].value).exists()
