"""The speech engines and their wrappers: gTTS against a local server, the breaker, the cache, Piper's errors."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

import pytest

from audio.engines.base import Clip, EngineChain
from audio.engines.breaker import CLOSED, HALF_OPEN, OPEN, BreakerEngine
from audio.engines.cache import CachedEngine, LruFolder
from audio.engines.gtts import MAX_CHARS, GttsEngine, audio_from_reply, chunk_text
from audio.engines.piper import PiperEngine
from audio.errors import TtsError
from tests.fakes.gtts_server import GttsServer, batchexecute_reply, refused_url
from tests.fakes.http_server import hold, reply
from tests.fakes.tts import ToneEngine

SENTENCE = "Ủy ban nhân dân xã thông báo lịch tiếp công dân."


class FakeMonotonic:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def gtts_server():
    with GttsServer() as server:
        yield server


# ---- gTTS over the batchexecute protocol -------------------------------------------------------


def test_gtts_speaks_through_the_protocol_and_decodes_at_the_native_rate(gtts_server):
    clip = GttsEngine(base_url=gtts_server.url, timeout=5).synthesize(SENTENCE, "vi")
    assert clip.engine == "gtts" and clip.voice == "vi"
    assert clip.sample_rate == 24_000  # gTTS's MP3 rate, kept until export
    assert 2.0 < clip.seconds < 4.0  # the fake gives 60 ms per character
    assert gtts_server.texts == [SENTENCE] and gtts_server.langs == ["vi"]
    seen = gtts_server.seen("POST")[0]
    assert seen.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert seen.form["f.req"].startswith('[[["jQ1olc"')


def test_gtts_long_sentence_is_cut_by_loa_at_its_pauses(gtts_server):
    long = (
        "Người dân có thể nộp hồ sơ trực tuyến tại nhà, thanh toán phí và lệ phí qua ngân hàng, "
        "nhận kết quả qua bưu điện mà không phải đi lại nhiều lần, tiết kiệm thời gian và chi phí."
    )
    assert len(long) > MAX_CHARS
    GttsEngine(base_url=gtts_server.url, timeout=5).synthesize(long, "vi")
    assert len(gtts_server.texts) == 2 and all(len(t) <= MAX_CHARS for t in gtts_server.texts)
    assert gtts_server.texts[0].endswith("ngân hàng,")  # cut after a comma, not mid-word
    assert " ".join(gtts_server.texts) == long


@pytest.mark.parametrize(
    "text, pieces",
    [
        ("ngắn", ["ngắn"]),
        ("a" * 250, ["a" * 100, "a" * 100, "a" * 50]),
        ("một hai. " * 20, None),
    ],
)
def test_chunk_text_never_exceeds_the_limit(text, pieces):
    chunks = chunk_text(text)
    assert all(len(c) <= MAX_CHARS for c in chunks)
    assert " ".join(chunks).replace(" ", "") == text.replace(" ", "")
    if pieces is not None:
        assert chunks == pieces


def test_gtts_gives_up_on_a_server_that_hangs(gtts_server):
    gtts_server.fail("POST", ".*", hold())
    engine = GttsEngine(base_url=gtts_server.url, timeout=0.5)
    started = time.monotonic()
    with pytest.raises(TtsError) as info:
        engine.synthesize(SENTENCE, "vi")
    assert info.value.code == "tts_timeout" and info.value.params["engine"] == "gtts"
    assert time.monotonic() - started < 5  # a bound against hanging forever, not a performance check


def test_gtts_refused_connection_is_a_tts_error():
    with pytest.raises(TtsError) as info:
        GttsEngine(base_url=refused_url(), timeout=2).synthesize(SENTENCE, "vi")
    assert info.value.code == "tts_failed" and "cannot reach" in info.value.params["reason"]


@pytest.mark.parametrize(
    "fault, words",
    [
        (reply(200, "<html>captcha</html>"), "no speech"),
        (reply(200, ')]}\'\n\n[["wrb.fr","jQ1olc",null,null,null,[3]]]'), "no audio"),
        (reply(200, batchexecute_reply(b"this is not an mp3 at all" * 20)), "not an MP3"),
        (reply(200, ')]}\'\n[["wrb.fr","jQ1olc","[\\"!!!notbase64###\\"]"]]'), "base64"),
        (reply(500, "oops"), "HTTP 500"),
        (reply(429, "slow down"), "HTTP 429"),
    ],
)
def test_gtts_garbage_is_a_clear_tts_error(gtts_server, fault, words):
    gtts_server.fail("POST", ".*", fault)
    with pytest.raises(TtsError) as info:
        GttsEngine(base_url=gtts_server.url, timeout=5).synthesize(SENTENCE, "vi")
    assert info.value.code == "tts_failed" and words in info.value.params["reason"]


def test_reply_parser_reads_the_real_format():
    assert audio_from_reply(batchexecute_reply(b"\xff\xf3abc"), "jQ1olc") == b"\xff\xf3abc"


# ---- fallback with the circuit breaker ----------------------------------------------------------


def test_breaker_opens_after_n_failures_and_half_opens_after_the_cool_down():
    clock = FakeMonotonic()
    failing = ToneEngine("online", fail=True)
    breaker = BreakerEngine(failing, failures=3, cooldown=60, clock=clock)
    for _ in range(3):
        with pytest.raises(TtsError) as info:
            breaker.synthesize("x", "vi")
        assert info.value.code == "tts_failed"
    assert breaker.state == OPEN and len(failing.calls) == 3
    with pytest.raises(TtsError) as info:
        breaker.synthesize("x", "vi")
    assert info.value.code == "tts_unavailable" and info.value.params["seconds"] == 60
    assert len(failing.calls) == 3  # not asked while open
    clock.advance(59)
    with pytest.raises(TtsError):
        breaker.synthesize("x", "vi")
    assert len(failing.calls) == 3
    clock.advance(1)
    assert breaker.state == HALF_OPEN
    with pytest.raises(TtsError):
        breaker.synthesize("x", "vi")  # the one trial call fails: open again for a whole cool-down
    assert len(failing.calls) == 4 and breaker.state == OPEN
    clock.advance(60)
    failing.fail = False
    assert breaker.synthesize("x", "vi").engine == "online"  # the trial succeeds: closed
    assert breaker.state == CLOSED
    failing.fail = True
    for _ in range(2):
        with pytest.raises(TtsError):
            breaker.synthesize("x", "vi")
    assert breaker.state == CLOSED  # the count started again


def test_success_resets_the_failure_count():
    clock = FakeMonotonic()
    engine = ToneEngine("online")
    breaker = BreakerEngine(engine, failures=2, cooldown=60, clock=clock)
    for fail in (True, False, True, False, True):
        engine.fail = fail
        with contextlib.suppress(TtsError):
            breaker.synthesize("x", "vi")
    assert breaker.state == CLOSED


@pytest.mark.parametrize("where", ["hang", "refuse"])
def test_fallback_from_an_online_engine_that_fails_then_the_breaker_skips_it(gtts_server, where):
    clock = FakeMonotonic()
    url = refused_url() if where == "refuse" else gtts_server.url
    if where == "hang":
        gtts_server.fail("POST", ".*", *[hold() for _ in range(10)])
    online = BreakerEngine(GttsEngine(base_url=url, timeout=0.5), failures=2, cooldown=300, clock=clock)
    backup = ToneEngine("espeak")
    chain = EngineChain([online, backup])
    sentences = [f"Câu số {i}." for i in range(6)]
    clips = [chain.synthesize(s, "vi") for s in sentences]
    assert {c.engine for c in clips} == {"espeak"}  # every sentence was spoken, by the fallback
    assert len(backup.calls) == 6
    assert online.state == OPEN
    assert len(gtts_server.seen("POST")) == (2 if where == "hang" else 0)  # then no more waiting on it
    gtts_server.faults.clear()
    clock.advance(300)
    if where == "hang":
        assert chain.synthesize("Câu mới.", "vi").engine == "gtts"  # it answers again: used again
        assert online.state == CLOSED


# ---- the sentence cache -------------------------------------------------------------------------


def test_cache_hit_does_not_call_the_engine_twice(tmp_path):
    engine = ToneEngine("espeak")
    cached = CachedEngine(engine, tmp_path / "tts", 10_000_000)
    first = cached.synthesize("Xin kính chào quý vị.", "vi")
    again = CachedEngine(engine, tmp_path / "tts", 10_000_000).synthesize("Xin kính chào quý vị.", "vi")
    assert engine.calls == ["Xin kính chào quý vị."]
    assert again == first and again.engine == "espeak"
    cached.synthesize("Xin kính chào quý vị.", "vi-vn-x-south")  # another voice is another sentence
    assert len(engine.calls) == 2


def test_cache_key_covers_engine_settings(tmp_path):
    from audio.engines.espeak import EspeakEngine

    slow, fast = EspeakEngine(rate=120), EspeakEngine(rate=200)
    a = CachedEngine(slow, tmp_path, 10_000_000).synthesize("Xin chào.", "vi")
    b = CachedEngine(fast, tmp_path, 10_000_000).synthesize("Xin chào.", "vi")
    assert a.seconds > b.seconds  # the fast rate is not served the slow audio
    assert len(list(tmp_path.glob("*.clip"))) == 2


def test_cache_eviction_keeps_the_folder_under_its_bound_dropping_the_least_recently_used(tmp_path):
    engine = ToneEngine("espeak", rate=8000)
    bound = 100_000
    cached = CachedEngine(engine, tmp_path, bound)
    cached.synthesize("giữ lại", "vi")
    for i in range(40):
        cached.synthesize(f"câu thứ {i:02d} của bản tin", "vi")
        cached.synthesize("giữ lại", "vi")  # used again and again: never evicted
        assert cached.store.size() <= bound
    calls = len(engine.calls)
    cached.synthesize("giữ lại", "vi")
    assert len(engine.calls) == calls
    cached.synthesize("câu thứ 00 của bản tin", "vi")  # long unused: evicted, spoken again
    assert len(engine.calls) == calls + 1


def test_damaged_cache_file_is_a_miss(tmp_path):
    engine = ToneEngine("espeak")
    cached = CachedEngine(engine, tmp_path, 10_000_000)
    cached.synthesize("Xin chào.", "vi")
    entry = next(tmp_path.glob("*.clip"))
    entry.write_bytes(entry.read_bytes()[:-10])  # a torn file
    cached.synthesize("Xin chào.", "vi")
    assert len(engine.calls) == 2


def test_unwritable_cache_still_speaks(tmp_path):
    (tmp_path / "blocker").write_text("a file where the folder should be")
    engine = ToneEngine("espeak")
    clip = CachedEngine(engine, tmp_path / "blocker" / "tts", 10_000_000).synthesize("Xin chào.", "vi")
    assert clip.pcm


def test_lru_folder_writes_atomically_and_ignores_what_it_did_not_finish(tmp_path):
    folder = LruFolder(tmp_path, 1000)
    assert folder.write("a.bin", b"x" * 400)
    (tmp_path / ".b.bin.123.part").write_bytes(b"y" * 900)  # another writer, mid-way
    assert folder.size() == 400 and folder.read("b.bin") is None
    assert not folder.write("huge.bin", b"z" * 2000)  # larger than the whole cache: not kept
    with pytest.raises(ValueError):
        folder.path("../escape")


# ---- Piper ----------------------------------------------------------------------------------------


class _Chunk:
    def __init__(self, pcm: bytes, rate: int = 22_050) -> None:
        self.audio_int16_bytes = pcm
        self.sample_rate = rate
        self.sample_channels = 1


class _Voice:
    def __init__(self) -> None:
        self.texts: list[str] = []

    def synthesize(self, text: str, syn_config: object = None):
        self.texts.append(text)
        yield _Chunk(b"\x01\x00" * 2205)
        yield _Chunk(b"\x02\x00" * 2205)


def _voice_file(tmp_path: Path) -> Path:
    model = tmp_path / "vi_VN-test-medium.onnx"
    model.write_bytes(b"onnx")
    Path(f"{model}.json").write_text("{}")
    return model


def test_piper_speaks_with_the_station_voice_file(tmp_path):
    voice = _Voice()
    loaded: list[Path] = []

    def loader(path: Path) -> _Voice:
        loaded.append(path)
        return voice

    engine = PiperEngine(model=_voice_file(tmp_path), loader=loader)
    clip = engine.synthesize(SENTENCE, "vi")
    engine.synthesize("Câu thứ hai.", "vi")
    assert clip.engine == "piper" and clip.sample_rate == 22_050 and abs(clip.seconds - 0.2) < 1e-9
    assert voice.texts == [SENTENCE, "Câu thứ hai."] and len(loaded) == 1  # loaded once


@pytest.mark.parametrize(
    "setup, code",
    [
        (lambda tmp: tmp / "missing.onnx", "voice_missing"),
        (lambda tmp: "", "voice_unset"),
    ],
)
def test_piper_without_its_voice_file_is_a_clear_error_and_the_chain_falls_back(tmp_path, setup, code):
    engine = PiperEngine(model=setup(tmp_path), loader=lambda p: _Voice())
    with pytest.raises(TtsError) as info:
        engine.synthesize(SENTENCE, "vi")
    assert info.value.code == code
    assert EngineChain([engine, ToneEngine("espeak")]).synthesize(SENTENCE, "vi").engine == "espeak"


def test_piper_without_the_package_is_a_clear_error(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "piper", None)  # as if piper-tts were not installed
    with pytest.raises(TtsError) as info:
        PiperEngine(model=_voice_file(tmp_path)).synthesize(SENTENCE, "vi")
    assert info.value.code == "tts_engine_missing" and info.value.params["package"] == "piper-tts"


def test_piper_voice_that_cannot_load_is_a_tts_error(tmp_path):
    def broken(path: Path) -> object:
        raise RuntimeError("INVALID_PROTOBUF")

    with pytest.raises(TtsError) as info:
        PiperEngine(model=_voice_file(tmp_path), loader=broken).synthesize(SENTENCE, "vi")
    assert info.value.code == "tts_failed" and "INVALID_PROTOBUF" in info.value.params["reason"]


# ---- the real service, only on request ------------------------------------------------------------


@pytest.mark.external_service
def test_real_gtts_service_speaks_vietnamese():
    if os.environ.get("LOA_EXTERNAL") != "1":
        pytest.skip("set LOA_EXTERNAL=1 to talk to the real gTTS service")
    clip = GttsEngine(timeout=15).synthesize("Xin kính chào bà con.", "vi")
    assert isinstance(clip, Clip) and clip.seconds > 0.5
