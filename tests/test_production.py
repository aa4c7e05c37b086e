"""Production serving: a health check, and `serve --production` refusing unsafe settings."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def test_health_says_ok_with_the_database(client, db):
    response = client.get("/health")
    assert response.status_code == 200 and response.json()["status"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")


def test_health_is_503_when_the_database_is_gone(client, db, monkeypatch):
    from groundswell.web import health

    class Gone:
        vendor = "postgresql"

        def cursor(self):
            raise OSError("database went away")

    monkeypatch.setattr(health, "connection", Gone())
    response = client.get("/health")
    assert response.status_code == 503 and response.json()["status"] == "error"


def test_production_serving_needs_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(CommandError, match="SECRET_KEY"):
        call_command("serve", production=True, no_worker=True)
