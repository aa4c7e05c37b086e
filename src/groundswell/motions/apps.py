from django.apps import AppConfig


class MotionsConfig(AppConfig):
    name = "groundswell.motions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from groundswell.ballots.signals import ballot_counted
        from groundswell.motions import (
            personal_data,  # noqa: F401 -- registers what motions holds about a person
            receivers,
        )

        ballot_counted.connect(receivers.on_ballot_counted, dispatch_uid="motions.on_ballot_counted")
