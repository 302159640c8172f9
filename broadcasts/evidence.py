"""Delivery evidence in the database: the sinks' hand-over ledgers and the channels' send journals as rows.

A `DatabaseBook` is a `Book` (audio.sinks.ledger) over the `evidence` table:
one row per (book, key), e.g. ("ledger:an-phu:main", "an-phu-20261123-0600-a42").
Each save is its own short transaction, committed (on SQLite with
`synchronous=FULL`, as the file version fsyncs) before it returns, so the mark
is kept before the audio or the request leaves Loa; each load reads the newest
committed row, whichever node wrote it. A node that takes over another node's
airing thus reads what that node handed over or sent, and never sends it twice.
Every string is scrubbed of known secrets before it is stored.

**The fence.** Reading the evidence and then acting on it is a race: a node whose lease lapsed (a slow
renewal on a loaded machine) may be about to hand over just as another node reads "nothing went out" and
airs the bulletin again. So while the runner delivers an airing, its saves are `fenced`: each save, in
its own transaction, first renews the airing's lease on the condition that the claim is still this
node's (`running`, `claimed_by` = the node), and raises `ClaimLost` instead of saving otherwise. The node
that takes over resets an airing to pending only under the same row lock (`claims.recover`), after
reading the evidence again; so either the hand-over mark is committed first and the taker sees it, or the
taker's reset is, and the hand-over is refused before any audio or request leaves Loa.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from audio.sinks.ledger import Book
from broadcasts.models import Airing, AiringStatus, Evidence
from broadcasts.redact import scrub_value

__all__ = ["ClaimLost", "DatabaseBook", "books", "book_name", "fenced", "within"]

_ambient: ContextVar[Session | None] = ContextVar("loa_evidence_session", default=None)


class ClaimLost(Exception):
    """A fenced save found the airing no longer claimed by this node: nothing may be handed over for it."""

    def __init__(self, airing_id: int) -> None:
        super().__init__(f"airing {airing_id} is no longer claimed by this node")
        self.airing_id = airing_id


@dataclass(frozen=True)
class _Fence:
    airing_id: int
    node: str
    lease_seconds: float


_fence: ContextVar[_Fence | None] = ContextVar("loa_evidence_fence", default=None)


@contextmanager
def fenced(airing_id: int, node: str, lease_seconds: float) -> Iterator[None]:
    """Inside, every save to a database book is made only while `node` still holds its claim on the airing
    (renewing its lease by `lease_seconds` in the same transaction); otherwise it raises `ClaimLost`."""
    token = _fence.set(_Fence(airing_id, node, lease_seconds))
    try:
        yield
    finally:
        _fence.reset(token)


def _check_fence(session: Session, now: datetime) -> None:
    """The fenced save's condition, in the save's transaction: the claim is still ours (its row locked)."""
    fence = _fence.get()
    if fence is None:
        return
    result = session.execute(
        update(Airing)
        .where(
            Airing.id == fence.airing_id,
            Airing.status == AiringStatus.running,
            Airing.claimed_by == fence.node,
        )
        .values(lease_until=now + timedelta(seconds=fence.lease_seconds))
        .execution_options(synchronize_session=False)
    )
    if cast("CursorResult[Any]", result).rowcount != 1:
        raise ClaimLost(fence.airing_id)


@contextmanager
def within(session: Session) -> Iterator[None]:
    """Inside, books over the same database read and write in `session` (committed with it), instead of a
    transaction of their own: a journal carried over to a follow-up airing goes in the transaction that adds
    it (and on SQLite a second writer there would wait for the first forever)."""
    token = _ambient.set(session)
    try:
        yield
    finally:
        _ambient.reset(token)


def book_name(kind: str, station: str, name: str) -> str:
    """The name of a ledger or journal: "ledger:<station>:<zone>", "journal:<station>:<channel>"."""
    return f"{kind}:{station}:{name}"[:100]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class DatabaseBook:
    """The records of one book in the `evidence` table."""

    def __init__(
        self,
        engine: Engine,
        book: str,
        *,
        node: str | None = None,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.book = book
        self.node = node
        self.now = now
        self._engine = engine
        self._writes = sessionmaker(engine.execution_options(loa_durable=True), expire_on_commit=False)
        self._reads = sessionmaker(engine.execution_options(loa_readonly=True), expire_on_commit=False)

    def _joined(self) -> Session | None:
        session = _ambient.get()
        if session is None:
            return None
        bind = session.get_bind()
        return session if getattr(bind, "engine", bind) is self._engine else None

    def load(self, key: str) -> dict[str, Any] | None:
        query = select(Evidence.data).where(Evidence.book == self.book, Evidence.key == key)
        joined = self._joined()
        if joined is not None:
            data = joined.scalar(query)
        else:
            with self._reads() as session:
                data = session.scalar(query)
        if data is None:
            return None
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return dict(data)

    def save(self, key: str, data: dict[str, Any]) -> None:
        values = {
            "book": self.book,
            "key": key,
            "data": scrub_value(dict(data)),
            "node": self.node,
            "updated_at": self.now(),
        }
        joined = self._joined()
        if joined is not None:
            _check_fence(joined, values["updated_at"])
            _upsert(joined, values)
            return
        with self._writes.begin() as session:
            _check_fence(session, values["updated_at"])
            _upsert(session, values)


def _upsert(session: Session, values: dict[str, Any]) -> None:
    dialect = session.get_bind().dialect.name
    changed = {k: values[k] for k in ("data", "node", "updated_at")}
    if dialect == "postgresql":
        pg = postgresql.insert(Evidence).values(**values)
        session.execute(pg.on_conflict_do_update(index_elements=["book", "key"], set_=changed))
    elif dialect == "sqlite":
        lite = sqlite.insert(Evidence).values(**values)
        session.execute(lite.on_conflict_do_update(index_elements=["book", "key"], set_=changed))
    else:  # another database: one writer per key (the claimant), so read-then-write is enough
        row = session.get(Evidence, (values["book"], values["key"]))
        if row is None:
            session.add(Evidence(**values))
        else:
            for name, value in changed.items():
                setattr(row, name, value)


def books(
    engine: Engine, station: str, *, node: str | None = None, now: Callable[[], datetime] = _utc_now
) -> Callable[[str, str], Book]:
    """The factory a channel `Context` holds: (kind, name) -> the database book of that station's ledger or journal."""

    def book(kind: str, name: str) -> Book:
        return DatabaseBook(engine, book_name(kind, station, name), node=node, now=now)

    return book
