from django.urls import path

from groundswell.lifecycle import views

app_name = "lifecycle"

urlpatterns = [
    path("", views.payments, name="payments"),
    path("<int:payment_id>/match/", views.payment_match, name="match"),
    path("memberships/<int:membership_id>/", views.membership_ledger, name="ledger"),
    path("rules/<int:ballot_id>/publish/", views.rules_publish, name="rules_publish"),
    path("windows/", views.windows, name="windows"),
]
