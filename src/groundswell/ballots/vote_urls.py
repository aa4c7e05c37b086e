from django.urls import path

from groundswell.ballots import voting

app_name = "vote"
urlpatterns = [
    path("", voting.vote_start, name="start"),
    path("ballot/", voting.vote_ballot, name="ballot"),
    path("cast/", voting.vote_cast, name="cast"),
]
