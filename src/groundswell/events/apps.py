from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "groundswell.events"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from groundswell.events import personal_data  # noqa: F401 -- registers what events holds about a person
