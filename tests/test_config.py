"""Configuration: the documented sample, defaults, and one clear error per mistake."""

from __future__ import annotations

import dataclasses
import re
import typing
from pathlib import Path

import pytest

from audio.engines import engine_names, engine_type
from broadcasts.channels import channel_names, channel_type
from scheduler.config import ChannelsConfig, Config, SpeechConfig, default_config, load_config
from scheduler.errors import ConfigError
from scheduler.messages import render

REPO = Path(__file__).resolve().parents[1]


def test_sample_at_top_level_is_the_one_the_demo_writes():
    """One file: the package's data/config.toml is a link to the documented sample, not a copy."""
    from scheduler.cli.demo import sample_config_text

    packaged = REPO / "scheduler" / "data" / "config.toml"
    assert packaged.is_symlink() and packaged.resolve() == (REPO / "config.toml").resolve()
    assert sample_config_text() == (REPO / "config.toml").read_text(encoding="utf-8")


def test_sample_loads_and_matches_the_defaults_where_it_should():
    config = load_config(REPO / "config.toml")
    assert config.station.timezone == "Asia/Ho_Chi_Minh"
    assert config.speech.engines == ("espeak",)
    assert config.channels.radio.sink == "folder"
    assert config.channels.facebook.dry_run and config.channels.zalo.dry_run
    assert [s.time for s in config.slots] == ["06:00", "17:00"]
    assert config.database_url.startswith("sqlite:////")


def _settings(cls: type, prefix: str = "") -> list[str]:
    if cls is ChannelsConfig:  # [channels]: `enabled`, then each registered channel's own settings
        return [
            f"{prefix}enabled",
            *(s for name in channel_names() for s in _settings(channel_type(name).settings, f"{prefix}{name}.")),
        ]
    out: list[str] = []
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        if f.name in ("source", "base_dir"):
            continue
        if cls is SpeechConfig and f.name == "settings":  # [speech.<engine>]: each registered engine's own
            out.extend(s for name in engine_names() for s in _settings(engine_type(name).settings, f"{prefix}{name}."))
            continue
        hint = hints[f.name]
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):  # a dataclass type, never an instance
            out.extend(_settings(hint, f"{prefix}{f.name}."))
        elif typing.get_origin(hint) is tuple and dataclasses.is_dataclass(typing.get_args(hint)[0]):
            out.extend(_settings(typing.get_args(hint)[0], f"{prefix}{f.name}[]."))
        else:
            out.append(prefix + f.name)
    return out


def test_every_setting_appears_commented_in_the_sample():
    sample = (REPO / "config.toml").read_text(encoding="utf-8")
    tables: dict[str, str] = {}
    current = ""
    for line in sample.splitlines():
        header = re.match(r"^\[\[?([\w.]+)\]\]?", line)
        if header:
            current = header.group(1)
        tables.setdefault(current, "")
        tables[current] += line + "\n"
    for setting in _settings(Config):
        table, _, key = setting.replace("[]", "").rpartition(".")
        body = tables.get(table, "")
        assert re.search(
            rf"^(#\s*)?{key}\s*=|^\[{re.escape(setting.replace('[]', ''))}\]",
            body + "\n" + "\n".join(f"[{t}]" for t in tables),
            re.M,
        ), f"{setting} is not in config.toml"
    lines = sample.splitlines()
    for number, line in enumerate(lines):
        if re.match(r"^\w+\s*=", line):
            above = lines[max(0, number - 4) : number]
            assert any(x.startswith("#") for x in above), f"config.toml line {number + 1} has no comment: {line}"


def test_defaults_without_a_file():
    config = default_config("/srv/loa")
    assert config.database_url == "sqlite:////srv/loa/loa.db"
    assert config.data_dir == Path("/srv/loa/data")


@pytest.mark.parametrize(
    "body, code, words",
    [
        ("[station\nname = 1", "config_syntax", ["TOML"]),
        ("[station]\nnmae = 'x'", "config_unknown_key", ["station.nmae", "name"]),
        ("[runner]\npoll_seconds = 'fast'", "config_bad_value", ["runner.poll_seconds", "'fast'"]),
        ("[station]\ntimezone = 'Mars/Base'", "config_bad_value", ["station.timezone"]),
        ("[channels]\nenabled = ['radio', 'tiktok']", "config_unknown_channel", ["tiktok"]),
        ("[channels.facebook]\npage_token = 'EAAB-secret'", "config_secret_in_file", ["page_token"]),
        ("[[slots]]\nname = 'x'\ntime = '25:00'", "config_bad_value", ["slots[0].time"]),
        ("[[slots]]\ntime = '06:00'", "config_bad_value", ["slots[0].name"]),
        ("[speech]\nengines = ['espeak', 'sapi']", "config_bad_value", ["speech.engines[1]"]),
        ("[channels.facebook]\ndry_run = false", "config_bad_value", ["channels.facebook.page_id"]),
        ("[channels.zalo]\ndry_run = false\napp_id = '1'", "config_bad_value", ["channels.zalo.cover_url"]),
        ("[channels.facebook]\ntemplate = '{text}'", "config_bad_value", ["channels.facebook.template", "{key}"]),
        ("[web]\nthreads = 0", "config_bad_value", ["web.threads"]),
        ("[web]\nlogin_attempts = -1", "config_bad_value", ["web.login_attempts"]),
        ("[web]\napi_window_seconds = 0", "config_bad_value", ["web.api_window_seconds"]),
        ("[web]\nrate_limit = 5", "config_unknown_key", ["web.rate_limit", "api_requests"]),
    ],
)
def test_bad_config_gives_one_clear_error_naming_file_and_key(tmp_path, body, code, words):
    path = tmp_path / "config.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.code == code
    for lang in ("vi", "en"):
        message = render(info.value, lang)
        assert str(path) in message and "\n" not in message
        for word in words:
            assert word in message
    assert "EAAB-secret" not in render(info.value, "vi")


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.toml")
    assert info.value.code == "config_missing"
