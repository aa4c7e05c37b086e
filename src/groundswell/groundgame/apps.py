from django.apps import AppConfig


class GroundgameConfig(AppConfig):
    name = "groundswell.groundgame"
    label = "groundgame"
    verbose_name = "Ground game"

    def ready(self) -> None:
        from groundswell.groundgame import personal_data  # noqa: F401 -- registers what groundgame holds about a person
        from groundswell.groundgame.importing import run_register_job
        from groundswell.members.services import import_runner_register

        import_runner_register("register", run_register_job, audit_action="register.import")
