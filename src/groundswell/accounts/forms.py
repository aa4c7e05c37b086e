from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import time_format

from groundswell.accounts.services import (
    login_failure_record,
    login_locked_until,
    login_success_record,
)
from groundswell.web.client import client_address


class ThrottledAuthenticationForm(AuthenticationForm):
    """Email-and-password sign-in that locks out after repeated failures."""

    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    def _address(self) -> str | None:
        return client_address(self.request)

    def _locked(self, until) -> ValidationError:
        local = timezone.localtime(until)
        return ValidationError(
            "Too many failed sign-ins: this account is locked until %(time)s. "
            "Wait until then, or reset your password.",
            code="locked",
            params={"time": time_format(local, "H:i")},
        )

    def clean(self):
        email = (self.cleaned_data.get("username") or "").lower()
        self.cleaned_data["username"] = email
        until = login_locked_until(email=email, address=self._address())
        if until:
            raise self._locked(until)
        try:
            cleaned = super().clean()
        except ValidationError:
            if email:
                login_failure_record(email=email, address=self._address())
                until = login_locked_until(email=email, address=self._address())
                if until:
                    raise self._locked(until) from None
            raise
        login_success_record(email=email)
        return cleaned
