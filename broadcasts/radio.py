"""The radio channel: speak the bulletin, archive the MP3, hand it to the playout sink."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from audio.mix import EncodeSettings
from audio.sink import Sink
from audio.speech import Rendered, Speaker, render_script
from broadcasts.channel import Broadcast, Delivery
from broadcasts.models import Outcome

__all__ = ["RadioChannel", "spoken_parts"]


def spoken_parts(broadcast: Broadcast) -> list[str]:
    """What the radio reads for a bulletin: its title, then its body."""
    title = broadcast.title.strip()
    body = broadcast.body.strip()
    return [title, body] if title and title not in body else [body]


class RadioChannel:
    """Renders Vietnamese speech and plays it out through one sink; one airing at a time."""

    name = "radio"

    def __init__(self, *, speaker: Speaker, sink: Sink, archive_dir: Path, settings: EncodeSettings,
                 pause_ms: int = 700) -> None:
        self.speaker = speaker
        self.sink = sink
        self.archive_dir = Path(archive_dir)
        self.settings = settings
        self.pause_ms = pause_ms

    def archive_path(self, broadcast: Broadcast) -> Path:
        """Where an airing's MP3 is kept: archive/YYYY/MM/DD/<key>.mp3 (station-local date)."""
        return self.archive_dir / f"{broadcast.local_due:%Y/%m/%d}" / f"{broadcast.key}.mp3"

    def _fingerprint(self, broadcast: Broadcast) -> str:
        """What the audio depends on: the spoken parts, the voice and the engines."""
        material = json.dumps([spoken_parts(broadcast), self.speaker.voice, getattr(self.speaker.engine, "name", ""),
                               self.settings.target_lufs, self.settings.bitrate], ensure_ascii=False)
        return hashlib.sha256(material.encode("utf-8")).hexdigest()

    def _prepared(self, broadcast: Broadcast) -> Rendered | None:
        path = self.archive_path(broadcast)
        try:
            meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if meta.get("fingerprint") != self._fingerprint(broadcast) or not path.exists():
            return None
        return Rendered(path=path, sha256=meta["sha256"], seconds=meta["seconds"], engine=meta["engine"])

    def prepare(self, broadcast: Broadcast) -> Rendered:
        """Render the bulletin to its archive path (with a sidecar), unless it is already rendered as is."""
        ready = self._prepared(broadcast)
        if ready is not None:
            return ready
        path = self.archive_path(broadcast)
        rendered = render_script(spoken_parts(broadcast), self.speaker, path,
                                 settings=self.settings, pause_ms=self.pause_ms)
        sidecar = path.with_suffix(".json")
        tmp = sidecar.with_suffix(".json.part")
        tmp.write_text(json.dumps({"sha256": rendered.sha256, "seconds": rendered.seconds, "engine": rendered.engine,
                                   "airing_id": broadcast.airing_id, "fingerprint": self._fingerprint(broadcast)}),
                       encoding="utf-8")
        os.replace(tmp, sidecar)
        return rendered

    def publish(self, broadcast: Broadcast) -> Delivery:
        rendered = self.prepare(broadcast)
        played = self.sink.play(rendered.path, key=broadcast.key)
        return Delivery(outcome=Outcome.aired, tts_engine=rendered.engine, audio_path=str(rendered.path),
                        audio_sha256=rendered.sha256, audio_seconds=rendered.seconds,
                        external_id=played.target, detail={"sink": played.sink})

    def interrupt(self) -> None:
        """Cut what is playing now, for an emergency."""
        self.sink.stop()

    def recover(self, broadcast: Broadcast) -> Delivery | None:
        played = self.sink.was_played(broadcast.key)
        if played is False:
            return None
        if played is None:
            return Delivery(outcome=Outcome.unknown, error_code="crashed_unclear")
        path = self.archive_path(broadcast)
        try:
            meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
        return Delivery(outcome=Outcome.aired, tts_engine=meta.get("engine"), audio_path=str(path),
                        audio_sha256=meta.get("sha256"), audio_seconds=meta.get("seconds"),
                        detail={"sink": self.sink.name, "recovered": True})
