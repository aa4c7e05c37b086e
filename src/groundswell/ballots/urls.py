from django.urls import path

from groundswell.ballots import views

app_name = "ballots"
urlpatterns = [
    path("", views.ballot_list, name="list"),
    path("new/", views.ballot_new, name="new"),
    path("trustee/", views.trustee_home, name="trustee"),
    path("<int:ballot_id>/", views.ballot_detail, name="detail"),
    path("<int:ballot_id>/open/", views.ballot_open, name="open"),
    path("<int:ballot_id>/close/", views.ballot_close, name="close"),
    path("<int:ballot_id>/publish/", views.ballot_publish, name="publish"),
    path("<int:ballot_id>/postal.csv", views.postal_credentials, name="postal"),
    path("<int:ballot_id>/reissue/", views.code_reissue, name="reissue"),
    path("<int:ballot_id>/results/", views.ballot_results, name="results"),
    path("<int:ballot_id>/files/<str:name>", views.published_file, name="file"),
    path("<int:ballot_id>/verify/", views.tracker_check, name="verify"),
    path("<int:ballot_id>/share/", views.trustee_share, name="share"),
    path("<int:ballot_id>/count/", views.ballot_count, name="count"),
    path("<int:ballot_id>/audit/", views.audit_check, name="audit"),
]
