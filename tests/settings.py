"""Test settings: the real settings, with tasks run at once and fast password hashing.

Tests that check production behaviour (argon2, the task queue) override these locally.
"""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API in tests

from groundswell.settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# The test database is a file on SQLite, so that the concurrency tests' second process
# can open it (an in-memory database is private to one process).
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"groundswell-test-{os.getpid()}.sqlite3")
    }
BALLOT_COUNT_IN_BACKGROUND = False  # count in the request, so a test sees the result at once

# The lock-out race test runs its server with the production hasher (so that checking a
# password takes as long as in production: the window the race needs), counting each check.
if os.environ.get("GROUNDSWELL_PASSWORD_CHECKS"):
    PASSWORD_HASHERS = ["tests.hashers.CountingArgon2PasswordHasher"]
