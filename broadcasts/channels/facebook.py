"""The Facebook Page channel: Graph API `POST /{page-id}/feed` with a Page access token.

Request and error shapes follow Meta's documentation:
- publishing: https://developers.facebook.com/docs/pages-api/posts and
  .../docs/graph-api/reference/page/feed — form fields `message`, `link`,
  `access_token`; the reply is `{"id": "{page-id}_{post-id}"}`;
- errors: https://developers.facebook.com/docs/graph-api/guides/error-handling —
  `{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`;
  1, 2 (temporary), 4, 17, 32, 341, 613 (throttling) and 368 (temporary block)
  are retried; 190 and 102 mean the token expired or was revoked; 10 and
  200-299 mean a permission is missing;
- usage headers: https://developers.facebook.com/docs/graph-api/overview/rate-limiting —
  `X-App-Usage`, `X-Page-Usage` and `X-Business-Use-Case-Usage`
  (`{"<id>": [{"type", "call_count", "total_cputime", "total_time",
  "estimated_time_to_regain_access"}]}`, minutes).
Reads send the token as `Authorization: Bearer`, so it never sits in a URL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

import requests

from broadcasts.channels.base import ERROR, OK, WARN, Broadcast, ChannelType, Context, Delivery, Finding, Problem
from broadcasts.channels.http import make_session, read_json, send
from broadcasts.channels.journal import DONE, SENDING, Journal
from broadcasts.channels.posts import DEFAULT_TEMPLATE, FACEBOOK_LIMIT, post_problems, render_post
from broadcasts.errors import ChannelError
from broadcasts.models import Outcome
from broadcasts.redact import remember, scrub

__all__ = [
    "FacebookSettings",
    "FacebookChannel",
    "build",
    "problems",
    "CHANNEL",
    "feed_request",
    "usage_wait",
    "graph_error",
    "RETRYABLE_CODES",
    "AUTH_CODES",
]

RETRYABLE_CODES = frozenset({1, 2, 4, 17, 32, 341, 368, 613})
AUTH_CODES = frozenset({190, 102})
USAGE_HEADERS = ("x-app-usage", "x-page-usage", "x-business-use-case-usage")
_THROTTLED_WAIT = 300.0  # seconds, when a usage header is at 100% but names no time
LOOKUP_PAGES = 3  # pages of the feed searched for a post whose reply was lost


@dataclass(frozen=True, kw_only=True)
class FacebookSettings:
    """The `[channels.facebook]` table: the Page, the Graph endpoint, the token's variable, the post template."""

    enabled: bool = True
    dry_run: bool = True
    page_id: str = ""
    graph_url: str = "https://graph.facebook.com/v25.0"
    token_env: str = "LOA_FACEBOOK_PAGE_TOKEN"
    timeout_seconds: float = 20.0
    grace_minutes: float = 120.0
    hashtags: tuple[str, ...] = ()
    link: str = ""
    template: str = DEFAULT_TEMPLATE
    max_wait_seconds: float = 300.0


def feed_request(broadcast: Broadcast, settings: FacebookSettings) -> dict[str, Any]:
    """The Graph API request that publishes `broadcast` (the token is added only when sending)."""
    page = settings.page_id or "{page-id}"
    data = {
        "message": render_post(
            broadcast, limit=FACEBOOK_LIMIT, template=settings.template, hashtags=settings.hashtags, link=settings.link
        )
    }
    if settings.link:
        data["link"] = settings.link
    return {"method": "POST", "url": f"{settings.graph_url.rstrip('/')}/{page}/feed", "data": data}


def _json_header(headers: Mapping[str, str], name: str) -> Any:
    try:
        return json.loads(headers.get(name, "") or "null")
    except ValueError:
        return None


