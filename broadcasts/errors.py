"""Errors of the broadcasts layer: channels and the store."""

from __future__ import annotations

from typing import Any

from audio.errors import LoaError
from broadcasts.redact import scrub_value

__all__ = ["ChannelError", "StoreError", "NotFoundError", "TextError"]


class ChannelError(LoaError):
    """A channel could not deliver.

    `retryable`: a clear transient error (nothing was published; try again).
    `sent`: the request may have reached the service, so the outcome is unclear
    and it must not be re-sent blindly. Both at once: unclear, and the channel
    asks to be called again after `retry_after` to look again (it re-sends
    only once it is sure nothing went out); unknown when the attempts run out.
    `auth`: the credentials are expired or revoked; the channel stops.
    """

    code = "channel_failed"

    def __init__(
        self,
        code: str | None = None,
        /,
        *,
        channel: str,
        status: int | None = None,
        retryable: bool = False,
        sent: bool = False,
        auth: bool = False,
        **params: Any,
    ) -> None:
        super().__init__(code, channel=channel, **scrub_value(params))  # a reply may echo the token
        self.channel = channel
        self.status = status
        self.retryable = retryable
        self.sent = sent
        self.auth = auth


class StoreError(LoaError):
    """The database cannot be reached or used."""

    code = "db_unreachable"


class NotFoundError(LoaError, LookupError):
    """A record asked for by id does not exist (kind, id)."""

    code = "not_found"


class TextError(LoaError, ValueError):
    """A text to store holds characters no database keeps: NUL, or half of a UTF-16 pair (field)."""

    code = "text_bad_characters"
