from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "groundswell.members"
    label = "members"
    verbose_name = "Members and supporters"
