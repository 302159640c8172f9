"""Local stand-ins for the cloud speech services, each speaking its documented API (audio/engines/<engine>.py).

- `FptServer`: `POST /hmi/tts/v5` with `api-key`, `voice`, `speed`, `format` headers and the text as the body,
  answers `{"async": <url>, "error": 0, ...}`; the file at that URL answers 404 for the first `late` looks
  (None: it never appears), then the MP3. A wrong key is a 401 with the gateway's message, an unknown voice a
  200 with `error` 1 (as the service does), text under 3 characters likewise.
- `ViettelServer`: `POST /tts/speech_synthesis` with the JSON body; the token is in the body; a bad token is a
  401 JSON message, `tts_return_option` 2 is WAV (3 MP3), the reply the audio itself.
- `OpenAISpeechServer`: `POST /v1/audio/speech`, `Authorization: Bearer`, JSON body; WAV/MP3 in the reply.

Faults from the base class: `fail(method, path, reply(429, ...))`, `hold()`, garbage replies. `Ticker` is a fake
monotonic clock whose `sleep` moves it on, for FPT's bounded polling.
"""

from __future__ import annotations

import io
import math
import struct
import uuid
import wave

from tests.fakes.gtts_server import mp3_for
from tests.fakes.http_server import FakeServer, Reply, Seen

__all__ = ["FptServer", "ViettelServer", "OpenAISpeechServer", "Ticker", "wav_for", "KEY"]

KEY = "khoa-bi-mat-0123456789"
RATE = 22_050


def wav_for(text: str, rate: int = RATE) -> bytes:
    """A mono 16-bit WAV of a tone, 60 ms per character of text."""
    frames = max(rate // 10, len(text) * rate * 60 // 1000)
    pcm = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 330 * i / rate))) for i in range(frames))
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm)
    return out.getvalue()


class Ticker:
    """A monotonic clock that moves only when slept on."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class FptServer(FakeServer):
    VOICES = ("banmai", "thuminh", "leminh", "myan", "giahuy", "lannhi", "linhsan", "minhquang")

    def __init__(self, *, late: int | None = 0) -> None:
        super().__init__()
        self.late = late  # looks at a file's address that find nothing before it appears; None: never
        self.files: dict[str, tuple[bytes, int]] = {}  # name -> (mp3, looks so far)
        self.texts: list[str] = []

    def route(self, seen: Seen) -> Reply:
        if seen.method == "POST" and seen.path == "/hmi/tts/v5":
            return self._synthesize(seen)
        if seen.method == "GET" and seen.path.startswith("/text2speech-v5/short/"):
            return self._file(seen.path.rsplit("/", 1)[-1])
        return Reply(404, {"message": "no Route matched with those values"})

    def _synthesize(self, seen: Seen) -> Reply:
        if KEY not in (seen.headers.get("api_key"), seen.headers.get("api-key")):
            return Reply(401, {"message": "Invalid authentication credentials"})
        text = seen.body.decode("utf-8")
        voice = seen.headers.get("voice", "banmai")
        if voice not in self.VOICES:
            return Reply(200, {"error": 1, "message": f"voice {voice} is not supported", "request_id": "x"})
        if len(text.strip()) < 3:
            return Reply(200, {"error": 1, "message": "text must have at least 3 characters", "request_id": "x"})
        name = uuid.uuid4().hex + ".mp3"
        with self.lock:
            self.texts.append(text)
            self.files[name] = (mp3_for(text), 0)
        return Reply(
            200,
            {
                "async": f"{self.url}/text2speech-v5/short/2026-12-06/{name}",
                "error": 0,
                "message": "The content will be returned after a few seconds under the async link.",
                "request_id": str(uuid.uuid4()),
            },
        )

    def _file(self, name: str) -> Reply:
        with self.lock:
            if name not in self.files:
                return Reply(404, "<Error><Code>NoSuchKey</Code></Error>", {"Content-Type": "application/xml"})
            audio, looks = self.files[name]
            self.files[name] = (audio, looks + 1)
        if self.late is None or looks < self.late:
            return Reply(404, "<Error><Code>NoSuchKey</Code></Error>", {"Content-Type": "application/xml"})
        return Reply(200, audio, {"Content-Type": "audio/mpeg"})


class ViettelServer(FakeServer):
    VOICES = ("hn-quynhanh", "hn-thanhtung", "hue-maingoc", "hue-baoquoc", "hcm-diemmy", "hcm-minhquan")

    def __init__(self) -> None:
        super().__init__()
        self.bodies: list[dict[str, object]] = []

    def route(self, seen: Seen) -> Reply:
        if seen.method != "POST" or seen.path != "/tts/speech_synthesis":
            return Reply(404, {"message": "Not Found"})
        try:
            body = seen.json
            text, voice, token = body["text"], body["voice"], body["token"]
        except (ValueError, KeyError, TypeError):
            return Reply(400, {"code": 400, "message": "Bad request"})
        if token != KEY:
            return Reply(401, {"code": 401, "message": "Token không hợp lệ"})
        if voice not in self.VOICES:
            return Reply(400, {"code": 400, "message": "Voice not found"})
        with self.lock:
            self.bodies.append(body)
        if body.get("tts_return_option") == 3:
            return Reply(200, mp3_for(text), {"Content-Type": "audio/mpeg"})
        return Reply(200, wav_for(text), {"Content-Type": "audio/wav"})


class OpenAISpeechServer(FakeServer):
    def __init__(self, *, key: str | None = None) -> None:
        super().__init__()
        self.key = key
        self.bodies: list[dict[str, object]] = []

    def route(self, seen: Seen) -> Reply:
        if seen.method != "POST" or seen.path != "/v1/audio/speech":
            return Reply(404, {"detail": "Not Found"})
        if self.key is not None and seen.headers.get("authorization") != f"Bearer {self.key}":
            return Reply(401, {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}})
        try:
            body = seen.json
            text = body["input"]
        except (ValueError, KeyError, TypeError):
            return Reply(422, {"detail": [{"msg": "field required", "loc": ["body", "input"]}]})
        if len(text) > 4096:
            return Reply(400, {"error": {"message": "input is longer than 4096 characters"}})
        with self.lock:
            self.bodies.append(body)
        if body.get("response_format") == "mp3":
            return Reply(200, mp3_for(text), {"Content-Type": "audio/mpeg"})
        return Reply(200, wav_for(text), {"Content-Type": "audio/wav"})
