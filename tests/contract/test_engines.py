"""One suite over every speech engine available offline, bare and behind Loa's wrappers.

Piper runs the real piper-tts package (installed with the test extras) with a
tiny voice generated on the spot (a tone per phoneme: tests/fakes/piper_voice),
or with a real voice file when LOA_PIPER_VOICE names one; gTTS runs against the
local fake of its service; FPT.AI, Viettel AI and the OpenAI-compatible
engine run against local fakes of their documented APIs (tests/fakes/cloud_tts),
their failures in tests/contract/test_cloud_engines.py.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from audio.engines.base import Clip, EngineChain, TtsEngine, identity
from audio.engines.breaker import BreakerEngine
from audio.engines.cache import CachedEngine
from audio.engines.espeak import EspeakEngine
from audio.engines.fpt import FptEngine
from audio.engines.gtts import GttsEngine
from audio.engines.openai_speech import OpenAISpeechEngine
from audio.engines.piper import PiperEngine
from audio.engines.viettel import ViettelEngine
from audio.errors import TtsError
from audio.mix import EncodeSettings, ffmpeg_exe
from audio.speech import Speaker, render_script
from tests.fakes.cloud_tts import KEY, FptServer, OpenAISpeechServer, Ticker, ViettelServer
from tests.fakes.gtts_server import GttsServer, refused_url

SHORT = "Xin kính chào bà con."
LONG = "Xin kính chào bà con. Ủy ban nhân dân xã thông báo lịch tiếp công dân vào sáng thứ Năm hằng tuần."
ENGINES = ["espeak", "gtts", "piper", "fpt", "viettel", "openai", "cached-espeak", "breaker-gtts", "chain", "voiced"]
VOICE = {"fpt": "banmai", "viettel": "hn-quynhanh", "openai": "alloy"}


def _piper(folder: Path) -> TtsEngine:
    try:
        import piper  # noqa: F401
    except ImportError:
        pytest.skip("piper-tts is not installed (pip install -e '.[test]')")
    voice = os.environ.get("LOA_PIPER_VOICE", "")
    if voice:
        if not Path(voice).is_file():
            pytest.fail(f"LOA_PIPER_VOICE={voice} is not a file")
        return PiperEngine(model=voice)
    from tests.fakes.piper_voice import make_piper_voice

    return PiperEngine(model=make_piper_voice(folder / "voice"))


class _Voiced:
    """An engine that speaks `vi` whatever the caller asks for: the contract's voice, through one engine's own."""

    def __init__(self, engine: Any, voice: str) -> None:
        self.engine, self.name, self.identity, self.voice = engine, engine.name, identity(engine), voice

    def synthesize(self, text: str, voice: str) -> Clip:
        clip = self.engine.synthesize(text, self.voice)
        return Clip(pcm=clip.pcm, sample_rate=clip.sample_rate, engine=clip.engine, voice=voice)


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    with GttsServer() as server, FptServer(late=1) as fpt, ViettelServer() as viettel, OpenAISpeechServer() as oai:
        kind = request.param
        if kind == "fpt":
            ticker = Ticker()
            built = FptEngine(key=lambda: KEY, url=fpt.url + "/hmi/tts/v5", monotonic=ticker, sleep=ticker.sleep)
            yield _Voiced(built, VOICE[kind])
        elif kind == "viettel":
            yield _Voiced(ViettelEngine(key=lambda: KEY, url=viettel.url + "/tts/speech_synthesis"), VOICE[kind])
        elif kind == "openai":
            yield _Voiced(OpenAISpeechEngine(url=oai.url), VOICE[kind])
        elif kind == "voiced":  # the chain gives each engine its own voice
            cloud = BreakerEngine(ViettelEngine(key=lambda: KEY, url=viettel.url + "/tts/speech_synthesis"))
            chain = EngineChain([cloud, EspeakEngine()], ["hn-quynhanh", ""])
            yield _Voiced(chain, "vi")
        elif kind == "espeak":
            yield EspeakEngine()
        elif kind == "gtts":
            yield GttsEngine(base_url=server.url, timeout=5)
        elif kind == "piper":
            yield _piper(tmp_path)
        elif kind == "cached-espeak":
            yield CachedEngine(EspeakEngine(), tmp_path / "tts", 50_000_000)
        elif kind == "breaker-gtts":
            yield BreakerEngine(GttsEngine(base_url=server.url, timeout=5), failures=2, cooldown=60)
        else:
            yield EngineChain([BreakerEngine(GttsEngine(base_url=refused_url(), timeout=0.5)), EspeakEngine()])


def test_is_an_engine_with_a_name_and_an_identity(engine):
    typed: TtsEngine = engine
    assert typed.name and callable(typed.synthesize)
    assert identity(engine).startswith(engine.name.split("+")[0])


def test_speaks_vietnamese_as_mono_16_bit_pcm(engine):
    clip = engine.synthesize(SHORT, "vi")
    assert isinstance(clip, Clip) and clip.voice == "vi"
    assert clip.engine in engine.name.split("+")
    assert 8_000 <= clip.sample_rate <= 48_000 and len(clip.pcm) % 2 == 0
    assert 0.3 < clip.seconds < 15
    assert max(clip.pcm[1::2]) > 0  # not silence


def test_more_text_is_more_speech(engine):
    assert engine.synthesize(LONG, "vi").seconds > engine.synthesize(SHORT, "vi").seconds


def test_failure_is_a_tts_error_never_another_exception(engine):
    with contextlib.suppress(TtsError):
        engine.synthesize("", "vi")


def test_renders_a_bulletin_mp3_through_the_engine(engine, tmp_path):
    rendered = render_script(
        ["Lịch tiếp công dân", LONG], Speaker(engine), tmp_path / "out.mp3", settings=EncodeSettings()
    )
    assert rendered.path.stat().st_size > 1000 and rendered.engine in engine.name.split("+")
    info = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(rendered.path)], capture_output=True, text=True, check=False
    ).stderr
    assert "mp3" in info and "44100 Hz" in info and "mono" in info
