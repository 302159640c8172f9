"""The Zalo channel's calls to the OA API and its journalled steps: the article, its verification, each message."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import requests

from broadcasts.channels.base import Broadcast
from broadcasts.channels.http import read_json, send
from broadcasts.channels.journal import DONE, SENDING, Journal
from broadcasts.channels.zalo_api import article_request, article_title, endpoint
from broadcasts.channels.zalo_auth import ZaloAuth
from broadcasts.errors import ChannelError
from broadcasts.redact import scrub

if TYPE_CHECKING:
    from broadcasts.channels.zalo import ZaloSettings

__all__ = ["ZaloSteps", "TOKEN_CODES", "RETRYABLE_CODES", "CREATED", "LOOKUP_PAGES"]

TOKEN_CODES = frozenset({-216, -220, -124})
RETRYABLE_CODES = frozenset({-32})
CREATED = "created"  # the article exists, its id is not known yet
LOOKUP_PAGES = 3  # pages of the OA's article list searched for an article whose reply was lost


class ZaloSteps:
    """The OA API calls of the Zalo channel and its journalled steps: the article, then each message once."""

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
