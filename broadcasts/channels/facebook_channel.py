"""The Facebook Page channel itself: publishing each bulletin once, finding a post again, checking the token.

What an unclear reply to `POST /{page-id}/feed` leads to (a timeout, a
dropped connection, any 5xx, Graph codes 1 and 2; see `facebook_graph`):

1. the post is looked up on the Page feed by the airing's key at once;
   found: `posted` with its id and permalink;
2. the lookup fails: `unknown`, for `loa reconcile`;
3. not found, and Graph itself answered (its JSON error, so it has finished
   with the request): the journal notes a recheck and the runner waits
   `recheck_seconds` (its lease kept) and looks again; found: `posted`;
   still not found: Loa is *sure* nothing was created, and posts again;
4. not found after a timeout, a dropped connection or a 5xx that is no Graph
   reply (a proxy's page): the request may still be on its way, so the
   airing is `unknown` for reconcile, never re-sent.

"Sure" therefore means: Graph's own error reply (it is done with the request),
and two reads of the whole lookup window (`facebook_feed`), `recheck_seconds`
apart, without the key — a feed slower than that to show a new post is the
one risk left, and `recheck_seconds` is the knob. This is what koala #699 lacked:
its retries after `500 code 2` made seven posts of one upload.

The journal step is dropped only when Graph refused clearly (a 4xx with a
Graph error code that rejects the request) or after the two empty lookups of
point 3. A 506 (duplicate) means the post is there: it is found and recorded,
never posted again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import requests

from broadcasts.channels.base import Broadcast, Delivery, Finding
from broadcasts.channels.facebook_check import check
from broadcasts.channels.facebook_feed import Auth, find_post, get
from broadcasts.channels.facebook_graph import (
    DUPLICATE_CODE,
    appsecret_proof,
    feed_request,
    graph_error,
    graph_failure,
    unclear_reply,
    usage_detail,
)
from broadcasts.channels.http import send
from broadcasts.channels.journal import DONE, SENDING, Journal
from broadcasts.errors import ChannelError
from broadcasts.models import Outcome
from broadcasts.redact import remember, scrub

if TYPE_CHECKING:
    from broadcasts.channels.facebook import FacebookSettings

__all__ = ["FacebookChannel"]


def _read_secret(source: Callable[[], str | None], channel: str, missing: str, env: str) -> str | None:
    try:
        value = source()
    except ChannelError:
        raise
    except Exception as exc:  # an unreadable secrets file, say: stop the channel with its own message
        code = getattr(exc, "code", missing)
        params: dict[str, Any] = {"env": env, **getattr(exc, "params", {})}
        raise ChannelError(code, channel=channel, auth=True, **params) from exc
    if value:
        remember(value)
    return value or None


def _pick(params: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {name: params.get(name) for name in names}


class FacebookChannel:
    """Posts bulletins to a Facebook Page, once each, and finds them again when a reply was lost."""

    name = "facebook"

    def __init__(
        self,
        settings: FacebookSettings,
        *,
        session: requests.Session | None = None,
        token: Callable[[], str | None] | None = None,
        app_secret: Callable[[], str | None] | None = None,
        journal: Journal | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.settings = settings
        self.now = now or (lambda: datetime.now(UTC))
        self.session = session
        self._token_source = token or (lambda: None)
        self._secret_source = app_secret or (lambda: None)
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
        env = self.settings.token_env
        token = _read_secret(self._token_source, self.name, "facebook_token_missing", env)
        if not token:
            raise ChannelError("facebook_token_missing", channel=self.name, auth=True, env=env)
        return token

    def app_secret(self) -> str | None:
        """The app secret from the secrets (None if not set); ChannelError if the secrets cannot be read."""
        env = self.settings.app_secret_env
        return _read_secret(self._secret_source, self.name, "facebook_secret_missing", env)

    def auth(self) -> Auth:
        """The token, with its appsecret_proof when `appsecret_proof = true`; ChannelError (auth) if missing."""
        token = self._token()
        if not self.settings.appsecret_proof:
            return Auth(token)
        secret = self.app_secret()
        if not secret:
            raise ChannelError(
                "facebook_secret_missing", channel=self.name, auth=True, env=self.settings.app_secret_env
            )
        proof = appsecret_proof(token, secret)
        remember(proof)
        return Auth(token, proof)

    def url(self, path: str) -> str:
        return f"{self.settings.graph_url.rstrip('/')}/{path.lstrip('/')}"

    def error(self, error: Mapping[str, Any], response: requests.Response) -> ChannelError:
        return graph_failure(error, response, self.settings, channel=self.name)

    def read(self, path: str, auth: Auth, params: Mapping[str, Any]) -> Any:
        """One Graph read (`GET {graph_url}/{path}`): its JSON, or ChannelError."""
        session, _ = self._live()
        return get(session, self.url(path), auth, params, channel=self.name, error=self.error)

    def _posted(self, step: Mapping[str, Any], detail: dict[str, Any]) -> Delivery:
        return Delivery(outcome=Outcome.posted, external_id=step.get("id"), external_url=step.get("url"), detail=detail)

    # ---- publishing ---------------------------------------------------------------------

    def publish(self, broadcast: Broadcast) -> Delivery:
        request = feed_request(broadcast, self.settings)
        if self.settings.dry_run:
            return Delivery(outcome=Outcome.dry_run, detail={"request": request})
        _, journal = self._live()
        auth = self.auth()
        step = journal.load(broadcast.key).get("post")
        if step and step.get("state") == DONE:
            return self._posted(step, {"request": request, "resumed": True})
        if step:  # a request of an earlier attempt may be out there: look before anything else
            try:
                found = self.reconcile(broadcast)
            except ChannelError as exc:
                raise ChannelError("facebook_unclear", channel=self.name, sent=True) from exc
            if found is not None:
                return self._found(found, step.get("reply"), request)
            if not step.get("recheck"):
                raise ChannelError("facebook_unclear", channel=self.name, sent=True)
            journal.forget(broadcast.key, "post")  # two lookups, the wait between: surely not posted
        return self._post(broadcast, request, auth)

    def _post(self, broadcast: Broadcast, request: dict[str, Any], auth: Auth) -> Delivery:
        session, journal = self._live()
        journal.mark(broadcast.key, "post", SENDING)
        try:
            response = send(session, "POST", request["url"], channel=self.name, data={**request["data"], **auth.form})
        except ChannelError as exc:
            if not exc.sent:
                journal.forget(broadcast.key, "post")
                raise
            return self._unclear(broadcast, request, exc, graph_answered=False)
        try:
            payload: Any = response.json()
        except ValueError:
            payload = None
        if response.status_code == 200 and isinstance(payload, dict) and payload.get("id"):
            post_id = str(payload["id"])
            url = str(payload.get("permalink_url") or f"https://www.facebook.com/{post_id}")
            journal.mark(broadcast.key, "post", DONE, id=post_id, url=url)
            return self._posted(
                {"id": post_id, "url": url}, {"request": request, "usage": usage_detail(response.headers)}
            )
        error = graph_error(payload)
        if error is None or unclear_reply(response.status_code, error):
            cause = self._reply_error(response, error)
            return self._unclear(broadcast, request, cause, graph_answered=error is not None)
        if int(error.get("code") or 0) == DUPLICATE_CODE:
            return self._duplicate(broadcast, request, self.error(error, response))
        journal.forget(broadcast.key, "post")  # Graph said no: nothing was posted
        raise self.error(error, response)

    def _reply_error(self, response: requests.Response, error: Mapping[str, Any] | None) -> ChannelError:
        """The unclear reply as an error (`sent`): Graph's own words, or the bare HTTP status."""
        if error is None:
            code = "channel_server_error" if response.status_code >= 500 else "channel_bad_reply"
            return ChannelError(
                code,
                channel=self.name,
                status=response.status_code,
                sent=True,
                http=response.status_code,
                reason=scrub(response.reason or ""),
            )
        return ChannelError(
            "facebook_unclear_reply",
            channel=self.name,
            status=response.status_code,
            sent=True,
            http=response.status_code,
            graph=error.get("code"),
            subcode=error.get("error_subcode") or "-",
            reason=scrub(str(error.get("message", "")))[:200],
            trace=error.get("fbtrace_id") or "-",
        )

    def _found(self, found: Delivery, reply: Any, request: dict[str, Any]) -> Delivery:
        detail = {**(found.detail or {}), "request": request, "after_unclear_reply": reply}
        return Delivery(
            outcome=Outcome.posted, external_id=found.external_id, external_url=found.external_url, detail=detail
        )

    def _unclear(
        self, broadcast: Broadcast, request: dict[str, Any], cause: ChannelError, *, graph_answered: bool
    ) -> Delivery:
        """After an unclear reply: look the post up first (see the module's docstring)."""
        _, journal = self._live()
        reply = {"code": cause.code, **_pick(cause.params, "http", "graph", "subcode")}
        journal.mark(broadcast.key, "post", SENDING, reply=reply)
        try:
            found = self.reconcile(broadcast)
        except ChannelError as exc:
            raise cause from exc  # cannot tell: unknown, for reconcile
        if found is not None:
            return self._found(found, reply, request)
        if not graph_answered:
            raise cause
        journal.mark(broadcast.key, "post", SENDING, reply=reply, recheck=True)
        wait = self.settings.recheck_seconds
        raise ChannelError(
            "facebook_recheck",
            channel=self.name,
            status=cause.status,
            sent=True,
            retryable=True,
            retry_after=wait,
            wait=f"{wait:.0f}",
            **_pick(cause.params, "http", "graph", "subcode", "reason", "trace"),
        ) from cause

    def _duplicate(self, broadcast: Broadcast, request: dict[str, Any], refusal: ChannelError) -> Delivery:
        """Graph 506: a post with this text is on the Page already. Find it; never post again."""
        reply = {"code": "facebook_duplicate", "graph": DUPLICATE_CODE}
        try:
            found = self.reconcile(broadcast)
        except ChannelError:
            found = None
        if found is not None:
            return self._found(found, reply, request)
        raise ChannelError(
            "facebook_duplicate",
            channel=self.name,
            status=refusal.status,
            sent=True,
            **_pick(refusal.params, "graph", "subcode", "reason", "trace"),
        )

    # ---- finding a post again -------------------------------------------------------------

    def lookup(self, broadcast: Broadcast) -> Delivery | None:
        """The post of `broadcast` on the Page feed (found by its key), or None; the whole window is read."""
        auth = self.auth()
        path = f"{self.settings.page_id}/feed"
        return find_post(broadcast, lambda params: self.read(path, auth, params), channel=self.name)

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
        """May Loa post on this Page with this token, and until when? Plain findings, never raises."""
        return check(self)
