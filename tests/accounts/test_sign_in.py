"""Sign-in, throttling, password reset, and the security headers on every page."""

import re

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core import mail
from django.test import Client, override_settings

from groundswell.accounts.models import Role
from groundswell.accounts.services import user_create
from tests.factories import PASSWORD


def sign_in(client, email, password, address="10.0.0.1"):
    return client.post("/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR=address)


def test_sign_in_with_email_and_password_reaches_home(client, users):
    response = sign_in(client, users[Role.MEMBER].email.upper(), PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_passwords_are_stored_with_argon2(db):
    user = user_create(email="x@example.org", password=PASSWORD)
    assert identify_hasher(user.password).algorithm == "argon2"


def test_repeated_failures_lock_the_account_out_with_a_clear_message(client, users):
    email = users[Role.MEMBER].email
    for _ in range(5):
        sign_in(client, email, "wrong")
    response = sign_in(client, email, PASSWORD)  # even the right password is refused now
    assert response.status_code == 200
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_nobody_can_lock_an_account_out_from_elsewhere(client, users):
    """The adversary sends five wrong passwords for the returning officer's address on the
    night: the lock is on their (account, address) pair, and the officer still signs in."""
    email = users[Role.RETURNING_OFFICER].email
    for _ in range(5):
        sign_in(client, email, "wrong", address="10.0.0.1")
    assert "Too many failed sign-ins" in sign_in(Client(), email, PASSWORD, "10.0.0.1").content.decode()
    assert sign_in(Client(), email, PASSWORD, "10.9.9.9").status_code == 302


def test_one_address_trying_many_accounts_is_bounded(db, users):
    """A password sprayer on one address: 20 failures across accounts and the address stops."""
    emails = [f"target{n}@example.org" for n in range(10)]
    for email in emails:
        user_create(email=email, password=PASSWORD)
    for email in emails * 2:
        sign_in(Client(), email, "wrong", address="10.6.6.6")
    response = sign_in(Client(), users[Role.MEMBER].email, PASSWORD, "10.6.6.6")
    assert "Too many failed sign-ins" in response.content.decode()
    assert sign_in(Client(), users[Role.MEMBER].email, PASSWORD, "10.7.7.7").status_code == 302


def test_a_success_before_the_limit_resets_the_count(client, users):
    email = users[Role.MEMBER].email
    for _ in range(4):
        sign_in(client, email, "wrong")
    assert sign_in(client, email, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, email, "wrong")
    assert sign_in(client, email, PASSWORD).status_code == 302


def test_sign_out_needs_a_post_and_ends_the_session(client, users):
    client.force_login(users[Role.MEMBER])
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_password_reset_sends_a_working_link(client, users):
    user = users[Role.MEMBER]
    client.post("/accounts/password_reset/", {"email": user.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a new long passphrase 42", "new_password2": "a new long passphrase 42"},
    )
    assert response.status_code == 302
    assert sign_in(Client(), user.email, "a new long passphrase 42").status_code == 302


def test_security_headers_are_sent(client, db):
    response = client.get("/accounts/login/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response  # plain HTTP: no HSTS


def test_hsts_is_sent_over_https(client, db):
    response = client.get("/accounts/login/", secure=True)
    assert "max-age=" in response["Strict-Transport-Security"]


def test_posts_without_a_csrf_token_are_refused(users):
    client = Client(enforce_csrf_checks=True)
    assert sign_in(client, users[Role.MEMBER].email, PASSWORD).status_code == 403
    client.force_login(users[Role.NATIONAL_ADMIN])
    assert client.post("/members/import/").status_code == 403
    assert client.post("/api/members/import").status_code == 403


@pytest.mark.parametrize("role", [Role.NATIONAL_ADMIN])
def test_django_admin_is_for_national_admins_only(client, users, role):
    client.force_login(users[role])
    assert client.get("/admin/").status_code == 200
    client.force_login(users[Role.BRANCH_ORGANISER])
    assert client.get("/admin/").status_code == 302  # admin's own redirect to its login
