"""The Facebook fault matrix: each way Graph answers a post, through the real Runner, against the local Graph.

Every case asserts the final outcome, how many create requests (`POST /{page-id}/feed`)
the server saw, that no airing ever has two posts on the Page, and what the
operator reads. The rule under test (broadcasts/channels/facebook_channel.py):
an unclear reply is looked up before anything else; a repost happens only after
a second empty lookup `recheck_seconds` later, and only when Graph itself answered.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from broadcasts.channels.journal import SENDING
from broadcasts.models import AiringStatus, Outcome
from scheduler.messages import text
from scheduler.runner import Runner
from scheduler.services.social import reconcile
from tests.fakes.graph_server import (
    APP_ID,
    APP_SECRET,
    PAGE_ID,
    TOKEN,
    VERSION,
    GraphServer,
    buc_throttled,
    graph_error,
    proof_of,
    transient_500,
)
from tests.fakes.http_server import drop, hold, reply
from tests.fakes.social import airing, close_app, records
from tests.test_facebook import _abandon, key_of, make_app, post

FEED = f"/{VERSION}/{PAGE_ID}/feed"


@pytest.fixture
def graph() -> Iterator[GraphServer]:
    with GraphServer() as server:
        yield server


@pytest.fixture
def app(tmp_path, db_url, clock, monkeypatch, graph) -> Iterator[Any]:
    application = make_app(tmp_path, db_url, clock, monkeypatch, graph)
    yield application
    close_app(application)


def creates(graph: GraphServer) -> int:
    return len(graph.seen("POST", FEED))


def lookups(graph: GraphServer) -> int:
    return len(graph.seen("GET", FEED))


def once_at_most(graph: GraphServer) -> None:
    assert all(n == 1 for n in graph.per_key().values()), graph.per_key()


def as_fault(answer: Any, *, process: bool) -> Any:
    return reply(answer.status, answer.body, answer.headers, process=process)


# ---- a 5xx after creating the post: found, never posted twice ---------------------------------


@pytest.mark.parametrize(
    "answer",
    [transient_500(2), transient_500(1, subcode=99), graph_error(100, "(#100) odd", status=500)],
    ids=["code2-transient", "code1-subcode99", "any-5xx-body"],
)
def test_a_5xx_after_creating_the_post_is_found_and_never_posted_again(app, graph, clock, answer):
    graph.fail("POST", FEED, as_fault(answer, process=True))
    [airing_id] = post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.posted and record.external_id == graph.posts[0]["id"]
    assert record.external_url == graph.posts[0]["permalink_url"]
    assert creates(graph) == 1 and lookups(graph) == 1 and clock.slept == []
    assert record.detail is not None and record.detail["found_on_page"]
    assert record.detail["after_unclear_reply"]["http"] == 500
    assert airing(app, airing_id).status is AiringStatus.done
    assert Runner(app).run_due() == [] and creates(graph) == 1
    once_at_most(graph)


def test_a_5xx_whose_post_shows_late_is_found_by_the_second_lookup(app, graph, clock, caplog):
    graph.hidden_reads = 1  # Graph's feed lags: the new post is not there at the first look
    graph.fail("POST", FEED, as_fault(transient_500(2), process=True))
    post(app, channels=("facebook",))
    with caplog.at_level(logging.WARNING, logger="loa.runner"):
        [record] = Runner(app).run_due()
    assert record.outcome is Outcome.posted and record.external_id == graph.posts[0]["id"]
    assert creates(graph) == 1 and lookups(graph) == 2
    assert len(clock.slept) == 1 and 30 <= clock.slept[0] <= 30 * 1.25  # recheck_seconds, with jitter
    [line] = [m for m in caplog.messages if "tìm lại" in m]
    assert "HTTP 500" in line and "Graph 2" in line and "Chờ 30 giây" in line
    once_at_most(graph)


def test_a_5xx_that_created_nothing_is_posted_again_only_after_two_empty_lookups(app, graph, clock):
    graph.fail("POST", FEED, as_fault(transient_500(2), process=False))
    [airing_id] = post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.posted and len(graph.posts) == 1
    requests = [(r.method, r.path) for r in graph.requests]
    assert requests == [("POST", FEED), ("GET", FEED), ("GET", FEED), ("POST", FEED)]
    assert len(clock.slept) == 1 and clock.slept[0] >= 30
    assert graph.per_key() == {key_of(app, airing_id): 1}


def test_5xx_on_every_attempt_ends_unknown_with_no_post_twice(app, graph, clock):
    graph.fail("POST", FEED, *[as_fault(transient_500(2), process=False) for _ in range(3)])
    [airing_id] = post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.unknown and record.error_code == "facebook_recheck"
    assert creates(graph) == 3 and graph.posts == [] and lookups(graph) == 5
    assert record.error_message is not None and "loa reconcile" in record.error_message
    assert airing(app, airing_id).status is AiringStatus.unknown
    step = app.channels["facebook"].journal.load(key_of(app, airing_id))["post"]
    assert step["state"] == SENDING and step["recheck"]  # kept for reconcile


def test_a_5xx_with_a_failed_lookup_is_unknown_for_reconcile(app, graph, clock):
    graph.fail("POST", FEED, as_fault(transient_500(2), process=True))
    graph.fail("GET", FEED, reply(503, "<html>busy</html>", {"Content-Type": "text/html"}))
    [airing_id] = post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.unknown and record.error_code == "facebook_unclear_reply"
    assert record.error_message is not None
    assert "HTTP 500" in record.error_message and "loa reconcile" in record.error_message
    assert creates(graph) == 1 and clock.slept == []
    [item] = reconcile(app)
    assert item.state == "settled" and item.external_id == graph.posts[0]["id"]
    assert airing(app, airing_id).status is AiringStatus.done and creates(graph) == 1


# ---- timeouts and dropped connections: found at once, else unknown (never reposted) -----------


@pytest.mark.parametrize(
    "fault, created, outcome, code",
    [
        (hold(process=True), True, Outcome.posted, None),
        (hold(process=False), False, Outcome.unknown, "channel_timeout"),
        (drop(process=True), True, Outcome.posted, None),
        (drop(process=False), False, Outcome.unknown, "channel_dropped"),
        (
            reply(502, "<html>Bad Gateway</html>", {"Content-Type": "text/html"}, process=False),
            False,
            Outcome.unknown,
            "channel_server_error",
        ),
    ],
    ids=["timeout-created", "timeout-nothing", "drop-created", "drop-nothing", "proxy-502"],
)
def test_no_answer_from_graph_is_looked_up_and_never_reposted(app, graph, clock, fault, created, outcome, code):
    graph.fail("POST", FEED, fault)
    [airing_id] = post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is outcome and record.error_code == code
    assert creates(graph) == 1 and lookups(graph) == 1 and clock.slept == []
    assert len(graph.posts) == int(created)
    if outcome is Outcome.unknown:
        assert record.error_message is not None and "loa reconcile" in record.error_message
        assert Runner(app).run_due() == [] and creates(graph) == 1
        assert airing(app, airing_id).status is AiringStatus.unknown
    else:
        assert record.external_id == graph.posts[0]["id"]
        assert airing(app, airing_id).status is AiringStatus.done
    once_at_most(graph)


# ---- clear refusals: the journal is cleared ----------------------------------------------------


def test_a_clear_refusal_clears_the_journal_and_fails_once(app, graph, clock):
    graph.fail("POST", FEED, reply(400, graph_error(100, "(#100) Invalid parameter").body))
    [airing_id] = post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.failed and record.error_code == "facebook_rejected"
    assert app.channels["facebook"].journal.load(key_of(app, airing_id)) == {}
    assert creates(graph) == 1 and lookups(graph) == 0 and graph.posts == []


# ---- Business Use Case throttling --------------------------------------------------------------


@pytest.mark.parametrize("minutes, wait", [(2, 120), (1440, 300)], ids=["two-minutes", "capped"])
def test_80001_waits_as_the_business_use_case_header_says(app, graph, clock, caplog, minutes, wait):
    graph.fail("POST", FEED, as_fault(buc_throttled(minutes), process=False))
    [airing_id] = post(app)
    with caplog.at_level(logging.WARNING, logger="loa.runner"):
        [record] = Runner(app).run_due()
    assert record.outcome is Outcome.posted and creates(graph) == 2 and lookups(graph) == 0
    assert wait <= clock.slept[0] <= wait * 1.25
    assert graph.per_key() == {key_of(app, airing_id): 1}
    assert any("Graph 80001" in m and f"Chờ {wait} giây" in m for m in caplog.messages)


def test_80001_on_every_attempt_fails_saying_nothing_was_posted(app, graph, clock):
    graph.fail("POST", FEED, *[as_fault(buc_throttled(1), process=False) for _ in range(3)])
    post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.failed and record.error_code == "facebook_throttled"
    assert record.error_message is not None and "chưa đăng gì" in record.error_message
    assert creates(graph) == 3 and graph.posts == []


# ---- 506 duplicate, 459/464 log in at facebook.com ------------------------------------------------


def test_506_means_it_is_there_already_found_and_never_posted_again(app, graph, clock):
    answer = graph_error(506, "(#506) Duplicate status message")
    graph.fail("POST", FEED, as_fault(answer, process=True))  # an earlier request of this airing made it
    [airing_id] = post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.posted and record.external_id == graph.posts[0]["id"]
    assert record.detail is not None and record.detail["after_unclear_reply"]["graph"] == 506
    assert creates(graph) == 1 and graph.per_key() == {key_of(app, airing_id): 1}


def test_506_not_found_is_unknown_not_reposted(app, graph, clock):
    graph.fail("POST", FEED, reply(400, graph_error(506, "(#506) Duplicate status message").body))
    [airing_id] = post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.unknown and record.error_code == "facebook_duplicate"
    assert record.error_message is not None and "không đăng lại" in record.error_message
    assert creates(graph) == 1 and app.channels["facebook"].journal.load(key_of(app, airing_id))


@pytest.mark.parametrize("subcode", [459, 464])
def test_459_and_464_stop_the_channel_asking_to_log_in_at_facebook(app, graph, clock, subcode):
    graph.fail("POST", FEED, reply(400, graph_error(190, "Error validating access token", subcode=subcode).body))
    first = post(app)
    second = post(app, text="Bản tin thứ hai.")
    runner = Runner(app)
    [record] = runner.run_due()
    assert record.airing_id == first[0] and record.outcome is Outcome.failed
    assert record.error_code == "facebook_login_required"
    assert record.error_message is not None and "www.facebook.com" in record.error_message
    assert f"Graph 190/{subcode}" in record.error_message and "LOA_FACEBOOK_PAGE_TOKEN" in record.error_message
    assert "facebook" in runner.stopped and airing(app, second[0]).status is AiringStatus.pending
    assert creates(graph) == 1 and graph.posts == []


# ---- appsecret_proof ---------------------------------------------------------------------------


@pytest.fixture
def proof_graph() -> Iterator[GraphServer]:
    with GraphServer(app_secret=APP_SECRET) as server:
        yield server


def test_appsecret_proof_goes_with_every_call(tmp_path, db_url, clock, monkeypatch, proof_graph):
    monkeypatch.setenv("LOA_FACEBOOK_APP_SECRET", APP_SECRET)
    proof_graph.hidden_reads = 1
    proof_graph.fail("POST", FEED, as_fault(transient_500(2), process=True))
    app = make_app(tmp_path, db_url, clock, monkeypatch, proof_graph, appsecret_proof=True, app_id=APP_ID)
    try:
        [airing_id] = post(app)
        [record] = Runner(app).run_due()
        assert record.outcome is Outcome.posted and creates(proof_graph) == 1
        [create] = proof_graph.seen("POST", FEED)
        assert create.form["appsecret_proof"] == proof_of(TOKEN)
        reads = proof_graph.seen("GET", FEED)
        assert len(reads) == 2 and all(r.query["appsecret_proof"] == proof_of(TOKEN) for r in reads)
        logged = json.dumps([r.detail for r in records(app, airing_id)]) + str(record.error_message)
        assert APP_SECRET not in logged and TOKEN not in logged and proof_of(TOKEN) not in logged
    finally:
        close_app(app)


@pytest.mark.parametrize("secret", [None, "a-wrong-app-secret-000"], ids=["no-proof", "wrong-proof"])
def test_an_app_that_requires_the_proof_stops_the_channel_with_what_to_set(
    tmp_path, db_url, clock, monkeypatch, proof_graph, secret
):
    if secret:
        monkeypatch.setenv("LOA_FACEBOOK_APP_SECRET", secret)
    app = make_app(tmp_path, db_url, clock, monkeypatch, proof_graph, appsecret_proof=bool(secret))
    try:
        post(app)
        runner = Runner(app)
        [record] = runner.run_due()
        assert record.outcome is Outcome.failed and record.error_code == "facebook_proof_refused"
        assert record.error_message is not None and "appsecret_proof" in record.error_message
        assert "LOA_FACEBOOK_APP_SECRET" in record.error_message and "facebook" in runner.stopped
        assert creates(proof_graph) == 1 and proof_graph.posts == []
        assert not secret or secret not in record.error_message
    finally:
        close_app(app)


def test_proof_on_without_the_secret_sends_nothing(tmp_path, db_url, clock, monkeypatch, proof_graph):
    monkeypatch.delenv("LOA_FACEBOOK_APP_SECRET", raising=False)
    app = make_app(tmp_path, db_url, clock, monkeypatch, proof_graph, appsecret_proof=True)
    try:
        post(app)
        [record] = Runner(app).run_due()
        assert record.outcome is Outcome.failed and record.error_code == "facebook_secret_missing"
        assert record.error_message is not None and "LOA_FACEBOOK_APP_SECRET" in record.error_message
        assert proof_graph.requests == []
    finally:
        close_app(app)


# ---- the lookup reads the whole window ---------------------------------------------------------


def test_the_lookup_follows_paging_until_the_window_is_covered(app, graph, clock):
    [airing_id] = post(app)
    key = key_of(app, airing_id)
    stamp = "2026-12-01T00:00:00+0000"
    graph.posts.append({"id": f"{PAGE_ID}_1", "message": f"Bài cũ · {key}", "created_time": stamp})
    for n in range(450):  # a busy Page: the post is on the fifth page of a hundred
        graph.posts.append({"id": f"{PAGE_ID}_{n + 2}", "message": f"Tin khác {n}", "created_time": stamp})
    app.channels["facebook"].journal.mark(key, "post", SENDING)  # a runner died after sending
    _abandon(app, airing_id)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.posted and record.external_id == f"{PAGE_ID}_1"
    reads = graph.seen("GET", FEED)
    assert len(reads) == 5 and all("access_token" not in r.query for r in reads)
    assert creates(graph) == 0


# ---- loa channels check: may Loa post? ---------------------------------------------------------


def findings(app: Any) -> list[tuple[str, str, str]]:
    return [(f.level, f.code, text(f.code, "en", **f.params)) for f in app.channels["facebook"].check()]


def test_check_reads_permission_and_expiry_with_debug_token(tmp_path, db_url, clock, monkeypatch):
    monkeypatch.setenv("LOA_FACEBOOK_APP_SECRET", APP_SECRET)
    with GraphServer(expires_at=1_800_000_000) as graph:
        app = make_app(tmp_path, db_url, clock, monkeypatch, graph, app_id=APP_ID)
        try:
            found = findings(app)
            codes = [c for _, c, _ in found]
            assert "check_fb_may_post" in codes and "check_fb_expires" in codes
            assert all(level != "error" for level, _, _ in found)
            [debug] = graph.seen("GET", f"/{VERSION}/debug_token")
            assert debug.query["input_token"] == TOKEN
            assert debug.headers["authorization"] == f"Bearer {APP_ID}|{APP_SECRET}"
            assert [m for _, c, m in found if c == "check_fb_expires"] == ["the token expires at 2027-01-15 08:00 UTC."]
        finally:
            close_app(app)


def test_check_fails_a_read_only_token_naming_the_permission(tmp_path, db_url, clock, monkeypatch):
    monkeypatch.setenv("LOA_FACEBOOK_APP_SECRET", APP_SECRET)
    with GraphServer(scopes=("pages_read_engagement", "pages_show_list")) as graph:
        app = make_app(tmp_path, db_url, clock, monkeypatch, graph, app_id=APP_ID)
        try:
            [(level, message)] = [(lv, m) for lv, c, m in findings(app) if c == "check_fb_cannot_post"]
            assert level == "error" and "pages_manage_posts" in message and "CREATE_CONTENT" in message
            assert "LOA_FACEBOOK_PAGE_TOKEN" in message and APP_SECRET not in message
        finally:
            close_app(app)


def test_check_without_app_credentials_warns_it_cannot_tell(app, graph):
    found = findings(app)
    [(level, message)] = [(lv, m) for lv, c, m in found if c == "check_fb_no_app"]
    assert level == "warn" and "LOA_FACEBOOK_APP_SECRET" in message
    assert graph.seen("GET", f"/{VERSION}/debug_token") == []


def test_check_with_the_proof_an_app_requires(tmp_path, db_url, clock, monkeypatch, proof_graph):
    monkeypatch.setenv("LOA_FACEBOOK_APP_SECRET", APP_SECRET)
    app = make_app(tmp_path, db_url, clock, monkeypatch, proof_graph, app_id=APP_ID, appsecret_proof=True)
    try:
        found = findings(app)
        assert all(level != "error" for level, _, _ in found), found
        assert "check_fb_may_post" in [c for _, c, _ in found]
        [me] = proof_graph.seen("GET", f"/{VERSION}/me")
        assert me.query["appsecret_proof"] == proof_of(TOKEN)
    finally:
        close_app(app)


def test_a_window_longer_than_the_page_cap_is_unknown_not_absent(app, graph, clock, monkeypatch):
    monkeypatch.setattr("broadcasts.channels.facebook_feed.MAX_PAGES", 2)
    [airing_id] = post(app)
    for n in range(250):  # more posts inside the window than two pages of a hundred
        graph.posts.append({"id": f"{PAGE_ID}_{n + 2}", "message": f"Tin khác {n}", "created_time": "x"})
    app.channels["facebook"].journal.mark(key_of(app, airing_id), "post", SENDING)
    _abandon(app, airing_id)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.unknown and record.error_code == "post_unclear"  # never "surely absent"
    assert lookups(graph) == 2 and creates(graph) == 0
    [item] = reconcile(app)
    assert item.state == "error" and item.error is not None and item.error.code == "facebook_lookup_incomplete"
    assert text(item.error.code, "en", **item.error.params).startswith("Read 2 pages of the feed without covering")
