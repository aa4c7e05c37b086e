from django.urls import path

from groundswell.selections import views

app_name = "selections"

urlpatterns = [
    path("", views.selection_list, name="list"),
    path("new/", views.selection_new, name="new"),
    path("<int:selection_id>/", views.selection_detail, name="detail"),
    path("<int:selection_id>/apply/", views.selection_apply, name="apply"),
    path("<int:selection_id>/panel/", views.selection_panel, name="panel"),
    path("<int:selection_id>/panel/<int:application_id>/", views.selection_decide, name="decide"),
    path("<int:selection_id>/confirm/", views.selection_confirm, name="confirm"),
    path("<int:selection_id>/ballot/", views.selection_ballot, name="ballot"),
]