def usage_wait(headers: Mapping[str, str]) -> float | None:
    """Seconds Facebook asks us to wait, from Retry-After and the usage headers; None if it names none."""
    waits: list[float] = []
    retry_after = headers.get("retry-after") or headers.get("Retry-After")
    if retry_after and retry_after.strip().isdigit():
        waits.append(float(retry_after))
    lowered = {k.lower(): v for k, v in headers.items()}
    full = False
    for name in USAGE_HEADERS:
        value = _json_header(lowered, name)
        entries: list[Any] = []
        if name == "x-business-use-case-usage" and isinstance(value, dict):
            entries = [e for items in value.values() if isinstance(items, list) for e in items]
        elif isinstance(value, dict):
            entries = [value]
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            minutes = entry.get("estimated_time_to_regain_access")
            if isinstance(minutes, (int, float)) and minutes > 0:
                waits.append(float(minutes) * 60)
            if any(
                isinstance(entry.get(k), (int, float)) and entry[k] >= 100
                for k in ("call_count", "total_cputime", "total_time")
            ):
                full = True
    if waits:
        return max(waits)
    return _THROTTLED_WAIT if full else None


def usage_detail(headers: Mapping[str, str]) -> dict[str, Any]:
    """The usage headers of a reply, parsed, for the log record."""
    lowered = {k.lower(): v for k, v in headers.items()}
    return {name: _json_header(lowered, name) for name in USAGE_HEADERS if name in lowered}


def graph_error(payload: Any) -> dict[str, Any] | None:
    """The `error` object of a Graph reply, or None if the reply is not a Graph error."""
    if isinstance(payload, dict) and isinstance(payload.get("error"), dict):
        error = payload["error"]
        if isinstance(error.get("code"), int) or str(error.get("code", "")).isdigit():
            return error
    return None


