"""The Zalo Official Account channel: an OA article, its broadcast to followers, and text to the OA's groups.

Shapes follow developers.zalo.me (Official Account API) and Zalo's Java SDK
(github.com/zaloplatform/zalo-java-sdk, `CreateNormalArticle`, `GetArticleId`,
`GetListArticle`, `v3/SendBroadcastMessage`):
- every call sends the token in an `access_token` header, and every reply is
  HTTP 200 with `{"error": 0, "message": "Success", "data": {...}}`, or a
  negative `error`: so `error` is what is checked;
- `POST /v2.0/article/create` (type, title, author, cover, description, body,
  status, comment) answers `data.token`; `POST /v2.0/article/verify` with that
  token answers `data.id` once the article exists;
- `POST /v2.0/oa/message` with `recipient.target` and a `media` template of the
  article broadcasts it (not between 22:00 and 06:00, station time);
- `POST /v3.0/oa/group/message` with `recipient.group_id`, `message.text`;
- `GET /v2.0/article/getslice` (offset, limit <= 10, type) and
  `GET /v2.0/article/getdetail` find an article again; `GET /v2.0/oa/getoa` and
  `GET /v3.0/oa/group/getgroup` check the credentials and the groups.
Errors -216, -220 and -124 mean the access token is invalid or expired (one
refresh, then the channel stops); -32 is a rate limit (retried). Each step is
journalled, so a retry sends only what did not go out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import requests

from broadcasts.channels.base import ERROR, OK, WARN, Broadcast, ChannelType, Context, Delivery, Finding, Problem
from broadcasts.channels.http import make_session, read_json, send
from broadcasts.channels.journal import DONE, SENDING, Journal
from broadcasts.channels.posts import DEFAULT_TEMPLATE, post_problems
from broadcasts.channels.zalo_api import (
    article_request,
    article_title,
    broadcast_request,
    endpoint,
    group_request,
    quiet_hours,
    zalo_requests,
)
from broadcasts.channels.zalo_auth import TokenStore, ZaloAuth
from broadcasts.errors import ChannelError
from broadcasts.models import Outcome
from broadcasts.redact import scrub

__all__ = [
    "ZaloSettings",
    "ZaloChannel",
    "build",
    "problems",
    "token_path",
    "CHANNEL",
    "zalo_requests",
    "article_request",
    "group_request",
    "broadcast_request",
    "quiet_hours",
    "TOKEN_CODES",
    "RETRYABLE_CODES",
]

TOKEN_CODES = frozenset({-216, -220, -124})
RETRYABLE_CODES = frozenset({-32})
CREATED = "created"  # the article exists, its id is not known yet
LOOKUP_PAGES = 3  # pages of the OA's article list searched for an article whose reply was lost


@dataclass(frozen=True, kw_only=True)
class ZaloSettings:
    """The `[channels.zalo]` table: the app, the endpoints, the secrets' variables, groups and the template."""

    enabled: bool = True
    dry_run: bool = True
    app_id: str = ""
    api_url: str = "https://openapi.zalo.me"
    oauth_url: str = "https://oauth.zaloapp.com/v4/oa/access_token"
    app_secret_env: str = "LOA_ZALO_APP_SECRET"
    refresh_token_env: str = "LOA_ZALO_REFRESH_TOKEN"
    token_file: str = "zalo-token.json"
    group_ids: tuple[str, ...] = ()
    broadcast: bool = False
    author: str = ""
    cover_url: str = ""
    link: str = ""
    template: str = DEFAULT_TEMPLATE
    hashtags: tuple[str, ...] = ()
    verify_attempts: int = 5
    verify_interval_seconds: float = 2.0
    timeout_seconds: float = 20.0
    grace_minutes: float = 120.0


