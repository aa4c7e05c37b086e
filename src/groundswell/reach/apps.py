from django.apps import AppConfig


class ReachConfig(AppConfig):
    name = "groundswell.reach"
    verbose_name = "Reach (phone banks)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from groundswell.reach import personal_data  # noqa: F401 -- registers what reach holds about a person