class FacebookChannel:
    """Posts bulletins to a Facebook Page, once each, and finds them again when a reply was lost."""

    name = "facebook"

    def __init__(
        self,
        settings: FacebookSettings,
        *,
        session: requests.Session | None = None,
        token: Callable[[], str | None] | None = None,
        journal: Journal | None = None,
    ) -> None:
        self.settings = settings
        self.session = session
        self._token_source = token or (lambda: None)
        self.journal = journal

    def close(self) -> None:
        if self.session is not None:
            self.session.close()

    # ---- helpers ------------------------------------------------------------------------

    def _live(self) -> tuple[requests.Session, Journal]:
        if self.session is None or self.journal is None:
            raise ChannelError("facebook_token_missing", channel=self.name, auth=True, env=self.settings.token_env)
        return self.session, self.journal

    def _token(self) -> str:
        try:
            token = self._token_source()
        except ChannelError:
            raise
        except Exception as exc:  # an unreadable secrets file, say: stop the channel with its own message
            code = getattr(exc, "code", "facebook_token_missing")
            params = dict(getattr(exc, "params", {}))
            raise ChannelError(code, channel=self.name, auth=True, **params) from exc
        if not token:
            raise ChannelError("facebook_token_missing", channel=self.name, auth=True, env=self.settings.token_env)
        remember(token)
        return token

    def _url(self, path: str) -> str:
        return f"{self.settings.graph_url.rstrip('/')}/{path.lstrip('/')}"

    def _error(self, error: Mapping[str, Any], response: requests.Response) -> ChannelError:
        """The ChannelError for a Graph error reply (nothing was posted)."""
        code = int(error.get("code") or 0)
        params: dict[str, Any] = dict(
            channel=self.name,
            status=response.status_code,
            graph=code,
            subcode=error.get("error_subcode") or "-",
            reason=scrub(str(error.get("message", "")))[:200],
            trace=error.get("fbtrace_id") or "-",
        )
        if code in AUTH_CODES:
            return ChannelError("facebook_token_expired", auth=True, env=self.settings.token_env, **params)
        if code == 10 or 200 <= code <= 299:
            return ChannelError("facebook_permission", auth=True, env=self.settings.token_env, **params)
        if code in RETRYABLE_CODES or response.status_code == 429 or error.get("is_transient") is True:
            wait = usage_wait(response.headers)
            if wait is not None:
                wait = min(wait, self.settings.max_wait_seconds)
            return ChannelError(
                "facebook_throttled",
                retryable=True,
                retry_after=wait,
                wait=f"{wait:.0f}" if wait is not None else "-",
                **params,
            )
        return ChannelError("facebook_rejected", **params)

    def _posted(self, step: Mapping[str, Any], detail: dict[str, Any]) -> Delivery:
        return Delivery(outcome=Outcome.posted, external_id=step.get("id"), external_url=step.get("url"), detail=detail)

    # ---- publishing ---------------------------------------------------------------------

    def publish(self, broadcast: Broadcast) -> Delivery:
        request = feed_request(broadcast, self.settings)
        if self.settings.dry_run:
            return Delivery(outcome=Outcome.dry_run, detail={"request": request})
        session, journal = self._live()
        token = self._token()
        step = journal.load(broadcast.key).get("post")
        if step and step.get("state") == DONE:
            return self._posted(step, {"request": request, "resumed": True})
        if step:  # a request of an earlier attempt may be out there: look before anything else
            try:
                found = self.reconcile(broadcast)
            except ChannelError as exc:
                raise ChannelError("facebook_unclear", channel=self.name, sent=True) from exc
            if found is not None:
                return found
            raise ChannelError("facebook_unclear", channel=self.name, sent=True)
        journal.mark(broadcast.key, "post", SENDING)
        try:
            response = send(
                session, "POST", request["url"], channel=self.name, data={**request["data"], "access_token": token}
            )
        except ChannelError as exc:
            if not exc.sent:
                journal.forget(broadcast.key, "post")
            raise
        try:
            payload: Any = response.json()
        except ValueError:
            payload = None
        if response.status_code == 200 and isinstance(payload, dict) and payload.get("id"):
            post_id = str(payload["id"])
            url = f"https://www.facebook.com/{post_id}"
            journal.mark(broadcast.key, "post", DONE, id=post_id, url=url)
            return self._posted(
                {"id": post_id, "url": url}, {"request": request, "usage": usage_detail(response.headers)}
            )
        error = graph_error(payload)
        if error is None:  # no answer from Graph itself (a 5xx page, a reply without id): it may be posted
            code = "channel_server_error" if response.status_code >= 500 else "channel_bad_reply"
            raise ChannelError(
                code,
                channel=self.name,
                status=response.status_code,
                sent=True,
                http=response.status_code,
                reason=scrub(response.reason or ""),
            )
        journal.forget(broadcast.key, "post")  # Graph said no: nothing was posted
        raise self._error(error, response)

    # ---- finding a post again -------------------------------------------------------------

    def lookup(self, broadcast: Broadcast) -> Delivery | None:
        """The post of `broadcast` on the Page feed (found by its key), or None."""
        session, _ = self._live()
        token = self._token()
        pattern = re.compile(re.escape(broadcast.key) + r"(?![0-9A-Za-z])")
        params: dict[str, Any] = {
            "fields": "id,message,created_time,permalink_url",
            "limit": 50,
            "since": int((broadcast.due_at - timedelta(days=1)).timestamp()),
        }
        for _ in range(LOOKUP_PAGES):
            response = send(
                session,
                "GET",
                self._url(f"{self.settings.page_id}/feed"),
                channel=self.name,
                idempotent=True,
                headers={"Authorization": f"Bearer {token}"},
                params=params,
            )
            payload = read_json(response, channel=self.name, idempotent=True)
            error = graph_error(payload)
            if error is not None or response.status_code != 200:
                if error is None:
                    raise ChannelError(
                        "channel_server_error",
                        channel=self.name,
                        status=response.status_code,
                        retryable=True,
                        http=response.status_code,
                        reason=scrub(response.reason or ""),
                    )
                raise self._error(error, response)
            for post in payload.get("data") or []:
                if isinstance(post, dict) and pattern.search(str(post.get("message") or "")):
                    post_id = str(post.get("id"))
                    url = post.get("permalink_url") or f"https://www.facebook.com/{post_id}"
                    return Delivery(
                        outcome=Outcome.posted,
                        external_id=post_id,
                        external_url=url,
                        detail={"found_on_page": True, "created_time": post.get("created_time")},
                    )
            paging = payload.get("paging") or {}
            after = (paging.get("cursors") or {}).get("after")
            if not after or not paging.get("next"):
                break
            params["after"] = after
        return None

    def reconcile(self, broadcast: Broadcast) -> Delivery | None:
        """The posted Delivery if the post exists (journal or Page feed), else None."""
        _, journal = self._live()
        step = journal.load(broadcast.key).get("post")
        if step and step.get("state") == DONE:
            return self._posted(step, {"from_journal": True})
        found = self.lookup(broadcast)
        if found is not None:
            journal.mark(broadcast.key, "post", DONE, id=found.external_id, url=found.external_url)
        return found

    def recover(self, broadcast: Broadcast) -> Delivery | None:
        if self.settings.dry_run or self.journal is None:
            return None
        if not self.journal.load(broadcast.key):
            return None  # the request never started: run it again
        try:
            found = self.reconcile(broadcast)
        except ChannelError:
            found = None
        return found or Delivery(outcome=Outcome.unknown, error_code="post_unclear")

    def carry_over(self, old: Broadcast, new: Broadcast) -> list[str]:
        return self.journal.carry_over(old.key, new.key) if self.journal is not None else []

    # ---- loa channels check ----------------------------------------------------------------

    def check(self) -> list[Finding]:
        """Is the token valid, for this Page, and may it read the feed? Plain findings, never raises."""
        s = self.settings
        findings = [
            Finding(
                level=OK if not s.dry_run else WARN,
                code="check_dry_run" if s.dry_run else "check_live",
                params={"channel": self.name},
            )
        ]
        if not s.page_id:
            return [*findings, Finding(level=WARN if s.dry_run else ERROR, code="check_fb_no_page", params={})]
        try:
            token = self._token()
        except ChannelError as exc:
            level = WARN if s.dry_run else ERROR
            return [*findings, Finding(level=level, code=exc.code, params=dict(exc.params))]
        if self.session is None:
            return findings
        headers = {"Authorization": f"Bearer {token}"}
        try:
            response = send(
                self.session,
                "GET",
                self._url("me"),
                channel=self.name,
                idempotent=True,
                headers=headers,
                params={"fields": "id,name"},
            )
            payload = read_json(response, channel=self.name, idempotent=True)
            error = graph_error(payload)
            if error is not None:
                raise self._error(error, response)
            me = payload if isinstance(payload, dict) else {}
            if str(me.get("id")) != s.page_id:
                findings.append(
                    Finding(
                        level=ERROR,
                        code="check_fb_wrong_page",
                        params={"id": me.get("id"), "name": me.get("name"), "page": s.page_id, "env": s.token_env},
                    )
                )
                return findings
            findings.append(Finding(level=OK, code="check_fb_page", params={"id": s.page_id, "name": me.get("name")}))
            response = send(
                self.session,
                "GET",
                self._url(f"{s.page_id}/feed"),
                channel=self.name,
                idempotent=True,
                headers=headers,
                params={"fields": "id", "limit": 1},
            )
            payload = read_json(response, channel=self.name, idempotent=True)
            error = graph_error(payload)
            if error is not None:
                raise self._error(error, response)
            findings.append(Finding(level=OK, code="check_fb_feed", params={}))
        except ChannelError as exc:
            findings.append(Finding(level=ERROR, code=exc.code, params=dict(exc.params)))
        return findings


def build(settings: FacebookSettings, context: Context) -> FacebookChannel | None:
    """The Facebook Page channel, or None when `enabled = false`."""
    if not settings.enabled:
        return None
    return FacebookChannel(
        settings,
        session=make_session(context.user_agent, settings.timeout_seconds),
        token=partial(context.secret, settings.token_env),
        journal=Journal(context.data_dir / "journal" / FacebookChannel.name),
    )


def problems(settings: FacebookSettings, listed: bool) -> Iterator[Problem]:
    """What Facebook cannot use: the template and endpoint, no Page id when posting for real, a negative wait."""
    yield from post_problems(settings, ("graph_url",))
    if listed and settings.enabled and not settings.dry_run and not settings.page_id.strip():
        yield Problem(
            key="page_id",
            value=settings.page_id,
            expected="mã Trang Facebook khi dry_run = false / the Page id when dry_run = false",
        )
    if settings.max_wait_seconds < 0:
        yield Problem(
            key="max_wait_seconds", expected="một số không âm / a non-negative number", value=settings.max_wait_seconds
        )


CHANNEL = ChannelType(settings=FacebookSettings, build=build, problems=problems)
