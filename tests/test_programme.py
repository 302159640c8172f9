"""The pure programme: occurrences, quiet hours, running order with overrun, rotation choice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler.programme.slots import (
    Entry,
    Occurrence,
    QuietHours,
    SlotSpec,
    fill_slots,
    next_rotation_item,
    occurrences,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MORNING = SlotSpec(
    id=1, name="Sáng", hour=6, minute=0, weekdays=frozenset(range(1, 8)), max_seconds=60, channels=("radio", "facebook")
)
EVENING = SlotSpec(
    id=2, name="Chiều", hour=17, minute=0, weekdays=frozenset(range(1, 8)), max_seconds=60, channels=("radio",)
)
WEEKEND = SlotSpec(
    id=3, name="Cuối tuần", hour=8, minute=0, weekdays=frozenset({6, 7}), max_seconds=60, channels=("facebook",)
)
START = datetime(2026, 11, 23, 5, 55, tzinfo=TZ)  # Monday


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=TZ)


def test_occurrences_in_order_and_by_channel():
    found = occurrences([MORNING, EVENING, WEEKEND], TZ, START, START + timedelta(days=7))
    assert [o.start for o in found[:3]] == [local(23, 6), local(23, 17), local(24, 6)]
    assert len([o for o in found if o.slot is WEEKEND]) == 2
    radio = occurrences([MORNING, EVENING, WEEKEND], TZ, START, START + timedelta(days=2), "radio")
    assert {o.slot.id for o in radio} == {1, 2} and len(radio) == 4
    assert all(o.start.tzinfo is not None for o in radio)


@pytest.mark.parametrize(
    "spec, moment, inside",
    [
        ("21:30-05:00", local(23, 22), True),
        ("21:30-05:00", local(23, 4, 59), True),
        ("21:30-05:00", local(23, 5), False),
        ("21:30-05:00", local(23, 12), False),
        ("12:00-13:30", local(23, 12, 30), True),
        ("12:00-13:30", local(23, 13, 30), False),
        ("", local(23, 22), False),
    ],
)
def test_quiet_hours(spec, moment, inside):
    assert QuietHours.parse(spec).contains(moment.astimezone(UTC), TZ) is inside


NIGHT = local(23, 6)


def entry(i: int, *, rank: int = 2, seconds: float = 20, at: datetime = NIGHT) -> Entry:
    return Entry(airing_id=i, rank=rank, order=i, seconds=seconds, occurrence=at)


CHAIN = [
    Occurrence(start=local(23, 6), slot=MORNING),
    Occurrence(start=local(23, 17), slot=EVENING),
    Occurrence(start=local(24, 6), slot=MORNING),
]


def test_fill_keeps_running_order_and_offsets_within_a_slot():
    placed = {p.airing_id: p for p in fill_slots([entry(1), entry(2)], CHAIN, gap=2)}
    assert placed[1].due_at == local(23, 6) and placed[2].due_at == local(23, 6) + timedelta(seconds=22)
    assert not placed[1].carried and not placed[2].carried


def test_overrun_pushes_the_rest_to_the_next_slot():
    placed = {p.airing_id: p for p in fill_slots([entry(i) for i in range(1, 6)], CHAIN, gap=2)}
    assert [placed[i].slot_id for i in range(1, 6)] == [1, 1, 2, 2, 1]
    assert placed[3].due_at == local(23, 17) and placed[3].carried
    assert placed[5].due_at == local(24, 6)


def test_priority_goes_first_and_pushes_normal_ones():
    entries = [entry(1), entry(2), entry(3, rank=1, seconds=30)]
    placed = {p.airing_id: p for p in fill_slots(entries, CHAIN, gap=2)}
    assert placed[3].due_at == local(23, 6)
    assert placed[1].due_at == local(23, 6) + timedelta(seconds=32)
    assert placed[2].slot_id == 2 and placed[2].carried


def test_opening_first_closing_last_never_carried():
    entries = [entry(1, rank=9, seconds=5), entry(2, seconds=40), entry(3, rank=-1, seconds=5), entry(4, seconds=40)]
    placed = {p.airing_id: p for p in fill_slots(entries, CHAIN, gap=0)}
    assert placed[3].due_at == local(23, 6)
    assert placed[2].due_at == local(23, 6) + timedelta(seconds=5)
    assert placed[1].due_at == local(23, 6) + timedelta(seconds=45) and placed[1].slot_id == 1
    assert placed[4].slot_id == 2 and placed[4].carried  # 5 + 40 + 40 + 5 > 60


def test_a_bulletin_longer_than_the_slot_still_airs_first():
    placed = {p.airing_id: p for p in fill_slots([entry(1, rank=-1, seconds=5), entry(2, seconds=500)], CHAIN, gap=0)}
    assert placed[2].due_at == local(23, 6) + timedelta(seconds=5) and not placed[2].carried


def test_later_entries_wait_for_their_own_slot():
    placed = {p.airing_id: p for p in fill_slots([entry(1, at=local(23, 17))], CHAIN)}
    assert placed[1].due_at == local(23, 17) and not placed[1].carried


def test_rotation_cycles_and_pins_take_over():
    order = ["1", "2", "3"]
    assert next_rotation_item(order, None) == "1"
    assert next_rotation_item(order, "1") == "2"
    assert next_rotation_item(order, "3") == "1"
    assert next_rotation_item(order, "gone") == "1"
    assert next_rotation_item([], None) is None
    assert next_rotation_item(order, "2", pinned=["3"]) == "3"
    assert next_rotation_item(order, "3", pinned=["3", "1"]) == "1"
