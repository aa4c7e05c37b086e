from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "groundswell.groups"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from groundswell.groups import personal_data  # noqa: F401 -- registers what groups hold about a person
