"""The channel registry is the only list of channels: a toy channel registered here is loaded, run, counted, listed.

This module is itself the toy channel's module: it offers `CHANNEL`, as
`broadcasts.channels.radio` does, and the `toy` fixture adds one line to the
registry, in front of the real channels.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import broadcasts.channels
from broadcasts.channels import channel_names, channel_type, default_channels
from broadcasts.channels.base import Broadcast, ChannelType, Context, Delivery, Problem
from broadcasts.figures import Period
from broadcasts.models import Outcome
from scheduler.config import load_config
from scheduler.errors import ConfigError
from scheduler.messages import MESSAGES, render
from tests.conftest import make_config
from tests.fakes.tts import ToneEngine


@dataclass(frozen=True, kw_only=True)
class ToySettings:
    """The `[channels.toy]` table."""

    greeting: str = "Kính gửi bà con"
    grace_minutes: float = 45.0
    enabled: bool = True


class ToyChannel:
    """Writes each bulletin to a text file under the data folder."""

    name = "toy"

    def __init__(self, settings: ToySettings, folder: Path) -> None:
        self.settings = settings
        self.folder = folder

    def publish(self, broadcast: Broadcast) -> Delivery:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{broadcast.key}.txt"
        path.write_text(f"{self.settings.greeting}. {broadcast.body}", encoding="utf-8")
        return Delivery(outcome=Outcome.posted, external_id=broadcast.key, external_url=path.as_uri())

    def recover(self, broadcast: Broadcast) -> Delivery | None:
        return None


def build(settings: ToySettings, context: Context) -> ToyChannel | None:
    return ToyChannel(settings, context.data_dir / "toy") if settings.enabled else None


def problems(settings: ToySettings, listed: bool) -> Iterator[Problem]:
    if listed and not settings.greeting.strip():
        yield Problem(key="greeting", expected="toy_greeting", value=settings.greeting)


CHANNEL = ChannelType(settings=ToySettings, build=build, problems=problems)


@pytest.fixture
def toy(monkeypatch: pytest.MonkeyPatch) -> str:
    """The registry with one more line: the toy channel, first."""
    monkeypatch.setattr(broadcasts.channels, "CHANNELS", {"toy": __name__, **broadcasts.channels.CHANNELS})
    monkeypatch.setitem(MESSAGES, "toy_greeting", ("một lời chào", "a greeting"))  # its message, as in messages/
    return "toy"


def _load(tmp_path: Path, body: str) -> Any:
    path = tmp_path / "config.toml"
    path.write_text(body, encoding="utf-8")
    return load_config(path)


def _error(tmp_path: Path, body: str) -> tuple[str, str]:
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, body)
    message = render(info.value, "en")
    assert str(tmp_path / "config.toml") in message and "\n" not in message
    return info.value.code, message


def test_the_registry_lists_the_channels_and_their_types():
    assert channel_names()[:3] == ("radio", "facebook", "zalo") and {"led", "portal", "email"} <= set(channel_names())
    for name in channel_names():
        kind = channel_type(name)
        assert kind.settings().grace_minutes > 0  # every field has a default; the runner reads grace_minutes


def test_an_unregistered_channel_is_refused_by_config(tmp_path):
    assert _error(tmp_path, "[channels]\nenabled = ['radio', 'toy']")[0] == "config_unknown_channel"
    code, message = _error(tmp_path, "[channels.toy]\ngreeting = 'x'")
    assert code == "config_unknown_key" and "channels.toy" in message


def test_config_reads_the_toy_table_into_its_own_settings(toy, tmp_path):
    config = _load(
        tmp_path,
        "[channels]\nenabled = ['radio', 'toy']\n\n"
        "[channels.toy]\ngreeting = 'Chào bà con'\ngrace_minutes = 30\n\n"
        "[[slots]]\nname = 'Sáng'\ntime = '06:00'\nchannels = ['radio', 'toy']\n",
    )
    assert config.channels.enabled == ("radio", "toy")
    assert config.channels.toy == ToySettings(greeting="Chào bà con", grace_minutes=30.0)
    assert config.channel("toy") is config.channels.toy
    assert config.slots[0].channels == ("radio", "toy")
    assert _load(tmp_path, "").channels.toy == ToySettings()  # defaults in code, enabled by default
    assert _load(tmp_path, "").channels.enabled == default_channels()  # e-mail is off by default (default_on)
    assert "email" not in default_channels() and {"toy", "led", "portal"} <= set(default_channels())
    assert channel_names()[:4] == ("toy", "radio", "facebook", "zalo")


@pytest.mark.parametrize(
    "body, code, words",
    [
        ("[channels.toy]\ngreting = 'x'", "config_unknown_key", ["channels.toy.greting", "greeting"]),
        ("[channels.toy]\napi_token = 'x'", "config_secret_in_file", ["channels.toy.api_token"]),
        ("[channels.toy]\ngrace_minutes = 'soon'", "config_bad_value", ["channels.toy.grace_minutes", "'soon'"]),
        ("[channels.toy]\ngreeting = ' '", "config_bad_value", ["channels.toy.greeting", "a greeting"]),
        ("[channels]\ntoys = {}", "config_unknown_key", ["channels.toys", "toy"]),
    ],
)
def test_the_toy_table_is_checked_like_the_others(toy, tmp_path, body, code, words):
    found, message = _error(tmp_path, body)
    assert found == code, message
    for word in words:
        assert word in message


@pytest.fixture
def toy_app(toy: str, tmp_path: Path, db_url: str, clock: Any) -> Iterator[Any]:
    from scheduler.app import build_app

    config = make_config(tmp_path, db_url, channels={"enabled": ["radio", "toy"], "toy": {"grace_minutes": 30}})
    application = build_app(config, clock=clock, tts=ToneEngine())
    yield application
    application.close()


def test_build_app_builds_the_toy_and_the_runner_runs_it(toy_app, clock):
    from scheduler.runner import Runner
    from scheduler.services.queue import queue_bulletin

    assert isinstance(toy_app.channels["toy"], ToyChannel) and "radio" in toy_app.channels
    runner = Runner(toy_app, backoff_seconds=1.0)
    assert runner.grace["toy"] == timedelta(minutes=30)
    queued = queue_bulletin(toy_app, text="Lịch tiếp công dân thứ Năm.", at="now", channels=["toy"])
    clock.advance(minutes=20)  # later than the radio's 10 minutes of grace, within the toy's 30
    [record] = runner.run_due()
    assert record.channel == "toy" and record.airing_id == queued.airings[0].id
    assert record.outcome is Outcome.posted and record.late_seconds == pytest.approx(1200)
    written = toy_app.config.data_dir / "toy" / f"{record.external_id}.txt"
    assert written.read_text(encoding="utf-8") == "Kính gửi bà con. Lịch tiếp công dân thứ Năm."
    assert runner.run_due() == []


def test_the_report_counts_the_toy_in_the_registrys_order(toy_app, clock):
    from scheduler.report.files import sections
    from scheduler.runner import Runner
    from scheduler.services.queue import queue_bulletin
    from scheduler.services.records import make_report

    queue_bulletin(toy_app, text="Tin ngắn.", at="now", channels=["toy"])
    Runner(toy_app, backoff_seconds=1.0).run_due()
    report = make_report(toy_app, Period.month(2026, 11))
    assert [t.channel for t in report.totals] == ["toy", "radio"]  # enabled says radio first; the registry, toy
    toy_total = report.totals[0]
    assert toy_total.counts[Outcome.posted.value] == 1 and toy_total.done == 1 and report.done == 1
    totals = next(s for s in sections(report, "en") if s.rows and s.rows[0][0] == "toy")
    posted = 1 + [o.value for o in Outcome].index("posted")
    assert totals.rows[0][posted] == 1


def test_the_openapi_document_lists_the_toy(toy_app):
    from scheduler.web import create_app
    from scheduler.web.openapi import document

    enum = list(channel_names())
    assert enum[:4] == ["toy", "radio", "facebook", "zalo"] and {"led", "portal", "email"} <= set(enum)
    paths = document()["paths"]
    for path in ("/api/bulletins", "/api/emergency"):
        schema = paths[path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert schema["properties"]["channels"]["items"]["enum"] == enum
    served = create_app(toy_app, secret_key="k", testing=True).test_client().get("/api/openapi.json").get_json()
    assert (
        served["paths"]["/api/emergency"]["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"][
            "channels"
        ]["items"]["enum"]
        == enum
    )