class ZaloChannel:
    """Publishes bulletins on a Zalo Official Account and its groups, each part once."""

    name = "zalo"

    def __init__(
        self,
        settings: ZaloSettings,
        *,
        session: requests.Session | None = None,
        auth: ZaloAuth | None = None,
        journal: Journal | None = None,
        now: Callable[[], datetime] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.settings = settings
        self.session = session
        self.auth = auth
        self.journal = journal
        self._now = now or (lambda: datetime.now(UTC))
        self._sleep = sleep or (lambda seconds: None)

    def close(self) -> None:
        if self.session is not None:
            self.session.close()

    def _live(self) -> tuple[requests.Session, Journal, ZaloAuth]:
        if self.session is None or self.journal is None or self.auth is None:
            raise ChannelError("zalo_token_missing", channel=self.name, auth=True, env="LOA_ZALO_REFRESH_TOKEN")
        return self.session, self.journal, self.auth

    # ---- one API call ------------------------------------------------------------------------

    def _call(
        self, request: dict[str, Any], *, step: str, idempotent: bool = False, params: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Send one request; return its `data`; a rejected token is refreshed once and the call repeated."""
        session, _, auth = self._live()
        token = auth.access_token()
        for attempt in (1, 2):
            response = send(
                session,
                request["method"],
                request["url"],
                channel=self.name,
                idempotent=idempotent,
                headers={"access_token": token},
                json_body=request.get("json"),
                params=params,
            )
            if response.status_code == 429:
                raise ChannelError(
                    "zalo_throttled", channel=self.name, retryable=True, step=step, zalo=429, reason="HTTP 429"
                )
            if response.status_code >= 500:
                raise ChannelError(
                    "channel_server_error",
                    channel=self.name,
                    status=response.status_code,
                    sent=not idempotent,
                    retryable=idempotent,
                    http=response.status_code,
                    reason=scrub(response.reason or ""),
                )
            payload = read_json(response, channel=self.name, idempotent=idempotent)
            if not isinstance(payload, dict) or not isinstance(payload.get("error"), int):
                raise ChannelError(
                    "channel_bad_reply",
                    channel=self.name,
                    sent=not idempotent,
                    retryable=idempotent,
                    http=response.status_code,
                    reason="no 'error' field",
                )
            code = payload["error"]
            if code == 0:
                data = payload.get("data")
                return data if isinstance(data, dict) else {}
            reason = scrub(str(payload.get("message") or payload.get("error_name") or ""))[:200]
            if code in TOKEN_CODES and attempt == 1:
                token = auth.refresh(stale=token)
                continue
            if code in TOKEN_CODES:
                raise ChannelError(
                    "zalo_reauthorise",
                    channel=self.name,
                    auth=True,
                    zalo=code,
                    reason=reason,
                    env=auth.refresh_token_env,
                )
            if code in RETRYABLE_CODES:
                raise ChannelError(
                    "zalo_throttled", channel=self.name, retryable=True, step=step, zalo=code, reason=reason
                )
            raise ChannelError("zalo_rejected", channel=self.name, step=step, zalo=code, reason=reason)
        raise AssertionError("unreachable")

    def _send_step(self, broadcast: Broadcast, name: str, request: dict[str, Any]) -> str:
        """Send one journalled step unless it is done; return the id Zalo gave it."""
        _, journal, _ = self._live()
        step = journal.load(broadcast.key).get(name)
        if step and step.get("state") == DONE:
            return str(step.get("id") or "")
        if step:  # an earlier request of this step may have arrived; a message cannot be looked up
            raise ChannelError("zalo_step_unclear", channel=self.name, sent=True, step=name)
        self._live()[2].access_token()  # a refresh (and a crash in it) happens before anything is in flight
        journal.mark(broadcast.key, name, SENDING)
        try:
            data = self._call(request, step=name)
        except ChannelError as exc:
            if not exc.sent:
                journal.forget(broadcast.key, name)
            raise
        message_id = str(data.get("message_id") or data.get("id") or "")
        journal.mark(broadcast.key, name, DONE, id=message_id)
        return message_id

    # ---- the article -------------------------------------------------------------------------

    def _verify(self, broadcast: Broadcast, token: str) -> str | None:
        """Ask for the article's id until Zalo gives it (at most `verify_attempts` times)."""
        request = {"method": "POST", "url": endpoint(self.settings, "v2.0/article/verify"), "json": {"token": token}}
        for attempt in range(max(self.settings.verify_attempts, 1)):
            data = self._call(request, step="article", idempotent=True)
            if data.get("id"):
                return str(data["id"])
            if attempt + 1 < self.settings.verify_attempts:
                self._sleep(self.settings.verify_interval_seconds)
        return None

    def _article(self, broadcast: Broadcast) -> str:
        """Create the article (or resume it) and return its id."""
        _, journal, _ = self._live()
        step = journal.load(broadcast.key).get("article") or {}
        state = step.get("state")
        if state == DONE:
            return str(step["id"])
        if state == SENDING:  # an earlier create may have arrived: look for it first
            try:
                found = self._find_article(broadcast)
            except ChannelError as exc:
                raise ChannelError("zalo_step_unclear", channel=self.name, sent=True, step="article") from exc
            if found is None:
                raise ChannelError("zalo_step_unclear", channel=self.name, sent=True, step="article")
            journal.mark(broadcast.key, "article", DONE, id=found)
            return found
        if state != CREATED:
            self._live()[2].access_token()  # a refresh (and a crash in it) happens before anything is in flight
            journal.mark(broadcast.key, "article", SENDING)
            try:
                data = self._call(article_request(broadcast, self.settings), step="article")
            except ChannelError as exc:
                if not exc.sent:
                    journal.forget(broadcast.key, "article")
                raise
            if not data.get("token"):
                raise ChannelError("channel_bad_reply", channel=self.name, sent=True, http=200, reason="no token")
            step = {"token": str(data["token"])}
            journal.mark(broadcast.key, "article", CREATED, token=step["token"])
        article_id = self._verify(broadcast, str(step["token"]))
        if article_id is None:  # it exists; verifying again later is safe, creating again is not
            raise ChannelError("zalo_article_unverified", channel=self.name, retryable=True)
        journal.mark(broadcast.key, "article", DONE, id=article_id)
        return article_id

    def _find_article(self, broadcast: Broadcast) -> str | None:
        """The id of this airing's article in the OA's article list (title, then the key in its body)."""
        title = article_title(broadcast)
        slice_request = {"method": "GET", "url": endpoint(self.settings, "v2.0/article/getslice")}
        detail_request = {"method": "GET", "url": endpoint(self.settings, "v2.0/article/getdetail")}
        for page in range(LOOKUP_PAGES):
            data = self._call(
                slice_request,
                step="lookup",
                idempotent=True,
                params={"offset": page * 10, "limit": 10, "type": "normal"},
            )
            medias = data.get("medias") or data.get("articles") or []
            for media in medias:
                if isinstance(media, dict) and media.get("title") == title and media.get("id"):
                    detail = self._call(detail_request, step="lookup", idempotent=True, params={"id": media["id"]})
                    if broadcast.key in json.dumps(detail, ensure_ascii=False):
                        return str(media["id"])
            if len(medias) < 10:
                break
        return None

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
            steps = journal.load(broadcast.key)
            if "broadcast" not in steps and quiet_hours(self._now(), broadcast.timezone):
                local = self._now().astimezone(ZoneInfo(broadcast.timezone))
                journal.mark(broadcast.key, "broadcast", DONE, id=None, skipped="quiet_hours", at=f"{local:%H:%M}")
            else:
                self._with_article(
                    article_id,
                    "broadcast",
                    lambda: self._send_step(broadcast, "broadcast", broadcast_request(self.settings, article_id)),
                )
        for group in self.settings.group_ids:
            self._with_article(
                article_id,
                f"group:{group}",
                partial(self._send_step, broadcast, f"group:{group}", group_request(broadcast, self.settings, group)),
            )
        steps = journal.load(broadcast.key)
        return Delivery(
            outcome=Outcome.posted,
            external_id=article_id,
            detail={"steps": steps, "requests": zalo_requests(broadcast, self.settings)},
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
            params = {k: v for k, v in exc.params.items() if k not in ("channel", "step", "reason", "article")}
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
        """Posted if every part is known to have gone out (the article looked up if need be), else None."""
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
        try:
            found = self.reconcile(broadcast)
        except ChannelError:
            found = None
        if found is not None:
            return found
        steps = self.journal.load(broadcast.key)
        if any(step.get("state") == SENDING for step in steps.values()):
            return Delivery(outcome=Outcome.unknown, error_code="post_unclear", detail={"steps": steps})
        return None

    def carry_over(self, old: Broadcast, new: Broadcast) -> list[str]:
        if self.journal is None:
            return []
        kept = {
            name: step
            for name, step in self.journal.load(old.key).items()
            if step.get("state") in (DONE, CREATED) and not step.get("skipped")
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


def token_path(settings: ZaloSettings, data_dir: Path) -> Path:
    """The Zalo token file: `token_file`, relative to the data folder."""
    path = Path(settings.token_file).expanduser()
    return path if path.is_absolute() else data_dir / path


def build(settings: ZaloSettings, context: Context) -> ZaloChannel | None:
    """The Zalo OA channel with its token refresh, or None when `enabled = false`."""
    if not settings.enabled:
        return None
    session = make_session(context.user_agent, settings.timeout_seconds)
    auth = ZaloAuth(
        session=session,
        store=TokenStore(token_path(settings, context.data_dir)),
        oauth_url=settings.oauth_url,
        app_id=settings.app_id,
        app_secret=partial(context.secret, settings.app_secret_env),
        refresh_token=partial(context.secret, settings.refresh_token_env),
        now=context.now,
        app_secret_env=settings.app_secret_env,
        refresh_token_env=settings.refresh_token_env,
    )
    journal = Journal(context.data_dir / "journal" / ZaloChannel.name)
    return ZaloChannel(settings, session=session, auth=auth, journal=journal, now=context.now, sleep=context.sleep)


def problems(settings: ZaloSettings, listed: bool) -> Iterator[Problem]:
    """What Zalo cannot use: template and endpoints, no app id or cover when posting for real, bad verify tries."""
    yield from post_problems(settings, ("api_url", "oauth_url"))
    if listed and settings.enabled and not settings.dry_run:
        if not settings.app_id.strip():
            yield Problem(
                key="app_id",
                value=settings.app_id,
                expected="mã ứng dụng Zalo khi dry_run = false / the app id when dry_run = false",
            )
        if not re.match(r"^https?://", settings.cover_url):
            yield Problem(
                key="cover_url",
                value=settings.cover_url,
                expected="ảnh bìa http(s):// (Zalo bắt buộc) / a cover image URL (required)",
            )
    if settings.verify_attempts < 1 or settings.verify_interval_seconds < 0:
        yield Problem(
            key="verify_attempts",
            expected="một số dương / a positive number",
            value=[settings.verify_attempts, settings.verify_interval_seconds],
        )


CHANNEL = ChannelType(settings=ZaloSettings, build=build, problems=problems)
