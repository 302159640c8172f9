"""Hostile input gets a clean answer: odd dates, huge offsets, surrogates and NUL, long file names, bombs."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scheduler.web import create_app
from tests.plan_fixtures import MINH_DUC, real_plan, to_docx
from tests.web_support import build_web_app, csrf, login


@pytest.fixture
def app(tmp_path: Any, db_url: str, clock: Any) -> Iterator[Any]:
    application = build_web_app(tmp_path, db_url, clock)
    yield application
    application.close()


@pytest.fixture
def client(app: Any) -> Any:
    return create_app(app, secret_key="test-secret", testing=True).test_client()


def _upload(client: Any, data: bytes, name: str) -> Any:
    form = {"csrf_token": csrf(client, "/plans"), "file": (io.BytesIO(data), name)}
    return client.post("/plans", data=form, content_type="multipart/form-data", follow_redirects=True)


def test_docx_bomb_upload_is_refused_with_a_clear_message(client: Any, tmp_path: Path) -> None:
    path = to_docx(real_plan(MINH_DUC), tmp_path / "plan.docx")
    with (
        zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/media/pad.bin", "w", force_zip64=True) as part,
    ):
        for _ in range(110):
            part.write(b"\0" * (1024 * 1024))
    login(client, "an")
    response = _upload(client, path.read_bytes(), "ke-hoach.docx")
    assert response.status_code == 400
    assert "vượt giới hạn 100 MB" in response.get_data(as_text=True)


def test_upload_with_a_file_name_over_255_bytes(client: Any) -> None:
    sample = Path(__file__).resolve().parents[1] / "scheduler" / "data" / "sample_plan.txt"
    login(client, "an")
    response = _upload(client, sample.read_bytes(), "kế-hoạch-" * 60 + ".txt")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert "Đã nhập kế hoạch" in response.get_data(as_text=True)


# -- secrets echoed back by a hostile service (#15.8) -----------------------------------------------

ECHOED = "EAAB-ECHOED-4c1d8e2f9a7b-NEVER-SHOWN"


def test_a_token_echoed_by_the_service_is_shown_and_stored_nowhere(
    tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    import os
    import subprocess
    import sys

    from sqlalchemy import create_engine
    from sqlalchemy import text as sql

    from scheduler.app import build_app
    from scheduler.config import load_config
    from scheduler.services.users import add_user
    from tests.fakes.echo_graph import EchoGraphServer
    from tests.test_social_cli import queue, run, write_config

    monkeypatch.setenv("LOA_FACEBOOK_PAGE_TOKEN", ECHOED)
    with EchoGraphServer(token=ECHOED) as graph:
        config = write_config(tmp_path, db_url, graph, None)
        graph.answers.extend(["post", "error"])
        queue(capsys, config)
        queue(capsys, config)
        env = {**os.environ, "PYTHONPATH": os.getcwd(), "LOA_FACEBOOK_PAGE_TOKEN": ECHOED}
        done = subprocess.run(
            [sys.executable, "-m", "scheduler", "--debug", "--config", str(config), "run", "--once"],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        assert done.returncode == 0, done.stderr
        assert len(graph.posts) == 1 and ECHOED in graph.posts[0]["id"]  # the service did echo it
        outputs = {"runner stdout": done.stdout, "runner log": done.stderr}
        for args in (["channels", "check"], ["log"], ["log", "--format", "csv"], ["log", "--format", "json"]):
            _, out, err = run(capsys, "--config", str(config), *args)
            outputs[" ".join(args)] = out + err
        assert "facebook" in outputs["log --format csv"] and "posted" in outputs["log --format json"]
        app = build_app(load_config(config))
        try:
            add_user(app, "chi", "mật-khẩu-đủ-dài", "admin")
            client = create_app(app, secret_key="k", testing=True).test_client()
            login(client, "chi")
            for page in ("/log", "/channels", "/"):
                response = client.get(page)
                assert response.status_code == 200, page
                outputs[page] = response.get_data(as_text=True)
        finally:
            app.close()
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sql("SELECT * FROM log_records")).all()
    finally:
        engine.dispose()
    outputs["log table"] = json.dumps([list(map(str, row)) for row in rows])
    assert "facebook_rejected" in outputs["log table"] and "posted" in outputs["log table"]
    outputs["journal"] = "".join(p.read_text() for p in (tmp_path / "data" / "journal").rglob("*.json"))
    assert outputs["journal"]
    assert [where for where, seen in outputs.items() if ECHOED in seen] == []


def test_the_log_formatter_scrubs_what_it_formats(monkeypatch: pytest.MonkeyPatch) -> None:
    import logging

    from audio.errors import tagged
    from broadcasts.redact import MASK, remember
    from scheduler.messages.formatter import StationFormatter

    remember(ECHOED)
    record = logging.LogRecord("loa.runner", logging.ERROR, __file__, 1, "delivery failed", None, None)
    record.__dict__.update(tagged("usage", reason=f"trace {ECHOED}"))
    line = StationFormatter("en").format(record)
    assert ECHOED not in line and MASK in line


DB_PASSWORD = "S3cr3t-db-pass-8812"


@pytest.mark.parametrize(
    ("url", "code"),
    [
        (f"postgresql+psycopg://loa:{DB_PASSWORD}@127.0.0.1:abc/loa", "db_bad_url"),
        (f"postgresql+psycopg://loa:{DB_PASSWORD}@127.0.0.1:99999/loa", "db_bad_url"),
        (f"postgresql+psycopg://loa:{DB_PASSWORD}@127.0.0.1:1/loa", "db_unreachable"),
        (f"postgresql+psycopg://loa:{DB_PASSWORD}@[bad/loa", "db_unreachable"),
    ],
)
@pytest.mark.parametrize("command", [["log"], ["--debug", "log"], ["--debug", "run", "--once"]])
def test_a_database_url_with_a_password_is_never_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str, code: str, command: list[str]
) -> None:
    from scheduler.messages import text
    from tests.test_social_cli import run

    config = tmp_path / "config.toml"
    config.write_text(f'[station]\nlanguage = "en"\n[database]\nurl = "{url}"\n', encoding="utf-8")
    status, out, err = run(capsys, "--config", str(config), *command)
    assert status == 1
    assert DB_PASSWORD not in out + err and "Traceback" not in err.split("Error:")[-1]
    expected = text(code, "en", url="@", reason="@").split("@")[0]
    assert expected in err and "loa:***@127.0.0.1" in err.replace("[bad", "127.0.0.1")


def test_redact_url_hides_the_password_of_a_url_it_cannot_parse() -> None:
    from broadcasts.store import redact_url

    assert redact_url(f"postgresql://loa:{DB_PASSWORD}@db:port/x") == "postgresql://loa:***@db:port/x"
    assert redact_url(f"postgresql://loa:{DB_PASSWORD}@db:5432/x") == "postgresql://loa:***@db:5432/x"
