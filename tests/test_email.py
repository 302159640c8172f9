"""The e-mail channel against a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import hashlib
import shutil
from datetime import UTC, datetime
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import pytest

from broadcasts.channels import channel_type
from broadcasts.channels.base import OK, Broadcast, Checkable, Reconcilable
from broadcasts.channels.email_channel import EmailChannel
from broadcasts.errors import ChannelError
from broadcasts.models import Outcome
from scheduler.app import build_speaker, channel_context
from tests.conftest import make_config
from tests.fakes.smtp_server import SmtpServer, self_signed
from tests.fakes.tts import ToneEngine

PASSWORD = "smtp-pass-Xq93-secret"
BROADCAST = Broadcast(
    airing_id=42,
    bulletin_id=7,
    channel="email",
    station_code="an-phu",
    station_name="Đài xã An Phú",
    timezone="Asia/Ho_Chi_Minh",
    title="Lịch tiếp công dân tháng 12",
    body="UBND xã tiếp công dân vào sáng thứ Năm hằng tuần tại Bộ phận Một cửa.",
    post_text=None,
    priority="normal",
    due_at=datetime(2026, 11, 23, 1, 0, tzinfo=UTC),
)


def info(delivery: Any) -> dict[str, Any]:
    assert delivery.detail is not None
    return dict(delivery.detail)


HEADS = ["truong-thon-1@xa.example", "truong-thon-2@xa.example"]


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def email_table(server: SmtpServer | None, **overrides: Any) -> dict[str, Any]:
    table = {
        "dry_run": False,
        "host": "127.0.0.1",
        "port": server.port if server else 9,
        "security": "plain",
        "from_address": "dai@anphu.example",
        "lists": [
            {"name": "truong-thon", "title": "Trưởng thôn", "addresses": HEADS},
            {"name": "co-quan", "title": "Cơ quan", "addresses": ["vanphong@huyen.example"]},
        ],
        "timeout_seconds": 5.0,
    }
    return {**table, **overrides}


def make_channel(tmp_path: Path, monkeypatch, table: dict[str, Any], *, speak: bool = True) -> EmailChannel:
    monkeypatch.setenv("LOA_EMAIL_PASSWORD", PASSWORD)
    config = make_config(tmp_path, f"sqlite:///{tmp_path / 'loa.db'}", channels={"email": table})
    speaker = build_speaker(config, ToneEngine()) if speak else None
    built = channel_type("email").build(config.channel("email"), channel_context(config, speaker=speaker))
    assert isinstance(built, EmailChannel)
    return built


def test_the_bulletin_arrives_with_its_mp3_and_a_vietnamese_subject(tmp_path, monkeypatch, smtp):
    channel = make_channel(tmp_path, monkeypatch, email_table(smtp))
    delivery = channel.publish(BROADCAST)
    assert delivery.outcome is Outcome.posted and delivery.error_code is None
    assert delivery.external_id == f"{BROADCAST.key}@anphu.example"
    [(recipients, message)] = smtp.messages
    assert sorted(recipients) == sorted([*HEADS, "vanphong@huyen.example"])
    raw_subject = message.get_all("Subject")[0]
    assert str(make_header(decode_header(raw_subject))) == "[Đài xã An Phú] Lịch tiếp công dân tháng 12"
    assert message["Message-ID"] == f"<{BROADCAST.key}@anphu.example>" and message["Date"]
    assert "truong-thon-1" not in str(message["To"])  # the lists are groups; addresses stay in the envelope
    plain = message.get_body(("plain",)).get_content()
    assert "Bộ phận Một cửa" in plain and BROADCAST.key in plain
    assert "Bộ phận Một cửa" in message.get_body(("html",)).get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "audio/mpeg" and attachment.get_filename() == f"{BROADCAST.key}.mp3"
    data = attachment.get_content()
    assert hashlib.sha256(data).hexdigest() == delivery.audio_sha256
    assert hashlib.sha256(Path(str(delivery.audio_path)).read_bytes()).hexdigest() == delivery.audio_sha256
    assert info(delivery)["audio"] == "attached" and delivery.tts_engine == "tone"
    # sent once: the journal says done, a second publish or a recovery sends nothing more
    assert channel.publish(BROADCAST).outcome is Outcome.posted
    recovered = channel.recover(BROADCAST)
    assert recovered is not None and recovered.outcome is Outcome.posted
    assert len(smtp.messages) == 1


def test_a_big_mp3_is_linked_when_a_base_url_is_set(tmp_path, monkeypatch, smtp):
    table = email_table(smtp, max_attachment_mb=0.0, audio_url="https://xa.example/loa/audio/")
    delivery = make_channel(tmp_path, monkeypatch, table).publish(BROADCAST)
    [(_, message)] = smtp.messages
    assert not list(message.iter_attachments())
    url = f"https://xa.example/loa/audio/2026/11/23/{BROADCAST.key}.mp3"
    assert url in message.get_body(("plain",)).get_content() and info(delivery)["audio_url"] == url


def test_a_drop_after_data_is_unknown_and_never_sent_again(tmp_path, monkeypatch, smtp):
    channel = make_channel(tmp_path, monkeypatch, email_table(smtp, audio="none"))
    smtp.drop_after_data = True
    with pytest.raises(ChannelError) as info:
        channel.publish(BROADCAST)
    assert info.value.sent and not info.value.retryable and info.value.code == "email_dropped"
    assert info.value.params["external_id"] == f"{BROADCAST.key}@anphu.example"
    smtp.drop_after_data = False
    recovered = channel.recover(BROADCAST)
    assert recovered is not None and recovered.outcome is Outcome.unknown
    with pytest.raises(ChannelError) as again:
        channel.publish(BROADCAST)
    assert again.value.sent and again.value.code == "email_unclear"
    assert len(smtp.messages) == 1  # the server took it once; Loa never sent it twice
    # mail cannot be looked up: not Reconcilable, so `loa reconcile` leaves it to the operator
    assert not isinstance(channel, Reconcilable) and isinstance(channel, Checkable)


def test_a_refused_recipient_is_reported_and_the_others_get_it(tmp_path, monkeypatch, smtp):
    smtp.refuse["truong-thon-2@xa.example"] = "550 5.1.1 No such user"
    delivery = make_channel(tmp_path, monkeypatch, email_table(smtp, audio="none")).publish(BROADCAST)
    assert delivery.outcome is Outcome.posted and delivery.error_code == "email_some_refused"
    assert info(delivery)["refused"] == {"truong-thon-2@xa.example": [550, "5.1.1 No such user"]}
    assert info(delivery)["error_params"]["count"] == 1 and info(delivery)["accepted"] == 2
    from scheduler.messages import text

    words = text(delivery.error_code, "en", **info(delivery)["error_params"])
    assert "truong-thon-2@xa.example (550 5.1.1 No such user)" in words and "1 of 3" in words
    [(recipients, _)] = smtp.messages
    assert "truong-thon-2@xa.example" not in recipients and len(recipients) == 2


def test_every_recipient_refused_sends_nothing_and_fails_clearly(tmp_path, monkeypatch, smtp):
    table = email_table(smtp, audio="none", lists=[{"name": "x", "addresses": ["a@x.example"]}])
    smtp.refuse["a@x.example"] = "550 5.1.1 No such user"
    channel = make_channel(tmp_path, monkeypatch, table)
    with pytest.raises(ChannelError) as info:
        channel.publish(BROADCAST)
    assert info.value.code == "email_all_refused" and not info.value.sent and not info.value.retryable
    assert smtp.messages == [] and channel.recover(BROADCAST) is None


def test_a_refused_connection_is_retryable_and_nothing_is_journaled(tmp_path, monkeypatch):
    channel = make_channel(tmp_path, monkeypatch, email_table(None, audio="none"))
    with pytest.raises(ChannelError) as info:
        channel.publish(BROADCAST)
    assert info.value.retryable and not info.value.sent and info.value.code == "channel_unreachable"
    assert channel.recover(BROADCAST) is None


def test_dry_run_sends_nothing(tmp_path, monkeypatch, smtp):
    delivery = make_channel(tmp_path, monkeypatch, email_table(smtp, dry_run=True)).publish(BROADCAST)
    assert delivery.outcome is Outcome.dry_run and info(delivery)["request"]["recipients"] == 3
    assert smtp.messages == []


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a test certificate")
def test_starttls_and_login_with_the_secret_and_check(tmp_path, monkeypatch):
    cert = self_signed(tmp_path)
    server = SmtpServer(users={"loa": PASSWORD}, cert=cert)
    server.start()
    try:
        table = email_table(server, security="starttls", username="loa", ca_file=str(cert[0]), audio="none")
        channel = make_channel(tmp_path, monkeypatch, table)
        findings = channel.check()
        assert [f.code for f in findings if f.level == OK][-2:] == ["check_email_server", "check_email_login"]
        assert server.messages == []  # the check sends nothing
        assert channel.publish(BROADCAST).outcome is Outcome.posted and len(server.messages) == 1
        assert server.logins == ["loa", "loa"]
        monkeypatch.setenv("LOA_EMAIL_PASSWORD", "wrong-password-123")
        with pytest.raises(ChannelError) as info:
            channel.open()
        assert info.value.auth and info.value.code == "email_login_refused"
        assert PASSWORD not in repr(info.value.params)
    finally:
        server.stop()


# ---- through the real Runner: the log records and `loa reconcile` ------------------------------


def test_the_runner_records_unknown_and_reconcile_leaves_it_to_the_operator(tmp_path, monkeypatch, smtp, clock):
    from sqlalchemy import select

    from broadcasts.models import Airing, AiringStatus
    from scheduler.app import build_app
    from scheduler.messages import text
    from scheduler.runner import Runner
    from scheduler.services.queue import queue_bulletin
    from scheduler.services.social import reconcile
    from tests.fakes.channels import RecordingChannel
    from tests.fakes.social import close_app

    monkeypatch.setenv("LOA_EMAIL_PASSWORD", PASSWORD)
    channels = {"enabled": ["radio", "email"], "email": email_table(smtp, audio="none")}
    config = make_config(tmp_path, f"sqlite:///{tmp_path / 'loa.db'}", channels=channels)
    app = build_app(config, clock=clock, tts=ToneEngine(), channels={"radio": RecordingChannel("radio")})
    try:
        smtp.refuse["truong-thon-2@xa.example"] = "550 5.1.1 No such user"
        queue_bulletin(app, text="Thông báo lịch tiêm chủng.", title="Tiêm chủng", at="now", channels=["email"])
        [record] = Runner(app).run_due()
        assert record.outcome is Outcome.posted and record.error_code == "email_some_refused"
        assert record.error_message and "truong-thon-2@xa.example (550 5.1.1 No such user)" in record.error_message
        smtp.drop_after_data = True
        queued = queue_bulletin(app, text="Thông báo cắt điện.", title="Cắt điện", at="now", channels=["email"])
        [record] = Runner(app).run_due()
        assert record.outcome is Outcome.unknown and record.error_code == "email_dropped"
        assert record.external_id and record.external_id.endswith("@anphu.example")
        assert Runner(app).run_due() == [] and len(smtp.messages) == 2  # never sent again
        [item] = reconcile(app)
        assert item.state == "manual" and item.airing_id == queued.airings[0].id
        words = text("reconcile_manual", "en", airing=item.airing_id, channel="email", due="-")
        assert "cannot be looked up" in words and f"loa mark {item.airing_id} --as posted" in words
        with app.sessions() as session:
            assert session.get(Airing, item.airing_id).status is AiringStatus.unknown  # type: ignore[union-attr]
            assert session.scalars(select(Airing)).all()
    finally:
        close_app(app)
