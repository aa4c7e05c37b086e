from django.urls import path

from groundswell.members import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("<int:person_id>/", views.member_detail, name="detail"),
    path("<int:person_id>/data.json", views.person_data, name="person_data"),
    path("<int:person_id>/erase/", views.person_erase, name="erase"),
    path("import/", views.member_import, name="import"),
    path("import/<int:job_id>/", views.import_status, name="import_status"),
    path("export.csv", views.member_export, name="export"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/<int:candidate_id>/", views.duplicate_resolve, name="duplicate_resolve"),
]
