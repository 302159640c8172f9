"""Use cases of the social channels for the operator: check, reconcile, retry, mark.

The log is append-only: settling an airing whose outcome was `unknown` adds a
final record and sets the airing `done`; a retry is a new airing (`retry_of`)
due now, never an edit of what happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from audio.errors import LoaError
from broadcasts import evidence
from broadcasts.channels.base import ERROR, Broadcast, Checkable, Delivery, Finding, Reconcilable, Resumable
from broadcasts.log import new_record
from broadcasts.models import Airing, AiringStatus, Bulletin, LogRecord, Outcome, Station
from broadcasts.wakeups import notify
from scheduler.app import App
from scheduler.errors import NotFoundError, UsageError
from scheduler.messages import Label, text

__all__ = [
    "ChannelReport",
    "ReconcileItem",
    "RetryResult",
    "check_channels",
    "reconcile",
    "retry_airing",
    "mark_airing",
]

RETRYABLE_OUTCOMES = (Outcome.failed, Outcome.missed)


@dataclass(frozen=True, kw_only=True)
class ChannelReport:
    channel: str
    findings: list[Finding]

    @property
    def problems(self) -> int:
        return sum(f.level == ERROR for f in self.findings)


@dataclass(frozen=True, kw_only=True)
class ReconcileItem:
    airing_id: int
    channel: str
    due_at: datetime
    state: str  # settled | open | error | disabled | manual; the radio's: aired | not_played | radio_open | radio_off
    external_id: str | None = None
    error: LoaError | None = None


@dataclass(frozen=True, kw_only=True)
class RetryResult:
    airing_id: int
    channel: str
    new_airing_id: int | None = None
    due_at: datetime | None = None
    found: Delivery | None = None
    carried: list[str] = field(default_factory=list)


def _load(app: App, airing_id: int) -> tuple[Airing, Bulletin, Station]:
    with app.sessions() as session:
        airing = session.get(Airing, airing_id)
        if airing is None or airing.station_id != app.station_id:
            raise NotFoundError(kind="airing", id=airing_id)
        return airing, session.get_one(Bulletin, airing.bulletin_id), session.get_one(Station, airing.station_id)


def _settle(
    app: App,
    airing: Airing,
    delivery: Delivery,
    *,
    expect: AiringStatus = AiringStatus.unknown,
    extra: dict[str, Any] | None = None,
) -> LogRecord | None:
    """Append the final record of an unsettled airing and mark it done, in one transaction."""
    now = app.clock.now()
    with app.sessions.begin() as session:
        changed = cast(
            CursorResult[Any],
            session.execute(
                update(Airing)
                .where(Airing.id == airing.id, Airing.status == expect)
                .values(status=AiringStatus.done, outcome=delivery.outcome, lease_until=None)
            ),
        ).rowcount
        if changed != 1:
            return None
        record = new_record(
            airing,
            delivery,
            node=app.node,
            started=None,
            finished=now,
            detail={**(delivery.detail or {}), **(extra or {})},
        )
        session.add(record)
    return record


def check_channels(app: App) -> list[ChannelReport]:
    """Each enabled channel's own verdict on its credentials and permissions."""
    reports = []
    for name, channel in app.channels.items():
        findings = channel.check() if isinstance(channel, Checkable) else []
        reports.append(ChannelReport(channel=name, findings=findings))
    return reports


def reconcile(app: App) -> list[ReconcileItem]:
    """Look up every airing whose outcome is unknown; settle those found, list the others."""
    with app.sessions() as session:
        rows = session.execute(
            select(Airing, Bulletin, Station)
            .join(Bulletin, Bulletin.id == Airing.bulletin_id)
            .join(Station, Station.id == Airing.station_id)
            .where(Airing.station_id == app.station_id, Airing.status == AiringStatus.unknown)
            .order_by(Airing.due_at, Airing.id)
        ).all()
    items: list[ReconcileItem] = []
    for airing, bulletin, station in rows:
        channel = app.channels.get(airing.channel)
        base: dict[str, Any] = dict(airing_id=airing.id, channel=airing.channel, due_at=airing.due_at)
        if airing.channel == "radio":
            items.append(_reconcile_radio(app, airing, Broadcast.of(airing, bulletin, station), base))
            continue
        if not isinstance(channel, Reconcilable):  # off, or (e-mail) nothing to look up: the operator decides
            items.append(ReconcileItem(**base, state="disabled" if channel is None else "manual"))
            continue
        try:
            found = channel.reconcile(Broadcast.of(airing, bulletin, station))
        except LoaError as exc:
            items.append(ReconcileItem(**base, state="error", error=exc))
            continue
        if found is None:
            items.append(ReconcileItem(**base, state="open"))
            continue
        note = text("reconciled_note", app.config.lang)
        record = _settle(
            app,
            airing,
            Delivery(
                outcome=Outcome.posted,
                external_id=found.external_id,
                external_url=found.external_url,
                detail=found.detail,
            ),
            extra={"reconciled": True, "note": note},
        )
        items.append(ReconcileItem(**base, state="settled" if record else "open", external_id=found.external_id))
    return items


def _state(airing: Airing) -> Label:
    """Where an airing stands, as the operator reads it: its outcome once done, else its status."""
    if airing.status is AiringStatus.done and airing.outcome:
        return Label("OUTCOME_LABELS", airing.outcome.value)
    return Label("STATUS_LABELS", airing.status.value)


