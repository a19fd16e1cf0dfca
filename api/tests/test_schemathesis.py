"""schemathesis against our own OpenAPI schema, in process (WSGI), as a provincial officer
and as a producer: no 5xx, and every response conforms to the schema (status codes, content
type, body). ``make api-fuzz`` runs the same with many more cases."""

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from api.models import SCOPE_CHOICES
from api.services import token_create

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("OCOP_API_FUZZ_EXAMPLES", "12"))
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


def _run(schema, headers):
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            check()
        except Exception as error:  # noqa: BLE001 - collect them all, then fail once
            failures.append(f"{operation.label}: {str(error)[:600]}")
    return len(operations), failures


@pytest.fixture
def wsgi_app():
    """Django's WSGI application, keeping the test's database connection open between calls
    (as Django's own test client does)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize("who", ["provincial", "producer"])
def test_the_api_conforms_to_its_schema_and_never_answers_5xx(personas, who, settings, wsgi_app):
    settings.ALLOWED_HOSTS = ["*"]
    user = getattr(personas, who)
    _token, raw = token_create(actor=user, name="schemathesis", scopes=SCOPE_CHOICES, days=1)
    headers = {"Authorization": f"Bearer {raw}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_app, headers=headers)
    count, failures = _run(schema, headers)
    assert count >= 80
    assert not failures, "\n\n".join(failures)
