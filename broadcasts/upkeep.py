"""What the operator's commands ask of a social channel besides publishing: check, look up, carry over.

`loa channels check` calls `check()`, `loa reconcile` calls `reconcile()` and
`loa retry` calls `carry_over()`; each is a small protocol of its own, so a
channel without them (the radio) is simply skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from broadcasts.channel import Broadcast, Delivery

__all__ = ["Finding", "Checkable", "Reconcilable", "Resumable", "OK", "WARN", "ERROR"]

OK = "ok"
WARN = "warn"
ERROR = "error"


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One plain-words result of a check: a level and a message code with its parameters."""

    level: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Checkable(Protocol):
    """A channel that can verify its credentials and permissions against its service."""

    name: str

    def check(self) -> list[Finding]:
        """Ask the service what it thinks of the configured credentials; never raises."""
        ...


@runtime_checkable
class Reconcilable(Protocol):
    """A channel that can look up a post whose outcome is unknown."""

    name: str

    def reconcile(self, broadcast: Broadcast) -> Delivery | None:
        """The posted Delivery when the post is found; None when it is not (yet); ChannelError if it cannot look."""
        ...


@runtime_checkable
class Resumable(Protocol):
    """A channel that can start a retry with what already went out (a Zalo article, say)."""

    name: str

    def carry_over(self, old: Broadcast, new: Broadcast) -> list[str]:
        """Copy the finished steps of `old` to `new`; return their names."""
        ...
