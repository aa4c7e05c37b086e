import os

from django.core.wsgi import get_wsgi_application

from groundswell import config

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groundswell.settings")
config.prepare_home(config.home())
application = get_wsgi_application()
