"""Delivery policy: whether a due airing is held, missed, skipped or goes (pure), and publishing with retries.

`decide` is the whole rule, with `now` passed in: a normal or priority radio
airing inside the radio's quiet hours is held for the next slot outside them
(an emergency goes); an airing whose channel is not configured is skipped; one
later than its channel's grace is missed; anything else goes. Zalo's night
deferral (no broadcast 22:00-06:00) is the Zalo channel's own, not a verdict here.
"""

from __future__ import annotations

import enum
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from audio.errors import LoaError
from broadcasts.channels.base import Broadcast, Channel, Delivery
from broadcasts.errors import ChannelError
from broadcasts.evidence import ClaimLost
from broadcasts.models import Outcome
from scheduler.app import App
from scheduler.messages import Phrase, render
from scheduler.programme.slots import QuietHours
from scheduler.runner import claims
from scheduler.runner.notes import note, say
from scheduler.runner.outage import is_storage_error

__all__ = [
    "stopped",
    "DEFAULT_GRACE",
    "EARLY_TOLERANCE",
    "RetryPolicy",
    "Verdict",
    "decide",
    "deliver",
    "missed",
    "skipped",
    "too_early",
]

EARLY_TOLERANCE = timedelta(milliseconds=500)  # a timer may fire this much before the due time
DEFAULT_GRACE = timedelta(minutes=10)  # for a channel without its own grace_minutes


class Verdict(str, enum.Enum):
    """What becomes of a due airing."""

    hold = "hold"  # not now: it waits (moved to the next slot outside quiet hours)
    miss = "miss"  # too late: recorded `missed` with the reason
    skip = "skip"  # nothing can deliver it: recorded `skipped`
    go = "go"  # deliver it now


def too_early(due_at: datetime, now: datetime) -> bool:
    """True if a timer fired for an airing moved later since it was set: it is not due yet."""
    return due_at - now > EARLY_TOLERANCE


def decide(
    *,
    channel: str,
    known: bool,
    emergency: bool,
    due_at: datetime,
    now: datetime,
    grace: timedelta,
    quiet: QuietHours | None,
    tz: ZoneInfo,
) -> Verdict:
    """The verdict on an airing of `channel` (`known`: configured here) due at `due_at`, at `now`."""
    late = now - due_at
    if channel == "radio" and not emergency and late <= grace and quiet is not None and quiet.contains(now, tz):
        return Verdict.hold
    if not known:
        return Verdict.skip
    if late > grace:
        return Verdict.miss
    return Verdict.go


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """How often and how patiently a clear, transient refusal is tried again."""

    max_attempts: int = 3
    backoff_seconds: float = 2.0

    def wait(self, attempt: int, *, retry_after: float | None = None, jitter: float = 0.0) -> float:
        """Seconds to wait after failed `attempt` (1-based): what the service asked, else exponential backoff;
        stretched by `jitter` (a fraction, drawn by the caller)."""
        base = float(retry_after or self.backoff_seconds * 2 ** (attempt - 1))
        return base * (1 + jitter)


def skipped(app: App, broadcast: Broadcast) -> Delivery:
    """The delivery of an airing whose channel is not configured."""
    return Delivery(
        outcome=Outcome.skipped,
        error_code="unknown_channel",
        error_message=say(app, "unknown_channel", channel=broadcast.channel, known=", ".join(app.channels)),
    )


def missed(app: App, late: timedelta, grace: timedelta) -> Delivery:
    """The delivery of an airing later than its grace."""
    return Delivery(
        outcome=Outcome.missed,
        error_code="missed",
        error_message=say(app, "missed", late=_minutes(late), grace=_minutes(grace)),
    )


def stopped(app: App, by: str | None, *, interrupted: bool) -> Delivery:
    """The delivery of a radio airing someone stopped ("dừng phát"): skipped, saying who; never requeued."""
    return Delivery(
        outcome=Outcome.skipped,
        error_code="operator_stopped",
        error_message=say(app, "operator_stopped", user=by or "?"),
        detail={"interrupted": interrupted, "stopped_by": by},
    )


STORAGE_WAIT_MAX = 60.0  # seconds between tries while the data folder refuses writes


