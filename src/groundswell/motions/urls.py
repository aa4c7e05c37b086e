from django.urls import path

from groundswell.motions import views

app_name = "motions"

urlpatterns = [
    path("", views.motion_list, name="list"),
    path("new/", views.motion_new, name="new"),
    path("composite/", views.composite_new, name="composite"),
    path("<int:motion_id>/", views.motion_detail, name="detail"),
    path("<int:motion_id>/edit/", views.motion_edit, name="edit"),
    path("<int:motion_id>/support/", views.motion_support, name="support"),
    path("<int:motion_id>/withdraw/", views.motion_withdraw, name="withdraw"),
    path("<int:motion_id>/amend/", views.amendment_new, name="amend"),
    path("<int:motion_id>/comments/", views.comment_post, name="comment"),
    path("comments/<int:comment_id>/hide/", views.comment_hide, name="comment_hide"),
    path("<int:motion_id>/vote/<int:ballot_id>/", views.motion_vote, name="vote"),
    path("<int:motion_id>/close/", views.motion_close, name="close"),
    path("<int:motion_id>/send/", views.motion_send, name="send"),
]
