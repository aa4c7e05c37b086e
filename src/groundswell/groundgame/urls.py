from django.urls import path

from groundswell.groundgame import views

app_name = "groundgame"
urlpatterns = [
    path("targets/", views.targets, name="targets"),
    path("nearest/", views.nearest, name="nearest"),
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/new/", views.session_new, name="session_new"),
    path("sessions/<int:session_id>/", views.session_detail, name="session"),
    path("sessions/<int:session_id>/signup/", views.session_signup, name="session_signup"),
    path("sessions/<int:session_id>/cancel/", views.session_cancel, name="session_cancel"),
    path("register/", views.register_list, name="registers"),
    path("register/<str:ons_code>/", views.register_detail, name="register"),
    path(
        "register/<str:ons_code>/imports/<int:job_id>/", views.register_import_status, name="register_import"
    ),
]
