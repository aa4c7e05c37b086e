from django.urls import path

from groundswell.mailouts import views

app_name = "mailouts"

urlpatterns = [
    path("mailouts/", views.mailout_list, name="list"),
    path("mailouts/<int:mailout_id>/", views.mailout_detail, name="detail"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
