from django.apps import AppConfig


class ReachConfig(AppConfig):
    name = "groundswell.reach"
    verbose_name = "Reach (phone banks)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from groundswell.groundgame.signals import doorstep_no_calls
        from groundswell.reach import personal_data  # noqa: F401 -- registers what reach holds about a person
        from groundswell.reach.services import objection_from_doorstep

        doorstep_no_calls.connect(objection_from_doorstep, dispatch_uid="reach.doorstep_no_calls")
