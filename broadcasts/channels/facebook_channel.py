"""The Facebook Page channel itself: publishing each bulletin once, finding a post again, checking the token."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import requests

from broadcasts.channels.base import ERROR, OK, WARN, Broadcast, Delivery, Finding
from broadcasts.channels.facebook_graph import feed_request, graph_error, graph_failure, usage_detail
from broadcasts.channels.http import read_json, send
from broadcasts.channels.journal import DONE, SENDING, Journal
from broadcasts.errors import ChannelError
from broadcasts.models import Outcome
from broadcasts.redact import remember, scrub

if TYPE_CHECKING:
    from broadcasts.channels.facebook import FacebookSettings

__all__ = ["FacebookChannel", "LOOKUP_PAGES"]

LOOKUP_PAGES = 3  # pages of the feed searched for a post whose reply was lost


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
        return graph_failure(error, response, self.settings, channel=self.name)

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
