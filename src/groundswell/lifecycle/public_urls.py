"""Public lifecycle pages: a ballot's eligibility rules, a supporter window's sign-up."""

from django.urls import path

from groundswell.lifecycle import views

app_name = "lifecycle_public"

urlpatterns = [
    path("eligibility/<int:ballot_id>/", views.rules_page, name="rules"),
    path("supporters/<slug:slug>/", views.supporter_signup, name="signup"),
]
