"""The daily programme as pure functions: slot occurrences, quiet hours, running order, rotation.

Nothing here touches the database or the clock. A slot is local time plus a
zone; its occurrences are computed for a window. A slot's running order is
priority first (emergency, priority, normal), then queue order; what does not
fit in the slot's maximum length is carried to the next occurrence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduler.programme.times import next_air_time

__all__ = [
    "SlotSpec",
    "Occurrence",
    "Entry",
    "Placement",
    "occurrences",
    "QuietHours",
    "fill_slots",
    "next_rotation_item",
]

GAP_SECONDS = 2.0  # silence between two bulletins of a slot


@dataclass(frozen=True, kw_only=True)
class SlotSpec:
    id: int
    name: str
    hour: int
    minute: int
    weekdays: frozenset[int]
    max_seconds: int
    channels: tuple[str, ...]


@dataclass(frozen=True, kw_only=True, order=True)
class Occurrence:
    start: datetime
    slot: SlotSpec


def occurrences(
    slots: Iterable[SlotSpec], tz: ZoneInfo, after: datetime, until: datetime, channel: str | None = None
) -> list[Occurrence]:
    """Every occurrence of `slots` (optionally only those carrying `channel`) in (after, until], in order."""
    out: list[Occurrence] = []
    for slot in slots:
        if channel is not None and channel not in slot.channels:
            continue
        moment = after
        while True:
            nxt = next_air_time((slot.hour, slot.minute), slot.weekdays, tz, moment)
            if nxt is None or nxt > until:
                break
            out.append(Occurrence(start=nxt, slot=slot))
            moment = nxt
    return sorted(out, key=lambda o: (o.start, o.slot.id))


@dataclass(frozen=True)
class QuietHours:
    """A daily local window (may cross midnight) when normal and priority radio airings wait."""

    start: time | None = None
    end: time | None = None

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        if not text.strip():
            return cls()
        first, second = (part.strip() for part in text.split("-", 1))
        h1, m1 = (int(x) for x in first.split(":"))
        h2, m2 = (int(x) for x in second.split(":"))
        return cls(time(h1, m1), time(h2, m2))

    def contains(self, moment: datetime, tz: ZoneInfo) -> bool:
        if self.start is None or self.end is None or self.start == self.end:
            return False
        local = moment.astimezone(tz).time().replace(tzinfo=None)
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


@dataclass(frozen=True, kw_only=True)
class Entry:
    """A radio airing to place: its priority rank (0 emergency ... 2 normal), queue order and length."""

    airing_id: int
    rank: int
    order: int
    seconds: float
    occurrence: datetime  # the occurrence it is currently assigned to


@dataclass(frozen=True, kw_only=True)
class Placement:
    airing_id: int
    slot_id: int
    due_at: datetime
    carried: bool  # pushed out of the occurrence it was assigned to


def fill_slots(entries: Sequence[Entry], chain: Sequence[Occurrence], *, gap: float = GAP_SECONDS) -> list[Placement]:
    """Place entries in running order, carrying what overruns a slot to the next occurrence.

    `chain` is the run of upcoming radio occurrences. Openings (rank < 0) and
    closings (rank >= 9) are fixed to their own occurrence: the opening airs
    first and the closing last. The other entries of an occurrence join its
    pool after the leftovers of the previous one, in priority then queue
    order; once one does not fit, it and the rest are carried. The first
    bulletin of a slot always airs, however long. Entries after the end of
    the chain keep their time.
    """
    pending = sorted(entries, key=lambda e: (e.occurrence, e.rank, e.order))
    placements: list[Placement] = []
    carry: list[Entry] = []
    index = 0
    for occurrence in chain:
        pool = list(carry)
        while index < len(pending) and pending[index].occurrence <= occurrence.start:
            pool.append(pending[index])
            index += 1
        fixed = [e for e in pool if (e.rank < 0 or e.rank >= 9) and e.occurrence == occurrence.start]
        movable = sorted((e for e in pool if e not in fixed), key=lambda e: (e.rank, e.order))
        openings = sorted((e for e in fixed if e.rank < 0), key=lambda e: e.order)
        closings = sorted((e for e in fixed if e.rank >= 9), key=lambda e: e.order)
        budget = occurrence.slot.max_seconds - sum(e.seconds + gap for e in openings + closings)
        offset = 0.0
        for entry in openings:
            placements.append(_place(entry, occurrence, offset))
            offset += entry.seconds + gap
        used = 0.0
        carry = []
        for entry in movable:
            if not carry and (used == 0.0 or used + entry.seconds <= budget):
                placements.append(_place(entry, occurrence, offset))
                offset += entry.seconds + gap
                used += entry.seconds + gap
            else:
                carry.append(entry)
        for entry in closings:
            placements.append(_place(entry, occurrence, offset))
            offset += entry.seconds + gap
    for entry in carry + list(pending[index:]):
        placements.append(
            Placement(
                airing_id=entry.airing_id,
                slot_id=chain[-1].slot.id if chain else 0,
                due_at=entry.occurrence,
                carried=False,
            )
        )
    return placements


def _place(entry: Entry, occurrence: Occurrence, offset: float) -> Placement:
    return Placement(
        airing_id=entry.airing_id,
        slot_id=occurrence.slot.id,
        due_at=occurrence.start + timedelta(seconds=offset),
        carried=entry.occurrence != occurrence.start,
    )


def next_rotation_item(order: Sequence[str], last: str | None, *, pinned: Sequence[str] = ()) -> str | None:
    """The content item ref to air next: pinned items first in turn, else the one after `last`, cycling."""
    if pinned:
        if last is not None and last in pinned:
            return pinned[(list(pinned).index(last) + 1) % len(pinned)]
        return pinned[0]
    if not order:
        return None
    if last is None or last not in order:
        return order[0]
    return order[(list(order).index(last) + 1) % len(order)]
