"""A password hasher for the lock-out race test: argon2, counting each password it checks.

Each check appends one byte to the file named by GROUNDSWELL_PASSWORD_CHECKS (O_APPEND, so
every worker process of the test server can count into it): the file's size is how many
passwords the server looked at, which is what a lock-out must bound.
"""

import os

from django.contrib.auth.hashers import Argon2PasswordHasher


class CountingArgon2PasswordHasher(Argon2PasswordHasher):
    def verify(self, password, encoded):
        path = os.environ.get("GROUNDSWELL_PASSWORD_CHECKS")
        if path:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, b".")
            finally:
                os.close(fd)
        return super().verify(password, encoded)
