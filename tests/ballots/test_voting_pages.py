"""The voting pages keep the vote out of the session, and refuse bad papers clearly."""

from datetime import timedelta

from django.contrib.sessions.models import Session

from groundswell.accounts.models import Role
from groundswell.ballots.models import Elector, Paper, SealedBallot
from tests.ballots.factories import SHARES, close_and_count, code_for, draft_ballot, open_ballot


def test_a_signed_in_member_votes_and_no_session_holds_their_ranking_or_tracker(client, users):
    member = users[Role.MEMBER]
    ballot = open_ballot(draft_ballot(users[Role.RETURNING_OFFICER]))
    code = code_for(ballot, member.person)
    client.force_login(member)
    client.post("/vote/", {"code": code})
    review = client.post("/vote/ballot/", {"rank_2": "1", "rank_0": "2"})
    assert review.status_code == 200 and "Cast my vote" in review.content.decode()
    receipt = client.post("/vote/cast/", {"ranking": "2,0"})
    cast = SealedBallot.objects.get(ballot=ballot)
    assert cast.tracker in receipt.content.decode()
    for session in Session.objects.all():
        data = str(session.get_decoded())
        assert cast.tracker not in data and code not in data and "ranking" not in data
    assert SHARES[ballot.pk]
    close_and_count(ballot, users[Role.RETURNING_OFFICER])
    assert Paper.objects.get(ballot=ballot).ranking == [2, 0]  # sealed by the server, opened at the count


def test_gaps_and_repeats_are_explained(client, users):
    ballot = open_ballot(draft_ballot(users[Role.RETURNING_OFFICER]))
    client.post("/vote/", {"code": code_for(ballot, Elector.objects.filter(ballot=ballot).first().person)})
    gap = client.post("/vote/ballot/", {"rank_0": "1", "rank_1": "3"})
    assert gap.status_code == 400 and "nobody has number 2" in gap.content.decode()
    twice = client.post("/vote/ballot/", {"rank_0": "1", "rank_1": "1"})
    assert "number 1 to more than one candidate" in twice.content.decode()


def test_a_code_for_a_ballot_not_yet_open_says_when_it_opens(client, users):
    ballot = open_ballot(
        draft_ballot(users[Role.RETURNING_OFFICER], opens_in=timedelta(days=2), closes_in=timedelta(days=3))
    )
    response = client.post(
        "/vote/", {"code": code_for(ballot, Elector.objects.filter(ballot=ballot).first().person)}
    )
    assert "Voting opens on" in response.content.decode()


def test_an_unknown_code_is_refused(client, db):
    response = client.post("/vote/", {"code": "NOPE-NOPE"})
    assert response.status_code == 400 and "not valid" in response.content.decode()


def test_a_choice_that_is_not_on_the_paper_is_explained_not_a_server_error(client, users):
    ballot = open_ballot(draft_ballot(users[Role.RETURNING_OFFICER], method="fptp"))
    client.post("/vote/", {"code": code_for(ballot, Elector.objects.filter(ballot=ballot).first().person)})
    response = client.post("/vote/ballot/", {"choice": "99"})
    assert response.status_code == 400 and "Choose one candidate" in response.content.decode()
