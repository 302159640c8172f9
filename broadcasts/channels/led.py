"""The LED screen channel's settings and wiring: slides for the board (a folder or a command), or text by MQTT.

`output` picks the way to the board:
- "folder": PNG slides at the board's resolution and a manifest JSON, written
  atomically into `folder`, where the board's software picks them up;
- "command": each slide handed to a configured command (`{file}` is the PNG);
- "mqtt": the text and the slide count as one JSON message to `mqtt_topic`
  (QoS 1), for boards and displays that draw text themselves.
The slides are drawn in `led_slides`, the channel is in `led_channel`, MQTT in
`led_mqtt`. The channel is off (`enabled = false`) until a station sets it up.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from broadcasts.channels.base import ChannelType, Context, Problem
from broadcasts.channels.journal import Journal
from broadcasts.channels.led_channel import LedChannel
from broadcasts.channels.led_slides import default_font, parse_color

__all__ = ["LedSettings", "OUTPUTS", "build", "problems", "CHANNEL"]

OUTPUTS = ("folder", "command", "mqtt")
_SIZE = (8, 8192)  # pixels, either side of the board


@dataclass(frozen=True, kw_only=True)
class LedSettings:
    """The `[channels.led]` table: the board's size and colours, and the way to it (folder, command or MQTT)."""

    enabled: bool = False
    output: str = "folder"
    width: int = 128
    height: int = 64
    folder: str = "led"
    command: tuple[str, ...] = ()
    command_timeout_seconds: float = 30.0
    font: str = ""  # a TrueType file; empty: Be Vietnam Pro SemiBold from its package
    min_font_px: int = 0  # 0: from the board's height
    max_font_px: int = 0
    title_color: str = "#ffb000"
    text_color: str = "#ffffff"
    background: str = "#000000"
    mqtt_host: str = "127.0.0.1"
    mqtt_port: int = 1883
    mqtt_topic: str = "loa/led"
    mqtt_username: str = ""
    mqtt_password_env: str = "LOA_LED_MQTT_PASSWORD"
    mqtt_tls: bool = False
    mqtt_retain: bool = False
    timeout_seconds: float = 10.0
    grace_minutes: float = 60.0


def build(settings: LedSettings, context: Context) -> LedChannel | None:
    """The LED channel, or None when `enabled = false`."""
    if not settings.enabled:
        return None
    return LedChannel(
        settings,
        folder=context.path(settings.folder),
        work=context.data_dir / "led",
        font=context.path(settings.font) if settings.font else default_font(),
        journal=Journal(context.evidence("journal", LedChannel.name)),
        password=partial(context.secret, settings.mqtt_password_env),
    )


def problems(settings: LedSettings, listed: bool) -> Iterator[Problem]:
    """What the LED channel cannot use: an unknown output, a board size, colours, a command without {file}."""
    if settings.output not in OUTPUTS:
        choices = {"choices": " | ".join(OUTPUTS)}
        yield Problem(key="output", expected="exp_choices", value=settings.output, params=choices)
    for key in ("width", "height"):
        value = getattr(settings, key)
        if not _SIZE[0] <= value <= _SIZE[1]:
            yield Problem(key=key, expected="exp_range", value=value, params={"low": _SIZE[0], "high": _SIZE[1]})
    for key in ("min_font_px", "max_font_px"):
        value = getattr(settings, key)
        if not 0 <= value <= 2000:
            yield Problem(key=key, expected="exp_range", value=value, params={"low": 0, "high": 2000})
    if settings.min_font_px and settings.max_font_px and settings.min_font_px > settings.max_font_px:
        yield Problem(key="max_font_px", expected="exp_led_font_sizes", value=settings.max_font_px)
    for key in ("title_color", "text_color", "background"):
        if parse_color(getattr(settings, key)) is None:
            yield Problem(key=key, expected="exp_led_color", value=getattr(settings, key))
    for key in ("command_timeout_seconds", "timeout_seconds"):
        if not 0 < getattr(settings, key) <= 3600:
            yield Problem(key=key, expected="exp_range", value=getattr(settings, key), params={"low": 0, "high": 3600})
    if not 0 < settings.mqtt_port < 65536:
        yield Problem(key="mqtt_port", expected="exp_range", value=settings.mqtt_port, params={"low": 1, "high": 65535})
    active = listed and settings.enabled
    if active and settings.output == "command" and not any("{file}" in word for word in settings.command):
        yield Problem(key="command", expected="exp_led_command", value=list(settings.command))
    topic = settings.mqtt_topic
    if active and settings.output == "mqtt" and (not topic or any(c in topic for c in "#+")):
        yield Problem(key="mqtt_topic", expected="exp_led_topic", value=settings.mqtt_topic)
    if active and settings.output == "folder" and not settings.folder.strip():
        yield Problem(key="folder", expected="exp_led_folder", value=settings.folder)


CHANNEL = ChannelType(settings=LedSettings, build=build, problems=problems)
