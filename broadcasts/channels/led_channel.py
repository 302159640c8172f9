"""The LED screen channel itself: each bulletin's slides to the board once, and what to say after a crash.

Every hand-over is journalled (`sending`, durably) before it starts and
marked `done` after it; what that means per output:

- folder: the slides `{key}-01.png`, `{key}-02.png`, ... and then the manifest
  `{key}.json` (which lists them) are written atomically (temp file, fsync,
  rename). The board's software should watch for manifests: a manifest is
  there only once all its slides are. After a crash mid-write, a manifest in
  the folder means delivered; none means unclear (the board's software may
  have taken it away already), so the airing is `unknown`, not written again;
- command: one run of the command per slide, each its own journal step, so a
  retry hands over only the slides not yet `done`. A command that exits with
  a status other than 0 said no (that slide may be tried again); one that is
  stopped at its timeout, or a crash while it runs, is unclear: `unknown`;
- mqtt: one message; see `led_mqtt` for what is sure and what is not.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audio.sinks.process import PlayerProcess, last_line
from broadcasts.channels.base import ERROR, OK, Broadcast, Delivery, Finding
from broadcasts.channels.journal import DONE, SENDING, Journal, write_durably
from broadcasts.channels.led_mqtt import Broker, probe, publish
from broadcasts.channels.led_slides import Look, Slide, render, slides_of
from broadcasts.errors import ChannelError
from broadcasts.models import Outcome
from broadcasts.redact import remember

if TYPE_CHECKING:
    from broadcasts.channels.led import LedSettings

__all__ = ["LedChannel"]


class LedChannel:
    """Shows bulletins on the LED board: slides in a folder or through a command, or text by MQTT."""

    name = "led"

    def __init__(
        self,
        settings: LedSettings,
        *,
        folder: Path,
        work: Path,
        font: Path,
        journal: Journal,
        password: Callable[[], str | None] | None = None,
    ) -> None:
        self.settings = settings
        self.folder = folder
        self.work = work
        self.font = font
        self.journal = journal
        self._password = password or (lambda: None)

    # ---- what goes out ---------------------------------------------------------------------

    @property
    def look(self) -> Look:
        s = self.settings
        return Look(
            width=s.width,
            height=s.height,
            font=self.font,
            min_size=s.min_font_px,
            max_size=s.max_font_px,
            title_color=s.title_color,
            text_color=s.text_color,
            background=s.background,
        )

    def slides(self, broadcast: Broadcast) -> list[Slide]:
        """The bulletin as slides for this board: the title first, then one per sentence group."""
        try:
            return slides_of(broadcast.title, broadcast.body, self.look)
        except OSError as exc:  # the font file cannot be read
            raise ChannelError("led_font", channel=self.name, font=str(self.font), reason=str(exc)) from exc

    def manifest(self, broadcast: Broadcast, files: list[str], slides: list[Slide]) -> dict[str, Any]:
        return {
            "version": 1,
            "key": broadcast.key,
            "station": broadcast.station_name,
            "due_at": broadcast.local_due.isoformat(),
            "priority": broadcast.priority,
            "title": broadcast.title,
            "text": broadcast.body,
            "width": self.settings.width,
            "height": self.settings.height,
            "slides": [{"file": f, "text": s.text, "title": s.title} for f, s in zip(files, slides, strict=True)]
            if files
            else [{"text": s.text, "title": s.title} for s in slides],
        }

    def _posted(self, broadcast: Broadcast, url: str, detail: dict[str, Any]) -> Delivery:
        return Delivery(outcome=Outcome.posted, external_id=broadcast.key, external_url=url, detail=detail)

    def _unclear(self, broadcast: Broadcast, step: str) -> ChannelError:
        return ChannelError("led_unclear", channel=self.name, sent=True, key=broadcast.key, step=step)

    @property
    def _url(self) -> str:
        s = self.settings
        if s.output == "mqtt":
            return f"mqtt://{s.mqtt_host}:{s.mqtt_port}/{s.mqtt_topic}"
        return self.folder.resolve().as_uri() if s.output == "folder" else s.output

    # ---- publishing -----------------------------------------------------------------------

    def publish(self, broadcast: Broadcast) -> Delivery:
        output = self.settings.output
        if output == "mqtt":
            return self._mqtt(broadcast)
        if output == "command":
            return self._command(broadcast)
        return self._folder(broadcast)

    def _manifest_path(self, broadcast: Broadcast) -> Path:
        return self.folder / f"{broadcast.key}.json"

    def _folder(self, broadcast: Broadcast) -> Delivery:
        key = broadcast.key
        step = self.journal.load(key).get("folder")
        manifest = self._manifest_path(broadcast)
        if step and (step.get("state") == DONE or manifest.is_file()):
            self.journal.mark(key, "folder", DONE, slides=step.get("slides"))
            return self._posted(broadcast, manifest.resolve().as_uri(), {"slides": step.get("slides"), "resumed": True})
        if step:
            raise self._unclear(broadcast, "folder")
        slides = self.slides(broadcast)
        files = [f"{key}-{i:02d}.png" for i in range(1, len(slides) + 1)]
        images = [render(slide, self.look) for slide in slides]
        body = json.dumps(self.manifest(broadcast, files, slides), ensure_ascii=False, indent=2).encode("utf-8")
        self.journal.mark(key, "folder", SENDING, slides=len(slides))
        try:
            for name, image in zip(files, images, strict=True):
                write_durably(self.folder / name, image, mode=0o644)
            write_durably(manifest, body, mode=0o644)  # last: the board's software sees a manifest once all is there
        except OSError as exc:
            self.journal.forget(key, "folder")  # no manifest: nothing the board's software takes
            raise ChannelError(
                "led_folder_failed", channel=self.name, retryable=True, folder=str(self.folder), reason=str(exc)
            ) from exc
        self.journal.mark(key, "folder", DONE, slides=len(slides))
        detail = {"slides": len(slides), "files": files, "size": self._size}
        return self._posted(broadcast, manifest.resolve().as_uri(), detail)

    @property
    def _size(self) -> str:
        return f"{self.settings.width}x{self.settings.height}"

    def argv(self, file: Path, broadcast: Broadcast, number: int, count: int) -> list[str]:
        """The command for one slide: {file}, {key}, {slide} and {count} replaced in each word."""
        values = {"{file}": str(file), "{key}": broadcast.key, "{slide}": str(number), "{count}": str(count)}
        words = []
        for word in self.settings.command:
            for name, value in values.items():
                word = word.replace(name, value)
            words.append(word)
        return words

    def _command(self, broadcast: Broadcast) -> Delivery:
        key = broadcast.key
        steps = self.journal.load(key)
        slides = self.slides(broadcast)
        count = len(slides)
        for number, slide in enumerate(slides, start=1):
            name = f"slide-{number:02d}"
            state = steps.get(name, {}).get("state")
            if state == DONE:
                continue
            if state is not None:
                raise self._unclear(broadcast, name)
            path = self.work / key / f"{key}-{number:02d}.png"
            try:
                write_durably(path, render(slide, self.look), mode=0o644)
            except OSError as exc:
                raise ChannelError(
                    "led_folder_failed", channel=self.name, retryable=True, folder=str(path.parent), reason=str(exc)
                ) from exc
            self._run(broadcast, name, self.argv(path, broadcast, number, count))
        return self._posted(broadcast, self._url, {"slides": count, "size": self._size, "resumed": bool(steps)})

    def _run(self, broadcast: Broadcast, step: str, argv: list[str]) -> None:
        key, program = broadcast.key, Path(argv[0]).name if argv else "-"
        if not argv:
            raise ChannelError("led_command_missing", channel=self.name, program="-", reason="no command")
        self.journal.mark(key, step, SENDING)
        try:
            # one process runner per run: the runner's workers may hand over two airings at once
            result = PlayerProcess(grace=1.0, group=True).run(argv, timeout=self.settings.command_timeout_seconds)
        except OSError as exc:
            self.journal.forget(key, step)
            raise ChannelError("led_command_missing", channel=self.name, program=argv[0], reason=str(exc)) from exc
        if result.timed_out or result.stopped:
            raise ChannelError(
                "led_command_timeout",
                channel=self.name,
                sent=True,
                program=program,
                seconds=f"{self.settings.command_timeout_seconds:g}",
            )
        if result.returncode != 0:
            self.journal.forget(key, step)
            raise ChannelError(
                "led_command_failed",
                channel=self.name,
                retryable=True,
                program=program,
                exit=result.returncode,
                reason=last_line(result.stderr) or "-",
            )
        self.journal.mark(key, step, DONE)

    def broker(self) -> Broker:
        s = self.settings
        try:
            password = self._password() if s.mqtt_username else None
        except Exception as exc:  # an unreadable secrets file: stop the channel with its own words
            code = getattr(exc, "code", "led_mqtt_login")
            params = {"reason": str(exc), "env": s.mqtt_password_env, **getattr(exc, "params", {})}
            raise ChannelError(code, channel=self.name, auth=True, **params) from exc
        if password:
            remember(password)
        return Broker(
            host=s.mqtt_host,
            port=s.mqtt_port,
            topic=s.mqtt_topic,
            username=s.mqtt_username,
            password=password,
            tls=s.mqtt_tls,
            timeout=s.timeout_seconds,
            retain=s.mqtt_retain,
        )

    def _mqtt(self, broadcast: Broadcast) -> Delivery:
        key = broadcast.key
        step = self.journal.load(key).get("mqtt")
        if step and step.get("state") == DONE:
            return self._posted(broadcast, self._url, {"mid": step.get("mid"), "resumed": True})
        if step:
            raise self._unclear(broadcast, "mqtt")
        slides = self.slides(broadcast)
        message = {**self.manifest(broadcast, [], slides), "slide_count": len(slides)}
        payload = json.dumps(message, ensure_ascii=False).encode("utf-8")
        try:
            mid = publish(
                self.broker(),
                payload,
                channel=self.name,
                before_send=lambda: self.journal.mark(key, "mqtt", SENDING),
            )
        except ChannelError as exc:
            if not exc.sent:
                self.journal.forget(key, "mqtt")
            raise
        self.journal.mark(key, "mqtt", DONE, mid=mid)
        detail = {"mid": mid, "slides": len(slides), "topic": self.settings.mqtt_topic}
        return self._posted(broadcast, self._url, detail)

    # ---- after a crash ---------------------------------------------------------------------

    def reconcile(self, broadcast: Broadcast) -> Delivery | None:
        """Delivered by the journal (or, for a folder, its manifest there): the Delivery; else None."""
        steps = self.journal.load(broadcast.key)
        if self.settings.output == "folder" and (
            steps.get("folder", {}).get("state") == DONE or self._manifest_path(broadcast).is_file()
        ):
            return self._posted(broadcast, self._manifest_path(broadcast).resolve().as_uri(), {"from_journal": True})
        if self.settings.output == "mqtt" and steps.get("mqtt", {}).get("state") == DONE:
            return self._posted(broadcast, self._url, {"from_journal": True})
        done = [s for s in steps.values() if s.get("state") == DONE]
        if self.settings.output == "command" and steps and len(done) == len(steps) == len(self.slides(broadcast)):
            return self._posted(broadcast, self._url, {"from_journal": True})
        return None

    def recover(self, broadcast: Broadcast) -> Delivery | None:
        steps = self.journal.load(broadcast.key)
        if not steps:
            return None  # nothing was started: run it again
        found = self.reconcile(broadcast)
        if found is not None:
            return found
        if all(step.get("state") == DONE for step in steps.values()):
            return None  # some slides went out, none was in flight: a new run hands over only the others
        return Delivery(outcome=Outcome.unknown, error_code="led_unclear")

    def carry_over(self, old: Broadcast, new: Broadcast) -> list[str]:
        return self.journal.carry_over(old.key, new.key)

    # ---- loa channels check ---------------------------------------------------------------

    def check(self) -> list[Finding]:
        """Can Loa reach the board: the folder writable, the command there, the broker answering? Never raises."""
        s = self.settings
        findings = [Finding(level=OK, code="check_led_board", params={"size": self._size, "output": s.output})]
        if not self.font.is_file():
            findings.append(Finding(level=ERROR, code="check_led_font", params={"font": str(self.font)}))
        if s.output == "folder":
            findings.append(self._check_folder())
        elif s.output == "command":
            program = s.command[0] if s.command else ""
            found = shutil.which(program) if program else None
            level, code = (OK, "check_led_command") if found else (ERROR, "check_led_no_command")
            findings.append(Finding(level=level, code=code, params={"program": program or "-"}))
        else:
            try:
                probe(self.broker(), channel=self.name)
                findings.append(Finding(level=OK, code="check_led_mqtt", params={"broker": self._url}))
            except ChannelError as exc:
                findings.append(Finding(level=ERROR, code=exc.code, params=dict(exc.params)))
        return findings

    def _check_folder(self) -> Finding:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=".loa-check-", dir=self.folder)
            os.close(fd)
            os.unlink(name)
        except OSError as exc:
            return Finding(level=ERROR, code="check_led_folder_bad", params={"folder": str(self.folder), "reason": exc})
        return Finding(level=OK, code="check_led_folder", params={"folder": str(self.folder)})
