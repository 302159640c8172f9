"""A local stand-in for the Google Translate speech endpoint that gTTS talks to.

It answers `POST /_/TranslateWebserverUi/data/batchexecute` the way the real
service does: an anti-JSON prefix, then length-prefixed JSON lines, one of
which carries the RPC `jQ1olc` with the MP3 in base64. The MP3 is a real
24 kHz mono MPEG-2 file (like gTTS's), 60 ms of tone per character of text.
Faults come from the base class: `hold()` (a server that hangs), `reply(...)`
(garbage), and `refused_url()` gives an address that refuses connections.
"""

from __future__ import annotations

import base64
import json
import socket
import subprocess
from functools import lru_cache
from urllib.parse import parse_qs

from audio.engines.gtts import RPC_PATH
from audio.mix import ffmpeg_exe
from tests.fakes.http_server import FakeServer, Reply, Seen

RPC = "jQ1olc"


@lru_cache(maxsize=1)
def tone_frames() -> bytes:
    """About one second of a 330 Hz tone as bare MP3 frames (no tags, no Xing header), 24 kHz mono."""
    command = [
        ffmpeg_exe(),
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostdin",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=330:sample_rate=24000:duration=1",
        "-ac",
        "1",
        "-c:a",
        "libmp3lame",
        "-b:a",
        "32k",
        "-write_xing",
        "0",
        "-id3v2_version",
        "0",
        "-f",
        "mp3",
        "pipe:1",
    ]
    return subprocess.run(command, capture_output=True, check=True, timeout=60).stdout


def mp3_for(text: str) -> bytes:
    """Some MP3 audio whose length grows with the text."""
    frames = tone_frames()
    frame_len = 96  # 32 kbit/s at 24 kHz: 72 * 32000 / 24000 bytes a frame
    count = max(2, len(text) * 60 // 24)  # a frame is 24 ms
    whole = frames * (count * frame_len // len(frames) + 1)
    return whole[: count * frame_len]


def batchexecute_reply(audio: bytes) -> str:
    """A reply in the service's format carrying `audio`."""
    payload = json.dumps(
        [
            ["wrb.fr", RPC, json.dumps([base64.b64encode(audio).decode("ascii")]), None, None, None, "generic"],
            ["di", 45],
            ["af.httprm", 44, "-1234567890", 12],
        ],
        separators=(",", ":"),
    )
    tail = f'[["e",4,null,null,{len(payload) + 60}]]'
    return f")]}}'\n\n{len(payload)}\n{payload}\n{len(tail)}\n{tail}\n"


def refused_url() -> str:
    """A local address where nothing listens: connecting is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class GttsServer(FakeServer):
    """Speaks the batchexecute protocol; records the texts it was asked to read."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.langs: list[str] = []

    def route(self, seen: Seen) -> Reply:
        if seen.method != "POST" or seen.path != RPC_PATH:
            return Reply(404, "not found")
        try:
            request = json.loads(parse_qs(seen.body.decode("utf-8"))["f.req"][0])
            rpc_id, parameter = request[0][0][0], json.loads(request[0][0][1])
        except (KeyError, ValueError, IndexError, TypeError):
            return Reply(400, ')]}\'\n\n[["er",null,null,null,null,400]]')
        if rpc_id != RPC:
            return Reply(400, "unknown rpc")
        text, lang = parameter[0], parameter[1]
        with self.lock:
            self.texts.append(text)
            self.langs.append(lang)
        return Reply(200, batchexecute_reply(mp3_for(text)), {"Content-Type": "application/json; charset=utf-8"})
