"""The Zalo channel's fault matrix against a fake OA that behaves like the real one (issue 13).

Each case asserts the final outcome, how many create requests the server saw
(never two articles, broadcasts or group messages of one airing) and what the
operator reads. Also: the app secret proof, Zalo's night rule (-234) and the
05:30 morning slot whose broadcast goes out at 06:00.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from broadcasts.channels.base import Broadcast
from broadcasts.channels.zalo import ZaloSettings
from broadcasts.channels.zalo_channel import ZaloChannel
from broadcasts.errors import ChannelError
from broadcasts.figures import Period
from broadcasts.models import Airing, AiringStatus, Outcome
from broadcasts.report import build_report
from scheduler.cli.output import log_table
from scheduler.messages import render
from scheduler.runner import Runner
from scheduler.services.queue import queue_bulletin
from scheduler.services.social import reconcile, retry_airing
from tests.conftest import TZ
from tests.fakes.http_server import drop, hold, reply
from tests.fakes.social import airing, close_app, records
from tests.fakes.zalo_server import APP_SECRET, GROUPS, ZaloServer, proof_of, zalo_error
from tests.test_zalo import make_app, seed, zalo_app_fixture, zalo_fixture  # noqa: F401  (the app and zalo fixtures)

CREATE = "/v2.0/article/create"
GROUP = "/v3.0/oa/group/message"
BROADCAST = "/v2.0/oa/message"
SLICE = "/v2.0/article/getslice"
TEXT = "UBND xã thông báo lịch tiêm phòng dại cho chó, mèo từ ngày 05/12/2026 tại nhà văn hóa các thôn."

# every way a create's reply can be unclear (Zalo refuses with HTTP 200 and an `error` code, so none of these is)
UNCLEAR = [
    pytest.param(hold, "channel_timeout", id="timeout"),
    pytest.param(drop, "channel_dropped", id="dropped"),
    pytest.param(
        lambda process: reply(500, "Internal Server Error", process=process), "channel_server_error", id="500"
    ),
    pytest.param(  # a 5xx is unclear whatever its body says
        lambda process: reply(502, {"error": -201, "message": "Parameters invalid"}, process=process),
        "channel_server_error",
        id="502-with-zalo-body",
    ),
    pytest.param(
        lambda process: reply(200, "<html>oops", {"Content-Type": "text/html"}, process=process),
        "channel_bad_reply",
        id="200-html",
    ),
]


def post(app: Any, at: str = "now") -> int:
    queued = queue_bulletin(app, text=TEXT, title="Lịch tiêm phòng dại", at=at, channels=["zalo"])
    return queued.airings[0].id


def key_of(app: Any, airing_id: int) -> str:
    local = airing(app, airing_id).due_at.astimezone(app.config.tz)
    return f"{app.config.station.code}-{local:%Y%m%d-%H%M}-a{airing_id}"


def sent(zalo: ZaloServer, path: str) -> int:
    return len(zalo.seen("POST", path))


def journal(app: Any, airing_id: int) -> dict[str, dict[str, Any]]:
    return app.channels["zalo"].journal.load(key_of(app, airing_id))


# ---- an unclear reply to the article create ------------------------------------------------------


@pytest.mark.parametrize("fault, code", UNCLEAR)
def test_article_created_despite_an_unclear_reply_is_found_not_created_again(app, zalo, clock, fault, code):
    seed(app, zalo)
    zalo.fail("POST", CREATE, fault(process=True))  # Zalo made the article, the reply was lost
    airing_id = post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.posted and record.error_message is None
    assert sent(zalo, CREATE) == 1 and zalo.articles_per_key() == {key_of(app, airing_id): 1}
    assert record.external_id == zalo.articles[0]["id"] and len(zalo.group_messages) == 2
    assert journal(app, airing_id)["article"]["found_after"] == code  # the record says how it was settled


@pytest.mark.parametrize("fault, code", UNCLEAR)
def test_article_not_created_after_an_unclear_reply_is_sent_again_once(app, zalo, clock, caplog, fault, code):
    seed(app, zalo)
    zalo.fail("POST", CREATE, fault(process=False))  # nothing was made
    airing_id = post(app)
    with caplog.at_level(logging.WARNING, logger="loa.runner"):
        [record] = Runner(app).run_due()
    assert record.outcome is Outcome.posted and sent(zalo, CREATE) == 2
    assert zalo.articles_per_key() == {key_of(app, airing_id): 1}
    assert len(zalo.seen("GET", SLICE)) == app.config.channels.zalo.verify_attempts  # the whole lookup window
    assert "không thấy gì được tạo, nên gửi lại là an toàn" in caplog.text and code in caplog.text


def test_an_article_still_processing_is_found_within_the_lookup_window(app, zalo, clock):
    seed(app, zalo)
    zalo.list_after = 2  # listed only after two list calls, like an article Zalo is still processing
    zalo.fail("POST", CREATE, drop(process=True))
    airing_id = post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.posted and sent(zalo, CREATE) == 1
    assert zalo.articles_per_key() == {key_of(app, airing_id): 1} and len(zalo.seen("GET", SLICE)) == 3


def test_a_failed_lookup_leaves_the_airing_unknown_for_reconcile(app, zalo, clock):
    seed(app, zalo)
    zalo.fail("POST", CREATE, reply(500, "Internal Server Error", process=True))
    zalo.fail("GET", SLICE, reply(503, "Service Unavailable"))
    airing_id = post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.unknown and record.error_code == "zalo_lookup_failed"
    assert record.error_message is not None
    assert "loa reconcile" in record.error_message and "channel_server_error" in record.error_message
    assert sent(zalo, CREATE) == 1 and zalo.group_messages == [] and Runner(app).run_due() == []
    [item] = reconcile(app)  # the article is found now, the groups never got it: still for the operator
    assert item.state == "open" and airing(app, airing_id).status is AiringStatus.unknown
    result = retry_airing(app, airing_id)
    assert result.carried == ["article"]
    [again] = Runner(app).run_due()
    assert again.outcome is Outcome.posted and again.external_id == zalo.articles[0]["id"]
    assert sent(zalo, CREATE) == 1 and len(zalo.group_messages) == 2


def test_a_lookup_reply_of_an_unknown_shape_cannot_tell_so_nothing_is_resent(app, zalo, clock):
    seed(app, zalo)
    zalo.fail("POST", CREATE, reply(500, "Internal Server Error", process=False))
    zalo.fail("GET", SLICE, reply(200, {"error": 0, "message": "Success", "data": {"total": 0}}))
    post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.unknown and record.error_code == "zalo_lookup_failed"
    assert sent(zalo, CREATE) == 1  # "no list" is not "not there": never created again on a guess


def test_a_clear_refusal_clears_the_step_and_fails_with_zalos_reason(app, zalo, clock):
    seed(app, zalo)
    zalo.fail("POST", CREATE, reply(200, zalo_error(-201, "title is invalid!").body))
    airing_id = post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.failed and record.error_code == "zalo_rejected"
    assert (
        record.error_message is not None
        and "-201" in record.error_message
        and "title is invalid" in record.error_message
    )
    assert sent(zalo, CREATE) == 1 and zalo.articles == [] and "article" not in journal(app, airing_id)
    assert zalo.seen("GET", SLICE) == []  # a clear answer needs no lookup


# ---- group messages and the broadcast -------------------------------------------------------------


@pytest.mark.parametrize("fault, code", UNCLEAR)
def test_a_group_message_delivered_despite_an_unclear_reply_is_found_in_the_conversation(app, zalo, clock, fault, code):
    seed(app, zalo)
    zalo.fail("POST", GROUP, fault(process=True))
    airing_id = post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.posted and sent(zalo, GROUP) == 2 and sent(zalo, CREATE) == 1
    assert zalo.groups_per_key() == {(key_of(app, airing_id), g): 1 for g in GROUPS}
    first = journal(app, airing_id)[f"group:{next(iter(GROUPS))}"]
    assert first["found_after"] == code and first["id"] == zalo.group_messages[0]["message_id"]


def test_a_group_message_not_delivered_is_sent_again_once(app, zalo, clock):
    seed(app, zalo)
    zalo.fail("POST", GROUP, reply(500, "Internal Server Error", process=False))
    airing_id = post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.posted and sent(zalo, GROUP) == 3 and sent(zalo, CREATE) == 1
    assert zalo.groups_per_key() == {(key_of(app, airing_id), g): 1 for g in GROUPS}


def test_a_broadcast_cannot_be_looked_up_so_an_unclear_one_is_unknown(tmp_path, db_url, clock, monkeypatch, zalo):
    clock.set(datetime(2026, 11, 23, 8, 30, tzinfo=TZ))
    app = make_app(tmp_path, db_url, clock, monkeypatch, zalo, broadcast=True)
    try:
        seed(app, zalo)
        zalo.fail("POST", BROADCAST, reply(500, "Internal Server Error", process=True))
        airing_id = post(app)
        [record] = Runner(app).run_due()
        assert record.outcome is Outcome.unknown and record.error_code == "zalo_partial"
        assert record.error_message is not None
        assert zalo.articles[0]["id"] in record.error_message and "broadcast" in record.error_message
        assert sent(zalo, BROADCAST) == 1 and len(zalo.broadcasts) == 1 and sent(zalo, CREATE) == 1
        assert journal(app, airing_id)["broadcast"]["state"] == "sending"  # for the operator, never resent
        assert Runner(app).run_due() == [] and sent(zalo, BROADCAST) == 1
    finally:
        close_app(app)


def test_crash_with_a_group_message_in_flight_looks_it_up_instead_of_resending(app, zalo, clock):
    seed(app, zalo)
    airing_id = post(app)
    [record] = Runner(app).run_due()
    assert record.outcome is Outcome.posted
    first = f"group:{next(iter(GROUPS))}"  # as if the runner died after sending, before recording the id
    app.channels["zalo"].journal.mark(key_of(app, airing_id), first, "sending")
    now = clock.now()
    with app.sessions.begin() as session:
        session.execute(
            update(Airing)
            .where(Airing.id == airing_id)
            .values(status=AiringStatus.running, claimed_by="elsewhere:1:dead", lease_until=now - timedelta(seconds=1))
        )
    [recovered] = Runner(app).run_due()
    assert recovered.outcome is Outcome.posted and recovered.detail is not None and recovered.detail["recovered"]
    assert sent(zalo, GROUP) == 2 and sent(zalo, CREATE) == 1
    assert journal(app, airing_id)[first]["state"] == "done"


# ---- appsecret_proof --------------------------------------------------------------------------------


def test_appsecret_proof_is_sent_as_a_header_when_the_app_requires_it(
    tmp_path, db_url, clock, monkeypatch, zalo, caplog
):
    zalo.require_proof = True
    app = make_app(tmp_path, db_url, clock, monkeypatch, zalo, appsecret_proof=True)
    try:
        with caplog.at_level(logging.DEBUG):
            post(app)
            [record] = Runner(app).run_due()
        assert record.outcome is Outcome.posted and sent(zalo, CREATE) == 1 and len(zalo.group_messages) == 2
        oa_calls = [r for r in zalo.requests if r.path != "/v4/oa/access_token"]
        assert oa_calls and all(r.headers["appsecret_proof"] == proof_of(r.headers["access_token"]) for r in oa_calls)
        assert APP_SECRET not in caplog.text and oa_calls[0].headers["appsecret_proof"] not in caplog.text
        assert APP_SECRET not in json.dumps(record.detail, ensure_ascii=False)
    finally:
        close_app(app)


def test_without_the_proof_an_app_that_requires_it_stops_zalo_with_what_to_set(app, zalo, clock):
    seed(app, zalo)
    zalo.require_proof = True
    airing_id = post(app)
    runner = Runner(app)
    [record] = runner.run_due()
    assert record.outcome is Outcome.failed and record.error_code == "zalo_proof_rejected"
    assert record.error_message is not None
    assert "-242" in record.error_message and "appsecret_proof = true" in record.error_message
    assert "LOA_ZALO_APP_SECRET" in record.error_message and "zalo" in runner.stopped
    assert sent(zalo, CREATE) == 1 and zalo.articles == [] and "article" not in journal(app, airing_id)


def test_appsecret_proof_is_hmac_sha256_of_the_token_keyed_by_the_secret():
    from broadcasts.channels.zalo_steps import appsecret_proof

    # hash_hmac('sha256', 'token', 'secret') in PHP, as Zalo's SDK computes it (data first, key second)
    assert appsecret_proof("token", "secret") == "e941110e3d2bfe82621f0e3e1434730d7305d106c5f68c87165d0b27a4611a4a"
    assert appsecret_proof("token", "secret") != appsecret_proof("secret", "token")
    assert len(appsecret_proof("a", "b")) == 64


# ---- the night: deferred, never skipped ----------------------------------------------------------------


def test_morning_slot_posts_article_and_groups_at_0530_and_broadcasts_at_0600(
    tmp_path, db_url, clock, monkeypatch, zalo, caplog
):
    clock.set(datetime(2026, 11, 23, 5, 0, tzinfo=TZ))
    zalo.clock = clock.now  # Zalo's clock: it refuses broadcasts at night (-234)
    app = make_app(tmp_path, db_url, clock, monkeypatch, zalo, broadcast=True)
    try:
        seed(app, zalo)
        airing_id = post(app, at="05:30")
        clock.set(datetime(2026, 11, 23, 5, 30, tzinfo=TZ))
        with caplog.at_level(logging.INFO, logger="loa.runner"):
            [morning] = Runner(app).run_due()
        assert morning.outcome is Outcome.posted and sent(zalo, CREATE) == 1 and len(zalo.group_messages) == 2
        assert sent(zalo, BROADCAST) == 0  # not tried at 05:30: Zalo would refuse it
        assert morning.detail is not None
        held = morning.detail["broadcast_deferred"]
        assert held["at"] == "06:00" and held["reason"] == "quiet_hours"
        assert "hoãn đến 06:00" in caplog.text and f"#{held['follow_up']}" in caplog.text
        follow_up = airing(app, held["follow_up"])
        assert follow_up.retry_of == airing_id and follow_up.due_at == datetime(2026, 11, 23, 6, 0, tzinfo=TZ)

        clock.set(datetime(2026, 11, 23, 5, 59, tzinfo=TZ))
        assert Runner(app).run_due() == []  # not before 06:00
        clock.set(datetime(2026, 11, 23, 6, 0, tzinfo=TZ))
        [six] = Runner(app).run_due()
        assert six.outcome is Outcome.posted and six.airing_id == follow_up.id
        assert six.external_id == zalo.articles[0]["id"] and six.detail is not None and six.detail["deferred_from"]
        assert zalo.broadcasts == [{"article": zalo.articles[0]["id"], "target": {"gender": "0"}}]
        assert sent(zalo, CREATE) == 1 and sent(zalo, GROUP) == 2 and sent(zalo, BROADCAST) == 1  # each once

        log = records(app)
        assert [(r.airing_id, r.outcome) for r in log] == [(airing_id, Outcome.posted), (follow_up.id, Outcome.posted)]
        assert log[0].started_at is not None and log[0].started_at.astimezone(TZ).strftime("%H:%M") == "05:30"
        assert log[1].started_at is not None and log[1].started_at.astimezone(TZ).strftime("%H:%M") == "06:00"
        table = log_table(log, app.config.tz, "vi")
        assert "quảng bá hoãn" in table and "quảng bá đã hoãn" in table and "05:30" in table and "06:00" in table
        with app.sessions() as session:  # the report counts the bulletin once on Zalo, not twice
            report = build_report(session, app.station_id, Period.month(2026, 11), now=clock.now(), channels=["zalo"])
        [zalo_total] = report.totals
        assert zalo_total.done == 1 and zalo_total.records == 2 and report.other["other"]["zalo"] == 1
    finally:
        close_app(app)


def test_zalo_saying_not_now_defers_the_broadcast_instead_of_failing(tmp_path, db_url, clock, monkeypatch, zalo):
    clock.set(datetime(2026, 11, 23, 8, 30, tzinfo=TZ))
    night = datetime(2026, 11, 23, 23, 0, tzinfo=TZ)
    zalo.clock = lambda: night  # Zalo's clock disagrees with ours
    app = make_app(tmp_path, db_url, clock, monkeypatch, zalo, broadcast=True)
    try:
        seed(app, zalo)
        airing_id = post(app)
        [first] = Runner(app).run_due()
        assert first.outcome is Outcome.posted and first.detail is not None
        held = first.detail["broadcast_deferred"]
        assert held["reason"] == "zalo -234" and held["at"] == "08:40"  # ask again in a few minutes
        assert sent(zalo, BROADCAST) == 1 and zalo.broadcasts == [] and len(zalo.group_messages) == 2
        zalo.clock = None
        clock.advance(minutes=10)
        [again] = Runner(app).run_due()
        assert again.outcome is Outcome.posted and again.airing_id == held["follow_up"]
        assert len(zalo.broadcasts) == 1 and sent(zalo, CREATE) == 1 and sent(zalo, GROUP) == 2
        assert airing(app, airing_id).status is AiringStatus.done
    finally:
        close_app(app)


def test_a_crash_after_deferring_keeps_the_broadcast(tmp_path, db_url, clock, monkeypatch, zalo):
    clock.set(datetime(2026, 11, 23, 5, 30, tzinfo=TZ))
    app = make_app(tmp_path, db_url, clock, monkeypatch, zalo, broadcast=True)
    try:
        seed(app, zalo)
        airing_id = post(app)
        channel = app.channels["zalo"]
        channel.publish(Broadcast.of(*_loaded(app, airing_id)))  # article, groups, broadcast held: then the crash
        assert journal(app, airing_id)["broadcast"]["state"] == "deferred"
        now = clock.now()
        with app.sessions.begin() as session:
            session.execute(
                update(Airing)
                .where(Airing.id == airing_id)
                .values(
                    status=AiringStatus.running, claimed_by="elsewhere:1:dead", lease_until=now - timedelta(seconds=1)
                )
            )
        clock.set(datetime(2026, 11, 23, 6, 5, tzinfo=TZ))  # restarted after 06:00: the held broadcast goes now
        [record] = Runner(app).run_due()
        assert record.outcome is Outcome.posted and record.airing_id == airing_id
        assert len(zalo.broadcasts) == 1 and sent(zalo, CREATE) == 1 and sent(zalo, GROUP) == 2
        assert record.detail is not None and record.detail["deferred_from"]["reason"] == "quiet_hours"
    finally:
        close_app(app)


def _loaded(app: Any, airing_id: int) -> tuple[Any, Any, Any]:
    from scheduler.runner import claims

    row = claims.load(app, airing_id)
    assert row is not None
    return row


# ---- a normal article's requirements, before the first live create ------------------------------------


def _broadcast(**fields: Any) -> Broadcast:
    base: dict[str, Any] = dict(
        airing_id=7,
        bulletin_id=3,
        channel="zalo",
        station_code="an-phu",
        station_name="UBND xã An Phú",
        timezone="Asia/Ho_Chi_Minh",
        title="Lịch tiêm phòng",
        body=TEXT,
        post_text=None,
        priority="normal",
        due_at=datetime(2026, 11, 23, 8, 0, tzinfo=TZ),
    )
    return Broadcast(**{**base, **fields})


@pytest.mark.parametrize(
    "settings, broadcast, code, names",
    [
        (dict(cover_url=""), {}, "zalo_article_no_cover", "cover_url"),
        (dict(cover_url="ftp://x/cover.jpg"), {}, "zalo_article_no_cover", "cover_url"),
        (dict(), dict(station_name=" "), "zalo_article_no_author", "author"),
        (dict(), dict(body="", title=""), "zalo_article_no_description", "#3"),
    ],
)
def test_an_incomplete_article_is_refused_before_anything_is_sent(tmp_path, zalo, settings, broadcast, code, names):
    from broadcasts.channels.http import make_session
    from broadcasts.channels.journal import Journal
    from broadcasts.channels.zalo_auth import TokenStore, ZaloAuth

    table = {"dry_run": False, "api_url": zalo.url, "cover_url": "https://example.org/cover.jpg", **settings}
    zalo_settings = ZaloSettings(**table)
    session = make_session("test", 1)
    auth = ZaloAuth(
        session=session,
        store=TokenStore(tmp_path / "t.json"),
        oauth_url=zalo.url + "/v4/oa/access_token",
        app_id="1",
        app_secret=lambda: APP_SECRET,
        refresh_token=lambda: "r",
        now=lambda: datetime.now(TZ),
    )
    channel = ZaloChannel(zalo_settings, session=session, auth=auth, journal=Journal(tmp_path / "j"))
    try:
        with pytest.raises(ChannelError) as caught:
            channel.publish(_broadcast(**broadcast))
        assert caught.value.code == code and not caught.value.sent and not caught.value.retryable
        for lang in ("vi", "en"):
            assert names in render(caught.value, lang)
        assert zalo.requests == []  # refused before a token was even asked for
    finally:
        session.close()
