from django.apps import AppConfig


class MailoutsConfig(AppConfig):
    name = "groundswell.mailouts"
    verbose_name = "Mail-outs"
    default_auto_field = "django.db.models.BigAutoField"
