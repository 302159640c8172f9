"""Bulletin assembly: lunar dates, the jingle, greeting and closing, loudness, the caches, and the wiring."""

from __future__ import annotations

import dataclasses
import wave
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from audio.engines.base import EngineChain
from audio.engines.breaker import BreakerEngine
from audio.engines.cache import CachedEngine, LruFolder
from audio.engines.espeak import EspeakEngine
from audio.engines.gtts import GttsEngine
from audio.engines.piper import PiperEngine
from audio.errors import AudioError, TtsError
from audio.jingle import chime, jingle_identity, load_jingle
from audio.mix import EncodeSettings, measure_loudness
from audio.sinks.folder import FolderSink
from audio.speech import Speaker, render_script
from audio.text.lunar import LunarDate, read_lunar_date, solar_to_lunar, year_name
from broadcasts.channels.base import Broadcast
from broadcasts.channels.radio import RadioChannel
from broadcasts.channels.script import Script, script_values, spoken_parts
from scheduler.config import ConfigError
from tests.conftest import make_config
from tests.fakes.tts import ToneEngine

GREETING = "{station} xin kính chào quý vị và các bạn. Hôm nay là {weekday}, ngày {date}{lunar}."
CLOSING = "Bản tin của {station} đến đây là kết thúc. Xin cảm ơn quý vị và các bạn đã lắng nghe."
BODY = (
    "Thực hiện Kế hoạch cải cách hành chính năm 2026, UBND xã An Phú thông báo: từ ngày 01/12/2026, "
    "người dân có thể nộp hồ sơ thủ tục hành chính trực tuyến mức độ 3, 4 trên Cổng Dịch vụ công quốc gia. "
    "Bộ phận một cửa của xã làm việc từ 07:30 đến 17:00, từ thứ Hai đến sáng thứ Bảy hằng tuần. "
    "Mọi thắc mắc xin liên hệ đường dây nóng 0271.3866.123 để được hướng dẫn."
)


def bulletin(airing_id: int = 7, body: str = BODY, due: datetime | None = None) -> Broadcast:
    return Broadcast(
        airing_id=airing_id,
        bulletin_id=3,
        channel="radio",
        station_code="an-phu",
        station_name="Đài truyền thanh xã An Phú",
        timezone="Asia/Ho_Chi_Minh",
        title="Tiếp nhận hồ sơ trực tuyến",
        body=body,
        post_text=None,
        priority="normal",
        due_at=due or datetime(2026, 11, 22, 23, 0, tzinfo=UTC),
    )  # Mon 23 Nov, 06:00


def radio(
    tmp_path: Path,
    engine=None,
    *,
    script: Script | None = None,
    cache: bool = False,
    settings: EncodeSettings | None = None,
) -> RadioChannel:
    return RadioChannel(
        speaker=Speaker(engine or EspeakEngine()),
        sink=FolderSink(tmp_path / "outbox", tmp_path / "ledger"),
        archive_dir=tmp_path / "audio",
        settings=settings or EncodeSettings(),
        script=script,
        render_cache=LruFolder(tmp_path / "bulletins", 100_000_000) if cache else None,
    )


FRAMED = Script(greeting=GREETING, closing=CLOSING, jingle="", lunar_date=True)


# ---- the lunar calendar ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "solar, lunar",
    [
        (date(2023, 1, 22), LunarDate(day=1, month=1, year=2023)),  # Tết Quý Mão
        (date(2024, 2, 10), LunarDate(day=1, month=1, year=2024)),  # Tết Giáp Thìn
        (date(2025, 1, 29), LunarDate(day=1, month=1, year=2025)),  # Tết Ất Tỵ
        (date(2026, 2, 17), LunarDate(day=1, month=1, year=2026)),  # Tết Bính Ngọ
        (date(2026, 2, 16), LunarDate(day=29, month=12, year=2025)),  # Giao thừa: the last day of Ất Tỵ
        (date(1985, 1, 21), LunarDate(day=1, month=1, year=1985)),  # Tết 1985 in Vietnam (UTC+7)
        (date(2024, 9, 17), LunarDate(day=15, month=8, year=2024)),  # Tết Trung thu
        (date(2023, 3, 22), LunarDate(day=1, month=2, year=2023, leap=True)),  # leap second month
        (date(2025, 7, 25), LunarDate(day=1, month=6, year=2025, leap=True)),  # leap sixth month
        (date(2026, 11, 23), LunarDate(day=15, month=10, year=2026)),
    ],
)
def test_solar_to_lunar_known_dates(solar, lunar):
    assert solar_to_lunar(solar) == lunar


