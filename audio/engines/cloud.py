"""What the cloud speech engines share: one HTTP call within a timeout, its failures named, audio decoded.

Every request has a connect and a read timeout and a deadline over the whole
reply (a server that trickles bytes cannot hold a bulletin). A refused key
(HTTP 401/403), a rate limit (429) and a server error are `TtsError`s whose
reason names the status and the address, never the key: keys travel in
headers or bodies that are not logged, and each key was read through the
secrets mechanism, which masks it in every log line. Text longer than a
service takes is cut at sentence pauses (`chunk_text`), and the pieces' audio
joined when it has one rate.
"""

from __future__ import annotations

import io
import re
import wave
from collections.abc import Callable, Mapping
from typing import Any

import requests

from audio.engines.base import Clip, EngineProblem
from audio.engines.gtts import chunk_text
from audio.errors import AudioError, TtsError
from audio.mix import decode_audio

__all__ = [
    "Reply",
    "request",
    "post",
    "get",
    "audio_clip",
    "join_clips",
    "pieces",
    "missing_key",
    "status_error",
    "common_problems",
]


class Reply:
    """A whole HTTP reply: status, content type and body."""

    def __init__(self, status: int, content_type: str, body: bytes) -> None:
        self.status = status
        self.content_type = content_type
        self.body = body


def status_error(engine: str, status: int, url: str) -> TtsError:
    """The error of a reply that is not a success, by what the status means."""
    if status in (401, 403):
        return TtsError("tts_failed", engine=engine, reason=f"the key was refused (HTTP {status} from {url})")
    if status == 429:
        return TtsError("tts_failed", engine=engine, reason=f"rate limited (HTTP 429 from {url})")
    return TtsError("tts_failed", engine=engine, reason=f"HTTP {status} from {url}")


def missing_key(engine: str, env: str) -> TtsError:
    return TtsError("tts_key_missing", engine=engine, env=env, reason=f"no key in {env}")


def _timeout(engine: str, seconds: float, what: str = "no answer") -> TtsError:
    return TtsError("tts_timeout", engine=engine, seconds=f"{seconds:g}", reason=f"{what} within {seconds:g} s")


def request(
    method: str,
    url: str,
    *,
    engine: str,
    timeout: float,
    session: requests.Session | None,
    monotonic: Callable[[], float],
    headers: Mapping[str, str] | None = None,
    data: bytes | None = None,
    json_body: Any = None,
    max_bytes: int = 50_000_000,
) -> Reply:
    """One request, its whole reply read within `timeout` seconds; TtsError for a timeout or no connection."""
    own = session is None
    http = session or requests.Session()
    deadline = monotonic() + timeout
    try:
        with http.request(
            method,
            url,
            data=data,
            json=json_body,
            headers={**(headers or {}), "Connection": "close"},
            timeout=(timeout, timeout),
            stream=True,
        ) as response:
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_content(65_536):
                chunks.append(chunk)
                size += len(chunk)
                if monotonic() > deadline:
                    raise _timeout(engine, timeout, "no full answer")
                if size > max_bytes:
                    raise TtsError(
                        "tts_failed", engine=engine, reason=f"the reply from {url} is over {max_bytes} bytes"
                    )
            return Reply(response.status_code, response.headers.get("Content-Type", ""), b"".join(chunks))
    except requests.Timeout as exc:
        raise _timeout(engine, timeout) from exc
    except requests.RequestException as exc:
        raise TtsError("tts_failed", engine=engine, reason=f"cannot reach {url}: {type(exc).__name__}") from exc
    finally:
        if own:
            http.close()


def post(url: str, **kwargs: Any) -> Reply:
    return request("POST", url, **kwargs)


def get(url: str, **kwargs: Any) -> Reply:
    return request("GET", url, **kwargs)


def audio_reply(reply: Reply, *, engine: str, url: str, voice: str) -> Clip:
    """The audio a service sent back: a refusal (not 200) or a JSON message in its place is a TtsError."""
    if reply.status != 200:
        raise status_error(engine, reply.status, url)
    if "json" in reply.content_type or reply.body[:1] in (b"{", b"["):
        raise TtsError("tts_failed", engine=engine, reason=f"{url} answered with a message, not audio")
    return audio_clip(reply.body, engine=engine, voice=voice)


def audio_clip(data: bytes, *, engine: str, voice: str, fmt: str = "", timeout: float = 30.0) -> Clip:
    """Mono 16-bit PCM from a WAV (read directly when it is mono 16-bit) or another format (through ffmpeg)."""
    if not data:
        raise TtsError("tts_failed", engine=engine, reason="the reply carries no audio")
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        try:
            with wave.open(io.BytesIO(data)) as wav:
                if wav.getnchannels() == 1 and wav.getsampwidth() == 2:
                    pcm = wav.readframes(wav.getnframes())
                    if not pcm:
                        raise TtsError("tts_failed", engine=engine, reason="the WAV in the reply is empty")
                    return Clip(pcm=pcm, sample_rate=wav.getframerate(), engine=engine, voice=voice)
        except (wave.Error, EOFError) as exc:
            raise TtsError("tts_failed", engine=engine, reason=f"the WAV in the reply is damaged: {exc}") from exc
        fmt = "wav"
    elif not fmt:
        fmt = "mp3" if data[:3] == b"ID3" or (data[0] == 0xFF and data[1] & 0xE0 == 0xE0) else ""
    if not fmt:
        raise TtsError("tts_failed", engine=engine, reason="the reply is not audio Loa knows (not WAV or MP3)")
    try:
        clip = decode_audio(data, fmt, timeout=timeout)
    except AudioError as exc:
        reason = exc.params.get("reason", exc)
        raise TtsError("tts_failed", engine=engine, reason=f"cannot decode the audio: {reason}") from exc
    if not clip.pcm:
        raise TtsError("tts_failed", engine=engine, reason="the audio in the reply is empty")
    return Clip(pcm=clip.pcm, sample_rate=clip.sample_rate, engine=engine, voice=voice)


def join_clips(clips: list[Clip], *, engine: str, voice: str) -> Clip:
    """The pieces of one sentence as one clip; they must share a rate."""
    if not clips:
        raise TtsError("nothing_speakable")
    rates = {c.sample_rate for c in clips}
    if len(rates) != 1:
        raise TtsError("tts_failed", engine=engine, reason="the pieces of one sentence came at different rates")
    return Clip(pcm=b"".join(c.pcm for c in clips), sample_rate=rates.pop(), engine=engine, voice=voice)


def pieces(text: str, limit: int) -> list[str]:
    """`text` cut at its pauses into pieces a service takes."""
    found = chunk_text(text, limit)
    if not found:
        raise TtsError("nothing_speakable")
    return found


_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]{1,63}$")


def common_problems(url: str, key_env: str, timeout: float, *, key_needed: bool = True) -> list[EngineProblem]:
    """The settings every cloud engine has: an http(s) address, the name of its key's variable, a timeout."""
    found = []
    if not re.match(r"^https?://[^\s/]+", url):
        found.append(EngineProblem(key="url", expected="exp_url", value=url))
    if (key_needed or key_env) and not _ENV_NAME.match(key_env):
        found.append(EngineProblem(key="key_env", expected="exp_env_name", value=key_env))
    if not 0.1 <= timeout <= 600:
        found.append(
            EngineProblem(key="timeout_seconds", expected="exp_range", value=timeout, params={"low": 0.1, "high": 600})
        )
    return found
