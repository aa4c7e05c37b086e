from django.apps import AppConfig


class SelectionsConfig(AppConfig):
    name = "groundswell.selections"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from groundswell.ballots.signals import ballot_counted
        from groundswell.selections import (
            personal_data,  # noqa: F401 -- registers applications as personal data
            receivers,
        )

        ballot_counted.connect(receivers.on_ballot_counted, dispatch_uid="selections.on_ballot_counted")
