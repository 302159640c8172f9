"""Choosing the voice: the engine registry, `[speech] voices` and `[speech.<engine>]`, the wiring and `loa say`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audio.engines import ENGINES, engine_names, engine_type
from audio.engines.breaker import BreakerEngine
from audio.engines.cache import CachedEngine
from audio.engines.fpt import FptEngine
from audio.engines.viettel import ViettelEngine
from audio.errors import TtsError
from scheduler.app import build_engines
from scheduler.config import ConfigError
from scheduler.secrets import Secrets
from tests.conftest import make_config
from tests.fakes.cloud_tts import KEY, Ticker, ViettelServer

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_registry_names_every_engine_and_each_module_offers_its_type():
    assert engine_names() == ("espeak", "gtts", "piper", "fpt", "viettel", "openai")
    for name in ENGINES:
        kind = engine_type(name)
        assert callable(kind.build) and kind.settings() is not None
        for dialect in ("north", "south"):
            assert not kind.voices or kind.default_voice(dialect) in kind.voice_ids()
    for name in ("fpt", "viettel"):  # a voice per dialect, female and male
        voices = engine_type(name).voices
        assert {v.dialect for v in voices} == {"north", "central", "south"}
        assert {v.gender for v in voices} == {"female", "male"}
    with pytest.raises(KeyError):
        engine_type("festival")


def test_the_readme_lists_every_engine():
    text = README.read_text(encoding="utf-8")
    for name in engine_names():
        assert f"`{name}`" in text, name


def test_the_voice_of_each_engine(tmp_path):
    config = make_config(
        tmp_path,
        "sqlite://",
        speech={"engines": ["fpt", "viettel", "openai", "espeak"], "dialect": "south", "voices": {"fpt": "leminh"}},
    )
    speech = config.speech
    assert [speech.voice_for(n) for n in speech.engines] == ["leminh", "hcm-diemmy", "alloy", "vi"]
    assert speech.engine("fpt").key_env == "LOA_FPT_API_KEY" and speech.engine("viettel").speed == 1.0


def test_engine_tables_are_read_into_each_engines_settings(tmp_path):
    config = make_config(
        tmp_path,
        "sqlite://",
        speech={
            "engines": ["openai", "espeak"],
            "voices": {"openai": "vi-ngoc-huyen"},
            "openai": {"url": "http://tts.local:8880", "model": "kokoro", "timeout_seconds": 20},
            "fpt": {"speed": -1, "wait_seconds": 45},
        },
    )
    assert config.speech.engine("openai").model == "kokoro" and config.speech.engine("fpt").wait_seconds == 45
    assert config.speech.voice_for("openai") == "vi-ngoc-huyen"


@pytest.mark.parametrize(
    "speech, key",
    [
        ({"voices": {"fpt": "alloy"}}, "speech.voices.fpt"),
        ({"voices": {"festival": "x"}}, "speech.voices.festival"),
        ({"voices": {"openai": " "}}, "speech.voices.openai"),
        ({"fpt": {"speed": 7}}, "speech.fpt.speed"),
        ({"fpt": {"url": "api.fpt.ai"}}, "speech.fpt.url"),
        ({"fpt": {"wait_seconds": 10_000}}, "speech.fpt.wait_seconds"),
        ({"viettel": {"key_env": "my token"}}, "speech.viettel.key_env"),
        ({"viettel": {"speed": 2.0}}, "speech.viettel.speed"),
        ({"viettel": {"timeout_seconds": 0}}, "speech.viettel.timeout_seconds"),
        ({"openai": {"model": ""}}, "speech.openai.model"),
        ({"fpt": {"colour": "red"}}, "speech.fpt.colour"),
        ({"settings": {}}, "speech.settings"),
    ],
)
def test_bad_voices_and_engine_settings_name_their_key(tmp_path, speech, key):
    with pytest.raises(ConfigError) as info:
        make_config(tmp_path, "sqlite://", speech=speech)
    assert info.value.params["key"] == key


def test_a_key_written_into_the_config_file_is_refused(tmp_path):
    with pytest.raises(ConfigError) as info:
        make_config(tmp_path, "sqlite://", speech={"fpt": {"api_key": "abc"}})
    assert info.value.code == "config_secret_in_file"


def test_build_engines_wires_cloud_engines_behind_breaker_and_cache_with_their_voices(tmp_path):
    config = make_config(
        tmp_path,
        "sqlite://",
        speech={"engines": ["fpt", "viettel", "espeak"], "voices": {"viettel": "hue-baoquoc"}, "breaker_failures": 2},
    )
    secrets = Secrets(None, {"LOA_FPT_API_KEY": KEY})
    chain = build_engines(config, secrets=secrets)
    assert chain.name == "fpt+viettel+espeak" and chain.voices == ["banmai", "hue-baoquoc", "vi"]
    fpt = chain.engines[0]
    assert isinstance(fpt, CachedEngine) and isinstance(fpt.engine, BreakerEngine) and fpt.engine.failures == 2
    inner = fpt.engine.engine
    viettel = chain.engines[1]
    assert isinstance(viettel, CachedEngine) and isinstance(viettel.engine, BreakerEngine)
    assert isinstance(inner, FptEngine) and inner.key() == KEY and isinstance(viettel.engine.engine, ViettelEngine)
    assert "banmai" in chain.identity and KEY not in chain.identity
    assert build_engines(config, secrets=secrets, only="viettel").voices == ["hue-baoquoc"]


def test_a_missing_key_falls_back_to_espeak_and_says_which_variable(tmp_path, caplog):
    config = make_config(tmp_path, "sqlite://", speech={"engines": ["viettel", "espeak"], "cache_mb": 0})
    chain = build_engines(config, secrets=Secrets(None, {}))
    clip = chain.synthesize("Xin chào bà con.", "vi")
    assert clip.engine == "espeak" and "LOA_VIETTEL_TOKEN" in caplog.text
    with pytest.raises(TtsError) as info:
        chain.engines[0].synthesize("Xin chào.", "hn-quynhanh")
    assert info.value.code == "tts_key_missing"


def test_loa_say_speaks_with_the_chosen_engine_and_voice_and_the_key_stays_secret(tmp_path, monkeypatch, capsys):
    from scheduler.cli import main

    with ViettelServer() as server:
        (tmp_path / "config.toml").write_text(
            f'[speech]\nengines = ["espeak"]\n[speech.viettel]\nurl = "{server.url}/tts/speech_synthesis"\n',
            encoding="utf-8",
        )
        monkeypatch.setenv("LOA_VIETTEL_TOKEN", KEY)
        monkeypatch.chdir(tmp_path)
        out = tmp_path / "tin.mp3"
        with pytest.raises(SystemExit) as info:
            main(["say", "Xin kính chào bà con.", "--out", str(out), "--engine", "viettel", "--voice", "hcm-minhquan"])
        captured = capsys.readouterr()
        assert info.value.code == 0, captured.err
        assert "viettel (hcm-minhquan)" in captured.out and out.stat().st_size > 1000
        assert [b["voice"] for b in server.bodies] == ["hcm-minhquan"] and KEY not in captured.out + captured.err
        with pytest.raises(SystemExit) as info:
            main(["say", "Xin chào.", "--out", str(out), "--engine", "viettel", "--voice", "banmai"])
        assert info.value.code != 0 and "banmai" in capsys.readouterr().err


def test_the_log_detail_records_the_voice(tmp_path):
    from audio.engines.base import EngineChain
    from audio.mix import EncodeSettings
    from audio.speech import Speaker, render_script
    from tests.fakes.tts import ToneEngine

    rendered = render_script(
        ["Thông báo."],
        Speaker(EngineChain([ToneEngine("fpt")], ["banmai"])),
        tmp_path / "a.mp3",
        settings=EncodeSettings(),
    )
    assert (rendered.engine, rendered.voice) == ("fpt", "banmai")
    from broadcasts.channels.rendered import prepared, write_sidecar

    write_sidecar(rendered.path, rendered, airing_id=1, fingerprint="f")
    assert json.loads(rendered.path.with_suffix(".json").read_text())["voice"] == "banmai"
    again = prepared(rendered.path, "f")
    assert again is not None and again.voice == "banmai"


def test_fpt_polling_uses_the_injected_clock(tmp_path):
    ticker = Ticker()
    engine = FptEngine(key=lambda: None, monotonic=ticker, sleep=ticker.sleep)
    with pytest.raises(TtsError) as info:
        engine.synthesize("Xin chào.", "banmai")
    assert info.value.code == "tts_key_missing" and ticker.slept == []
