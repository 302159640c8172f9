"""The Zalo OA channel against a local OA API, through the real Runner: article, groups, tokens, faults."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from broadcasts.channels.zalo import token_path
from broadcasts.channels.zalo_auth import TokenStore
from broadcasts.models import AiringStatus, Outcome
from scheduler.app import build_app
from scheduler.runner import Runner
from scheduler.services.queue import queue_bulletin
from scheduler.services.social import retry_airing
from tests.conftest import TZ
from tests.fakes.channels import RecordingChannel
from tests.fakes.http_server import drop, reply
from tests.fakes.social import (
    COVER,
    airing,
    close_app,
    free_port,
    seed_zalo_token,
    set_secrets,
    social_config,
    zalo_table,
)
from tests.fakes.tts import ToneEngine
from tests.fakes.zalo_server import APP_ID, APP_SECRET, GROUPS, REFRESH_TOKEN, ZaloServer, zalo_error

CREATE = "/v2.0/article/create"
GROUP = "/v3.0/oa/group/message"
TEXT = "UBND xã thông báo lịch tiêm phòng dại cho chó, mèo từ ngày 05/12/2026 tại nhà văn hóa các thôn."


@pytest.fixture(name="zalo")
def zalo_fixture() -> Iterator[ZaloServer]:
    with ZaloServer() as server:
        yield server


def make_app(tmp_path, db_url, clock, monkeypatch, zalo: ZaloServer | None, **table: Any) -> Any:
    set_secrets(monkeypatch)
    config = social_config(tmp_path, db_url, zalo=zalo_table(zalo, **table), enabled=("radio", "zalo"))
    return build_app(config, clock=clock, tts=ToneEngine(), channels={"radio": RecordingChannel("radio")})


@pytest.fixture(name="app")
def zalo_app_fixture(tmp_path, db_url, clock, monkeypatch, zalo) -> Iterator[Any]:
    application = make_app(tmp_path, db_url, clock, monkeypatch, zalo)
    yield application
    close_app(application)


def seed(app: Any, zalo: ZaloServer) -> str:
    """Start with a valid stored access token (as after an earlier refresh)."""
    token = zalo.issue_access_token()
    zalo.refresh_tokens = {"zalo-refresh-seeded-Wc4"}  # the configured one was spent getting these
    seed_zalo_token(app.config, token, refresh_token="zalo-refresh-seeded-Wc4", now=app.clock.now().timestamp())
    return token


def post(app: Any, text: str = TEXT, channels: tuple[str, ...] = ("zalo",)) -> list[int]:
    queued = queue_bulletin(app, text=text, title="Lịch tiêm phòng dại", at="now", channels=list(channels))
    return [a.id for a in queued.airings]


def key_of(app: Any, airing_id: int) -> str:
    local = airing(app, airing_id).due_at.astimezone(app.config.tz)
    return f"{app.config.station.code}-{local:%Y%m%d-%H%M}-a{airing_id}"


def creates(zalo: ZaloServer) -> int:
    return len(zalo.seen("POST", CREATE))


# ---- success, tokens, the requests' shape -----------------------------------------------------


def test_first_post_refreshes_stores_the_new_tokens_then_posts_article_and_groups(app, zalo, clock):
    zalo.verify_after = 1
    [airing_id] = post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.posted, record.error_message
    paths = [(r.method, r.path) for r in zalo.requests]
    assert paths == [
        ("POST", "/v4/oa/access_token"),
        ("POST", CREATE),
        ("POST", "/v2.0/article/verify"),
        ("POST", "/v2.0/article/verify"),
        ("POST", GROUP),
        ("POST", GROUP),
    ]
    refresh = zalo.requests[0]
    assert refresh.headers["secret_key"] == APP_SECRET
    assert refresh.form == {"refresh_token": REFRESH_TOKEN, "app_id": APP_ID, "grant_type": "refresh_token"}
    [access] = zalo.access_tokens
    assert all(r.headers["access_token"] == access for r in zalo.requests[1:])
    article = zalo.requests[1].json
    key = key_of(app, airing_id)
    assert article["type"] == "normal" and article["title"] == "Lịch tiêm phòng dại"
    assert article["cover"] == {"cover_type": "photo", "photo_url": COVER, "status": "show"}
    assert article["status"] == "show" and article["comment"] == "show" and len(article["description"]) < 300
    assert key in article["body"][-1]["content"] and article["author"] == app.config.station.name
    assert zalo.requests[2].json == {"token": "tok-" + zalo.articles[0]["token"].split("-")[1]}
    assert [r.json["recipient"]["group_id"] for r in zalo.seen("POST", GROUP)] == list(GROUPS)
    assert all(
        key in r.json["message"]["text"] and len(r.json["message"]["text"]) <= 2000 for r in zalo.seen("POST", GROUP)
    )
    assert app.clock.slept == [1.0]  # one wait between the two verify calls
    assert record.external_id == zalo.articles[0]["id"]
    assert zalo.articles_per_key() == {key: 1} and set(zalo.groups_per_key().values()) == {1}
    stored = json.loads(token_path(app.config.channels.zalo, app.config.data_dir).read_text())
    assert stored["access_token"] == access and stored["refresh_token"] in zalo.refresh_tokens
    assert REFRESH_TOKEN not in zalo.refresh_tokens  # spent: the stored one is the only valid one now
    if os.name == "posix":
        assert stat.S_IMODE(token_path(app.config.channels.zalo, app.config.data_dir).stat().st_mode) == 0o600
    assert all(token not in json.dumps(record.detail) for token in (access, REFRESH_TOKEN, APP_SECRET))


def test_the_stored_refresh_token_supersedes_the_configured_one(app, zalo, clock):
    post(app)
    Runner(app).run_due()
    first = TokenStore(token_path(app.config.channels.zalo, app.config.data_dir)).load()
    assert first is not None
    clock.advance(hours=26)  # the access token has run out
    post(app, text="Bản tin hôm sau.")
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.posted and zalo.refreshes == 2
    assert zalo.seen("POST", "/v4/oa/access_token")[1].form["refresh_token"] == first.refresh_token


def test_a_new_refresh_token_from_the_operator_replaces_the_stored_chain(app, zalo, clock, monkeypatch):
    seed_zalo_token(app.config, "zalo-access-old-revoked", now=clock.now().timestamp(), expires_in=10)
    fresh = "zalo-refresh-reauthorised-4Kq"
    zalo.refresh_tokens.add(fresh)
    monkeypatch.setenv("LOA_ZALO_REFRESH_TOKEN", fresh)
    post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.posted
    assert zalo.seen("POST", "/v4/oa/access_token")[0].form["refresh_token"] == fresh


def test_dry_run_records_every_request_and_sends_nothing(tmp_path, db_url, clock, monkeypatch, zalo):
    app = make_app(tmp_path, db_url, clock, monkeypatch, zalo, dry_run=True, broadcast=True)
    try:
        [airing_id] = post(app)
        [record] = Runner(app).run_due()
        assert record.outcome is Outcome.dry_run and zalo.requests == [] and record.detail is not None
        urls = [r["url"] for r in record.detail["requests"]]
        assert urls == [
            f"{zalo.url}{CREATE}",
            f"{zalo.url}/v2.0/article/verify",
            f"{zalo.url}/v2.0/oa/message",
            f"{zalo.url}{GROUP}",
            f"{zalo.url}{GROUP}",
        ]
        assert key_of(app, airing_id) in json.dumps(record.detail, ensure_ascii=False)
        assert "access_token" not in json.dumps(record.detail)
    finally:
        close_app(app)


@pytest.mark.parametrize("hour, broadcasts", [(8, 1), (21, 1), (22, 0), (5, 0)])
def test_broadcast_to_followers_between_06_and_22_else_deferred(
    tmp_path, db_url, clock, monkeypatch, zalo, hour, broadcasts
):
    clock.set(datetime(2026, 11, 23, hour, 30, tzinfo=TZ))
    app = make_app(tmp_path, db_url, clock, monkeypatch, zalo, broadcast=True)
    try:
        seed(app, zalo)
        post(app)
        [record] = Runner(app).run_due()
        assert record.outcome is Outcome.posted and len(zalo.broadcasts) == broadcasts
        assert len(zalo.seen("POST", "/v2.0/oa/message")) == broadcasts
        if broadcasts:
            body = zalo.seen("POST", "/v2.0/oa/message")[0].json
            element = body["message"]["attachment"]["payload"]["elements"][0]
            assert element == {"media_type": "article", "attachment_id": zalo.articles[0]["id"]}
            assert body["recipient"]["target"] == {"gender": "0"}  # everyone, explicitly: Zalo refuses {}
        else:  # held for 06:00 in a follow-up airing, never skipped
            assert record.detail is not None
            held = record.detail["broadcast_deferred"]
            assert held["at"] == "06:00" and held["reason"] == "quiet_hours" and held["follow_up"]
            assert record.detail["steps"]["broadcast"]["state"] == "deferred"
            follow_up = airing(app, held["follow_up"])
            assert follow_up.status is AiringStatus.pending and follow_up.retry_of == record.airing_id
            assert follow_up.due_at.astimezone(TZ).strftime("%H:%M") == "06:00"
    finally:
        close_app(app)


# ---- transient errors --------------------------------------------------------------------------


def test_rate_limit_on_create_is_retried_and_posts_once(app, zalo, clock):
    seed(app, zalo)
    zalo.fail("POST", CREATE, reply(200, zalo_error(-32, "Request exceeds the limit").body))
    [airing_id] = post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.posted and creates(zalo) == 2
    assert zalo.articles_per_key() == {key_of(app, airing_id): 1} and len(clock.slept) == 1


def test_rate_limit_on_a_group_resends_only_that_group(app, zalo, clock):
    seed(app, zalo)
    zalo.fail("POST", GROUP, reply(200, zalo_error(-32, "Request exceeds the limit").body))
    [airing_id] = post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.posted and creates(zalo) == 1
    assert len(zalo.seen("POST", GROUP)) == 3 and set(zalo.groups_per_key().values()) == {1}
    assert zalo.articles_per_key() == {key_of(app, airing_id): 1}


@pytest.mark.parametrize("code", [-216, -220, -124])
def test_a_rejected_access_token_is_refreshed_once_and_the_call_repeated(app, zalo, clock, code):
    seed(app, zalo)
    zalo.fail("POST", CREATE, reply(200, zalo_error(code, "Access token has expired").body))
    post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.posted and zalo.refreshes == 1 and creates(zalo) == 2
    assert len(zalo.articles) == 1 and clock.slept == []


def test_connection_refused_is_retried_then_fails(tmp_path, db_url, clock, monkeypatch, zalo):
    closed = f"http://127.0.0.1:{free_port()}"
    app = make_app(tmp_path, db_url, clock, monkeypatch, None, api_url=closed, oauth_url=f"{closed}/v4/oa/access_token")
    try:
        seed(app, zalo)
        post(app)
        [record] = Runner(app).run_due()
        assert record.outcome is Outcome.failed and record.error_code == "channel_unreachable"
        assert record.error_message is not None
        assert "chưa gửi gì" in record.error_message and len(app.clock.slept) == 2 and zalo.requests == []
    finally:
        close_app(app)


def test_an_article_without_an_id_yet_is_never_created_twice(tmp_path, db_url, clock, monkeypatch, zalo):
    zalo.verify_after = 100
    app = make_app(tmp_path, db_url, clock, monkeypatch, zalo, verify_attempts=2)
    try:
        seed(app, zalo)
        [airing_id] = post(app)
        [record] = Runner(app).run_due()
        assert record.outcome is Outcome.failed and record.error_code == "zalo_article_unverified"
        assert creates(zalo) == 1 and len(zalo.seen("POST", "/v2.0/article/verify")) == 6
        zalo.verify_after = 0
        result = retry_airing(app, airing_id)  # the retry only asks for the id and sends the groups
        assert result.carried == ["article"]
        [again] = Runner(app).run_due()
        assert again.outcome is Outcome.posted and creates(zalo) == 1 and again.external_id == zalo.articles[0]["id"]
    finally:
        close_app(app)


# ---- a rejected step after the article (unclear replies: tests/test_zalo_faults.py) ----------------------


def test_a_rejected_group_fails_naming_the_posted_article(tmp_path, db_url, clock, monkeypatch, zalo):
    app = make_app(tmp_path, db_url, clock, monkeypatch, zalo, group_ids=["g-an-phu-1", "g-khong-co"])
    try:
        seed(app, zalo)
        post(app)
        [record] = Runner(app).run_due()
        assert record.outcome is Outcome.failed and record.error_code == "zalo_partial"
        assert record.error_message is not None
        assert zalo.articles[0]["id"] in record.error_message and "g-khong-co" in record.error_message
        assert "-201" in record.error_message and creates(zalo) == 1 and len(zalo.group_messages) == 1
    finally:
        close_app(app)


# ---- credentials: the channel stops with a way out ----------------------------------------------


def test_a_spent_refresh_token_stops_zalo_with_how_to_reauthorise(app, zalo, clock):
    zalo.refresh_tokens.clear()
    first = post(app, channels=("zalo", "radio"))
    second = post(app, text="Bản tin thứ hai.")
    runner = Runner(app)
    written = {r.airing_id: r for r in runner.run_due()}
    failed = written[first[0]]
    assert failed.outcome is Outcome.failed and failed.error_code == "zalo_reauthorise"
    assert failed.error_message is not None
    assert "-14020" in failed.error_message and "LOA_ZALO_REFRESH_TOKEN" in failed.error_message
    assert "developers.zalo.me" in failed.error_message
    assert written[first[1]].outcome is Outcome.aired and second[0] not in written
    assert airing(app, second[0]).status is AiringStatus.pending and "zalo" in runner.stopped
    assert zalo.articles == []


def test_a_token_rejected_even_after_refresh_stops_the_channel(app, zalo, clock):
    seed(app, zalo)
    error = zalo_error(-124, "Access token has expired").body
    zalo.fail("POST", CREATE, reply(200, error), reply(200, error))
    post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.failed and record.error_code == "zalo_reauthorise"
    assert record.error_message is not None
    assert "-124" in record.error_message and "LOA_ZALO_REFRESH_TOKEN" in record.error_message
    assert zalo.refreshes == 1 and zalo.articles == [] and creates(zalo) == 2


def test_crash_between_refresh_and_store_ends_in_a_clear_reauthorise(app, zalo, clock, monkeypatch):
    [airing_id] = post(app)
    original = TokenStore.save

    def die(self: TokenStore, tokens: Any) -> None:
        raise SystemExit("killed between the refresh reply and the durable store")

    monkeypatch.setattr(TokenStore, "save", die)
    with pytest.raises(SystemExit):
        Runner(app).run_due()
    assert zalo.refreshes == 1 and airing(app, airing_id).status is AiringStatus.running
    monkeypatch.setattr(TokenStore, "save", original)
    clock.advance(minutes=16)  # the dead runner's lease runs out
    restarted = build_app(app.config, clock=clock, tts=ToneEngine(), channels={"radio": RecordingChannel("radio")})
    try:
        [record] = Runner(restarted).run_due()
        assert record.outcome is Outcome.failed and record.error_code == "zalo_reauthorise"
        assert record.error_message is not None
        assert "-14020" in record.error_message
        assert zalo.articles == [] and len(zalo.seen("POST", "/v4/oa/access_token")) == 2
        assert not token_path(app.config.channels.zalo, app.config.data_dir).exists()
    finally:
        close_app(restarted)


def test_only_one_process_refreshes_at_a_time(tmp_path, zalo):
    zalo.post_delay = 0  # the refresh itself is slow enough below
    original = zalo._refresh

    def slow_refresh(seen: Any) -> Any:
        import time

        time.sleep(0.3)
        return original(seen)

    zalo._refresh = slow_refresh
    script = textwrap.dedent(f"""
        import sys
        from datetime import datetime, timezone
        from pathlib import Path
        from broadcasts.channels.http import make_session
        from broadcasts.channels.zalo_auth import TokenStore, ZaloAuth
        session = make_session("test", 5)
        auth = ZaloAuth(session=session, store=TokenStore(Path({str(tmp_path / "zalo-token.json")!r})),
                        oauth_url={zalo.url + "/v4/oa/access_token"!r}, app_id={APP_ID!r},
                        app_secret=lambda: {APP_SECRET!r}, refresh_token=lambda: {REFRESH_TOKEN!r},
                        now=lambda: datetime.now(timezone.utc))
        print(auth.access_token())
        session.close()
    """)
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        for _ in range(3)
    ]
    outs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1] for o in outs]
    tokens = {o[0].strip() for o in outs}
    assert zalo.refreshes == 1 and len(tokens) == 1 and tokens <= zalo.access_tokens


def test_crash_with_the_article_created_resumes_without_a_second_article(app, zalo, clock):
    seed(app, zalo)
    [airing_id] = post(app)
    channel = app.channels["zalo"]
    key = key_of(app, airing_id)
    zalo.fail("POST", GROUP, drop(process=False))  # the run dies at the first group, nothing sent there
    channel.journal.mark(key, "article", "done", id="art-before-crash")
    from sqlalchemy import update

    from broadcasts.models import Airing

    now = clock.now()
    with app.sessions.begin() as session:
        session.execute(
            update(Airing)
            .where(Airing.id == airing_id)
            .values(
                status=AiringStatus.running,
                claimed_by="elsewhere:1:dead",
                claimed_at=now,
                lease_until=now - timedelta(seconds=1),
            )
        )
    zalo.faults.clear()
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.posted and record.external_id == "art-before-crash"
    assert creates(zalo) == 0 and len(zalo.group_messages) == 2
