"""The channel interface: what a channel is given (Broadcast) and what it returns (Delivery).

Every channel is a `Channel` (`publish` and `recover`). What only some channels
can do is a small Protocol of its own, checked with `isinstance`:

- `Preparable`: render ahead of air time (the radio);
- `Interruptible`: stop what is playing for an emergency (the radio);
- `Closeable`: hold connections to close at shutdown (the Icecast source);
- `Checkable`, `Reconcilable`, `Resumable`: what `loa channels check`,
  `loa reconcile` and `loa retry` ask of a social channel.

What a channel module offers the registry (`broadcasts.channels`) is a
`ChannelType`: its settings dataclass, how to build the channel from them and
a `Context`, and which settings it cannot use (`Problem`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, runtime_checkable
from zoneinfo import ZoneInfo

from broadcasts.outcomes import Outcome

if TYPE_CHECKING:
    from audio.sinks.base import Sink
    from audio.sinks.ledger import Book
    from broadcasts.channels.radio import Studio
    from broadcasts.models import Airing, Bulletin, Station

__all__ = [
    "Broadcast",
    "Delivery",
    "Channel",
    "Preparable",
    "Interruptible",
    "Closeable",
    "Checkable",
    "Reconcilable",
    "Resumable",
    "Finding",
    "OK",
    "WARN",
    "ERROR",
    "Context",
    "Problem",
    "ChannelType",
]


@dataclass(frozen=True, kw_only=True)
class Broadcast:
    """One airing as a channel sees it: no database, no clock."""

    airing_id: int
    bulletin_id: int
    channel: str
    station_code: str
    station_name: str
    timezone: str
    title: str
    body: str
    post_text: str | None
    priority: str
    due_at: datetime
    attempt: int = 1
    zone: str | None = None  # the radio zone; None: the station's only one
    kind: str = "speech"  # speech | audio | relay
    media_path: str | None = None  # an audio bulletin's file, relative to the data dir
    media_sha256: str | None = None
    media_seconds: float | None = None
    relay: str | None = None  # a relay's source, by its name in [channels.radio.relays]
    relay_seconds: float | None = None
    until: datetime | None = None  # a relay ends then, however late it began

    @property
    def local_due(self) -> datetime:
        return self.due_at.astimezone(ZoneInfo(self.timezone))

    @property
    def key(self) -> str:
        """A stable name for this airing's outputs, e.g. an-phu-20261123-0600-a42."""
        return f"{self.station_code}-{self.local_due:%Y%m%d-%H%M}-a{self.airing_id}"

    @classmethod
    def of(cls, airing: Airing, bulletin: Bulletin, station: Station) -> Broadcast:
        """What a channel is handed to deliver `airing` of `bulletin` for `station`."""
        return cls(
            airing_id=airing.id,
            bulletin_id=bulletin.id,
            channel=airing.channel,
            station_code=station.code,
            station_name=station.name,
            timezone=station.timezone,
            title=bulletin.title,
            body=bulletin.body,
            post_text=bulletin.post_text,
            priority=bulletin.priority.value,
            due_at=airing.due_at,
            attempt=airing.attempts,
            zone=airing.zone,
            kind=bulletin.kind.value,
            media_path=bulletin.media.path if bulletin.media is not None else None,
            media_sha256=bulletin.media.sha256 if bulletin.media is not None else None,
            media_seconds=bulletin.media.seconds if bulletin.media is not None else None,
            relay=bulletin.relay,
            relay_seconds=bulletin.relay_seconds,
            until=airing.until,
        )


@dataclass(frozen=True, kw_only=True)
class Delivery:
    """What came back from a channel, as it goes into the broadcast log."""

    outcome: Outcome
    tts_engine: str | None = None
    audio_path: str | None = None
    audio_sha256: str | None = None
    audio_seconds: float | None = None
    external_id: str | None = None
    external_url: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    detail: dict[str, Any] | None = field(default=None)
    # a step was held for later (a Zalo broadcast at night): the runner adds a follow-up airing due then,
    # started with what already went out (`Resumable.carry_over`), in the transaction that records this one
    resume_at: datetime | None = None
    # proof of airing: what the zone's listener heard (None without a listener)
    heard_delay_ms: float | None = None
    heard_seconds: float | None = None
    silent_seconds: float | None = None
    longest_silence_seconds: float | None = None
    # what the operator must be told: (kind, seconds, message params), one alert row each
    alerts: tuple[tuple[str, float | None, dict[str, Any]], ...] = ()


