from django.urls import path

from groundswell.groundgame import canvass_views, views

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
    path(
        "register/<str:ons_code>/imports/<int:job_id>/confirm/",
        views.register_import_confirm,
        name="register_import_confirm",
    ),
    path(
        "register/<str:ons_code>/corrections/<uuid:correction_id>/",
        views.correction_review,
        name="correction_review",
    ),
    path("canvass/", canvass_views.canvass_app, name="canvass_app"),
    path("canvass/sw.js", canvass_views.service_worker, name="service_worker"),
    path("canvass/electors/<int:elector_id>/", canvass_views.elector_page, name="elector"),
    path("walklists/<str:ons_code>/", canvass_views.walk_lists, name="walk_lists"),
    path("walklists/list/<int:list_id>/sheet.<str:fmt>", canvass_views.walk_sheet, name="walk_sheet"),
    path("dashboard/<str:ons_code>/", canvass_views.dashboard, name="dashboard"),
    path("pollingday/<str:ons_code>/", canvass_views.polling_day, name="polling_day"),
]
