from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "groundswell.ballots"
    label = "ballots"
    verbose_name = "Ballots"
