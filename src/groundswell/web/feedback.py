"""Telling people what a rule refused, the same way on every page."""

from django.contrib import messages


def refused(request, error: Exception) -> None:
    """Shows a service's refusal ("only members of this branch can ...") as a sentence."""
    text = str(error)
    messages.error(request, text[:1].upper() + text[1:] + ("" if text.endswith(".") else "."))
