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