class Channel(Protocol):
    """A way out: the radio, a Facebook Page, a Zalo Official Account."""

    name: str

    def publish(self, broadcast: Broadcast) -> Delivery:
        """Deliver once; raise ChannelError when it did not work."""
        ...

    def recover(self, broadcast: Broadcast) -> Delivery | None:
        """After a crash mid-delivery: what happened (a Delivery), or None if surely nothing went out."""
        ...


@runtime_checkable
class Preparable(Protocol):
    """A channel that renders ahead of air time, so playout starts on the second."""

    def prepare(self, broadcast: Broadcast) -> Any:
        """Render `broadcast` now; publishing it later uses what was rendered."""
        ...


@runtime_checkable
class Interruptible(Protocol):
    """A channel whose output can be stopped mid-way (an emergency interrupts the radio)."""

    def interrupt(self, zone: str | None = None) -> None:
        """Stop what is being delivered now (in one radio zone, or all); its publish raises an interrupted error."""
        ...


@runtime_checkable
class Closeable(Protocol):
    """A channel that holds connections or processes to release at shutdown."""

    def close(self) -> None:
        """Release what the channel holds; safe to call twice."""
        ...


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


@dataclass(frozen=True, kw_only=True)
class Context:
    """What the application hands a channel to build it: folders, secrets, the clock, and the radio's studio."""

    base_dir: Path  # where relative paths of the settings start (the config file's folder)
    data_dir: Path  # where channels keep journals, tokens, archives and caches
    secret: Callable[[str], str | None]  # a secret by the name of its environment variable
    now: Callable[[], datetime]
    sleep: Callable[[float], None]
    user_agent: str = "Loa"
    studio: Studio | None = None  # how the radio speaks and frames a bulletin
    sink: Sink | None = None  # a playout sink to use instead of the configured one (tests, benchmarks)
    sinks: Mapping[str, Sink] | None = None  # the same, by radio zone
    cache_dir: Path | None = None  # caches shared by the stations of a deployment; None: data_dir/cache
    # where ledgers and journals keep their evidence: (kind, name) -> a book every node reads (the database);
    # None: files under data_dir (tests that build a channel or a sink by itself)
    books: Callable[[str, str], Book] | None = None

    @property
    def caches(self) -> Path:
        """Where rendered bulletins and spoken sentences are kept (shared by every station of a node)."""
        return self.cache_dir or self.data_dir / "cache"

    def evidence(self, kind: str, name: str, folder: Path | None = None) -> Path | Book:
        """Where the `kind` ("ledger" or "journal") of `name` (a zone, a channel) is kept: the context's book,
        else `folder` (default `data_dir/<kind>/<name>`)."""
        if self.books is not None:
            return self.books(kind, name)
        return folder if folder is not None else self.data_dir / kind / name

    def path(self, value: str) -> Path:
        """A configured path, relative to `base_dir` unless absolute."""
        path = Path(value).expanduser()
        return path if path.is_absolute() else self.base_dir / path


@dataclass(frozen=True, kw_only=True)
class Problem:
    """A setting a channel cannot use: its key inside `[channels.<name>]`, what was expected, and its value.

    `expected` is a message code of `scheduler/messages` (with `params`), so the error reads in the station's language.
    """

    key: str
    expected: str
    value: Any
    params: dict[str, Any] = field(default_factory=dict)


S = TypeVar("S")


def _no_problems(settings: Any, listed: bool) -> Iterable[Problem]:
    return ()


@dataclass(frozen=True, kw_only=True)
class ChannelType(Generic[S]):
    """A channel as the registry knows it: its settings dataclass, how to build it, what it cannot use."""

    # a frozen keyword-only dataclass, a default for every field, `grace_minutes` among them: [channels.<name>]
    settings: type[S]
    # the channel from its settings and the context; None when the settings switch it off
    build: Callable[[S, Context], Channel | None]
    # what is wrong across values; `listed` says whether the channel is in [channels] enabled
    problems: Callable[[S, bool], Iterable[Problem]] = _no_problems
    # False: only in use when listed in `[channels] enabled` (a channel a station opts into, like e-mail)
    default_on: bool = True
