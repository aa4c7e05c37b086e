from django.contrib.auth import views as auth_views

from groundswell.accounts.forms import ThrottledAuthenticationForm


class SignInView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True