def deliver(
    app: App,
    channel: Channel,
    broadcast: Broadcast,
    *,
    policy: RetryPolicy,
    stopped: dict[str, str],
    grace: timedelta | None = None,
    step_aside: Callable[[], bool] | None = None,
) -> Delivery:
    """Publish with retries for clear transient errors; an auth error stops the channel in `stopped`; raises only
    `ClaimLost` (a fenced hand-over found the airing taken over by another node).

    A data folder that refuses writes (read-only, full) is tried again, with backoff, as long as the airing is
    still inside its `grace`; only then is it recorded failed. While it waits, `step_aside()` (an emergency
    wants the radio) ends the wait as an interruption, so the airing is requeued after the emergency.
    """
    lang = app.config.lang
    attempt = storage_tries = 0
    while attempt < policy.max_attempts:
        attempt += 1
        try:
            try:
                return channel.publish(broadcast)
            except Exception as exc:
                wait = _storage_wait(app, exc, broadcast, grace, policy, storage_tries)
                if wait is None:
                    raise
                gone_out = _gone_out(channel, broadcast)  # as after a crash: try again only if surely nothing went
                if gone_out is not None:
                    return gone_out
                reason = render(exc, lang) if isinstance(exc, LoaError) else f"{type(exc).__name__}: {exc}"
            storage_tries += 1
            note(
                app,
                logging.WARNING,
                "log_storage_retry",
                airing=broadcast.airing_id,
                channel=channel.name,
                reason=reason,
                seconds=wait,
            )
            claims.extend_lease(app, broadcast.airing_id, wait)
            if _wait_unless(app, wait, step_aside):
                note(app, logging.WARNING, "log_interrupted", airing=broadcast.airing_id, channel=channel.name)
                return Delivery(
                    outcome=Outcome.skipped, error_code="sink_interrupted", error_message=say(app, "sink_interrupted")
                )
            attempt -= 1  # waiting for the folder does not use up the channel's attempts
            continue
        except ClaimLost:
            raise  # another node took the airing over: this node hands nothing over and records nothing
        except ChannelError as exc:
            message = render(exc, lang)
            if exc.auth:
                stopped[channel.name] = message
                note(app, logging.ERROR, "log_channel_stopped", channel=channel.name, reason=message)
                return Delivery(outcome=Outcome.failed, error_code=exc.code, error_message=message)
            links: dict[str, Any] = {
                "external_id": exc.params.get("external_id"),
                "external_url": exc.params.get("external_url"),
            }
            # `sent` and `retryable` together: unclear, but the channel asks to look again after the wait
            if exc.sent and not (exc.retryable and attempt < policy.max_attempts):
                note(
                    app, logging.ERROR, "log_unclear", airing=broadcast.airing_id, channel=channel.name, reason=message
                )
                return Delivery(outcome=Outcome.unknown, error_code=exc.code, error_message=message, **links)
            if exc.retryable and attempt < policy.max_attempts:
                wait = policy.wait(attempt, retry_after=exc.params.get("retry_after"), jitter=random.uniform(0, 0.25))
                note(
                    app,
                    logging.WARNING,
                    "log_retrying",
                    airing=broadcast.airing_id,
                    channel=channel.name,
                    reason=message,
                    seconds=wait,
                )
                claims.extend_lease(app, broadcast.airing_id, wait)
                app.clock.sleep(wait)
                continue
            note(app, logging.ERROR, "log_failed", airing=broadcast.airing_id, channel=channel.name, reason=message)
            return Delivery(outcome=Outcome.failed, error_code=exc.code, error_message=message, **links)
        except LoaError as exc:
            message = render(exc, lang)
            if exc.code == "sink_interrupted":
                note(app, logging.WARNING, "log_interrupted", airing=broadcast.airing_id, channel=channel.name)
                cut = exc.params.get("delivery")  # what a relay had aired before it was cut: kept in the record
                if isinstance(cut, Delivery):
                    return replace(cut, outcome=Outcome.skipped, error_code=exc.code, error_message=message)
                return Delivery(outcome=Outcome.skipped, error_code=exc.code, error_message=message)
            note(app, logging.ERROR, "log_failed", airing=broadcast.airing_id, channel=channel.name, reason=message)
            return Delivery(outcome=Outcome.failed, error_code=exc.code, error_message=message)
        except Exception as exc:  # a bug must not lose the record of the airing
            note(app, logging.ERROR, "log_internal", exc_info=True, airing=broadcast.airing_id, channel=channel.name)
            return Delivery(
                outcome=Outcome.failed,
                error_code="internal",
                error_message=say(app, "internal", reason=f"{type(exc).__name__}: {exc}"),
            )
    raise AssertionError("unreachable")


def _storage_wait(
    app: App, exc: Exception, broadcast: Broadcast, grace: timedelta | None, policy: RetryPolicy, tries: int
) -> float | None:
    """Seconds to wait before trying again a delivery the data folder refused, or None: not that, or no grace left."""
    if grace is None or not is_storage_error(exc):
        return None
    wait = min(policy.backoff_seconds * 2**tries, STORAGE_WAIT_MAX)
    if app.clock.now() + timedelta(seconds=wait) - broadcast.due_at > grace:
        return None
    return wait


def _wait_unless(app: App, seconds: float, step_aside: Callable[[], bool] | None) -> bool:
    """Wait `seconds` in steps of at most one; return True (at once) if `step_aside()` says to stop waiting."""
    left = seconds
    while left > 0:
        if step_aside is not None and step_aside():
            return True
        app.clock.sleep(min(left, 1.0))
        left -= 1.0
    return step_aside is not None and step_aside()


def _gone_out(channel: Channel, broadcast: Broadcast) -> Delivery | None:
    """What went out before a delivery failed mid-way (the channel's own crash check); None if surely nothing."""
    try:
        return channel.recover(broadcast)
    except Exception:  # cannot tell: do not risk a second hand-over
        return Delivery(outcome=Outcome.unknown, error_code="crashed_unclear")


def _minutes(delta: timedelta) -> Phrase:
    """A span as the operator reads it, in the message's language: seconds under two minutes, else minutes."""
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return Phrase("span_seconds", {"n": seconds})
    return Phrase("span_minutes", {"n": seconds // 60})
