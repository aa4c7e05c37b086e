import os

from django.core.asgi import get_asgi_application

from groundswell import config

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groundswell.settings")
config.prepare_home(config.home())
application = get_asgi_application()
