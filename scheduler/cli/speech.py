"""`loa normalize` and `loa say`: the speakable text of a bulletin, and its sound as an MP3."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from scheduler.cli.options import common_options, say
from scheduler.cli.options import state as current_state
from scheduler.messages import text

if TYPE_CHECKING:
    from audio.text import Reading

__all__ = ["normalize", "say_command"]


@click.command()
@click.argument("text_arg", metavar="TEXT")
@click.option(
    "--explain",
    is_flag=True,
    help="Cho biết quy tắc nào đọc từng phần / show which rule read each part (written -> spoken, rule).",
)
@common_options
def normalize(text_arg: str, explain: bool) -> None:
    """In văn bản sẽ được đọc / print the speakable text."""
    from scheduler.app import build_speaker
    from scheduler.errors import UsageError

    state = current_state()
    config = state.config_or_defaults()
    source = sys.stdin.read() if text_arg == "-" else text_arg
    if not source.strip():
        raise UsageError("empty_text")
    speaker = build_speaker(config, tts=_NoEngine())
    speakable = speaker.speakable(source)
    if not speakable.strip():
        raise UsageError("nothing_speakable")
    say(speakable)
    if explain:
        from audio.text import explain as explain_text
        from scheduler.config import config_path

        readings = explain_text(source, speaker.options).readings
        say("\n".join(_explanation(readings, state.language, str(config_path(state.config)))))


def _explanation(readings: Sequence[Reading], lang: str, config_file: str) -> list[str]:
    """A table of the readings (written, spoken, rule) and where a station adds its own entries."""
    rows = [(text("explain_written", lang), text("explain_spoken", lang), text("explain_rule", lang))]
    rows += [(r.written or "—", r.spoken or "—", text(f"rule_{r.rule}", lang)) for r in readings]
    width = min(32, max(len(row[0]) for row in rows))
    lines = ["", text("explain_title", lang)]
    lines += [f"  {written:<{width}}  →  {spoken}  [{rule}]" for written, spoken, rule in rows]
    if not readings:
        lines.append("  " + text("explain_nothing", lang))
    lines += ["", text("explain_own_entries", lang, path=config_file)]
    return lines


class _NoEngine:
    """Stands in for the engines where only normalization is needed."""

    name = "none"

    def synthesize(self, text: str, voice: str) -> Any:  # pragma: no cover - never called
        raise AssertionError("normalize does not speak")


@click.command("say")
@click.argument("text_arg", metavar="TEXT")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="Tệp MP3 ra / output MP3.")
@click.option("--engine", default=None, help="Bộ đọc / speech engine (espeak, gtts, piper, fpt, viettel, openai).")
@click.option("--voice", default=None, help="Giọng của bộ đọc đó / that engine's voice (e.g. banmai).")
@common_options
def say_command(text_arg: str, out: str, engine: str | None, voice: str | None) -> None:
    """Đọc văn bản thành tệp MP3 / render TEXT (or - for stdin) to an MP3."""
    import dataclasses

    from audio.engines import engine_names, engine_type
    from audio.speech import render_script
    from scheduler.app import build_speaker, encode_settings
    from scheduler.errors import UsageError

    target = Path(out)
    if target.suffix.lower() != ".mp3":
        raise UsageError("say_not_mp3", suffix=target.suffix or target.name)
    if not target.parent.is_dir():
        raise UsageError("output_folder_missing", folder=str(target.parent))
    state = current_state()
    config = state.config_or_defaults()
    speech = config.speech
    if engine:
        if engine not in engine_names():
            raise UsageError("tts_unknown_engine", engine=engine, known=", ".join(engine_names()))
        speech = dataclasses.replace(speech, engines=(engine,))
    if voice is not None:
        name = speech.engines[0]
        known = engine_type(name).voice_ids()
        if not voice.strip() or (known and voice not in known):
            raise UsageError("tts_unknown_voice", engine=name, voice=voice, known=", ".join(known) or "-")
        speech = dataclasses.replace(speech, voices={**speech.voices, name: voice})
    config = dataclasses.replace(config, speech=speech)
    source = sys.stdin.read() if text_arg == "-" else text_arg
    rendered = render_script(
        [source], build_speaker(config), target, settings=encode_settings(config), pause_ms=config.audio.pause_ms
    )
    say(
        text(
            "said",
            state.language,
            path=rendered.path,
            seconds=f"{rendered.seconds:.1f}",
            # the voice when it is an engine's own (banmai, hn-quynhanh), not the station's default "vi"
            engine=f"{rendered.engine} ({rendered.voice})"
            if rendered.voice and rendered.voice != config.speech.voice
            else rendered.engine,
            sha256=rendered.sha256,
        )
    )
