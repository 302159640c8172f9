"""The web portal channel: the listening page, the podcast feeds (parsed back by feedparser), WordPress once each."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest

from broadcasts.channels import channel_type
from broadcasts.channels.base import ERROR, OK, Broadcast, Context
from broadcasts.channels.portal import PortalSettings, build, problems
from broadcasts.channels.portal_channel import PortalChannel
from broadcasts.channels.portal_wordpress import WordPressSettings
from broadcasts.errors import ChannelError
from broadcasts.models import Outcome
from scheduler.messages import MESSAGES
from scheduler.messages.labels import CHANNEL_LABELS
from tests.fakes.http_server import drop, reply
from tests.fakes.wordpress_server import APP_PASSWORD, MEDIA, POSTS, USER, WordPressServer

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # 17:00 in Hồ Chí Minh City


def broadcast(airing_id: int, due: datetime, *, title: str = "Lịch tiếp công dân", body: str = "") -> Broadcast:
    return Broadcast(
        airing_id=airing_id,
        bulletin_id=airing_id,
        channel="portal",
        station_code="thu",
        station_name="Đài truyền thanh xã Thử",
        timezone="Asia/Ho_Chi_Minh",
        title=title,
        body=body or f"UBND xã thông báo bản tin số {airing_id}.",
        post_text=None,
        priority="normal",
        due_at=due,
    )


def aired(data: Path, b: Broadcast, radio_airing: int, size: int = 3000) -> Path:
    """The radio's archived MP3 of the same bulletin (another airing id, the same station and minute)."""
    local = b.local_due
    path = data / "audio" / f"{local:%Y/%m/%d}" / f"thu-{local:%Y%m%d-%H%M}-a{radio_airing}.mp3"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"ID3" + bytes(size - 3))
    return path


def context(tmp_path: Path, secrets: dict[str, str] | None = None) -> Context:
    return Context(
        base_dir=tmp_path,
        data_dir=tmp_path / "data",
        secret=lambda name: (secrets or {}).get(name),
        now=lambda: NOW,
        sleep=lambda s: None,
    )


def channel(tmp_path: Path, wp: WordPressSettings | None = None, secrets: dict[str, str] | None = None):
    settings = PortalSettings(
        enabled=True, base_url="https://xa.example.gov.vn/loa/", wordpress=wp or WordPressSettings()
    )
    built = build(settings, context(tmp_path, secrets))
    assert isinstance(built, PortalChannel)
    return built


def test_registered_labelled_and_off_by_default(tmp_path):
    assert channel_type("portal").settings is PortalSettings
    assert build(PortalSettings(), context(tmp_path)) is None
    assert CHANNEL_LABELS["vi"]["portal"] == "Cổng thông tin" and CHANNEL_LABELS["en"]["portal"] == "Web portal"
    found = {p.key for p in problems(PortalSettings(enabled=True), True)}
    assert "base_url" in found
    bad = PortalSettings(wordpress=WordPressSettings(url="ftp://x", status="live"))
    assert {p.key for p in problems(bad, False)} == {"wordpress.url", "wordpress.user", "wordpress.status"}
    for code in ("portal_wp_unclear_reply", "check_portal_folder", "exp_portal_wp_user"):
        assert code in MESSAGES


