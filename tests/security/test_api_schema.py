"""schemathesis against /api/openapi.json: generated requests to every operation, signed in
as a national admin (who may call all of them). No answer may be a server error, and every
documented answer must match its schema."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from groundswell.accounts.models import Role
from tests import factories

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI handler closes the database connection around each request; in a test that
    connection holds the test's transaction (Django's own test client unhooks it the same way)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_headers(client, db):
    client.force_login(factories.user(Role.NATIONAL_ADMIN))
    token = "s" * 32
    return {
        "Cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={token}",
        "X-CSRFToken": token,
        "Host": "testserver",
    }


@schema.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_errors_and_answers_match_the_schema(case, admin_headers, branches):
    case.call_and_validate(
        headers=admin_headers, checks=[not_a_server_error, response_schema_conformance], excluded_checks=[]
    )
