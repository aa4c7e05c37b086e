from django.urls import path

from groundswell.events import views

app_name = "events"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("new/", views.event_new, name="new"),
    path("<int:event_id>/", views.event_detail, name="detail"),
    path("<int:event_id>/rsvp/", views.event_rsvp, name="rsvp_create"),
    path("<int:event_id>/cancel/", views.event_cancel, name="cancel"),
    path("<int:event_id>/attendance/", views.attendance, name="attendance"),
    path("<int:event_id>/attendance/<int:rsvp_id>/", views.attendance_mark, name="attendance_mark"),
    path("reply/<str:token>/", views.rsvp_page, name="rsvp"),
    path("reply/<str:token>/cancel/", views.rsvp_cancel, name="rsvp_cancel"),
    path("branch/<str:ons_code>.ics", views.branch_feed, name="branch_feed"),
    path("feed/<str:token>.ics", views.person_feed, name="person_feed"),
]
