"""Viettel AI Text to Speech: the reply is the audio itself.

The API: `POST https://viettelai.vn/tts/speech_synthesis` with a JSON body
`{"text", "voice", "speed", "tts_return_option", "token", "without_filter"}`
(the token in the body, as current clients send it, e.g. the TypeScript
`speakWithViettel` client found by search); the earlier reference,
https://viettelgroup.ai/document/tts, documents the same fields (with the
token in a header there): `speed` 0.7 .. 1.3 times normal, `tts_return_option`
1 streaming, 2 WAV, 3 MP3, `without_filter` to skip the quality filter
(faster), and "Success Response: Code: 200, Content: inputstream (audio)".
Voices are named by region, hn- (north), hue- (central), hcm- (south); the
service offers "Bắc (3 giọng nữ, 2 giọng nam), Trung (1 giọng nữ, 1 giọng
nam), Nam (3 giọng nữ, 1 giọng nam)" (vtcc.online, Text To Speech Viettel AI),
which is the list below. A failure is a status other than 200 with a JSON
message. Loa asks for WAV, which it reads without ffmpeg, and cuts text at
sentence pauses within `MAX_CHARS` (the pages found state no limit; 1,000 is
the limit clients of the service enforce, e.g. a Hugging Face TTS app's
MAX_CHARS).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import requests

from audio.engines import cloud
from audio.engines.base import Clip, EngineContext, EngineProblem, EngineType, Voice
from audio.errors import TtsError

__all__ = ["ViettelEngine", "ViettelSettings", "ENGINE", "VOICES", "MAX_CHARS"]

URL = "https://viettelai.vn/tts/speech_synthesis"
MAX_CHARS = 1_000
RETURN_WAV = 2
VOICES = (
    Voice("hn-quynhanh", "north", "female"),
    Voice("hn-phuongtrang", "north", "female"),
    Voice("hn-thaochi", "north", "female"),
    Voice("hn-thanhtung", "north", "male"),
    Voice("hn-namkhanh", "north", "male"),
    Voice("hue-maingoc", "central", "female"),
    Voice("hue-baoquoc", "central", "male"),
    Voice("hcm-diemmy", "south", "female"),
    Voice("hcm-phuongly", "south", "female"),
    Voice("hcm-thuydung", "south", "female"),
    Voice("hcm-minhquan", "south", "male"),
)


@dataclass(frozen=True, kw_only=True)
class ViettelSettings:
    """`[speech.viettel]`."""

    url: str = URL
    key_env: str = "LOA_VIETTEL_TOKEN"  # the environment variable (or secrets-file entry) holding the token
    speed: float = 1.0  # 0.7 .. 1.3
    timeout_seconds: float = 15.0
    without_filter: bool = False  # true: faster, without the service's quality filter


class ViettelEngine:
    """Viettel AI's voices: one request, the audio in the reply."""

    name = "viettel"

    def __init__(
        self,
        *,
        key: Callable[[], str | None],
        key_env: str = "LOA_VIETTEL_TOKEN",
        url: str = URL,
        speed: float = 1.0,
        timeout: float = 15.0,
        without_filter: bool = False,
        session: requests.Session | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if timeout <= 0:
            raise ValueError("viettel needs a positive timeout")
        self.key, self.key_env, self.url = key, key_env, url
        self.speed, self.timeout, self.without_filter = speed, timeout, without_filter
        self.session, self.monotonic = session, monotonic

    @property
    def identity(self) -> str:
        return f"viettel:speed={self.speed:g}:filter={not self.without_filter}"

    def _speak(self, text: str, voice: str, token: str) -> Clip:
        body = {
            "text": text,
            "voice": voice,
            "speed": self.speed,
            "tts_return_option": RETURN_WAV,
            "token": token,
            "without_filter": self.without_filter,
        }
        reply = cloud.post(
            self.url,
            json_body=body,
            engine=self.name,
            timeout=self.timeout,
            session=self.session,
            monotonic=self.monotonic,
        )
        if reply.status != 200:
            raise cloud.status_error(self.name, reply.status, self.url)
        if "json" in reply.content_type or reply.body[:1] in (b"{", b"["):
            raise TtsError("tts_failed", engine=self.name, reason=f"{self.url} answered with a message, not audio")
        return cloud.audio_clip(reply.body, engine=self.name, voice=voice)

    def synthesize(self, text: str, voice: str) -> Clip:
        token = self.key()
        if not token:
            raise cloud.missing_key(self.name, self.key_env)
        clips = [self._speak(piece, voice, token) for piece in cloud.pieces(text, MAX_CHARS)]
        return cloud.join_clips(clips, engine=self.name, voice=voice)


def _build(context: EngineContext) -> ViettelEngine:
    s: ViettelSettings = context.settings
    return ViettelEngine(
        key=lambda: context.secret(s.key_env),
        key_env=s.key_env,
        url=s.url,
        speed=s.speed,
        timeout=s.timeout_seconds,
        without_filter=s.without_filter,
        monotonic=context.monotonic,
    )


def _problems(s: ViettelSettings, used: bool) -> Iterable[EngineProblem]:
    yield from cloud.common_problems(s.url, s.key_env, s.timeout_seconds)
    if not 0.7 <= s.speed <= 1.3:
        yield EngineProblem(key="speed", expected="exp_range", value=s.speed, params={"low": 0.7, "high": 1.3})


ENGINE = EngineType(
    settings=ViettelSettings,
    build=_build,
    online=True,
    voices=VOICES,
    default_voices={"north": "hn-quynhanh", "central": "hue-maingoc", "south": "hcm-diemmy"},
    problems=_problems,
)