def test_the_time_zone_matters_tet_1985_in_china_was_a_month_later():
    assert solar_to_lunar(date(1985, 1, 21), tz=8.0) != LunarDate(day=1, month=1, year=1985)
    assert solar_to_lunar(date(1985, 2, 20), tz=8.0) == LunarDate(day=1, month=1, year=1985)


@pytest.mark.parametrize(
    "lunar, words",
    [
        (LunarDate(day=1, month=1, year=2026), "mùng một tháng Giêng năm Bính Ngọ"),
        (LunarDate(day=15, month=8, year=2024), "mười lăm tháng tám năm Giáp Thìn"),
        (LunarDate(day=10, month=4, year=2023, leap=False), "mùng mười tháng tư năm Quý Mão"),
        (LunarDate(day=23, month=12, year=2025), "hai mươi ba tháng Chạp năm Ất Tỵ"),
        (LunarDate(day=2, month=6, year=2025, leap=True), "mùng hai tháng sáu nhuận năm Ất Tỵ"),
    ],
)
def test_lunar_dates_read_as_an_announcer_says_them(lunar, words):
    assert read_lunar_date(lunar) == words


@pytest.mark.parametrize("year, name", [(2024, "Giáp Thìn"), (1975, "Ất Mão"), (2000, "Canh Thìn"), (2031, "Tân Hợi")])
def test_year_names(year, name):
    assert year_name(year) == name


# ---- jingle -----------------------------------------------------------------------------------------


def test_chime_is_generated_short_and_not_clipped():
    clip = chime()
    assert clip.sample_rate == 22_050 and 1.0 < clip.seconds < 2.5
    samples = memoryview(clip.pcm).cast("h")
    assert 2_000 < max(abs(s) for s in samples) < 32_000


def test_jingle_setting_none_chime_or_file(tmp_path):
    assert load_jingle("none") is None and load_jingle(" NONE ") is None
    default = load_jingle("")
    assert default is not None and default.pcm == chime().pcm
    path = tmp_path / "nhac-hieu.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(48_000)
        out.writeframes(b"\x10\x00\xf0\xff" * 24_000)
    clip = load_jingle("nhac-hieu.wav", tmp_path)
    assert clip is not None and clip.sample_rate == 22_050 and abs(clip.seconds - 0.5) < 0.01  # mono, resampled
    assert jingle_identity("nhac-hieu.wav", tmp_path).startswith("file:")
    with pytest.raises(AudioError) as info:
        load_jingle(str(tmp_path / "missing.mp3"))
    assert info.value.code == "jingle_unreadable"
    (tmp_path / "broken.mp3").write_bytes(b"not audio")
    with pytest.raises(AudioError) as info:
        load_jingle(str(tmp_path / "broken.mp3"))
    assert info.value.code == "jingle_unreadable"


# ---- greeting and closing ------------------------------------------------------------------------------


def test_template_values_are_words_for_the_station_local_air_date():
    values = script_values(bulletin(), lunar=True)
    assert values["weekday"] == "thứ Hai"
    assert values["date"] == "hai mươi ba tháng mười một năm hai nghìn không trăm hai mươi sáu"
    assert values["lunar"] == ", tức ngày mười lăm tháng mười năm Bính Ngọ"
    assert values["time"] == "sáu giờ"
    assert script_values(bulletin(), lunar=False)["lunar"] == ""
    assert script_values(bulletin(), dialect="south")["date"].endswith("hai ngàn không trăm hai mươi sáu")


def test_spoken_parts_frame_the_bulletin():
    parts = spoken_parts(bulletin(), FRAMED)
    assert parts[0] == (
        "Đài truyền thanh xã An Phú xin kính chào quý vị và các bạn. Hôm nay là thứ Hai, ngày hai "
        "mươi ba tháng mười một năm hai nghìn không trăm hai mươi sáu, tức ngày mười lăm tháng mười "
        "năm Bính Ngọ."
    )
    assert parts[1:3] == ["Tiếp nhận hồ sơ trực tuyến", BODY]
    assert parts[3].startswith("Bản tin của Đài truyền thanh xã An Phú đến đây là kết thúc.")
    assert spoken_parts(bulletin()) == ["Tiếp nhận hồ sơ trực tuyến", BODY]  # no script: as before


