from django.apps import AppConfig


class MailoutsConfig(AppConfig):
    name = "groundswell.mailouts"
    verbose_name = "Mail-outs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from groundswell.mailouts import personal_data  # noqa: F401 -- registers what mailouts holds about a person
