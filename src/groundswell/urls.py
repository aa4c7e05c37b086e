from django.contrib import admin
from django.urls import include, path

from groundswell.api import api
from groundswell.ballots import views as ballot_views
from groundswell.members import views as member_views
from groundswell.web.health import health

admin.site.site_header = "Groundswell administration"

urlpatterns = [
    path("", member_views.home, name="home"),
    path("me/data.json", member_views.my_data, name="my_data"),
    path("health", health, name="health"),
    path("accounts/", include("groundswell.accounts.urls")),
    path("members/", include("groundswell.members.urls")),
    path("ballots/", include("groundswell.ballots.urls")),
    path("vote/", include("groundswell.ballots.vote_urls")),
    path("results/", ballot_views.results_list, name="results"),
    path("motions/", include("groundswell.motions.urls")),
    path("events/", include("groundswell.events.urls")),
    path("groups/", include("groundswell.groups.urls")),
    path("selections/", include("groundswell.selections.urls")),
    path("payments/", include("groundswell.lifecycle.urls")),
    path("", include("groundswell.lifecycle.public_urls")),
    path("", include("groundswell.mailouts.urls")),
    path("", include("groundswell.reach.urls")),
    path("", include("groundswell.vetting.urls")),
    path("", include("groundswell.groundgame.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
