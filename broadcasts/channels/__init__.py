"""The channels: the registry of channel names and their classes.

A new channel is one module plus one line in CHANNEL_CLASSES. Channels are
imported only when asked for, so importing `broadcasts` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["CHANNEL_CLASSES", "channel_class"]

CHANNEL_CLASSES = {
    "radio": "broadcasts.channels.radio:RadioChannel",
    "facebook": "broadcasts.channels.facebook:FacebookChannel",
    "zalo": "broadcasts.channels.zalo:ZaloChannel",
}


def channel_class(name: str) -> Any:
    """The class of the channel called `name`."""
    module, _, attribute = CHANNEL_CLASSES[name].partition(":")
    return getattr(importlib.import_module(module), attribute)
