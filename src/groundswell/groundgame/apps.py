from django.apps import AppConfig


class GroundgameConfig(AppConfig):
    name = "groundswell.groundgame"
    label = "groundgame"
    verbose_name = "Ground game"
