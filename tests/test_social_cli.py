"""`loa channels check`, `loa reconcile`, `loa retry`, `loa mark`, secrets files, and no token anywhere in output."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from broadcasts.redact import MASK, remember, scrub
from scheduler.cli import main
from scheduler.config import load_config
from scheduler.errors import ConfigError
from scheduler.secrets import Secrets, read_secrets_file
from tests.fakes.graph_server import APP_ID as FB_APP_ID
from tests.fakes.graph_server import APP_SECRET as FB_APP_SECRET
from tests.fakes.graph_server import PAGE_ID, PAGE_NAME, TOKEN, VERSION, GraphServer, graph_error
from tests.fakes.http_server import drop, reply
from tests.fakes.zalo_server import APP_ID, APP_SECRET, REFRESH_TOKEN, ZaloServer

CANARY = "EAAB-CANARY-7f3c9d1e5b2a-DO-NOT-LOG"
FEED = f"/{VERSION}/{PAGE_ID}/feed"


@pytest.fixture
def graph() -> Iterator[GraphServer]:
    with GraphServer() as server:
        yield server


@pytest.fixture
def zalo() -> Iterator[ZaloServer]:
    with ZaloServer() as server:
        yield server


@pytest.fixture(autouse=True)
def secrets_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOA_FACEBOOK_PAGE_TOKEN", TOKEN)
    monkeypatch.setenv("LOA_ZALO_APP_SECRET", APP_SECRET)
    monkeypatch.setenv("LOA_ZALO_REFRESH_TOKEN", REFRESH_TOKEN)


def write_config(
    tmp_path: Path,
    db_url: str,
    graph: GraphServer | None,
    zalo: ZaloServer | None,
    extra: str = "",
    lang: str = "vi",
    facebook: str = "",
) -> Path:
    enabled = [n for n, s in (("facebook", graph), ("zalo", zalo)) if s is not None]
    text = (
        f'[station]\nname = "Đài xã Thử"\ncode = "thu"\nlanguage = "{lang}"\n'
        f'[database]\nurl = "{db_url}"\n{extra}\n[channels]\nenabled = {json.dumps(enabled)}\n'
    )
    if graph is not None:
        text += (
            f'[channels.facebook]\ndry_run = false\npage_id = "{PAGE_ID}"\ngraph_url = "{graph.base}"\n'
            f"timeout_seconds = 0.5\n{facebook}"
        )
    if zalo is not None:
        text += (
            f'[channels.zalo]\ndry_run = false\napp_id = "{APP_ID}"\napi_url = "{zalo.url}"\n'
            f'oauth_url = "{zalo.url}/v4/oa/access_token"\ncover_url = "https://cdn.example.invalid/c.jpg"\n'
            'group_ids = ["g-an-phu-1"]\ntimeout_seconds = 0.5\nverify_interval_seconds = 0.0\n'
        )
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(list(args))
    captured = capsys.readouterr()
    code = info.value.code
    assert isinstance(code, int)  # main() always exits with a number
    return code, captured.out, captured.err


def queue(capsys, config: Path, channels: str = "facebook") -> list[int]:
    code, out, err = run(
        capsys,
        "--config",
        str(config),
        "queue",
        "--text",
        "Thông báo lịch cắt điện ngày 2/12.",
        "--at",
        "now",
        "--channels",
        channels,
        "--json",
    )
    assert code == 0, err
    return [a["id"] for a in json.loads(out)["airings"]]


# ---- loa channels check ----------------------------------------------------------------------


def test_check_says_every_channel_is_ready(tmp_path, db_url, capsys, graph, zalo, monkeypatch):
    monkeypatch.setenv("LOA_FACEBOOK_APP_SECRET", FB_APP_SECRET)  # so the check can read the token's permissions
    config = write_config(tmp_path, db_url, graph, zalo, facebook=f'app_id = "{FB_APP_ID}"\n')
    code, out, err = run(capsys, "--config", str(config), "channels", "check")
    assert code == 0, out + err
    assert "!" not in out, out
    assert f"✓ token hợp lệ cho Trang {PAGE_NAME} ({PAGE_ID})" in out
    assert "✓ token hợp lệ cho OA UBND xã Thử Nghiệm" in out and "✓ gửi được vào nhóm Thôn An Phú 1" in out
    assert "Mọi kênh sẵn sàng." in out
    assert graph.seen("GET", f"/{VERSION}/me")[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in out + err


def test_check_says_in_plain_words_what_is_wrong(tmp_path, db_url, capsys, graph, zalo, monkeypatch):
    monkeypatch.setenv("LOA_FACEBOOK_PAGE_TOKEN", CANARY)
    zalo.refresh_tokens.clear()
    config = write_config(tmp_path, db_url, graph, zalo, lang="en")
    code, out, err = run(capsys, "--config", str(config), "channels", "check")
    assert code == 1
    assert "✗ The Facebook Page access token expired or was revoked (Graph 190/463" in out
    assert "put it in LOA_FACEBOOK_PAGE_TOKEN" in out
    assert "✗ Zalo OA no longer accepts the token (code -14020" in out and "developers.zalo.me" in out
    assert "2 problem(s) to fix" in out and CANARY not in out + err


def test_check_names_the_wrong_page(tmp_path, db_url, capsys, graph):
    graph.page_id = "999"  # the token is for another Page than the configured one
    config = write_config(tmp_path, db_url, graph, None)
    code, out, _ = run(capsys, "--config", str(config), "channels", "check")
    assert code == 1 and "token thuộc về" in out and PAGE_ID in out


def test_check_fails_a_read_only_token_and_says_which_permission_to_grant(tmp_path, db_url, capsys, graph, monkeypatch):
    monkeypatch.setenv("LOA_FACEBOOK_APP_SECRET", FB_APP_SECRET)
    graph.scopes = ("pages_read_engagement", "pages_show_list")
    config = write_config(tmp_path, db_url, graph, None, lang="en")
    with config.open("a", encoding="utf-8") as handle:
        handle.write(f'app_id = "{FB_APP_ID}"\n')
    code, out, err = run(capsys, "--config", str(config), "channels", "check")
    assert code == 1
    assert f"✗ the token can read but not post on Page {PAGE_ID}: grant pages_manage_posts" in out
    assert "CREATE_CONTENT" in out and "1 problem(s) to fix" in out
    assert "✓ the token does not expire." in out
    assert FB_APP_SECRET not in out + err and TOKEN not in out + err


# ---- reconcile, retry, mark ----------------------------------------------------------------


def test_reconcile_retry_and_mark_from_the_command_line(tmp_path, db_url, capsys, graph):
    config = write_config(tmp_path, db_url, graph, None, lang="en")
    graph.hidden_reads = 1  # the first post is not in the feed yet when Loa looks at once
    graph.fail("POST", FEED, drop(process=True), drop(process=False), reply(500, "x", process=False))
    first, second, third = queue(capsys, config)[0], queue(capsys, config)[0], queue(capsys, config)[0]
    code, out, err = run(capsys, "--config", str(config), "run", "--once")
    assert code == 0, err
    code, out, _ = run(capsys, "--config", str(config), "reconcile")
    assert code == 0
    assert f"Airing {first} (facebook): post {graph.posts[0]['id']} found" in out
    assert f"Airing {second} (facebook" in out and f"loa mark {second} --as posted --external-id ID" in out
    code, out, err = run(capsys, "--config", str(config), "retry", str(second))
    assert code == 0, err
    assert f"to post airing {second} again on facebook" in out
    code, out, err = run(
        capsys, "--config", str(config), "mark", str(third), "--as", "failed", "--note", "không thấy trên Trang"
    )
    assert code == 0 and f"Recorded airing {third}: failed" in out
    code, out, err = run(capsys, "--config", str(config), "run", "--once")
    assert code == 0, err
    code, out, _ = run(capsys, "--config", str(config), "log", "--format", "json")
    rows = json.loads(out)
    by_airing: dict[int, list[str]] = {}
    for row in rows:
        by_airing.setdefault(row["airing_id"], []).append(row["outcome"])
    assert by_airing[first] == ["unknown", "posted"] and by_airing[second] == ["unknown", "failed"]
    assert by_airing[third] == ["unknown", "failed"] and by_airing[max(by_airing)] == ["posted"]
    assert len(graph.posts) == 2 and sorted(graph.per_key().values()) == [1, 1]
    code, out, err = run(capsys, "--config", str(config), "retry", str(first))
    assert code == 1 and "only failed, missed or unclear airings can be retried" in err
    code, out, err = run(capsys, "--config", str(config), "mark", str(first), "--as", "posted")
    assert code == 1 and "only airings with an unclear outcome can be marked" in err
    code, out, err = run(capsys, "--config", str(config), "mark", "9999", "--as", "posted")
    assert code == 1 and "9999" in err


# ---- secrets ----------------------------------------------------------------------------------


def test_secrets_file_toml_or_lines_and_owner_only(tmp_path):
    path = tmp_path / "secrets"
    path.write_text('LOA_FACEBOOK_PAGE_TOKEN = "EAAB-from-file-123456"\n', encoding="utf-8")
    path.chmod(0o600)
    assert read_secrets_file(path) == {"LOA_FACEBOOK_PAGE_TOKEN": "EAAB-from-file-123456"}
    path.write_text("# Loa\nexport LOA_ZALO_APP_SECRET='abc-secret-789'\nLOA_X=plain\n", encoding="utf-8")
    assert read_secrets_file(path) == {"LOA_ZALO_APP_SECRET": "abc-secret-789", "LOA_X": "plain"}
    secrets = Secrets(path, environ={"LOA_X": "from-env"})
    assert secrets.get("LOA_X") == "from-env" and secrets.get("LOA_ZALO_APP_SECRET") == "abc-secret-789"
    assert secrets.source("LOA_X") == "env" and secrets.source("LOA_ZALO_APP_SECRET") == "file"
    if os.name == "posix":
        path.chmod(0o644)
        with pytest.raises(ConfigError) as info:
            read_secrets_file(path)
        assert info.value.code == "secrets_file_mode" and info.value.params["mode"] == "644"


def test_token_from_a_0600_secrets_file_posts_and_a_0644_one_stops_the_channel(
    tmp_path, db_url, capsys, graph, monkeypatch
):
    monkeypatch.delenv("LOA_FACEBOOK_PAGE_TOKEN")
    secrets = tmp_path / "loa.secrets"
    secrets.write_text(f'LOA_FACEBOOK_PAGE_TOKEN = "{TOKEN}"\n', encoding="utf-8")
    secrets.chmod(0o600)
    config = write_config(tmp_path, db_url, graph, None, extra=f'[paths]\nsecrets_file = "{secrets}"\n')
    queue(capsys, config)
    assert run(capsys, "--config", str(config), "run", "--once")[0] == 0
    assert len(graph.posts) == 1
    if os.name != "posix":
        return
    secrets.chmod(0o644)
    queue(capsys, config)
    run(capsys, "--config", str(config), "run", "--once")
    _code, out, _ = run(capsys, "--config", str(config), "log", "--format", "json")
    last = json.loads(out)[-1]
    assert (
        last["outcome"] == "failed"
        and last["error_code"] == "secrets_file_mode"
        and "chmod 600" in last["error_message"]
    )
    assert len(graph.posts) == 1


def test_config_toml_refuses_a_token(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(f'[channels.facebook]\npage_token = "{CANARY}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.code == "config_secret_in_file" and CANARY not in str(info.value)


def test_log_records_are_scrubbed_wherever_they_come_from(caplog):
    remember(CANARY)
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("urllib3.connectionpool").debug("POST /feed?access_token=%s HTTP/1.1", CANARY)
        try:
            raise RuntimeError(f"boom {CANARY}")
        except RuntimeError:
            logging.getLogger("loa.runner").exception("failed")
    assert CANARY not in caplog.text and MASK in caplog.text
    assert scrub(f"a {CANARY} b") == f"a {MASK} b"


def test_no_token_in_the_log_table_the_output_or_debug_tracebacks(tmp_path, db_url, capsys, graph, monkeypatch):
    """A recognisable fake token, through every failure path, with --debug: it never shows."""
    monkeypatch.setenv("LOA_FACEBOOK_PAGE_TOKEN", CANARY)
    graph.tokens.add(CANARY)
    config = write_config(tmp_path, db_url, graph, None)
    graph.fail(
        "POST",
        FEED,
        drop(process=True),
        reply(200, "{bad", process=True),
        reply(400, graph_error(190, f"Invalid OAuth access token - Cannot parse access token {CANARY}").body),
    )
    for _ in range(3):
        queue(capsys, config)
    env = {**os.environ, "PYTHONPATH": os.getcwd(), "LOA_FACEBOOK_PAGE_TOKEN": CANARY}
    done = subprocess.run(
        [sys.executable, "-m", "scheduler", "--debug", "--config", str(config), "run", "--once"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "DEBUG" in done.stderr and CANARY not in done.stdout + done.stderr
    assert MASK in done.stderr  # the Graph error echoed the token back, and it was masked
    outputs = [done.stdout, done.stderr]
    for args in (
        ["log"],
        ["log", "--format", "json"],
        ["log", "--format", "csv"],
        ["--debug", "channels", "check"],
        ["--debug", "reconcile"],
    ):
        outputs.extend(run(capsys, "--config", str(config), *args)[1:])
    broken = subprocess.run(
        [
            sys.executable,
            "-m",
            "scheduler",
            "--debug",
            "--config",
            str(config),
            "queue",
            "--text",
            "x",
            "--channels",
            "tiktok",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    outputs += [broken.stdout, broken.stderr]
    assert [t for t in outputs if CANARY in t] == []
    from sqlalchemy import create_engine
    from sqlalchemy import text as sql

    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            dumped = json.dumps([list(map(str, row)) for row in connection.execute(sql("SELECT * FROM log_records"))])
            journal = json.dumps([list(map(str, row)) for row in connection.execute(sql("SELECT * FROM evidence"))])
    finally:
        engine.dispose()
    assert CANARY not in dumped and "facebook_token_expired" in dumped
    assert CANARY not in journal  # the send journals are kept in the database
