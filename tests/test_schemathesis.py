"""Property-based API tests generated from the app's own OpenAPI schema (schemathesis, in-process ASGI)."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="needs schemathesis (the test extra)")
pytest.importorskip("fastapi", reason="needs the server extra: pip install 'spamscalpel[server]'")

from hypothesis import HealthCheck, settings  # noqa: E402

from spamscalpel.server import ServerSettings, create_app  # noqa: E402

APP = create_app(ServerSettings(max_batch=20, pool_threads=2))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case):
    # All default checks: no 5xx, responses match the documented schema and status codes,
    # schema-valid bodies accepted, schema-invalid ones rejected.
    case.call_and_validate()
