"""The Facebook Page channel against a local Graph API, through the real Runner: every fault, one post at most."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from broadcasts.channels.base import Broadcast
from broadcasts.channels.facebook_graph import usage_wait
from broadcasts.channels.journal import SENDING
from broadcasts.channels.posts import FACEBOOK_LIMIT, render_post
from broadcasts.models import Airing, AiringStatus, Outcome
from scheduler.app import build_app
from scheduler.runner import Runner
from scheduler.services.queue import queue_bulletin
from scheduler.services.social import reconcile, retry_airing
from tests.fakes.channels import RecordingChannel
from tests.fakes.graph_server import PAGE_ID, TOKEN, VERSION, GraphServer, graph_error
from tests.fakes.http_server import drop, hold, reply
from tests.fakes.social import airing, close_app, facebook_table, free_port, records, set_secrets, social_config
from tests.fakes.tts import ToneEngine

FEED = f"/{VERSION}/{PAGE_ID}/feed"
TEXT = "UBND xã thông báo: từ ngày 01/12/2026 tiếp nhận hồ sơ trực tuyến mức độ 3, 4."


@pytest.fixture
def graph() -> Iterator[GraphServer]:
    with GraphServer() as server:
        yield server


def make_app(tmp_path, db_url, clock, monkeypatch, graph: GraphServer | None, **facebook: Any) -> Any:
    set_secrets(monkeypatch)
    config = social_config(tmp_path, db_url, facebook=facebook_table(graph, **facebook), enabled=("radio", "facebook"))
    return build_app(config, clock=clock, tts=ToneEngine(), channels={"radio": RecordingChannel("radio")})


@pytest.fixture
def app(tmp_path, db_url, clock, monkeypatch, graph) -> Iterator[Any]:
    application = make_app(tmp_path, db_url, clock, monkeypatch, graph)
    yield application
    close_app(application)


def post(app: Any, text: str = TEXT, channels: tuple[str, ...] = ("facebook",)) -> list[int]:
    queued = queue_bulletin(app, text=text, title="Tiếp nhận hồ sơ trực tuyến", at="now", channels=list(channels))
    return [a.id for a in queued.airings]


def key_of(app: Any, airing_id: int) -> str:
    local = airing(app, airing_id).due_at.astimezone(app.config.tz)
    return f"{app.config.station.code}-{local:%Y%m%d-%H%M}-a{airing_id}"


def posts_seen(graph: GraphServer) -> int:
    return len(graph.seen("POST", FEED))


# ---- success and the request's shape ---------------------------------------------------------


def test_one_post_with_the_documented_request(app, graph, clock):
    [airing_id] = post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.posted
    [seen] = graph.seen("POST", FEED)
    form = seen.form
    assert form["access_token"] == TOKEN and "access_token" not in seen.query
    assert form["message"].startswith("Tiếp nhận hồ sơ trực tuyến\n\nUBND xã thông báo")
    assert "#CaiCachHanhChinh" in form["message"] and key_of(app, airing_id) in form["message"]
    assert seen.headers["content-type"] == "application/x-www-form-urlencoded"
    assert seen.headers["user-agent"].startswith("Loa/") and seen.headers["connection"] == "close"
    assert record.external_id == graph.posts[0]["id"] and record.external_id is not None
    assert record.external_id.startswith(PAGE_ID + "_")
    assert record.external_url == graph.posts[0]["permalink_url"]  # asked for with fields=id,permalink_url
    assert form["fields"] == "id,permalink_url"
    assert TOKEN not in json.dumps(record.detail) and record.detail is not None
    assert record.detail["request"]["data"]["message"] == form["message"]
    assert graph.per_key() == {key_of(app, airing_id): 1}
    assert airing(app, airing_id).status is AiringStatus.done
    assert Runner(app).run_due() == [] and posts_seen(graph) == 1


def test_link_is_sent_when_configured(tmp_path, db_url, clock, monkeypatch, graph):
    app = make_app(tmp_path, db_url, clock, monkeypatch, graph, link="https://anphu.gov.vn/tin/123")
    try:
        post(app)
        [record] = Runner(app).run_due()
        assert record.outcome is Outcome.posted
        assert graph.seen("POST", FEED)[0].form["link"] == "https://anphu.gov.vn/tin/123"
    finally:
        close_app(app)


def test_dry_run_records_the_exact_request_and_sends_nothing(tmp_path, db_url, clock, monkeypatch, graph):
    app = make_app(tmp_path, db_url, clock, monkeypatch, graph, dry_run=True)
    try:
        [airing_id] = post(app)
        [record] = Runner(app).run_due()
        assert record.outcome is Outcome.dry_run and graph.requests == []
        assert record.detail is not None
        request = record.detail["request"]
        assert request["method"] == "POST" and request["url"] == f"{graph.base}/{PAGE_ID}/feed"
        assert key_of(app, airing_id) in request["data"]["message"] and TOKEN not in json.dumps(record.detail)
    finally:
        close_app(app)


def test_post_text_is_cut_to_the_limit_but_keeps_its_key(app):
    broadcast = Broadcast(
        airing_id=7,
        bulletin_id=1,
        channel="facebook",
        station_code="an-phu",
        station_name="Đài xã An Phú",
        timezone="Asia/Ho_Chi_Minh",
        title="T",
        body="lời " * 40000,
        post_text=None,
        priority="normal",
        due_at=app.clock.now(),
    )
    text = render_post(broadcast, limit=FACEBOOK_LIMIT)
    assert len(text) <= FACEBOOK_LIMIT and text.endswith(broadcast.key) and "…" in text


# ---- transient errors: retried, never posted twice ------------------------------------------


@pytest.mark.parametrize("code", [4, 17, 32, 341, 368, 613, 80001, 80004])
def test_each_throttling_graph_code_is_retried_and_posts_once(app, graph, clock, code):
    # codes 1 and 2 (and any 5xx) are unclear, not throttling: tests/test_facebook_faults.py
    graph.fail("POST", FEED, reply(400, graph_error(code, f"(#{code}) try later").body))
    [airing_id] = post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.posted and posts_seen(graph) == 2
    assert graph.per_key() == {key_of(app, airing_id): 1}
    assert len(clock.slept) == 1 and 2.0 <= clock.slept[0] <= 2.5  # backoff with jitter


@pytest.mark.parametrize(
    "header, value, wait",
    [
        (
            "X-Business-Use-Case-Usage",
            {
                PAGE_ID: [
                    {
                        "type": "pages",
                        "call_count": 100,
                        "total_cputime": 12,
                        "total_time": 20,
                        "estimated_time_to_regain_access": 4,
                    }
                ]
            },
            240,
        ),
        (
            "X-Page-Usage",
            {"call_count": 100, "total_cputime": 5, "total_time": 9, "estimated_time_to_regain_access": 3},
            180,
        ),
        ("X-App-Usage", {"call_count": 100, "total_cputime": 40, "total_time": 35}, 300),
        (
            "X-Business-Use-Case-Usage",
            {PAGE_ID: [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 1440}]},
            300,
        ),  # capped
    ],
)
def test_429_waits_as_long_as_the_usage_headers_ask(app, graph, clock, header, value, wait):
    error = graph_error(32, "(#32) Page request limit reached", status=429)
    graph.fail("POST", FEED, reply(429, error.body, {header: json.dumps(value)}))
    [airing_id] = post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.posted and posts_seen(graph) == 2 and graph.per_key()[key_of(app, airing_id)] == 1
    assert wait <= clock.slept[0] <= wait * 1.25


def test_usage_wait_reads_every_header():
    assert usage_wait({"Retry-After": "30"}) == 30
    assert usage_wait({"x-app-usage": '{"call_count": 12}'}) is None
    assert usage_wait({"x-app-usage": "not json"}) is None


def test_still_throttled_after_three_attempts_fails_with_a_clear_message(app, graph, clock):
    error = graph_error(4, "(#4) Application request limit reached")
    graph.fail("POST", FEED, *[reply(400, error.body) for _ in range(3)])
    [airing_id] = post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.failed and record.error_code == "facebook_throttled"
    assert posts_seen(graph) == 3 and graph.posts == []
    assert record.error_message is not None
    assert "Graph 4" in record.error_message and "chưa đăng gì" in record.error_message
    assert airing(app, airing_id).status is AiringStatus.done


def test_connection_refused_is_retried_then_fails(tmp_path, db_url, clock, monkeypatch):
    app = make_app(tmp_path, db_url, clock, monkeypatch, None, graph_url=f"http://127.0.0.1:{free_port()}/v25.0")
    try:
        post(app)
        [record] = Runner(app).run_due()
        assert record.outcome is Outcome.failed and record.error_code == "channel_unreachable"
        assert record.error_message is not None
        assert "chưa gửi gì" in record.error_message and len(app.clock.slept) == 2
    finally:
        close_app(app)


# ---- unclear outcomes: unknown, never re-sent, settled by reconcile --------------------------


@pytest.mark.parametrize(
    "fault, code, words",
    [
        (hold(process=True), "channel_timeout", "0.5 giây"),
        (drop(process=True), "channel_dropped", "bị ngắt"),
        (
            reply(502, "<html>Bad Gateway</html>", {"Content-Type": "text/html"}, process=True),
            "channel_server_error",
            "HTTP 502",
        ),
        (reply(200, "{not json", process=True), "channel_bad_reply", "không đọc được"),
    ],
)
def test_a_lost_reply_is_unknown_then_reconcile_finds_the_post(app, graph, clock, fault, code, words):
    graph.hidden_reads = 1  # the new post is not in the feed yet when Loa looks at once (found at once: _faults.py)
    graph.fail("POST", FEED, fault)
    [airing_id] = post(app)
    [record] = Runner(app).run_due()
    assert (
        record.outcome is Outcome.unknown
        and record.error_code == code
        and record.error_message is not None
        and words in record.error_message
    )
    assert "loa reconcile" in record.error_message
    assert posts_seen(graph) == 1 and airing(app, airing_id).status is AiringStatus.unknown
    assert Runner(app).run_due() == [] and posts_seen(graph) == 1  # not re-sent blindly
    [item] = reconcile(app)
    assert item.state == "settled" and item.external_id == graph.posts[0]["id"]
    final = records(app, airing_id)
    assert [r.outcome for r in final] == [Outcome.unknown, Outcome.posted]
    assert final[1].external_url == graph.posts[0]["permalink_url"] and final[1].detail is not None
    assert final[1].detail["reconciled"]
    assert airing(app, airing_id).status is AiringStatus.done and graph.per_key()[key_of(app, airing_id)] == 1


def test_a_request_that_never_arrived_stays_open_until_the_operator_retries(app, graph, clock):
    graph.fail("POST", FEED, hold(process=False))
    [airing_id] = post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.unknown
    [item] = reconcile(app)
    assert item.state == "open" and airing(app, airing_id).status is AiringStatus.unknown
    result = retry_airing(app, airing_id)
    assert result.new_airing_id and result.found is None
    [retried] = Runner(app).run_due()
    assert retried.airing_id == result.new_airing_id and retried.outcome is Outcome.posted
    assert graph.per_key() == {key_of(app, result.new_airing_id): 1}
    old = records(app, airing_id)
    assert [r.outcome for r in old] == [Outcome.unknown, Outcome.failed] and old[1].error_code == "operator_retried"
    assert airing(app, result.new_airing_id).retry_of == airing_id


def test_retry_of_an_unknown_airing_that_was_posted_posts_nothing(app, graph):
    graph.hidden_reads = 1
    graph.fail("POST", FEED, drop(process=True))
    [airing_id] = post(app)
    Runner(app).run_due()
    result = retry_airing(app, airing_id)
    assert result.found is not None and result.new_airing_id is None
    assert Runner(app).run_due() == [] and posts_seen(graph) == 1
    assert [r.outcome for r in records(app, airing_id)] == [Outcome.unknown, Outcome.posted]


# ---- credentials: the channel stops, the others go on ----------------------------------------


@pytest.mark.parametrize(
    "code, subcode, message_code",
    [(190, 463, "facebook_token_expired"), (102, None, "facebook_token_expired"), (200, None, "facebook_permission")],
)
def test_revoked_token_stops_facebook_and_holds_its_airings(app, graph, clock, code, subcode, message_code):
    graph.fail("POST", FEED, reply(400, graph_error(code, "Session has expired", subcode=subcode).body))
    first = post(app, channels=("facebook", "radio"))
    second = post(app, text="Bản tin thứ hai.", channels=("facebook",))
    runner = Runner(app)
    written = {r.airing_id: r for r in runner.run_due()}
    fb = written[first[0]]
    assert fb.outcome is Outcome.failed and fb.error_code == message_code
    assert fb.error_message is not None
    assert "LOA_FACEBOOK_PAGE_TOKEN" in fb.error_message and "khởi động lại 'loa run'" in fb.error_message
    assert written[first[1]].outcome is Outcome.aired  # the radio goes on
    assert second[0] not in written and airing(app, second[0]).status is AiringStatus.pending
    assert "facebook" in runner.stopped and posts_seen(graph) == 1 and graph.posts == []
    assert TOKEN not in fb.error_message


def test_missing_token_stops_the_channel_with_the_variable_to_set(app, graph, clock, monkeypatch):
    monkeypatch.delenv("LOA_FACEBOOK_PAGE_TOKEN")
    post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.failed and record.error_code == "facebook_token_missing"
    assert record.error_message is not None
    assert "LOA_FACEBOOK_PAGE_TOKEN" in record.error_message and graph.requests == []


def test_a_rejected_post_fails_once_without_retry(app, graph, clock):
    graph.fail("POST", FEED, reply(400, graph_error(100, "(#100) Invalid parameter").body))
    post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.failed and record.error_code == "facebook_rejected"
    assert record.error_message is not None
    assert posts_seen(graph) == 1 and clock.slept == [] and "Graph 100" in record.error_message


# ---- crashes: the journal says whether a request may be out there ----------------------------


def _abandon(app: Any, airing_id: int) -> None:
    """Leave the airing as a runner that died mid-delivery would."""
    now = app.clock.now()
    with app.sessions.begin() as session:
        session.execute(
            update(Airing)
            .where(Airing.id == airing_id)
            .values(
                status=AiringStatus.running,
                claimed_by="elsewhere:1:dead",
                claimed_at=now,
                lease_until=now - timedelta(seconds=1),
                attempts=1,
            )
        )


def test_crash_before_sending_runs_again_and_posts_once(app, graph):
    [airing_id] = post(app)
    _abandon(app, airing_id)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.posted and posts_seen(graph) == 1


def test_crash_after_the_post_went_out_finds_it_instead_of_posting_again(app, graph):
    [airing_id] = post(app)
    key = key_of(app, airing_id)
    app.channels["facebook"].journal.mark(key, "post", SENDING)
    graph.posts.append(
        {
            "id": f"{PAGE_ID}_1",
            "message": f"Bài đã đăng · {key}",
            "created_time": "x",
            "permalink_url": "https://www.facebook.com/p/1",
        }
    )
    _abandon(app, airing_id)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.posted and record.external_id == f"{PAGE_ID}_1" and posts_seen(graph) == 0


def test_crash_while_sending_with_no_post_found_is_unknown(app, graph):
    [airing_id] = post(app)
    app.channels["facebook"].journal.mark(key_of(app, airing_id), "post", SENDING)
    _abandon(app, airing_id)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.unknown and record.error_code == "post_unclear"
    assert record.error_message is not None
    assert "loa reconcile" in record.error_message and posts_seen(graph) == 0
