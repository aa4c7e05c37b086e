from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "groundswell.members"
    label = "members"
    verbose_name = "Members and supporters"

    def ready(self) -> None:
        from groundswell.members.personal_data import register_members_and_accounts

        register_members_and_accounts()
