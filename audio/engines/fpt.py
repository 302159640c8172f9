"""FPT.AI Text to Speech v5: the northern, central and southern voices most Vietnamese stations hear.

The API (https://docs.fpt.ai/docs/en/speech/api/text-to-speech, the key from
https://console.fpt.ai): `POST https://api.fpt.ai/hmi/tts/v5` with the text
as the body ("Limit per request: 5.000 characters", "at least 3 characters")
and the settings in headers: `api_key`, `voice` (banmai, lannhi, leminh, myan,
thuminh, giahuy, linhsan), `speed` (-3 slowest .. +3 fastest, 0 normal) and
`format` (mp3 or wav). The answer is JSON, `{"async": "<url>", "error": 0,
"message": ..., "request_id": ...}`, error 0 a success, anything else a
failure; the audio "may not exist right at the time of response. Waiting time
will be from 5 seconds to 2 minutes, depends on the length of the text" (until
then the address answers 404). Users' code sends the key as `api-key` (e.g.
github.com/leduchuy225/Auto-Vid utils/voice_maker.py, which quotes the reply;
proxies commonly drop header names with underscores), so Loa sends both
spellings. Loa polls the address every `poll_seconds`, at most `wait_seconds`
in all, by the injected clock and sleep, then gives up with a TtsError so the
next engine speaks. Sentences go one request each, so a cold bulletin takes
seconds per sentence: the sentence cache and the radio's render-ahead cover it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import requests

from audio.engines import cloud
from audio.engines.base import Clip, EngineContext, EngineProblem, EngineType, Voice
from audio.errors import TtsError

__all__ = ["FptEngine", "FptSettings", "ENGINE", "VOICES", "MAX_CHARS"]

URL = "https://api.fpt.ai/hmi/tts/v5"
MIN_CHARS = 3
MAX_CHARS = 2_000  # the service takes 5,000; a sentence is far shorter, and a shorter file appears sooner
VOICES = (
    Voice("banmai", "north", "female"),
    Voice("thuminh", "north", "female"),
    Voice("leminh", "north", "male"),
    Voice("myan", "central", "female"),
    Voice("giahuy", "central", "male"),
    Voice("lannhi", "south", "female"),
    Voice("linhsan", "south", "female"),
    Voice("minhquang", "south", "male"),  # not in the v5 page's list, but in users' code
)


@dataclass(frozen=True, kw_only=True)
class FptSettings:
    """`[speech.fpt]`."""

    url: str = URL
    key_env: str = "LOA_FPT_API_KEY"  # the environment variable (or secrets-file entry) holding the api-key
    speed: int = 0  # -3 (slowest) .. 3 (fastest)
    timeout_seconds: float = 10.0  # each request
    poll_seconds: float = 1.0  # between looks at the file's address
    wait_seconds: float = 30.0  # how long the file may take to appear


class FptEngine:
    """FPT.AI's voices: a request gives an address, the audio appears there when it is ready."""

    name = "fpt"

    def __init__(
        self,
        *,
        key: Callable[[], str | None],
        key_env: str = "LOA_FPT_API_KEY",
        url: str = URL,
        speed: int = 0,
        timeout: float = 10.0,
        poll_seconds: float = 1.0,
        wait_seconds: float = 30.0,
        session: requests.Session | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if timeout <= 0 or poll_seconds <= 0 or wait_seconds < 0:
            raise ValueError("fpt needs a positive timeout and poll interval")
        self.key, self.key_env, self.url = key, key_env, url
        self.speed, self.timeout = speed, timeout
        self.poll_seconds, self.wait_seconds = poll_seconds, wait_seconds
        self.session, self.monotonic, self.sleep = session, monotonic, sleep

    @property
    def identity(self) -> str:
        return f"fpt:speed={self.speed}"

    def _http(self) -> dict[str, object]:
        return {"engine": self.name, "timeout": self.timeout, "session": self.session, "monotonic": self.monotonic}

    def _ask(self, text: str, voice: str, key: str) -> str:
        """The address where the audio of `text` will appear."""
        headers = {"api-key": key, "api_key": key, "voice": voice, "speed": str(self.speed), "format": "mp3"}
        reply = cloud.post(self.url, data=text.encode("utf-8"), headers=headers, **self._http())
        if reply.status != 200:
            raise cloud.status_error(self.name, reply.status, self.url)
        try:
            answer = json.loads(reply.body.decode("utf-8"))
            error, address = answer.get("error", 0), answer.get("async")
        except (ValueError, AttributeError) as exc:
            raise TtsError("tts_failed", engine=self.name, reason=f"the reply from {self.url} is not JSON") from exc
        if error not in (0, "0", None):
            message = str(answer.get("message", ""))[:200]
            raise TtsError(
                "tts_failed", engine=self.name, reason=f"FPT.AI refused the request (error {error}: {message})"
            )
        if not isinstance(address, str) or not address.startswith(("http://", "https://")):
            raise TtsError("tts_failed", engine=self.name, reason=f"the reply from {self.url} gives no file address")
        return address

    def _fetch(self, address: str) -> bytes:
        """The file at `address`, looked for until it appears or `wait_seconds` have passed."""
        give_up = self.monotonic() + self.wait_seconds
        looks = 0
        while True:
            looks += 1
            reply = cloud.get(address, **self._http())
            if reply.status == 200 and reply.body:
                return reply.body
            if reply.status not in (200, 403, 404):  # not yet there: 404 (or 403 from the file store)
                raise cloud.status_error(self.name, reply.status, address.split("?")[0])
            if self.monotonic() + self.poll_seconds > give_up:
                raise TtsError(
                    "tts_timeout",
                    engine=self.name,
                    seconds=f"{self.wait_seconds:g}",
                    reason=f"the audio file did not appear within {self.wait_seconds:g} s ({looks} looks)",
                )
            self.sleep(self.poll_seconds)

    def synthesize(self, text: str, voice: str) -> Clip:
        key = self.key()
        if not key:
            raise cloud.missing_key(self.name, self.key_env)
        clips = []
        for piece in cloud.pieces(text, MAX_CHARS):
            # the service refuses under 3 characters ("Ừ."): a pause mark or two makes it a request it takes
            audio = self._fetch(self._ask(piece.ljust(MIN_CHARS, "."), voice, key))
            clips.append(cloud.audio_clip(audio, engine=self.name, voice=voice, fmt="mp3"))
        return cloud.join_clips(clips, engine=self.name, voice=voice)


def _build(context: EngineContext) -> FptEngine:
    s: FptSettings = context.settings
    return FptEngine(
        key=lambda: context.secret(s.key_env),
        key_env=s.key_env,
        url=s.url,
        speed=s.speed,
        timeout=s.timeout_seconds,
        poll_seconds=s.poll_seconds,
        wait_seconds=s.wait_seconds,
        monotonic=context.monotonic,
        sleep=context.sleep,
    )


def _problems(s: FptSettings, used: bool) -> Iterable[EngineProblem]:
    yield from cloud.common_problems(s.url, s.key_env, s.timeout_seconds)
    if not -3 <= s.speed <= 3:
        yield EngineProblem(key="speed", expected="exp_range", value=s.speed, params={"low": -3, "high": 3})
    if not 0 < s.poll_seconds <= 60:
        yield EngineProblem(
            key="poll_seconds", expected="exp_range", value=s.poll_seconds, params={"low": 0.1, "high": 60}
        )
    if not 0 <= s.wait_seconds <= 600:
        yield EngineProblem(
            key="wait_seconds", expected="exp_range", value=s.wait_seconds, params={"low": 0, "high": 600}
        )


ENGINE = EngineType(
    settings=FptSettings,
    build=_build,
    online=True,
    voices=VOICES,
    default_voices={"north": "banmai", "central": "myan", "south": "lannhi"},
    problems=_problems,
)
