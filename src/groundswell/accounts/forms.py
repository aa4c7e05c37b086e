from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import time_format

from groundswell.accounts.services import (
    SignInLocked,
    login_attempt_begin,
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
            "Too many failed sign-ins: signing in to this account from here is locked until %(time)s. "
            "Wait until then, or reset your password.",
            code="locked",
            params={"time": time_format(local, "H:i")},
        )

    def clean(self):
        email = (self.cleaned_data.get("username") or "").lower()
        self.cleaned_data["username"] = email
        address = self._address()
        if email:
            try:  # counted first, in one atomic step, so parallel tries cannot slip past the limit
                login_attempt_begin(email=email, address=address)
            except SignInLocked as locked:
                raise self._locked(locked.until) from None
        try:
            cleaned = super().clean()
        except ValidationError:
            if email:
                login_failure_record(email=email, address=address)
                until = login_locked_until(email=email, address=address)
                if until:
                    raise self._locked(until) from None
            raise
        login_success_record(email=email, address=address)
        return cleaned
