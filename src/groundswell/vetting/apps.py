from django.apps import AppConfig


class VettingConfig(AppConfig):
    name = "groundswell.vetting"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from groundswell.vetting import personal_data, receivers  # noqa: F401 -- registers holdings and signals
