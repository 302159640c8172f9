"""An OpenAI-compatible speech server: `POST {url}/v1/audio/speech`, which most self-hosted neural TTS offer.

The API (https://developers.openai.com/api/reference/resources/audio/subresources/speech/methods/create,
the same as platform.openai.com/docs/api-reference/audio/createSpeech): a JSON
body `{"model", "input", "voice", "response_format", "speed"}`, `input` at most
4,096 characters, `response_format` one of mp3, opus, aac, flac, wav, pcm,
`speed` 0.25 .. 4.0; the reply is the audio file itself; the key, when the
server wants one, goes in `Authorization: Bearer <key>`. Self-hosted servers
(openedai-speech, Kokoro-FastAPI, xinference's speech handle, documented at
inference.readthedocs.io) take the same body with their own model and voice
names, so Loa lists no voices here: the station names its own. Loa asks for
WAV and cuts text at sentence pauses within the 4,096-character limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import requests

from audio.engines import cloud
from audio.engines.base import Clip, EngineContext, EngineProblem, EngineType
from audio.errors import TtsError

__all__ = ["OpenAISpeechEngine", "OpenAISpeechSettings", "ENGINE", "PATH", "MAX_CHARS"]

PATH = "/v1/audio/speech"
MAX_CHARS = 4_096


@dataclass(frozen=True, kw_only=True)
class OpenAISpeechSettings:
    """`[speech.openai]`."""

    url: str = "http://127.0.0.1:8000"  # the server; Loa adds /v1/audio/speech
    model: str = "tts-1"
    key_env: str = ""  # the variable holding a bearer key, when the server wants one ("" = none)
    speed: float = 1.0  # 0.25 .. 4.0
    timeout_seconds: float = 30.0


class OpenAISpeechEngine:
    """A station's own neural voice behind the OpenAI speech API."""

    name = "openai"

    def __init__(
        self,
        *,
        url: str,
        model: str = "tts-1",
        key: Callable[[], str | None] = lambda: None,
        key_env: str = "",
        speed: float = 1.0,
        timeout: float = 30.0,
        session: requests.Session | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if timeout <= 0:
            raise ValueError("openai needs a positive timeout")
        self.url = url.rstrip("/").removesuffix(PATH) + PATH
        self.model, self.key, self.key_env = model, key, key_env
        self.speed, self.timeout = speed, timeout
        self.session, self.monotonic = session, monotonic

    @property
    def identity(self) -> str:
        return f"openai:{self.url}:{self.model}:speed={self.speed:g}"

    def _speak(self, text: str, voice: str, key: str | None) -> Clip:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        body = {"model": self.model, "input": text, "voice": voice, "response_format": "wav", "speed": self.speed}
        reply = cloud.post(
            self.url,
            json_body=body,
            headers=headers,
            engine=self.name,
            timeout=self.timeout,
            session=self.session,
            monotonic=self.monotonic,
        )
        if reply.status != 200:
            raise cloud.status_error(self.name, reply.status, self.url)
        if "json" in reply.content_type:
            raise TtsError("tts_failed", engine=self.name, reason=f"{self.url} answered with a message, not audio")
        return cloud.audio_clip(reply.body, engine=self.name, voice=voice)

    def synthesize(self, text: str, voice: str) -> Clip:
        key = self.key() if self.key_env else None
        if self.key_env and not key:
            raise cloud.missing_key(self.name, self.key_env)
        if not voice:
            raise TtsError("tts_failed", engine=self.name, reason="no voice configured (speech.voices.openai)")
        clips = [self._speak(piece, voice, key) for piece in cloud.pieces(text, MAX_CHARS)]
        return cloud.join_clips(clips, engine=self.name, voice=voice)


def _build(context: EngineContext) -> OpenAISpeechEngine:
    s: OpenAISpeechSettings = context.settings
    return OpenAISpeechEngine(
        url=s.url,
        model=s.model,
        key=lambda: context.secret(s.key_env) if s.key_env else None,
        key_env=s.key_env,
        speed=s.speed,
        timeout=s.timeout_seconds,
        monotonic=context.monotonic,
    )


def _problems(s: OpenAISpeechSettings, used: bool) -> Iterable[EngineProblem]:
    yield from cloud.common_problems(s.url, s.key_env, s.timeout_seconds, key_needed=False)
    if not s.model.strip():
        yield EngineProblem(key="model", expected="exp_string", value=s.model)
    if not 0.25 <= s.speed <= 4.0:
        yield EngineProblem(key="speed", expected="exp_range", value=s.speed, params={"low": 0.25, "high": 4.0})


ENGINE = EngineType(
    settings=OpenAISpeechSettings,
    build=_build,
    online=True,
    default_voices={"north": "alloy"},
    problems=_problems,
)
