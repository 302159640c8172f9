"""Shared helpers of the web console tests: an app with real radio audio, users, logins and CSRF tokens."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from scheduler.services.users import add_user

PASSWORD = "mật-khẩu-đủ-dài"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PEOPLE = {"an": "operator", "binh": "approver", "chi": "admin"}


def build_web_app(tmp_path: Any, db_url: str, clock: Any, **tables: Any) -> Any:
    """An App with approval required, a real radio channel (tone speech, folder sink) and fake social pages."""
    from scheduler.app import build_app
    from tests.conftest import make_config
    from tests.fakes.channels import RecordingChannel
    from tests.fakes.tts import ToneEngine

    tables.setdefault("require_approval", True)
    config = make_config(tmp_path, db_url, **tables)
    app = build_app(
        config, clock=clock, tts=ToneEngine(), channels={n: RecordingChannel(n) for n in ("facebook", "zalo")}
    )
    for name, role in PEOPLE.items():
        add_user(app, name, PASSWORD, role)
    return app


def csrf(client: Any, path: str = "/login") -> str:
    """The CSRF token of the form on `path`."""
    page = client.get(path).get_data(as_text=True)
    match = CSRF.search(page)
    assert match, page[:500]
    return match.group(1)


def login(client: Any, username: str, password: str = PASSWORD) -> Any:
    """Log in through the form, CSRF token included."""
    return client.post("/login", data={"username": username, "password": password, "csrf_token": csrf(client)})


@pytest.fixture(name="app")
def web_app_fixture(tmp_path: Any, db_url: str, clock: Any) -> Iterator[Any]:
    """`app`: build_web_app's App, closed after the test (import it into a test module to use it)."""
    application = build_web_app(tmp_path, db_url, clock)
    yield application
    application.close()


@pytest.fixture(name="client")
def web_client_fixture(app: Any) -> Any:
    """`client`: a Flask test client of the console on `app`."""
    from scheduler.web import create_app

    return create_app(app, secret_key="test-secret", testing=True).test_client()
