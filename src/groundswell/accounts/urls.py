from django.urls import include, path

from groundswell.accounts.views import SignInView

urlpatterns = [
    path("login/", SignInView.as_view(), name="login"),
    path("", include("django.contrib.auth.urls")),
]
