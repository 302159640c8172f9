"""The cloud engines' failures, each against a local fake of its documented API (tests/fakes/cloud_tts).

Every engine meets the same cases: success (the request as the API documents
it), a refused key, a rate limit, a hang (the timeout), a malformed reply, no
key at all, long text cut at sentence pauses within the service's limit; FPT's
file appearing late or never; and the fallback to espeak behind the breaker.
The real services run only with LOA_EXTERNAL=1 (marked external_service).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from audio.engines.base import EngineChain
from audio.engines.breaker import OPEN, BreakerEngine
from audio.engines.cache import CachedEngine
from audio.engines.espeak import EspeakEngine
from audio.engines.fpt import MAX_CHARS as FPT_MAX
from audio.engines.fpt import FptEngine
from audio.engines.openai_speech import OpenAISpeechEngine
from audio.engines.viettel import ViettelEngine
from audio.errors import TtsError
from tests.fakes.cloud_tts import KEY, FptServer, OpenAISpeechServer, Ticker, ViettelServer
from tests.fakes.http_server import FakeServer, hold, reply

TEXT = "Xin kính chào bà con."
CLOUD = ["fpt", "viettel", "openai"]
PATHS = {"fpt": "/hmi/tts/v5", "viettel": "/tts/speech_synthesis", "openai": "/v1/audio/speech"}
VOICES = {"fpt": "banmai", "viettel": "hn-quynhanh", "openai": "alloy"}


class Rig:
    """One cloud engine against its fake server, built with any key and timeout."""

    def __init__(self, kind: str, server: FakeServer, ticker: Ticker) -> None:
        self.kind, self.server, self.ticker = kind, server, ticker

    def engine(self, *, key: str | None = KEY, timeout: float = 5.0, **extra: Any) -> Any:
        url = self.server.url
        if self.kind == "fpt":
            return FptEngine(
                key=lambda: key,
                url=url + PATHS["fpt"],
                timeout=timeout,
                monotonic=self.ticker,
                sleep=self.ticker.sleep,
                **extra,
            )
        if self.kind == "viettel":
            return ViettelEngine(key=lambda: key, url=url + PATHS["viettel"], timeout=timeout, **extra)
        assert isinstance(self.server, OpenAISpeechServer)
        self.server.key = KEY
        return OpenAISpeechEngine(url=url, key=lambda: key, key_env="LOA_TTS_KEY", timeout=timeout, **extra)

    def speak(self, text: str = TEXT, **kwargs: Any) -> Any:
        return self.engine(**kwargs).synthesize(text, VOICES[self.kind])


def _server(kind: str, **kwargs: Any) -> FakeServer:
    if kind == "fpt":
        return FptServer(**kwargs)
    return ViettelServer() if kind == "viettel" else OpenAISpeechServer()


@pytest.fixture(params=CLOUD)
def rig(request: pytest.FixtureRequest) -> Iterator[Rig]:
    with _server(request.param) as server:
        yield Rig(request.param, server, Ticker())


def test_speaks_with_the_request_the_api_documents(rig):
    clip = rig.speak()
    assert clip.engine == rig.kind and clip.voice == VOICES[rig.kind] and clip.seconds > 0.3
    posted = rig.server.seen("POST", PATHS[rig.kind])[0]
    if rig.kind == "fpt":
        assert posted.body.decode("utf-8") == TEXT
        assert posted.headers["api-key"] == posted.headers["api_key"] == KEY and posted.headers["voice"] == "banmai"
        assert posted.headers["format"] == "mp3" and posted.headers["speed"] == "0"
        assert len(rig.server.seen("GET")) == 1  # the file was there at the first look
    elif rig.kind == "viettel":
        body = posted.json
        assert body["text"] == TEXT and body["voice"] == "hn-quynhanh" and body["token"] == KEY
        assert body["tts_return_option"] == 2 and body["speed"] == 1.0
    else:
        body = posted.json
        assert posted.headers["authorization"] == f"Bearer {KEY}"
        assert body["input"] == TEXT and body["voice"] == "alloy" and body["response_format"] == "wav"
        assert body["model"] == "tts-1"


def test_a_refused_key_is_a_tts_error_that_never_shows_the_key(rig, caplog):
    with pytest.raises(TtsError) as info:
        rig.speak(key="sai-khoa-987654")
    assert info.value.code == "tts_failed" and "refused" in info.value.params["reason"]
    assert "401" in info.value.params["reason"] and "sai-khoa" not in str(info.value.params)


def test_no_key_says_which_variable_to_set(rig):
    with pytest.raises(TtsError) as info:
        rig.speak(key=None)
    assert info.value.code == "tts_key_missing" and info.value.params["env"]
    assert not rig.server.requests  # nothing was sent without a key


def test_a_rate_limit_is_a_tts_error(rig):
    rig.server.fail("POST", PATHS[rig.kind], reply(429, {"message": "API rate limit exceeded"}))
    with pytest.raises(TtsError) as info:
        rig.speak()
    assert info.value.code == "tts_failed" and "rate limited" in info.value.params["reason"]


def test_a_hang_is_a_timeout(rig):
    rig.server.fail("POST", PATHS[rig.kind], hold())
    with pytest.raises(TtsError) as info:
        rig.speak(timeout=0.3)
    assert info.value.code == "tts_timeout"


@pytest.mark.parametrize("garbage", ["<html>502 Bad Gateway</html>", "{not json", b"RIFF\x00\x00WAVEjunk"])
def test_a_malformed_reply_is_a_tts_error(rig, garbage):
    rig.server.fail("POST", PATHS[rig.kind], reply(200, garbage, {"Content-Type": "text/html"}))
    with pytest.raises(TtsError) as info:
        rig.speak()
    assert info.value.code == "tts_failed"


def test_an_answer_that_is_a_message_not_audio_is_a_tts_error(rig):
    rig.server.fail("POST", PATHS[rig.kind], reply(200, {"error": 7, "message": "hết hạn mức"}))
    with pytest.raises(TtsError) as info:
        rig.speak()
    assert info.value.code == "tts_failed"


def test_long_text_is_cut_at_sentence_pauses_within_the_limit(rig):
    engine = rig.engine()
    limit = {"fpt": FPT_MAX, "viettel": 1_000, "openai": 4_096}[rig.kind]
    sentence = "Ủy ban nhân dân xã thông báo lịch tiếp công dân, mời bà con đến đúng giờ."
    text = " ".join([sentence] * (limit // len(sentence) + 3))
    clip = engine.synthesize(text, VOICES[rig.kind])
    posted = rig.server.seen("POST", PATHS[rig.kind])
    sent = [
        p.body.decode("utf-8") if rig.kind == "fpt" else p.json["text" if rig.kind == "viettel" else "input"]
        for p in posted
    ]
    assert len(sent) >= 2 and all(len(piece) <= limit for piece in sent)
    assert all(piece.endswith((".", ",")) for piece in sent[:-1])  # cut at pauses, never mid-word
    assert " ".join(sent) == text and clip.seconds > 1


def test_the_sentence_cache_asks_the_service_once(rig, tmp_path):
    cached = CachedEngine(rig.engine(), tmp_path / "tts", 10_000_000)
    first = cached.synthesize(TEXT, VOICES[rig.kind])
    again = cached.synthesize(TEXT, VOICES[rig.kind])
    assert again.pcm == first.pcm and cached.hits == 1
    assert len(rig.server.seen("POST", PATHS[rig.kind])) == 1


def test_the_fallback_to_espeak_with_the_breaker(rig, caplog):
    clock = Ticker()
    failing = BreakerEngine(rig.engine(key="sai-khoa-987654"), failures=2, cooldown=300, clock=clock)
    chain = EngineChain([failing, EspeakEngine()], [VOICES[rig.kind], ""])
    with caplog.at_level(logging.DEBUG):
        spoken = [chain.synthesize(f"Câu số {n}.", "vi") for n in range(4)]
    assert {clip.engine for clip in spoken} == {"espeak"} and all(c.voice == "vi" for c in spoken)
    assert failing.state == OPEN
    assert len(rig.server.seen("POST", PATHS[rig.kind])) == 2  # paused after two failures: no more requests
    assert "sai-khoa-987654" not in caplog.text and "log_engine_paused" in str([r.__dict__ for r in caplog.records])
    clock.now += 301  # the cool-down is over: one trial, the key is still wrong, paused again
    assert chain.synthesize("Câu cuối.", "vi").engine == "espeak"
    assert len(rig.server.seen("POST", PATHS[rig.kind])) == 3


# ---- FPT: the file appears later ------------------------------------------------------------------------------


@pytest.mark.parametrize("late", [0, 3])
def test_fpt_polls_until_the_file_appears(late):
    ticker = Ticker()
    with FptServer(late=late) as server:
        engine = FptEngine(
            key=lambda: KEY, url=server.url + PATHS["fpt"], poll_seconds=0.5, monotonic=ticker, sleep=ticker.sleep
        )
        clip = engine.synthesize(TEXT, "leminh")
        assert clip.voice == "leminh" and clip.seconds > 0.3
        assert len(server.seen("GET")) == late + 1 and ticker.slept == [0.5] * late


def test_fpt_gives_up_when_the_file_never_appears_within_its_bound():
    ticker = Ticker()
    with FptServer(late=None) as server:
        engine = FptEngine(
            key=lambda: KEY,
            url=server.url + PATHS["fpt"],
            poll_seconds=2,
            wait_seconds=10,
            monotonic=ticker,
            sleep=ticker.sleep,
        )
        with pytest.raises(TtsError) as info:
            engine.synthesize(TEXT, "banmai")
        assert info.value.code == "tts_timeout" and "did not appear" in info.value.params["reason"]
        assert sum(ticker.slept) <= 10 and len(server.seen("GET")) == 6


def test_fpt_refusing_a_voice_in_its_json_is_a_tts_error():
    with FptServer() as server:
        engine = FptEngine(key=lambda: KEY, url=server.url + PATHS["fpt"], monotonic=Ticker())
        with pytest.raises(TtsError) as info:
            engine.synthesize(TEXT, "khongco")
    assert "error 1" in info.value.params["reason"] and not server.seen("GET")


def test_fpt_a_sentence_under_three_characters_is_still_spoken():
    with FptServer() as server:
        engine = FptEngine(key=lambda: KEY, url=server.url + PATHS["fpt"], monotonic=Ticker())
        assert engine.synthesize("Ừ", "banmai").seconds > 0
    assert server.texts == ["Ừ.."]


def test_fpt_file_store_failing_is_a_tts_error():
    with FptServer(late=1) as server:
        server.fail("GET", r"/text2speech-v5/.*", reply(500, "oops"))
        engine = FptEngine(key=lambda: KEY, url=server.url + PATHS["fpt"], monotonic=Ticker())
        with pytest.raises(TtsError) as info:
            engine.synthesize(TEXT, "banmai")
    assert "HTTP 500" in info.value.params["reason"]


# ---- the real services, only when asked for ----------------------------------------------------------------------

REAL: dict[str, Callable[[str], Any]] = {
    "fpt": lambda key: FptEngine(key=lambda: key),
    "viettel": lambda key: ViettelEngine(key=lambda: key),
}


@pytest.mark.external_service
@pytest.mark.parametrize("kind, env", [("fpt", "LOA_FPT_API_KEY"), ("viettel", "LOA_VIETTEL_TOKEN")])
def test_the_real_service_speaks(kind, env):
    if os.environ.get("LOA_EXTERNAL") != "1" or not os.environ.get(env):
        pytest.skip(f"set LOA_EXTERNAL=1 and {env} to try the real service")
    clip = REAL[kind](os.environ[env]).synthesize(TEXT, VOICES[kind])
    assert clip.seconds > 0.5


def test_a_key_the_service_echoes_back_is_masked_in_the_log(caplog):
    from scheduler.secrets import Secrets

    secret = "fpt-khoa-that-5f0c2a9e7b"
    secrets = Secrets(None, {"LOA_FPT_API_KEY": secret})
    with FptServer() as server:
        server.fail("POST", PATHS["fpt"], reply(200, {"error": 2, "message": f"api key {secret} is disabled"}))
        fpt = FptEngine(key=lambda: secrets.get("LOA_FPT_API_KEY"), url=server.url + PATHS["fpt"], monotonic=Ticker())
        chain = EngineChain([BreakerEngine(fpt), EspeakEngine()], ["banmai", ""])
        with caplog.at_level(logging.WARNING):
            assert chain.synthesize(TEXT, "vi").engine == "espeak"
    assert "is disabled" in caplog.text and secret not in caplog.text
