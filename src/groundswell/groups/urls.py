from django.urls import path

from groundswell.groups import views

app_name = "groups"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("new/", views.group_new, name="new"),
    path("<int:group_id>/", views.group_detail, name="detail"),
    path("<int:group_id>/join/", views.group_join, name="join"),
    path("<int:group_id>/leave/", views.group_leave, name="leave"),
    path("<int:group_id>/mute/", views.group_mute, name="mute"),
    path("<int:group_id>/invite/", views.group_invite, name="invite"),
    path("<int:group_id>/members/<int:person_id>/", views.group_member, name="member"),
    path("<int:group_id>/mailout/", views.group_mailout, name="mailout"),
    path("<int:group_id>/posts/", views.post_new, name="post_new"),
    path("<int:group_id>/events/", views.group_event_new, name="event_new"),
    path("<int:group_id>/events/<int:event_id>/", views.group_event_decide, name="event_decide"),
    path("branch/<str:ons_code>/", views.branch_board, name="branch_board"),
    path("posts/<int:post_id>/", views.post_detail, name="post"),
    path("posts/<int:post_id>/close/", views.post_close, name="post_close"),
    path("posts/<int:post_id>/hide/", views.post_hide, name="post_hide"),
    path("responses/<int:response_id>/", views.response_decide, name="response"),
]