def test_greeting_and_closing_are_synthesized_once_a_day(tmp_path):
    tone = ToneEngine("espeak")
    channel = radio(tmp_path, CachedEngine(tone, tmp_path / "tts", 100_000_000), script=FRAMED)
    channel.prepare(bulletin(1, body="Tin thứ nhất về lịch tiêm chủng."))
    before = list(tone.calls)
    channel.prepare(bulletin(2, body="Tin thứ hai về lịch thu thuế."))
    new = tone.calls[len(before) :]
    assert [t for t in new if "kính chào" in t or "kết thúc" in t or "lắng nghe" in t or "Hôm nay" in t] == []
    assert any("thu thuế" in t for t in new)
    next_day = bulletin(3, body="Tin thứ ba.", due=datetime(2026, 11, 23, 23, 0, tzinfo=UTC))
    channel.prepare(next_day)
    newest = tone.calls[len(before) + len(new) :]
    assert any(t.startswith("Hôm nay là thứ Ba") for t in newest)  # the date sentence changes daily
    assert not any("kính chào" in t for t in newest)  # the station's greeting stays cached


# ---- the whole bulletin: loudness, fingerprint, caches ---------------------------------------------------


def test_framed_espeak_bulletin_meets_the_loudness_target(tmp_path):
    rendered = radio(tmp_path, script=FRAMED).prepare(bulletin())
    assert rendered.seconds > 20 and rendered.engine == "espeak"
    measured = measure_loudness(rendered.path)
    assert abs(measured.integrated - -16.0) <= 1.0, measured
    assert measured.true_peak <= -1.0, measured


def test_another_loudness_target_is_met_too(tmp_path):
    settings = EncodeSettings(target_lufs=-23.0, true_peak_db=-2.0)
    rendered = radio(tmp_path, script=FRAMED, settings=settings).prepare(bulletin())
    measured = measure_loudness(rendered.path)
    assert abs(measured.integrated - -23.0) <= 1.0 and measured.true_peak <= -2.0, measured


def test_fingerprint_covers_what_changes_the_sound(tmp_path):
    base = radio(tmp_path, ToneEngine("espeak"), script=FRAMED)
    fp = base.fingerprint(bulletin())
    assert fp == base.fingerprint(bulletin(airing_id=99))  # the airing is not the sound
    changes = [
        radio(tmp_path, ToneEngine("espeak"), script=dataclasses.replace(FRAMED, greeting="Xin chào.")),
        radio(tmp_path, ToneEngine("espeak"), script=dataclasses.replace(FRAMED, jingle="none")),
        radio(tmp_path, ToneEngine("espeak"), script=dataclasses.replace(FRAMED, lunar_date=False)),
        radio(tmp_path, ToneEngine("espeak"), script=FRAMED, settings=EncodeSettings(target_lufs=-18.0)),
        radio(tmp_path, ToneEngine("gtts"), script=FRAMED),
        RadioChannel(
            speaker=Speaker(ToneEngine("espeak"), voice="vi-vn-x-south"),
            sink=base.sink,
            archive_dir=tmp_path,
            settings=EncodeSettings(),
            script=FRAMED,
        ),
        RadioChannel(
            speaker=Speaker(ToneEngine("espeak")),
            sink=base.sink,
            archive_dir=tmp_path,
            settings=EncodeSettings(),
            script=FRAMED,
            pause_ms=300,
        ),
    ]
    assert len({fp, *(c.fingerprint(bulletin()) for c in changes)}) == len(changes) + 1
    assert base.fingerprint(bulletin(due=datetime(2026, 11, 23, 23, 0, tzinfo=UTC))) != fp  # the date
    assert EspeakEngine(rate=120).identity != EspeakEngine(rate=150).identity


def test_unchanged_bulletin_for_another_airing_reuses_the_rendered_file(tmp_path):
    tone = ToneEngine("espeak")
    channel = radio(tmp_path, tone, script=FRAMED, cache=True)
    first = channel.prepare(bulletin(1))
    calls = len(tone.calls)
    second = channel.prepare(bulletin(2))
    assert len(tone.calls) == calls  # nothing spoken again
    assert second.path != first.path and second.path.read_bytes() == first.path.read_bytes()
    assert second.sha256 == first.sha256 and second.engine == "espeak"
    assert channel.prepare(bulletin(2)) == second  # the airing's own sidecar answers the third time
    other = channel.prepare(bulletin(3, body="Một nội dung khác."))
    assert len(tone.calls) > calls and other.sha256 != first.sha256


