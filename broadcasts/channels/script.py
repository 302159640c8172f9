"""How the radio frames a bulletin on air: the script's templates, their values in words, and the parts it reads."""

from __future__ import annotations

from dataclasses import dataclass

from audio.errors import AudioError
from audio.jingle import NO_JINGLE
from audio.text.lunar import read_lunar_date, solar_to_lunar
from audio.text.numbers import Dialect, read_month, read_number, read_time
from broadcasts.channels.base import Broadcast

__all__ = ["Script", "script_values", "spoken_parts", "TEMPLATE_FIELDS", "WEEKDAYS"]

WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
TEMPLATE_FIELDS = ("station", "weekday", "date", "time", "lunar", "lunar_date")


@dataclass(frozen=True, kw_only=True)
class Script:
    """How a bulletin is framed on air: greeting and closing templates, the jingle, the lunar date."""

    greeting: str = ""
    closing: str = ""
    jingle: str = NO_JINGLE  # "" for the generated chime, a sound file, or "none"
    lunar_date: bool = False
    base_dir: str = "."  # where a relative jingle path starts


def script_values(broadcast: Broadcast, *, lunar: bool = False, dialect: str = "north") -> dict[str, str]:
    """The template variables for a bulletin, in words, on its station-local air date."""
    local = broadcast.local_due
    spoken: Dialect = "south" if dialect == "south" else "north"
    lunar_words = read_lunar_date(solar_to_lunar(local.date()))
    return {
        "station": broadcast.station_name,
        "weekday": WEEKDAYS[local.weekday()],
        "date": f"{read_number(local.day, spoken)} tháng {read_month(local.month, spoken)} "
        f"năm {read_number(local.year, spoken)}",
        "time": read_time(local.hour, local.minute, dialect=spoken),
        "lunar_date": lunar_words,
        "lunar": f", tức ngày {lunar_words}" if lunar else "",
    }


def _fill(template: str, values: dict[str, str]) -> str:
    try:
        return template.format_map(values).strip()
    except (KeyError, IndexError, ValueError) as exc:
        raise AudioError("audio_failed", reason=f"bad template {template!r}: {exc}") from exc


def spoken_parts(broadcast: Broadcast, script: Script | None = None, *, dialect: str = "north") -> list[str]:
    """What the radio reads for a bulletin: the greeting, its title, its body, then the closing."""
    title = broadcast.title.strip()
    body = broadcast.body.strip()
    parts = [title, body] if title and title not in body else [body]
    if script is None or not (script.greeting.strip() or script.closing.strip()):
        return parts
    values = script_values(broadcast, lunar=script.lunar_date, dialect=dialect)
    return [_fill(script.greeting, values), *parts, _fill(script.closing, values)]
