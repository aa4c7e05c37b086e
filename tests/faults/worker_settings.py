"""Settings for the real task worker in the fault suite: the test settings, but with the
database task backend (as in production), the test database (GROUNDSWELL_DB_NAME), a real SMTP
server on 127.0.0.1 (GROUNDSWELL_SMTP_PORT) and a short lease, so a killed worker's task is
re-queued within a second or two."""

import os

from tests.settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
DATABASES["default"]["NAME"] = os.environ["GROUNDSWELL_DB_NAME"]  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ.get("GROUNDSWELL_SMTP_PORT", "25"))
TASK_LEASE_SECONDS = float(os.environ.get("GROUNDSWELL_TASK_LEASE_SECONDS", "1"))
