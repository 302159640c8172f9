"""The Zalo OA channel itself: publishing, reconciling and recovering a bulletin's parts, and the channel check."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from broadcasts.channels.base import ERROR, OK, WARN, Broadcast, Delivery, Finding
from broadcasts.channels.journal import DONE, SENDING
from broadcasts.channels.zalo_api import (
    broadcast_opens,
    broadcast_request,
    endpoint,
    group_request,
    quiet_hours,
    zalo_requests,
)
from broadcasts.channels.zalo_steps import CREATED, DEFERRED, ZaloSteps
from broadcasts.errors import ChannelError
from broadcasts.models import Outcome

__all__ = ["ZaloChannel", "NOT_NOW_WAIT"]

NOT_NOW_WAIT = timedelta(minutes=10)  # Zalo said "not at night" (-234) while our clock says day: ask again then


class ZaloChannel(ZaloSteps):
    """Publishes bulletins on a Zalo Official Account and its groups, each part once."""

    # ---- publishing ----------------------------------------------------------------------------

    def _expected(self) -> list[str]:
        return [
            "article",
            *(["broadcast"] if self.settings.broadcast else []),
            *(f"group:{g}" for g in self.settings.group_ids),
        ]

    def publish(self, broadcast: Broadcast) -> Delivery:
        if self.settings.dry_run:
            return Delivery(outcome=Outcome.dry_run, detail={"requests": zalo_requests(broadcast, self.settings)})
        _, journal, _ = self._live()
        article_id = self._article(broadcast)
        if self.settings.broadcast:
            self._broadcast(broadcast, article_id)
        for group in self.settings.group_ids:
            self._with_article(
                article_id,
                f"group:{group}",
                partial(
                    self._send_step,
                    broadcast,
                    f"group:{group}",
                    group_request(broadcast, self.settings, group),
                    partial(self._find_group_message, broadcast, group),
                ),
            )
        steps = journal.load(broadcast.key)
        held = steps.get("broadcast") or {}
        detail: dict[str, Any] = {"steps": steps, "requests": zalo_requests(broadcast, self.settings)}
        resume_at = None
        if held.get("state") == DEFERRED:
            resume_at = datetime.fromisoformat(str(held["until"]))
            detail["broadcast_deferred"] = {k: held.get(k) for k in ("until", "at", "reason")}
        elif held.get("deferred_until"):
            detail["deferred_from"] = {"until": held["deferred_until"], "reason": held.get("deferred_reason")}
        return Delivery(outcome=Outcome.posted, external_id=article_id, detail=detail, resume_at=resume_at)

    def _broadcast(self, broadcast: Broadcast, article_id: str) -> None:
        """Broadcast the article to the followers now, or hold it (journalled) until Zalo takes broadcasts again."""
        _, journal, _ = self._live()
        step = journal.load(broadcast.key).get("broadcast") or {}
        if step.get("state") == DONE:
            return
        now = self._now()
        if step.get("state") != SENDING and quiet_hours(now, broadcast.timezone):
            self._defer(broadcast, broadcast_opens(now, broadcast.timezone), "quiet_hours")
            return
        held = step if step.get("state") == DEFERRED else None
        try:
            message_id = self._with_article(
                article_id,
                "broadcast",
                lambda: self._send_step(broadcast, "broadcast", broadcast_request(self.settings, article_id)),
            )
            if held is not None:  # the log says it was held, and the record's time says when it went
                journal.mark(
                    broadcast.key,
                    "broadcast",
                    DONE,
                    id=message_id,
                    deferred_until=held.get("until"),
                    deferred_reason=held.get("reason"),
                )
        except ChannelError as exc:
            if exc.params.get("cause") != "zalo_not_now":
                raise
            # Zalo's own clock says night (-234): later, never dropped; a few minutes if ours says day
            opens = broadcast_opens(now, broadcast.timezone)
            self._defer(broadcast, opens if opens > now else now + NOT_NOW_WAIT, f"zalo {exc.params.get('zalo')}")

    def _defer(self, broadcast: Broadcast, until: datetime, reason: str) -> None:
        local = until.astimezone(ZoneInfo(broadcast.timezone))
        _, journal, _ = self._live()
        journal.mark(
            broadcast.key,
            "broadcast",
            DEFERRED,
            until=until.astimezone(UTC).isoformat(),
            at=f"{local:%H:%M}",
            reason=reason,
        )

    def _with_article(self, article_id: str, step: str, action: Callable[[], str]) -> str:
        """Run a step after the article went out; its error says that the article is already posted."""
        try:
            return action()
        except ChannelError as exc:
            if exc.auth or exc.code == "zalo_partial":
                raise
            reason = str(exc.params.get("reason", ""))
            if "zalo" in exc.params:
                reason = f"{exc.params['zalo']} {reason}".strip()
            params = {k: v for k, v in exc.params.items() if k not in ("channel", "step", "reason", "article", "cause")}
            raise ChannelError(
                "zalo_partial",
                channel=self.name,
                status=exc.status,
                retryable=exc.retryable,
                sent=exc.sent,
                article=article_id,
                step=step,
                cause=exc.code,
                reason=reason,
                **params,
            ) from exc

    # ---- after a crash, and for the operator --------------------------------------------------

    def reconcile(self, broadcast: Broadcast) -> Delivery | None:
        """Posted if every part is known to have gone out (the article and group messages looked up if need be),
        else None."""
        _, journal, _ = self._live()
        article = journal.load(broadcast.key).get("article") or {}
        if article.get("state") == CREATED:
            article_id = self._verify(broadcast, str(article["token"]))
            if article_id is None:
                return None
            journal.mark(broadcast.key, "article", DONE, id=article_id)
        elif article.get("state") != DONE:
            found = self._find_article(broadcast)
            if found is None:
                return None
            journal.mark(broadcast.key, "article", DONE, id=found)
        for group in self.settings.group_ids:
            name = f"group:{group}"
            if (journal.load(broadcast.key).get(name) or {}).get("state") == SENDING:
                message_id = self._find_group_message(broadcast, group)
                if message_id is not None:
                    journal.mark(broadcast.key, name, DONE, id=message_id, found_after="reconcile")
        steps = journal.load(broadcast.key)
        if any(steps.get(name, {}).get("state") != DONE for name in self._expected()):
            return None
        return Delivery(
            outcome=Outcome.posted, external_id=str(steps["article"]["id"]), detail={"steps": steps, "reconciled": True}
        )

    def recover(self, broadcast: Broadcast) -> Delivery | None:
        if self.settings.dry_run or self.journal is None:
            return None
        steps = self.journal.load(broadcast.key)
        if not any(step.get("state") == SENDING for step in steps.values()):
            return None  # nothing in flight: running again sends only what is missing
        finders = {
            "article": partial(self._find_article, broadcast),
            **{f"group:{g}": partial(self._find_group_message, broadcast, g) for g in self.settings.group_ids},
        }
        for name, step in steps.items():
            if step.get("state") == SENDING and name in finders:
                # found: done; surely absent: cleared, so running again sends it once; cannot tell: stays in flight
                with contextlib.suppress(ChannelError):
                    self._settle(broadcast, name, finders[name], None)
        steps = self.journal.load(broadcast.key)
        if any(step.get("state") == SENDING for step in steps.values()):
            return Delivery(outcome=Outcome.unknown, error_code="post_unclear", detail={"steps": steps})
        if all(steps.get(name, {}).get("state") == DONE for name in self._expected()):
            article_id = str(steps["article"].get("id") or "")
            return Delivery(outcome=Outcome.posted, external_id=article_id, detail={"steps": steps, "recovered": True})
        return None  # nothing in flight any more: running again sends only what is missing

    def carry_over(self, old: Broadcast, new: Broadcast) -> list[str]:
        if self.journal is None:
            return []
        kept = {
            name: step
            for name, step in self.journal.load(old.key).items()
            if step.get("state") in (DONE, CREATED, DEFERRED) and not step.get("skipped")
        }
        for name, step in kept.items():
            self.journal.mark(new.key, name, step.pop("state"), **step)
        return sorted(kept)

    # ---- loa channels check ----------------------------------------------------------------------

    def check(self) -> list[Finding]:
        """Can Loa get a token, read the OA, and reach every configured group? Never raises."""
        s = self.settings
        findings = [
            Finding(
                level=WARN if s.dry_run else OK,
                code="check_dry_run" if s.dry_run else "check_live",
                params={"channel": self.name},
            )
        ]
        if not s.dry_run and not s.cover_url:
            findings.append(Finding(level=ERROR, code="check_zalo_no_cover", params={}))
        if self.session is None or self.auth is None or not self.auth.app_id:
            findings.append(Finding(level=WARN if s.dry_run else ERROR, code="check_zalo_no_app", params={}))
            return findings
        try:
            oa = self._call({"method": "GET", "url": endpoint(s, "v2.0/oa/getoa")}, step="check", idempotent=True)
            findings.append(
                Finding(level=OK, code="check_zalo_oa", params={"name": oa.get("name"), "id": oa.get("oa_id")})
            )
        except ChannelError as exc:
            level = WARN if s.dry_run and exc.code in ("zalo_token_missing", "zalo_secret_missing") else ERROR
            findings.append(Finding(level=level, code=exc.code, params=dict(exc.params)))
            return findings
        for group in s.group_ids:
            try:
                data = self._call(
                    {"method": "GET", "url": endpoint(s, "v3.0/oa/group/getgroup")},
                    step="check",
                    idempotent=True,
                    params={"group_id": group},
                )
                info = data.get("group_info") or {}
                ok = info.get("status", "enabled") == "enabled"
                findings.append(
                    Finding(
                        level=OK if ok else ERROR,
                        code="check_zalo_group" if ok else "check_zalo_group_disabled",
                        params={"group": group, "name": info.get("name")},
                    )
                )
            except ChannelError as exc:
                findings.append(
                    Finding(
                        level=ERROR,
                        code="check_zalo_group_error",
                        params={"group": group, "cause": exc.code, "reason": exc.params.get("reason", "")},
                    )
                )
        return findings
