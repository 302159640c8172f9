"""One suite over the social channels: the Channel protocol, dry run, and the operator's protocols."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from broadcasts.channels import channel_type
from broadcasts.channels.base import Broadcast, Channel, Checkable, Reconcilable, Resumable
from broadcasts.channels.facebook_channel import FacebookChannel
from broadcasts.channels.zalo_channel import ZaloChannel
from broadcasts.models import Outcome
from scheduler.app import channel_context
from tests.conftest import make_config
from tests.fakes.graph_server import TOKEN
from tests.fakes.social import set_secrets

BROADCAST = Broadcast(
    airing_id=42,
    bulletin_id=7,
    channel="x",
    station_code="an-phu",
    station_name="Đài xã An Phú",
    timezone="Asia/Ho_Chi_Minh",
    title="Lịch tiếp công dân",
    body="UBND xã tiếp công dân thứ Năm.",
    post_text=None,
    priority="normal",
    due_at=datetime(2026, 11, 23, 1, 0, tzinfo=UTC),
)


@pytest.fixture(params=["facebook", "zalo"])
def channel(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FacebookChannel | ZaloChannel]:
    set_secrets(monkeypatch)
    config = make_config(tmp_path, f"sqlite:///{tmp_path / 'loa.db'}")
    built = channel_type(request.param).build(config.channel(request.param), channel_context(config))
    assert isinstance(built, (FacebookChannel, ZaloChannel))
    yield built
    built.close()


def test_is_a_channel_with_the_operator_protocols(channel):
    typed: Channel = channel
    assert typed.name in ("facebook", "zalo") and callable(typed.publish) and callable(typed.recover)
    assert isinstance(channel, Checkable) and isinstance(channel, Reconcilable) and isinstance(channel, Resumable)


def test_dry_run_records_requests_without_secrets_and_recovers_to_nothing(channel):
    delivery = channel.publish(BROADCAST)
    assert delivery.outcome is Outcome.dry_run and delivery.external_id is None
    dumped = json.dumps(delivery.detail, ensure_ascii=False)
    assert BROADCAST.key in dumped and TOKEN not in dumped and "access_token" not in dumped
    assert channel.recover(BROADCAST) is None
    assert channel.journal.load(BROADCAST.key) == {}


def test_the_social_channels_default_to_the_one_post_template():
    from broadcasts.channels.posts import DEFAULT_TEMPLATE
    from scheduler.config import default_config, load_config

    sample = load_config(Path(__file__).resolve().parents[2] / "config.toml")
    for name in ("facebook", "zalo"):
        assert default_config().channel(name).template is DEFAULT_TEMPLATE
        assert sample.channel(name).template == DEFAULT_TEMPLATE
