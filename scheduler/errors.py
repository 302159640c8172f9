"""Loa's errors, one tree for every layer.

LoaError (audio.errors)          code + params; localized by scheduler.messages
 +-- TtsError                    a speech engine failed (audio)
 +-- AudioError                  assembly, encoding or playout failed (audio)
 +-- ChannelError                a channel could not deliver (broadcasts)
 |                               .channel .status .retryable .sent .auth
 +-- StoreError                  the database cannot be reached (broadcasts)
 +-- NotFoundError, LookupError  no record with that id (broadcasts)
 +-- ConfigError, ValueError     a bad or missing setting (scheduler)
 +-- PlanError, ValueError       a document is not a readable plan (scheduler)
 +-- UsageError, ValueError      bad command-line input (scheduler)
"""

from __future__ import annotations

from audio.errors import AudioError, LoaError, TtsError
from broadcasts.errors import ChannelError, NotFoundError, StoreError

__all__ = [
    "LoaError",
    "TtsError",
    "AudioError",
    "ChannelError",
    "StoreError",
    "NotFoundError",
    "ConfigError",
    "PlanError",
    "UsageError",
]


class ConfigError(LoaError, ValueError):
    """A configuration file is missing, malformed or has a bad value."""

    code = "config_invalid"


class PlanError(LoaError, ValueError):
    """A document could not be read as a communication plan."""

    code = "plan_invalid"


class UsageError(LoaError, ValueError):
    """A command-line argument has a value Loa cannot use."""

    code = "usage"
