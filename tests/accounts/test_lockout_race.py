"""The sign-in lock-out holds against simultaneous tries on a real multi-process server.

The adversary fires 25 wrong passwords at once at one account, through gunicorn with two
worker processes of several threads each (as production runs behind the load balancer).
Checked-then-counted let 24 passwords be tried against a limit of 5; counted-first lets
at most 5 be checked, and the rest are refused without their password being looked at.
"""

from __future__ import annotations

import http.client
import re
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from django.test import override_settings

from groundswell.accounts.services import user_create
from tests.factories import PASSWORD
from tests.faults.server import Server

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

WRONG = "Please enter a correct"
LOCKED = "Too many failed sign-ins"


def _csrf(server: Server) -> tuple[str, str]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    html = response.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    conn.close()
    return cookie, token


def _sign_in(
    server: Server, cookie: str, token: str, email: str, password: str, address: str
) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        conn.request(
            "POST",
            "/accounts/login/",
            body=urlencode({"username": email, "password": password, "csrfmiddlewaretoken": token}),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={cookie}",
                "X-Forwarded-For": address,
            },
        )
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        conn.close()


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_twenty_five_simultaneous_wrong_passwords_check_at_most_five(monkeypatch, tmp_path):
    user_create(email="ro@example.org", password=PASSWORD)
    monkeypatch.setenv("BEHIND_TLS_PROXY", "1")  # the client address comes from X-Forwarded-For
    checks = tmp_path / "checks"  # one byte per password the server checks (tests/hashers.py)
    monkeypatch.setenv("GROUNDSWELL_PASSWORD_CHECKS", str(checks))
    server = Server(workers=2).start()
    try:
        cookie, token = _csrf(server)
        with ThreadPoolExecutor(max_workers=25) as pool:
            answers = list(
                pool.map(
                    lambda _: _sign_in(server, cookie, token, "ro@example.org", "wrong", "198.51.100.7"),
                    range(25),
                )
            )
        checked = checks.stat().st_size if checks.exists() else 0
        assert all(status == 200 for status, _ in answers), [s for s, _ in answers]
        assert all(WRONG in body or LOCKED in body for _, body in answers)
        assert checked <= 5, f"{checked} of 25 simultaneous passwords were checked against a limit of 5"
        # locked from that address, even with the right password ...
        assert LOCKED in _sign_in(server, cookie, token, "ro@example.org", PASSWORD, "198.51.100.7")[1]
        # ... but the officer, elsewhere, still signs in
        assert _sign_in(server, cookie, token, "ro@example.org", PASSWORD, "203.0.113.50")[0] == 302
    finally:
        server.stop()
