from django.apps import AppConfig


class SelectionsConfig(AppConfig):
    name = "groundswell.selections"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from groundswell.selections import personal_data  # noqa: F401 -- registers applications as personal data
