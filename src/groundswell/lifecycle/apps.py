from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "groundswell.lifecycle"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from groundswell.lifecycle import personal_data  # noqa: F401 -- registers the ledger's holdings
