"""The channels: the registry, the one list of every channel Loa can use.

A new channel is one module plus one line in CHANNELS. The module offers
`CHANNEL`, a `ChannelType` (base.py): its settings dataclass, read from
`[channels.<name>]`, and how to build the channel from them. Config loading,
`build_app`, the runner, the report and the API document all ask the registry
when they run, and modules are imported only when asked for, so importing
`broadcasts.channels` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from broadcasts.channels.base import ChannelType

__all__ = ["CHANNELS", "channel_names", "channel_type", "default_channels"]

CHANNELS: dict[str, str] = {
    "radio": "broadcasts.channels.radio",
    "facebook": "broadcasts.channels.facebook",
    "zalo": "broadcasts.channels.zalo",
    "led": "broadcasts.channels.led",
    "portal": "broadcasts.channels.portal",
    "email": "broadcasts.channels.email",
}


def channel_names() -> tuple[str, ...]:
    """The names of every registered channel, in the registry's order."""
    return tuple(CHANNELS)


def channel_type(name: str) -> ChannelType[Any]:
    """What the registry knows of the channel called `name`; KeyError if there is none."""
    module = importlib.import_module(CHANNELS[name])
    kind: ChannelType[Any] = module.CHANNEL
    return kind


def default_channels() -> tuple[str, ...]:
    """The channels enabled when `[channels] enabled` is not set: every one whose type is not off by default."""
    return tuple(name for name in CHANNELS if channel_type(name).default_on)
