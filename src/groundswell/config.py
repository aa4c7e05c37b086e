"""Settings that come from the environment, parsed in one place.

Production reads `DATABASE_URL`, `SECRET_KEY`, `ALLOWED_HOSTS` and `EMAIL_URL`; the demo and
the tests need none of them, so every reader has a default that works on a laptop.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit


def home() -> Path:
    """Where the embedded database, the secret key and uploads live (`var/` by default).

    Only named here: importing the settings writes nothing (so `groundswell --help` in any
    directory leaves it as it was); `prepare_home` creates it when a command really runs."""
    return Path(os.environ.get("GROUNDSWELL_HOME", Path.cwd() / "var"))


def prepare_home(path: Path) -> None:
    """Creates the home directory and its `static/` (which whitenoise expects) before a
    command that uses them runs: the CLI calls it for every command except help and
    version, and wsgi/asgi call it when the server starts."""
    (path / "static").mkdir(parents=True, exist_ok=True)


def database_from_url(url: str | None, sqlite_path: Path) -> dict:
    """Turns `postgres://user:pass@host:port/name`, `sqlite:///path` (or nothing: SQLite at
    `sqlite_path`) into a Django DATABASES entry."""
    if url and url.startswith("sqlite:///"):
        sqlite_path, url = Path(url.removeprefix("sqlite:///")), None
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(sqlite_path),
            "OPTIONS": {
                # IMMEDIATE makes a writer take the lock at BEGIN, so two processes racing
                # for one credential queue up instead of failing on lock upgrade.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ValueError(f"DATABASE_URL: unsupported scheme {parts.scheme!r} (use postgres://)")
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": int(os.environ.get("CONN_MAX_AGE", "60")),
        # Off by default: the check is one more round trip on every request (a sixth of a
        # cast's time at a ballot's close, measured with py-spy). After a database restart
        # each pooled connection fails one request with the clear 503 and then reconnects.
        "CONN_HEALTH_CHECKS": os.environ.get("CONN_HEALTH_CHECKS", "") == "1",
        "OPTIONS": options,
    }


def email_from_url(url: str | None) -> dict:
    """`smtp://user:pass@host:587?tls=1`, `file://` (default: each message a file under
    var/mail/, so a demo that emails 10,000 voting codes does not bury its own console),
    `console://` or `locmem://`."""
    if not url or url.startswith("file:"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"}
    if url.startswith("console:"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if url.startswith("locmem:"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or 25,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": query.get("tls") == "1",
        "EMAIL_USE_SSL": parts.scheme == "smtps",
    }


def secret_key(base: Path):
    """`SECRET_KEY` from the environment, else the one kept in `var/secret_key`, generated
    there the first time something signs with it (a lazy string: reading the settings for
    `--help` must not write a key into the current directory)."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = base / "secret_key"
    if path.exists():
        return path.read_text().strip()
    from django.utils.functional import lazy

    return lazy(_kept_secret_key, str)(path)


def _kept_secret_key(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}
