"""The online Google Translate voice, through the protocol gTTS speaks, with Loa's own chunking and timeouts.

gTTS posts each piece of text to `{base}/_/TranslateWebserverUi/data/batchexecute`
as a form field `f.req` (the RPC `jQ1olc` with `[text, lang, speed, "null"]`)
and finds the MP3, base64-encoded, in the line of the reply that names the
RPC. Loa builds that body with gTTS itself, but sends it with its own session
to a configurable base URL (tests point it at a local server), always with a
timeout, cuts sentences at their pauses into pieces the service accepts
(instead of gTTS's blind 100-character cuts), and decodes the MP3 to PCM at
its native rate with the ffmpeg of imageio-ffmpeg.
"""

from __future__ import annotations

import base64
import binascii
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import requests

from audio.engines.base import Clip, EngineContext, EngineType
from audio.errors import AudioError, TtsError
from audio.mix import decode_audio
from audio.mp3 import scan

__all__ = ["GttsEngine", "chunk_text", "RPC_PATH", "MAX_CHARS", "ENGINE"]

RPC_PATH = "/_/TranslateWebserverUi/data/batchexecute"
MAX_CHARS = 100  # what the service takes at a time
_CUTS = (re.compile(r"(?<=[.!?;:])\s+"), re.compile(r"(?<=,)\s+"), re.compile(r"\s+"))


def chunk_text(text: str, limit: int = MAX_CHARS, level: int = 0) -> list[str]:
    """Cut a sentence into pieces of at most `limit` characters at its strongest pauses, never mid-word."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return [text] if text else []
    if level == len(_CUTS):
        return [text[i : i + limit] for i in range(0, len(text), limit)]  # one endless "word"
    pieces: list[str] = []
    for part in _CUTS[level].split(text):
        for piece in chunk_text(part, limit, level + 1) if len(part) > limit else [part]:
            if pieces and len(pieces[-1]) + 1 + len(piece) <= limit:
                pieces[-1] += " " + piece
            else:
                pieces.append(piece)
    return pieces


def _request_body(text: str, lang: str, slow: bool) -> tuple[str, dict[str, str], str]:
    """The form body, headers and RPC id that gTTS would send for one piece of text."""
    try:
        from gtts import gTTS
    except ImportError as exc:
        raise TtsError("tts_engine_missing", engine="gtts", package="gtts", reason="gtts is not installed") from exc
    tts = gTTS(text, lang=lang, slow=slow, lang_check=False, pre_processor_funcs=[], tokenizer_func=lambda t: [t])
    bodies = tts.get_bodies()
    if len(bodies) != 1:
        raise TtsError("tts_failed", engine="gtts", reason=f"gTTS cut the text into {len(bodies)} requests")
    return bodies[0], dict(gTTS.GOOGLE_TTS_HEADERS), gTTS.GOOGLE_TTS_RPC


def audio_from_reply(reply: str, rpc: str) -> bytes:
    """The MP3 in a batchexecute reply; ValueError when there is none."""
    for line in reply.splitlines():
        if rpc in line:
            found = re.search(rf'{rpc}","\[\\"(.*?)\\"]', line)
            if not found:
                raise ValueError("the reply names the speech call but carries no audio")
            try:
                return base64.b64decode(found.group(1).encode("ascii"), validate=True)
            except (binascii.Error, UnicodeEncodeError) as exc:
                raise ValueError("the audio in the reply is not valid base64") from exc
    raise ValueError("the reply has no speech in it")


class GttsEngine:
    """Google Translate's Vietnamese voice: natural, online, and so always behind a timeout."""

    name = "gtts"

    def __init__(
        self,
        *,
        base_url: str = "https://translate.google.com",
        lang: str = "vi",
        timeout: float = 10.0,
        slow: bool = False,
        session: requests.Session | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if timeout <= 0:
            raise ValueError("gtts needs a positive timeout")
        self.url = base_url.rstrip("/") + RPC_PATH
        self.lang = lang
        self.timeout = timeout
        self.slow = slow
        self.session = session
        self.monotonic = monotonic

    @property
    def identity(self) -> str:
        return f"gtts:{self.lang}:slow={self.slow}"

    def _fail(self, reason: str) -> TtsError:
        return TtsError("tts_failed", engine=self.name, reason=reason)

    def _post(self, body: str, headers: dict[str, str]) -> str:
        """Send one request and read the whole reply within the timeout."""
        session = self.session or requests.Session()
        deadline = self.monotonic() + self.timeout
        try:
            with session.post(
                self.url,
                data=body.encode("utf-8"),
                headers={**headers, "Connection": "close"},
                timeout=(self.timeout, self.timeout),
                stream=True,
            ) as response:
                if response.status_code != 200:
                    raise self._fail(f"HTTP {response.status_code} from {self.url}")
                chunks = []
                for chunk in response.iter_content(16_384):
                    chunks.append(chunk)
                    if self.monotonic() > deadline:
                        raise TtsError(
                            "tts_timeout",
                            engine=self.name,
                            seconds=f"{self.timeout:g}",
                            reason=f"no full answer within {self.timeout:g} s",
                        )
                return b"".join(chunks).decode("utf-8", "replace")
        except requests.Timeout as exc:
            raise TtsError(
                "tts_timeout",
                engine=self.name,
                seconds=f"{self.timeout:g}",
                reason=f"no answer within {self.timeout:g} s",
            ) from exc
        except requests.RequestException as exc:
            raise self._fail(f"cannot reach {self.url}: {type(exc).__name__}") from exc
        finally:
            if self.session is None:
                session.close()

    def synthesize(self, text: str, voice: str) -> Clip:
        pieces = chunk_text(text)
        if not pieces:
            raise TtsError("nothing_speakable")
        mp3 = bytearray()
        for piece in pieces:
            body, headers, rpc = _request_body(piece, self.lang, self.slow)
            reply = self._post(body, headers)
            try:
                audio = audio_from_reply(reply, rpc)
                frames = scan(audio)
            except ValueError as exc:
                raise self._fail(str(exc)) from exc
            mp3 += audio
        try:
            clip = decode_audio(bytes(mp3), "mp3", timeout=max(30.0, self.timeout))
        except AudioError as exc:
            raise self._fail(f"cannot decode the MP3: {exc.params.get('reason', exc)}") from exc
        if clip.sample_rate != frames[0].sample_rate:
            raise self._fail("the decoded rate differs from the MP3's")
        return Clip(pcm=clip.pcm, sample_rate=clip.sample_rate, engine=self.name, voice=voice)


@dataclass(frozen=True, kw_only=True)
class GttsSettings:
    """gTTS reads `speech.gtts_url`, `speech.gtts_lang` and `speech.gtts_timeout_seconds`; it has one voice."""


def _build(context: EngineContext) -> GttsEngine:
    speech = context.speech
    return GttsEngine(base_url=speech.gtts_url, lang=speech.gtts_lang, timeout=speech.gtts_timeout_seconds)


ENGINE = EngineType(settings=GttsSettings, build=_build, online=True)
