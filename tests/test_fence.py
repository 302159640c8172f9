"""The fence between a hand-over and a takeover (broadcasts.evidence.fenced, claims.recover).

A node whose lease lapsed while it still works (a slow renewal on a loaded machine) must not hand over an
airing that another node has meanwhile found "nothing went out" and made pending again; and a node must not
make an airing pending again once its holder's hand-over mark is committed. Either order, the bulletin airs
once.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from broadcasts.channels.base import Broadcast
from broadcasts.evidence import ClaimLost, DatabaseBook, fenced
from broadcasts.models import Airing, AiringStatus, Evidence, Outcome
from scheduler.runner import Runner, claims
from scheduler.services.queue import queue_bulletin
from tests.fakes.social import close_app, records
from tests.test_evidence import node_app, outbox

TEXT = "UBND xã thông báo lịch tiếp công dân."


def radio_pair(tmp_path, db_url, clock):
    radio = {"channels": {"enabled": ["radio"]}}
    return node_app(tmp_path, db_url, clock, "A", **radio), node_app(tmp_path, db_url, clock, "B", **radio)


def claimed_by_a(a: Any) -> int:
    [queued] = queue_bulletin(a, text=TEXT, at="now", channels=["radio"]).airings
    assert claims.claim(a, queued.id, a.clock.now())
    return queued.id


def airing(app: Any, airing_id: int) -> Airing:
    with app.sessions() as session:
        return session.get_one(Airing, airing_id)


def test_a_fenced_save_renews_the_lease_while_the_claim_is_ours_and_refuses_once_it_is_not(tmp_path, db_url, clock):
    a, b = radio_pair(tmp_path, db_url, clock)
    try:
        airing_id = claimed_by_a(a)
        book = DatabaseBook(a.engine, "ledger:test:main", node="A", now=clock.now)
        clock.advance(seconds=30)
        with fenced(airing_id, "A", 60):
            book.save("k", {"state": "pending"})
        assert airing(a, airing_id).lease_until == clock.now() + timedelta(seconds=60)  # renewed with the mark
        with fenced(airing_id, "B", 60), pytest.raises(ClaimLost):  # not B's claim
            book.save("k", {"state": "done"})
        claims.release(a, airing_id)  # the claim is given back: pending, nobody's
        with fenced(airing_id, "A", 60), pytest.raises(ClaimLost):
            book.save("k2", {"state": "pending"})
        assert book.load("k") == {"state": "pending"} and book.load("k2") is None  # nothing half-saved
        book.save("k2", {"state": "pending"})  # outside a fence, a save is unconditional
        assert book.load("k2") == {"state": "pending"}
    finally:
        close_app(a)
        close_app(b)


def test_a_node_whose_lease_lapsed_hands_nothing_over_after_another_node_reset_its_airing(
    tmp_path, db_url, clock, monkeypatch
):
    """A passes its last `holds` check; then its lease lapses and B, finding no hand-over, makes the airing
    pending again. A's sink must then refuse to play: the airing airs once, B's."""
    a, b = radio_pair(tmp_path, db_url, clock)
    taker = Runner(b, heartbeat=False)
    real_holds = claims.holds

    def holds_then_taken_over(app: Any, airing_id: int) -> bool:
        still = real_holds(app, airing_id)
        if app is a:  # between A's check and A's hand-over: A's lease lapses, B looks
            with a.sessions.begin() as session:
                session.get_one(Airing, airing_id).lease_until = clock.now() - timedelta(seconds=1)
            assert taker.recover() == []  # nothing went out: pending again, for B
        return still

    try:
        airing_id = claimed_by_a(a)
        row = claims.load(a, airing_id)
        assert row is not None
        a.in_hand.discard(airing_id)  # A's claim as if A's own timer took it
        monkeypatch.setattr(claims, "holds", holds_then_taken_over)
        runner = Runner(a, heartbeat=False)
        with a.sessions.begin() as session:  # back to pending, so that A's runner claims it itself
            found = session.get_one(Airing, airing_id)
            found.status, found.claimed_by, found.lease_until, found.attempts = AiringStatus.pending, None, None, 0
        assert runner.execute(airing_id) is None  # A's hand-over was refused: no record, nothing played
        assert outbox(a) == [] and records(a, airing_id) == []
        assert airing_id not in a.in_hand
        assert airing(a, airing_id).status is AiringStatus.pending
        monkeypatch.setattr(claims, "holds", real_holds)
        [record] = taker.run_due()
        assert record.airing_id == airing_id and record.node == "B" and record.outcome is Outcome.aired
        assert len(outbox(b)) == 1 and len(records(b, airing_id)) == 1
        key = Broadcast.of(*row).key
        with b.sessions() as session:
            nodes = set(session.scalars(select(Evidence.node).where(Evidence.key == key)))
        assert nodes == {"B"}  # A's ledger never said "pending"
    finally:
        close_app(a)
        close_app(b)


def test_a_takeover_that_sees_the_hand_over_mark_under_the_lock_does_not_air_again(tmp_path, db_url, clock):
    """B read "nothing went out" just before A's mark was committed: under the row lock B reads again and
    records the airing unclear instead of airing it a second time."""
    a, b = radio_pair(tmp_path, db_url, clock)
    try:
        airing_id = claimed_by_a(a)
        row = claims.load(a, airing_id)
        assert row is not None
        sink = b.channels["radio"].zone(None).sink
        real = type(sink).was_played
        looks = []

        def was_played_then_a_hands_over(self: Any, key: str) -> bool | None:
            seen = real(self, key)
            looks.append(seen)
            if len(looks) == 1:  # B's first look, outside the lock: then A's mark lands
                with fenced(airing_id, "A", 60):
                    a.channels["radio"].zone(None).sink.ledger.mark(key, "pending", target="A")
            return seen

        a.in_hand.clear()
        with a.sessions.begin() as session:
            session.get_one(Airing, airing_id).lease_until = clock.now() - timedelta(seconds=1)
        sink.was_played = was_played_then_a_hands_over.__get__(sink)
        [record] = Runner(b, heartbeat=False).recover()
        assert looks == [False, None]  # "nothing", then, read again under the lock, "unclear"
        assert record.outcome is Outcome.unknown and record.error_code == "crashed_unclear"
        assert outbox(b) == [] and airing(b, airing_id).status is AiringStatus.unknown
    finally:
        close_app(a)
        close_app(b)


def race_once(a: Any, b: Any) -> tuple[bool, bool, AiringStatus]:
    """One round: A's fenced mark and B's locked reset at once, each in its thread and on its connection;
    (A's mark kept, A refused, the airing's status)."""
    airing_id = claimed_by_a(a)
    row = claims.load(a, airing_id)
    assert row is not None
    seen, broadcast = row[0], Broadcast.of(*row)
    start = threading.Barrier(2)
    refused: list[bool] = []

    def hand_over() -> None:
        start.wait()
        try:
            with fenced(airing_id, "A", 60):
                a.channels["radio"].zone(None).sink.ledger.mark(broadcast.key, "pending", target="A")
        except ClaimLost:
            refused.append(True)

    def reset() -> None:
        start.wait()
        claims._rerun_if_nothing_went_out(b, b.channels["radio"], broadcast, seen)

    threads = [threading.Thread(target=hand_over), threading.Thread(target=reset)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    marked = b.channels["radio"].zone(None).sink.was_played(broadcast.key) is None
    status = airing(b, airing_id).status
    with a.sessions.begin() as session:  # out of the way of the next round
        session.get_one(Airing, airing_id).status = AiringStatus.cancelled
    return marked, bool(refused), status


def test_racing_a_fenced_hand_over_against_a_locked_reset_never_gives_both(tmp_path, db_url, clock):
    """Round after round, each ends with exactly one of: A's mark kept and the airing still A's, or the
    airing pending again and A refused (no mark)."""
    a, b = radio_pair(tmp_path, db_url, clock)
    try:
        wrong = []
        for index in range(25):
            marked, refused, status = race_once(a, b)
            kept = marked and not refused and status is AiringStatus.running
            reset_only = not marked and refused and status is AiringStatus.pending
            if not (kept or reset_only):
                wrong.append((index, status.value, marked, refused))
        assert wrong == []
    finally:
        close_app(a)
        close_app(b)
