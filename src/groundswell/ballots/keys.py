"""Keys the server derives from its own secret (SECRET_KEY, which is not in the database).

- the voting-code key: codes are stored only as HMAC-SHA256 under it;
- the custody key: a trustee's share waiting to be downloaded is sealed under it (AES-GCM);
- a server-held ballot key for votes without named trustees (motion votes).

Whoever reads the database gets none of these; whoever runs the server with its secret can
derive them, which is why a ballot that matters has trustees (README, "The ballot box").
Rotating SECRET_KEY while a ballot is open makes its codes stop working.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _derive(purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(
        settings.SECRET_KEY.encode()
    )


@lru_cache(maxsize=8)
def _code_key(secret: str) -> bytes:
    return _derive("groundswell/voting-codes/v1")


def code_hash(code: str) -> str:
    """The keyed hash of a normalised voting code: what the database holds instead of it."""
    return hmac.new(_code_key(settings.SECRET_KEY), code.encode(), hashlib.sha256).hexdigest()


def custody_seal(data: bytes, *, context: str) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(_derive("groundswell/share-custody/v1")).encrypt(nonce, data, context.encode())


def custody_open(blob: bytes, *, context: str) -> bytes:
    blob = bytes(blob)
    return AESGCM(_derive("groundswell/share-custody/v1")).decrypt(blob[:12], blob[12:], context.encode())


def server_ballot_secret(ballot_id: int, created_at_iso: str) -> bytes:
    return _derive(f"groundswell/server-ballot-key/v1/{ballot_id}/{created_at_iso}")
