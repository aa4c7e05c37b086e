from django.urls import path

from groundswell.selections import views

app_name = "selections"

urlpatterns = [
    path("", views.selection_list, name="list"),
    path("new/", views.selection_new, name="new"),
    path("affiliates/", views.affiliates, name="affiliates"),
    path("<int:selection_id>/", views.selection_detail, name="detail"),
    path("<int:selection_id>/apply/", views.selection_apply, name="apply"),
    path("<int:selection_id>/panel/", views.selection_panel, name="panel"),
    path("<int:selection_id>/panel/<int:application_id>/", views.selection_decide, name="decide"),
    path("<int:selection_id>/confirm/", views.selection_confirm, name="confirm"),
    path("<int:selection_id>/ballot/", views.selection_ballot, name="ballot"),
    path("<int:selection_id>/hustings/", views.hustings_new, name="hustings"),
    path("<int:selection_id>/nominations/", views.nomination_record, name="nomination_record"),
    path("<int:selection_id>/nominations/vote/", views.nomination_vote_open, name="nomination_vote"),
    path(
        "<int:selection_id>/nominations/<int:nomination_id>/cast/",
        views.nomination_vote_cast,
        name="nomination_cast",
    ),
    path(
        "<int:selection_id>/nominations/<int:nomination_id>/close/",
        views.nomination_vote_close,
        name="nomination_close",
    ),
    path("triggers/", views.trigger_list, name="triggers"),
    path("triggers/<int:trigger_id>/", views.trigger_detail, name="trigger"),
    path("triggers/<int:trigger_id>/sections/", views.trigger_section, name="trigger_section"),
    path("triggers/<int:trigger_id>/ballot/", views.trigger_ballot, name="trigger_ballot"),
    path(
        "triggers/<int:trigger_id>/sections/<int:section_id>/vote/", views.trigger_vote, name="trigger_vote"
    ),
    path(
        "triggers/<int:trigger_id>/sections/<int:section_id>/close/",
        views.trigger_vote_close,
        name="trigger_close",
    ),
    path("triggers/<int:trigger_id>/publish/", views.trigger_publish, name="trigger_publish"),
]
