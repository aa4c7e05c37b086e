"""Sessions stored by a keyed hash of their key, not the key itself.

Django's database sessions keep each session's key in clear in `django_session`, and that
key is the cookie: anyone who reads the database (a DBA, a backup, a leaked dump) could
sign in as anyone signed in — a returning officer, a trustee about to take a share, an
elector half-way through voting. Here the row holds HMAC-SHA256 of the key under a key
derived from SECRET_KEY (not in the database), cut to the column's 40 hex characters (160
bits), so the table's rows are of no use without the cookie itself.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.contrib.sessions.backends import db
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone


@lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"groundswell/session-keys/v1").derive(
        str(secret).encode()
    )


def stored_key(session_key: str) -> str:
    return hmac.new(_key(str(settings.SECRET_KEY)), session_key.encode(), hashlib.sha256).hexdigest()[:40]


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        try:
            return self.model.objects.get(
                session_key=stored_key(self.session_key), expire_date__gt=timezone.now()
            )
        except (self.model.DoesNotExist, SuspiciousOperation) as e:
            if isinstance(e, SuspiciousOperation):
                logging.getLogger(f"django.security.{e.__class__.__name__}").warning(str(e))
            self._session_key = None

    def exists(self, session_key):
        return self.model.objects.filter(session_key=stored_key(session_key)).exists()

    def create_model_instance(self, data):
        return self.model(
            session_key=stored_key(self._get_or_create_session_key()),
            session_data=self.encode(data),
            expire_date=self.get_expiry_date(),
        )

    def delete(self, session_key=None):
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self.model.objects.filter(session_key=stored_key(session_key)).delete()