def test_page_newest_first_escaped_with_aired_audio(tmp_path):
    portal = channel(tmp_path)
    data = tmp_path / "data"
    older = broadcast(1, NOW - timedelta(days=1))
    hostile = broadcast(2, NOW - timedelta(hours=2), title='<script>alert("x")</script> & Tin', body="a < b\n\nc > d")
    aired(data, hostile, 7)
    for b in (older, hostile):
        delivery = portal.publish(b)
        assert delivery.outcome is Outcome.posted
    page = (tmp_path / "portal" / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Tin" in page
    assert "<p>a &lt; b</p>" in page and "<p>c &gt; d</p>" in page
    assert 'lang="vi"' in page and 'name="viewport"' in page
    ids = re.findall(r'<article id="([^"]+)"', page)
    assert ids == [hostile.key, older.key]  # newest first
    today, earlier = page.split('id="truoc-do"')
    assert hostile.key in today and older.key in earlier
    audio = tmp_path / "portal" / "audio" / f"{hostile.key}.mp3"
    assert audio.read_bytes() == (data / "audio").rglob("*-a7.mp3").__next__().read_bytes()
    assert f'src="audio/{hostile.key}.mp3"' in page
    assert "Chưa có bản ghi âm" in page  # the older one never aired on the radio
    # the radio airs the older one later: the next publish finds its audio
    aired(data, older, 9, size=5000)
    portal.publish(broadcast(3, NOW))
    page = (tmp_path / "portal" / "index.html").read_text(encoding="utf-8")
    assert f'src="audio/{older.key}.mp3"' in page
    assert not list((tmp_path / "portal").glob(".*.tmp"))  # atomic writes leave no temp file


def test_feeds_parse_back_with_enclosures(tmp_path):
    portal = channel(tmp_path)
    data = tmp_path / "data"
    items = [broadcast(i, NOW - timedelta(hours=i)) for i in (1, 2, 3)]
    sizes = {1: 4000, 2: 6500}
    for b in items:
        if b.airing_id in sizes:
            aired(data, b, 50 + b.airing_id, size=sizes[b.airing_id])
        portal.publish(b)
    rss = feedparser.parse((tmp_path / "portal" / "feed.xml").read_bytes())
    assert not rss.bozo, rss.bozo_exception
    assert rss.version == "rss20"
    assert rss.feed.title == "Bản tin Đài truyền thanh xã Thử" and rss.feed.language == "vi"
    assert [e.id for e in rss.entries] == [f"loa:{b.key}" for b in items]  # newest first
    for entry, b in zip(rss.entries, items, strict=True):
        if b.airing_id in sizes:
            [enclosure] = entry.enclosures
            assert enclosure.type == "audio/mpeg"
            assert int(enclosure.length) == sizes[b.airing_id]
            assert enclosure.href == f"https://xa.example.gov.vn/loa/audio/{b.key}.mp3"
            assert (tmp_path / "portal" / "audio" / f"{b.key}.mp3").stat().st_size == sizes[b.airing_id]
        else:
            assert not entry.get("enclosures")
    atom = feedparser.parse((tmp_path / "portal" / "atom.xml").read_bytes())
    assert not atom.bozo and atom.version == "atom10"
    lengths = [(x.type, int(x.length)) for e in atom.entries for x in e.enclosures]
    assert sorted(lengths) == [("audio/mpeg", 4000), ("audio/mpeg", 6500)]
    assert [e.id for e in atom.entries] == [f"loa:{b.key}" for b in items]


def wp_channel(tmp_path: Path, server: WordPressServer, **extra):
    wp = WordPressSettings(url=server.url, user=USER, timeout_seconds=3.0, recheck_seconds=0.0, **extra)
    return channel(tmp_path, wp, {"LOA_WORDPRESS_APP_PASSWORD": APP_PASSWORD})


def test_wordpress_post_and_audio(tmp_path):
    with WordPressServer() as server:
        portal = wp_channel(tmp_path, server, categories=(3,))
        b = broadcast(5, NOW)
        aired(tmp_path / "data", b, 4)
        delivery = portal.publish(b)
        assert delivery.outcome is Outcome.posted
        [post] = server.posts
        [media] = server.media
        assert post["slug"] == b.key and post["status"] == "publish" and post["categories"] == [3]
        assert delivery.external_id == str(post["id"]) and delivery.external_url == post["link"]
        assert media["source_url"] in post["content"]["raw"] and media["mime_type"] == "audio/mpeg"
        assert len(server.uploads[media["id"]]) == 3000
        # published again (a retry): journal says done, nothing is sent twice
        assert portal.publish(b).external_id == str(post["id"])
        assert server.create_requests() == 1 and len(server.seen("POST", MEDIA)) == 1
        assert [f.level for f in portal.check()] == [OK, OK]


def test_wordpress_500_after_creating_is_found_by_slug(tmp_path):
    with WordPressServer() as server:
        server.fail("POST", POSTS, reply(500, {"code": "internal_server_error", "message": "Fatal", "data": {}},
                                         process=True))  # fmt: skip
        portal = wp_channel(tmp_path, server, upload_audio=False)
        b = broadcast(6, NOW)
        delivery = portal.publish(b)
        assert delivery.outcome is Outcome.posted and delivery.external_id == str(server.posts[0]["id"])
        assert server.create_requests() == 1 and server.posts_per_key()[b.key] == 1
        assert server.seen("GET", POSTS)[0].query["slug"] == b.key


def test_wordpress_dropped_reply_not_found_is_unknown_never_reposted(tmp_path):
    with WordPressServer() as server:
        server.fail("POST", POSTS, drop(process=False))
        portal = wp_channel(tmp_path, server, upload_audio=False)
        b = broadcast(7, NOW)
        with pytest.raises(ChannelError) as err:
            portal.publish(b)
        assert err.value.sent and not err.value.retryable
        # a retry looks first, finds nothing, and still does not post blindly
        with pytest.raises(ChannelError) as again:
            portal.publish(b)
        assert again.value.code == "portal_wp_unclear" and again.value.sent
        assert server.create_requests() == 1 and not server.posts
        assert portal.recover(b).outcome is Outcome.unknown
        assert portal.reconcile(b) is None


def test_wordpress_own_500_not_found_posts_once_on_the_next_attempt(tmp_path):
    with WordPressServer() as server:
        server.fail("POST", POSTS, reply(503, {"code": "db_error", "message": "busy", "data": {"status": 503}}))
        portal = wp_channel(tmp_path, server, upload_audio=False)
        b = broadcast(8, NOW)
        with pytest.raises(ChannelError) as err:
            portal.publish(b)
        assert err.value.code == "portal_wp_recheck" and err.value.sent and err.value.retryable
        assert portal.publish(b).outcome is Outcome.posted
        assert server.create_requests() == 2 and server.posts_per_key()[b.key] == 1
        # every create after the first was preceded by a lookup of the slug
        order = [(r.method, r.path) for r in server.requests]
        assert order == [("POST", POSTS), ("GET", POSTS), ("GET", POSTS), ("POST", POSTS)]


def test_wordpress_refusals_and_check(tmp_path):
    with WordPressServer() as server:
        portal = channel(
            tmp_path, WordPressSettings(url=server.url, user=USER), {"LOA_WORDPRESS_APP_PASSWORD": "wrong"}
        )
        findings = portal.check()
        assert findings[0].code == "check_portal_folder"
        assert findings[1].level == ERROR and findings[1].code == "portal_wp_auth"
        with pytest.raises(ChannelError) as err:
            portal.publish(broadcast(9, NOW))
        assert err.value.auth and not server.posts
        assert "wrong" not in str(err.value.params)
        nobody = channel(tmp_path, WordPressSettings(url=server.url, user=USER))
        assert nobody.check()[1].code == "portal_wp_password_missing"


def test_an_unclear_audio_upload_is_looked_up_then_sent_again_never_the_post(tmp_path):
    with WordPressServer() as server:
        server.fail("POST", MEDIA, drop(process=False))
        portal = wp_channel(tmp_path, server)
        b = broadcast(11, NOW)
        aired(tmp_path / "data", b, 3)
        with pytest.raises(ChannelError) as err:
            portal.publish(b)
        assert err.value.sent and not server.media and not server.posts
        assert portal.recover(b) is None  # no post went out: run it again
        assert portal.publish(b).outcome is Outcome.posted
        assert len(server.media) == 1 and server.create_requests() == 1
        assert server.seen("GET", MEDIA)  # looked for before uploading again


def test_recover_after_a_crash(tmp_path):
    portal = channel(tmp_path)
    b = broadcast(10, NOW)
    portal.journal.mark(b.key, "site", "sending")
    assert portal.recover(b) is None  # only the folder was touched: run it again
    with WordPressServer() as server:
        wp = wp_channel(tmp_path, server, upload_audio=False)
        wp.journal.mark(b.key, "wp_post", "sending", slug=b.key)
        assert wp.recover(b).outcome is Outcome.unknown
        server.posts.append({"id": 77, "slug": b.key, "link": "http://x/77/"})
        found = wp.recover(b)
        assert found.outcome is Outcome.posted and found.external_id == "77"


def test_loa_channels_check_and_the_console_list_the_portal(tmp_path, db_url):
    from scheduler.app import build_app
    from scheduler.services.console import channel_status
    from scheduler.services.social import check_channels
    from tests.conftest import make_config
    from tests.fakes.tts import ToneEngine

    config = make_config(
        tmp_path,
        db_url,
        channels={"enabled": ["radio", "portal"], "portal": {"enabled": True, "base_url": "https://x.example/loa/"}},
    )
    app = build_app(config, tts=ToneEngine())
    try:
        [report] = [r for r in check_channels(app) if r.channel == "portal"]
        assert [f.code for f in report.findings] == ["check_portal_folder"]
        assert [(s.name, s.enabled) for s in channel_status(app)] == [("radio", True), ("portal", True)]
    finally:
        app.close()
