from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "groundswell.ballots"
    label = "ballots"
    verbose_name = "Ballots"

    def ready(self) -> None:
        from groundswell.ballots import personal_data  # noqa: F401 -- registers what ballots hold about a person
