from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "groundswell.accounts"
    label = "accounts"
    verbose_name = "Accounts, roles and audit"
