"""Schemathesis fuzzing of the JSON API from its own OpenAPI document: no input may cause a server error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed (pip install -e '.[test]')")

from scheduler.users import create_token  # noqa: E402
from scheduler.web import create_app  # noqa: E402
from scheduler.web.openapi import OPENAPI  # noqa: E402
from tests.web_support import build_web_app  # noqa: E402

schema = schemathesis.openapi.from_dict(OPENAPI)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict[str, str]]]:
    """A test client of a fresh console and an admin's bearer header."""
    from datetime import datetime

    from scheduler.clock import FakeClock
    from tests.conftest import TZ

    folder: Path = tmp_path_factory.mktemp("fuzz")
    app = build_web_app(folder, f"sqlite:///{folder / 'loa.db'}", FakeClock(datetime(2026, 11, 23, 5, 55, tzinfo=TZ)))
    try:
        client = create_app(app, secret_key="fuzz", testing=True).test_client()
        yield client, {"Authorization": f"Bearer {create_token(app, 'chi', 'fuzz')}"}
    finally:
        app.close()


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_answers_a_server_error(case: Any, api: tuple[Any, dict[str, str]]) -> None:
    client, auth = api
    kwargs = case.as_transport_kwargs(base_url="http://localhost")
    response = client.open(case.formatted_path, method=case.method, headers={**(case.headers or {}), **auth},
                           query_string=case.query, json=kwargs.get("json"))
    assert response.status_code < 500, response.get_data(as_text=True)