def _reconcile_radio(app: App, airing: Airing, broadcast: Broadcast, base: dict[str, Any]) -> ReconcileItem:
    """A radio airing of unknown outcome: ask the playout sink's hand-over ledger whether it aired.

    Aired: recorded `aired`. Surely never handed over: recorded `failed`, so
    `loa retry` can air it again. Cannot tell: left open for `loa mark --as
    aired|failed|missed` after listening back.
    """
    channel = app.channels.get("radio")
    if channel is None:
        return ReconcileItem(**base, state="radio_off")
    try:
        found = channel.recover(broadcast)
    except LoaError as exc:
        return ReconcileItem(**base, state="error", error=exc)
    if found is not None and found.outcome is Outcome.aired:
        note = text("reconciled_radio_note", app.config.lang)
        record = _settle(app, airing, found, extra={"reconciled": True, "note": note})
        return ReconcileItem(**base, state="aired" if record else "radio_open")
    if found is None:
        delivery = Delivery(
            outcome=Outcome.failed,
            error_code="radio_not_played",
            error_message=text("reconciled_radio_not_played", app.config.lang),
        )
        record = _settle(app, airing, delivery, extra={"reconciled": True})
        return ReconcileItem(**base, state="not_played" if record else "radio_open")
    return ReconcileItem(**base, state="radio_open")


# What the operator may record for an airing of unknown outcome: the radio airs, the pages post.
MARKABLE = {"radio": ("aired", "failed", "missed")}
MARKABLE_SOCIAL = ("posted", "failed")


def retry_airing(app: App, airing_id: int) -> RetryResult:
    """Post a failed, missed or unclear airing again as a new airing due now (what went out is not resent)."""
    airing, bulletin, station = _load(app, airing_id)
    state = _state(airing)
    if not (
        airing.status is AiringStatus.unknown
        or (airing.status is AiringStatus.done and airing.outcome in RETRYABLE_OUTCOMES)
    ):
        raise UsageError("airing_not_retryable", id=airing_id, state=state)
    channel = app.channels.get(airing.channel)
    if channel is None:
        raise UsageError("airing_channel_off", id=airing_id, channel=airing.channel)
    old = Broadcast.of(airing, bulletin, station)
    if airing.status is AiringStatus.unknown and isinstance(channel, Reconcilable):
        found = channel.reconcile(old)  # never post again what is already there
        if found is not None:
            _settle(
                app,
                airing,
                Delivery(
                    outcome=Outcome.posted,
                    external_id=found.external_id,
                    external_url=found.external_url,
                    detail=found.detail,
                ),
                extra={"reconciled": True, "note": text("reconciled_note", app.config.lang)},
            )
            return RetryResult(airing_id=airing_id, channel=airing.channel, found=found)
    now = app.clock.now()
    carried: list[str] = []
    with app.sessions.begin() as session:
        new = Airing(
            bulletin_id=airing.bulletin_id,
            station_id=airing.station_id,
            channel=airing.channel,
            due_at=now,
            status=AiringStatus.pending,
            retry_of=airing.id,
            created_at=now,
        )
        session.add(new)
        session.flush()
        if isinstance(channel, Resumable):  # before commit, so no runner sees the new airing without it
            with evidence.within(session):  # the journal's copy commits with the new airing
                carried = channel.carry_over(old, Broadcast.of(new, bulletin, station))
        if airing.status is AiringStatus.unknown:
            changed = cast(
                CursorResult[Any],
                session.execute(
                    update(Airing)
                    .where(Airing.id == airing.id, Airing.status == AiringStatus.unknown)
                    .values(status=AiringStatus.done, outcome=Outcome.failed)
                ),
            ).rowcount
            if changed == 1:
                session.add(
                    LogRecord(
                        airing_id=airing.id,
                        bulletin_id=airing.bulletin_id,
                        station_id=airing.station_id,
                        channel=airing.channel,
                        outcome=Outcome.failed,
                        due_at=airing.due_at,
                        finished_at=now,
                        error_code="operator_retried",
                        error_message=text("retried_note", app.config.lang, new=new.id),
                        detail={"retried_as": new.id},
                        node=app.node,
                        created_at=now,
                    )
                )
        new_id = new.id
        notify(session, airing.station_id, "queue")  # the retry is due now: the runners look at once
    return RetryResult(airing_id=airing_id, channel=airing.channel, new_airing_id=new_id, due_at=now, carried=carried)


def mark_airing(
    app: App, airing_id: int, outcome: str, *, external_id: str | None = None, note: str | None = None
) -> LogRecord:
    """Settle an airing whose outcome is unknown as the operator found it.

    A radio airing is `aired`, `failed` or `missed`; a post is `posted` or `failed`.
    """
    if outcome not in ("aired", "posted", "failed", "missed"):
        raise UsageError("mark_outcome", value=outcome)
    airing, _, _ = _load(app, airing_id)
    allowed = MARKABLE.get(airing.channel, MARKABLE_SOCIAL)
    if outcome not in allowed:
        code = "mark_outcome_radio" if airing.channel == "radio" else "mark_outcome_social"
        raise UsageError(code, id=airing_id, channel=airing.channel, value=outcome)
    if airing.status is not AiringStatus.unknown:
        raise UsageError("airing_not_unknown", id=airing_id, state=_state(airing))
    detail = {"marked_by_operator": True, "note": note or ""}
    if outcome in ("posted", "aired"):
        delivery = Delivery(outcome=Outcome(outcome), external_id=external_id, detail=detail)
    elif outcome == "missed":
        delivery = Delivery(
            outcome=Outcome.missed,
            error_code="operator_marked",
            error_message=text("marked_note", app.config.lang, note=note or "-"),
            detail=detail,
        )
    else:
        delivery = Delivery(
            outcome=Outcome.failed,
            error_code="operator_marked",
            error_message=text("marked_note", app.config.lang, note=note or "-"),
            detail=detail,
        )
    record = _settle(app, airing, delivery)
    if record is None:
        raise UsageError("airing_not_unknown", id=airing_id, state="?")
    return record