def test_damaged_rendered_bulletin_in_the_cache_is_rendered_again(tmp_path):
    tone = ToneEngine("espeak")
    channel = radio(tmp_path, tone, script=FRAMED, cache=True)
    channel.prepare(bulletin(1))
    for cached in (tmp_path / "bulletins").glob("*.mp3"):
        cached.unlink()
        cached.write_bytes(b"torn")  # not the hard link: a different file
    calls = len(tone.calls)
    rendered = channel.prepare(bulletin(2))
    assert len(tone.calls) > calls and rendered.path.stat().st_size > 1000


def test_fallback_engine_is_logged_for_the_bulletin(tmp_path):
    chain = EngineChain([BreakerEngine(ToneEngine("gtts", fail=True), failures=1), ToneEngine("espeak")])
    assert radio(tmp_path, chain, script=FRAMED).publish(bulletin()).tts_engine == "espeak"


# ---- errors: one clear code each --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, code", [("", "empty_text"), ("  \n ", "empty_text"), ("... --- !!!", "nothing_speakable")]
)
def test_nothing_to_say(tmp_path, text, code):
    with pytest.raises(TtsError) as info:
        render_script([text], Speaker(EspeakEngine()), tmp_path / "x.mp3", settings=EncodeSettings())
    assert info.value.code == code


def test_jingle_alone_is_not_a_bulletin(tmp_path):
    with pytest.raises(TtsError) as info:
        render_script([chime(), ""], Speaker(ToneEngine()), tmp_path / "x.mp3", settings=EncodeSettings())
    assert info.value.code == "empty_text"


def test_unwritable_output_path(tmp_path):
    (tmp_path / "blocker").write_text("x")
    with pytest.raises(AudioError) as info:
        render_script(["Xin chào."], Speaker(ToneEngine()), tmp_path / "blocker" / "x.mp3", settings=EncodeSettings())
    assert info.value.code == "output_unwritable" and "blocker" in info.value.params["path"]


# ---- configuration and wiring ------------------------------------------------------------------------------


def test_build_engines_orders_and_wraps_the_configured_engines(tmp_path):
    from scheduler.app import build_engines, radio_script

    config = make_config(
        tmp_path,
        "sqlite://",
        speech={"engines": ["gtts", "espeak"], "cache_mb": 5, "gtts_url": "http://127.0.0.1:1", "breaker_failures": 2},
    )
    chain = build_engines(config)
    assert isinstance(chain, EngineChain)
    assert chain.name == "gtts+espeak"
    online, offline = chain.engines
    assert isinstance(online, CachedEngine) and isinstance(online.engine, BreakerEngine)
    assert isinstance(online.engine.engine, GttsEngine) and online.engine.failures == 2
    assert online.store.folder == tmp_path / "data" / "cache" / "tts" and online.store.max_bytes == 5 * 1024 * 1024
    assert isinstance(offline, CachedEngine) and isinstance(offline.engine, EspeakEngine)
    bare = build_engines(make_config(tmp_path, "sqlite://", speech={"cache_mb": 0}))
    assert isinstance(bare, EngineChain) and isinstance(bare.engines[0], EspeakEngine)
    script = radio_script(config)
    assert script.greeting == GREETING and script.jingle == "" and not script.lunar_date
    announced = make_config(tmp_path, "sqlite://", programme={"announcements": True})
    assert radio_script(announced).greeting == "" and radio_script(announced).closing == ""


