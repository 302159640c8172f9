"""One suite over every speech engine available offline, bare and behind Loa's wrappers.

Piper runs the real piper-tts package (installed with the test extras) with a
tiny voice generated on the spot (a tone per phoneme: tests/fakes/piper_voice),
or with a real voice file when LOA_PIPER_VOICE names one; gTTS runs against the
local fake of its service.
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
from audio.engines.gtts import GttsEngine
from audio.engines.piper import PiperEngine
from audio.errors import TtsError
from audio.mix import EncodeSettings, ffmpeg_exe
from audio.speech import Speaker, render_script
from tests.fakes.gtts_server import GttsServer, refused_url

SHORT = "Xin kính chào bà con."
LONG = "Xin kính chào bà con. Ủy ban nhân dân xã thông báo lịch tiếp công dân vào sáng thứ Năm hằng tuần."
ENGINES = ["espeak", "gtts", "piper", "cached-espeak", "breaker-gtts", "chain"]


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


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    with GttsServer() as server:
        kind = request.param
        if kind == "espeak":
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
