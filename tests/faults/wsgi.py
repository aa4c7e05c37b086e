"""WSGI application on the test database, for the fault suite's killable server."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.db import connections  # noqa: E402

connections["default"].settings_dict["NAME"] = os.environ["GROUNDSWELL_DB_NAME"]

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