@pytest.mark.parametrize(
    "tables, key",
    [
        ({"speech": {"engines": ["piper"]}}, "speech.piper_voice"),
        ({"speech": {"engines": ["festival"]}}, "speech.engines[0]"),
        ({"speech": {"gtts_url": "translate.google.com"}}, "speech.gtts_url"),
        ({"speech": {"gtts_timeout_seconds": 0}}, "speech.gtts_timeout_seconds"),
        ({"speech": {"breaker_failures": 0}}, "speech.breaker_failures"),
        ({"speech": {"cache_mb": -1}}, "speech.cache_mb"),
        ({"audio": {"greeting": "Chào {xa}"}}, "audio.greeting"),
        ({"audio": {"closing": "Hết {"}}, "audio.closing"),
        ({"audio": {"jingle": "khong-co.mp3"}}, "audio.jingle"),
        ({"audio": {"target_lufs": 3.0}}, "audio.target_lufs"),
    ],
)
def test_bad_speech_settings_name_their_key(tmp_path, tables, key):
    with pytest.raises(ConfigError) as info:
        make_config(tmp_path, "sqlite://", **tables)
    assert info.value.params["key"] == key


def test_piper_with_a_voice_and_a_jingle_file_load(tmp_path):
    (tmp_path / "chuong.mp3").write_bytes(b"x")
    config = make_config(
        tmp_path,
        "sqlite://",
        speech={"engines": ["piper", "espeak"], "piper_voice": "vi.onnx"},
        audio={"jingle": "chuong.mp3", "lunar_date": True},
    )
    from scheduler.app import build_engines

    chain = build_engines(config)
    assert isinstance(chain, EngineChain) and isinstance(chain.engines[0], CachedEngine)
    piper = chain.engines[0].engine
    assert isinstance(piper, PiperEngine)
    assert piper.model == tmp_path / "vi.onnx" and piper.length_scale == 1.0


# ---- `loa say`: one clear line for each speech error ----------------------------------------------------------


def _say(capsys, *args: str) -> tuple[int, str, str]:
    from scheduler.cli import main

    with pytest.raises(SystemExit) as info:
        main(list(args))
    captured = capsys.readouterr()
    code = info.value.code
    assert isinstance(code, int)  # main() always exits with a number
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    "args, words",
    [
        (["--engine", "piper"], "speech.piper_voice"),
        (["--engine", "gtts"], "gtts"),
    ],
)
def test_say_with_an_engine_that_cannot_speak_is_one_line(tmp_path, monkeypatch, capsys, args, words):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LOA_CONFIG", raising=False)
    (tmp_path / "config.toml").write_text(
        '[speech]\ngtts_url = "http://127.0.0.1:9"\ngtts_timeout_seconds = 1.0\n', encoding="utf-8"
    )
    code, _, err = _say(capsys, "say", "Xin chào bà con.", "--out", str(tmp_path / "x.mp3"), *args)
    assert code == 1 and err.count("\n") == 1 and words in err, err


def test_say_with_a_missing_piper_voice_names_the_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.toml").write_text(
        '[speech]\nengines = ["piper"]\npiper_voice = "giong/vi.onnx"\n', encoding="utf-8"
    )
    code, _, err = _say(
        capsys, "--config", str(tmp_path / "config.toml"), "say", "Xin chào.", "--out", str(tmp_path / "x.mp3")
    )
    assert code == 1 and err.count("\n") == 1 and "giong/vi.onnx" in err, err


def test_say_caches_sentences_under_the_data_dir(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LOA_CONFIG", raising=False)
    code, _out, err = _say(
        capsys, "say", "Xin chào bà con. Chúc bà con một ngày tốt lành.", "--out", str(tmp_path / "x.mp3")
    )
    assert code == 0, err
    assert len(list((tmp_path / "data" / "cache" / "tts").glob("*.clip"))) == 2


def test_a_lost_jingle_file_does_not_keep_the_bulletin_off_the_air(tmp_path):
    script = dataclasses.replace(FRAMED, jingle=str(tmp_path / "gone.mp3"))
    tone = ToneEngine("espeak")
    delivery = radio(tmp_path, tone, script=script).publish(bulletin())
    assert delivery.tts_engine == "espeak" and delivery.audio_seconds is not None and delivery.audio_seconds > 5


def test_the_delivery_records_the_voice_that_spoke(tmp_path):
    chain = EngineChain([ToneEngine("fpt", fail=True), ToneEngine("viettel")], ["banmai", "hn-quynhanh"])
    channel = radio(tmp_path, chain, script=FRAMED)
    delivery = channel.publish(bulletin())
    assert delivery.tts_engine == "viettel" and (delivery.detail or {}).get("voice") == "hn-quynhanh"
    again = channel.recover(bulletin())  # after a crash, from the archived file's sidecar
    assert again is not None and (again.detail or {}).get("voice") == "hn-quynhanh"
