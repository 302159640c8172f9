"""Schemathesis fuzzing of the JSON API from its own OpenAPI document: no input may cause a server error."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed (pip install -e '.[test]')")

from scheduler.services.users import create_token  # noqa: E402
from scheduler.web import create_app  # noqa: E402
from scheduler.web.openapi import document  # noqa: E402
from tests.web_support import build_web_app  # noqa: E402

schema = schemathesis.openapi.from_dict(document())


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict[str, str]]]:
    """A test client of a fresh console and an admin's bearer header."""
    from datetime import datetime

    from scheduler.clock import FakeClock
    from tests.conftest import TZ

    folder: Path = tmp_path_factory.mktemp("fuzz")
    # throttling off: hundreds of cases from one address must reach the handlers, not a 429
    app = build_web_app(
        folder,
        f"sqlite:///{folder / 'loa.db'}",
        FakeClock(datetime(2026, 11, 23, 5, 55, tzinfo=TZ)),
        web={"api_requests": 0},
    )
    try:
        client = create_app(app, secret_key="fuzz", testing=True).test_client()
        for name in ("an", "binh"):  # tokens the revoke endpoint can find
            create_token(app, name, "fuzz-target")
        yield client, app
    finally:
        app.close()


_auth: dict[str, str] = {}


def _admin(app: Any) -> dict[str, str]:
    """An admin's bearer header; a new one once a case has revoked it."""
    if not _auth:
        _auth["Authorization"] = f"Bearer {create_token(app, 'chi', 'fuzz')}"
    return _auth


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_answers_a_server_error(case: Any, api: tuple[Any, Any]) -> None:
    client, app = api
    kwargs = case.as_transport_kwargs(base_url="http://localhost")
    response = client.open(
        case.formatted_path,
        method=case.method,
        headers={**(case.headers or {}), **_admin(app)},
        query_string=case.query,
        json=kwargs.get("json"),
    )
    assert response.status_code < 500, response.get_data(as_text=True)
    if case.formatted_path.endswith("/revoke"):
        _auth.clear()  # it may have revoked the fuzzer's own token


# Values the schema's own strategies rarely make: calendar edges, a lone surrogate, NUL, absurd offsets.
ODD_VALUES = [
    "9999-12-31",
    "0001-01-01",
    "10000-01-01",
    "\ud800",
    "tin \udfff",
    "a\x00b",
    "+999999999999h",
    "9999-12-31T23:59:59",
    "x" * 300,
]


def _oddly(value: Any, odd: str) -> Any:
    """`value` with every string in it replaced by `odd` (dict keys kept)."""
    if isinstance(value, str):
        return odd
    if isinstance(value, dict):
        return {k: _oddly(v, odd) for k, v in value.items()}
    if isinstance(value, list):
        return [_oddly(v, odd) for v in value]
    return value


@pytest.mark.slow
@schema.parametrize()
@schema.given(odd=st.sampled_from(ODD_VALUES))
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_odd_values_without_a_server_error(case: Any, odd: str, api: tuple[Any, Any]) -> None:
    client, app = api
    query = {k: _oddly(v, odd) for k, v in (case.query or {}).items()}
    for key in ("since", "until"):
        query.setdefault(key, odd)  # the log's and the report's date filters get the edges too
    # as a client sends them: UTF-8 bytes (a lone surrogate as its three bytes), JSON with ASCII escapes
    raw_query = "&".join(
        f"{quote(str(k))}={quote(str(v).encode('utf-8', 'surrogatepass'))}"
        for k, v in query.items()
        for v in (v if isinstance(v, list) else [v])
    )
    body = case.body if isinstance(case.body, (dict, list)) else None
    response = client.open(
        case.formatted_path,
        method=case.method,
        headers={**_admin(app)},
        query_string=raw_query,
        data=json.dumps(_oddly(body, odd)) if body is not None else None,
        content_type="application/json" if body is not None else None,
    )
    assert response.status_code < 500, response.get_data(as_text=True)
    if case.formatted_path.endswith("/revoke"):
        _auth.clear()


def test_every_api_route_is_fuzzed() -> None:
    paths = {operation.path for operation in (result.ok() for result in schema.get_all_operations())}
    assert {
        "/api/report",
        "/api/report.xlsx",
        "/api/report.csv",
        "/api/tokens",
        "/api/tokens/{token_id}/revoke",
        "/api/listen",
        "/api/listen/{name}",
    } <= paths
