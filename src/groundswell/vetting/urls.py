from django.urls import path

from groundswell.vetting import views

app_name = "vetting"

urlpatterns = [
    path("vetting/", views.exclusion_list, name="list"),
    path("vetting/propose/", views.exclusion_propose, name="propose"),
    path("vetting/<int:pk>/", views.exclusion_case, name="case"),
    path("vetting/<int:pk>/confirm/", views.exclusion_confirm, name="confirm"),
    path("vetting/appeals/", views.appeal_list, name="appeals"),
    path("vetting/appeals/<int:pk>/decide/", views.appeal_decide, name="decide"),
    path("vetting/panel/", views.panel_appoint, name="panel"),
    path("vetting/refunds/", views.refund_list, name="refunds"),
    path("vetting/refunds/<int:pk>/", views.refund_record, name="refund"),
    path("me/vetting/", views.my_vetting, name="mine"),
    path("me/vetting/<int:pk>/appeal/", views.my_appeal, name="appeal"),
]
