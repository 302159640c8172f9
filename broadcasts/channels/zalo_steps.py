"""The Zalo channel's calls to the OA API and its journalled steps: the article, its verification, each message.

A create request (article, broadcast, group message) whose reply is unclear (a
timeout, a dropped connection, any 5xx, a reply that is not Zalo's JSON: Zalo
answers HTTP 200 with an `error` code when it refuses) is looked up by the
airing's key before anything else: the article in the OA's article list
(`getslice` + `getdetail`), a group message in the group's conversation
(`/v3.0/oa/group/conversation`). Found: the step is done with its id. Not found
within the lookup window (`verify_attempts` lookups, `verify_interval_seconds`
apart: an article is listed only once Zalo has processed it): nothing was
created, so the step is cleared and tried again. The lookup itself failing (or
a broadcast, which cannot be looked up): the step stays `sending` and the airing
is `unknown` for reconcile. A step is cleared at once only when Zalo said clearly
that nothing was created: an `error` code, HTTP 429, or no connection at all.

With `appsecret_proof = true` every call also carries the header
`appsecret_proof: hex(HMAC-SHA256(key=app secret, msg=access token))`, as
Zalo's PHP SDK does (zaloplatform/zalo-php-sdk: `AccessToken::getAppSecretProof`
is `hash_hmac('sha256', $accessToken, $appSecret)`, switched on by
`Zalo::setUseAppSecretProof(true)`, tests/TestAPIWithAppSecretProof.php); Zalo
answers -242 "Invalid appsecret_proof provided in the API argument" without it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

import requests

from broadcasts.channels.base import Broadcast
from broadcasts.channels.http import read_json, send
from broadcasts.channels.journal import DONE, SENDING, Journal
from broadcasts.channels.zalo_api import article_problems, article_request, article_title, endpoint
from broadcasts.channels.zalo_auth import ZaloAuth
from broadcasts.errors import ChannelError
from broadcasts.redact import remember, scrub

if TYPE_CHECKING:
    from broadcasts.channels.zalo import ZaloSettings

__all__ = [
    "ZaloSteps",
    "TOKEN_CODES",
    "RETRYABLE_CODES",
    "NIGHT_CODES",
    "PROOF_CODES",
    "CREATED",
    "DEFERRED",
    "LOOKUP_PAGES",
    "appsecret_proof",
]

TOKEN_CODES = frozenset({-216, -220, -124})
RETRYABLE_CODES = frozenset({-32})
NIGHT_CODES = frozenset({-234})  # "This message cannot be sent at night (10:00PM - 6:00AM)": not now, not never
PROOF_CODES = frozenset({-242})  # "Invalid appsecret_proof provided in the API argument"
CREATED = "created"  # the article exists, its id is not known yet
DEFERRED = "deferred"  # a step held for later (a broadcast at night): it goes out in a follow-up airing
LOOKUP_PAGES = 3  # pages of the OA's article list (or a group's conversation) searched for a lost reply


def appsecret_proof(access_token: str, app_secret: str) -> str:
    """HMAC-SHA256 of the access token keyed by the app secret, lowercase hex (Zalo's PHP SDK 4.0.4)."""
    return hmac.new(app_secret.encode("utf-8"), access_token.encode("utf-8"), hashlib.sha256).hexdigest()


Finder = Callable[[], "str | None"]  # looks a step's output up by the airing's key: its id, or None


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
                headers=self._headers(token),
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
                if isinstance(data, list):  # some lists (conversations) come bare
                    return {"items": data}
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
            if code in PROOF_CODES:
                raise ChannelError(
                    "zalo_proof_rejected",
                    channel=self.name,
                    auth=True,
                    zalo=code,
                    reason=reason,
                    env=auth.app_secret_env,
                )
            if code in NIGHT_CODES:
                raise ChannelError("zalo_not_now", channel=self.name, step=step, zalo=code, reason=reason)
            raise ChannelError("zalo_rejected", channel=self.name, step=step, zalo=code, reason=reason)
        raise AssertionError("unreachable")

    def _headers(self, token: str) -> dict[str, str]:
        """The access token header, and the app secret proof when `appsecret_proof = true`."""
        headers = {"access_token": token}
        if self.settings.appsecret_proof:
            _, _, auth = self._live()
            proof = appsecret_proof(token, auth.app_secret())
            remember(proof)  # derived from two secrets: never printed either
            headers["appsecret_proof"] = proof
        return headers

    def _send_step(self, broadcast: Broadcast, name: str, request: dict[str, Any], find: Finder | None = None) -> str:
        """Send one journalled step unless it is done; return the id Zalo gave it.

        `find` looks the step's output up by the airing's key (None: it cannot be looked up)."""
        _, journal, _ = self._live()
        step = journal.load(broadcast.key).get(name)
        if step and step.get("state") == DONE:
            return str(step.get("id") or "")
        if step and step.get("state") == SENDING:  # an earlier request of this step may have arrived
            found = self._settle(broadcast, name, find, None)
            if found is not None:
                return found
        elif step:  # held (deferred) earlier and due now: a fresh send
            journal.forget(broadcast.key, name)
        self._live()[2].access_token()  # a refresh (and a crash in it) happens before anything is in flight
        journal.mark(broadcast.key, name, SENDING)
        try:
            data = self._call(request, step=name)
        except ChannelError as exc:
            if not exc.sent:
                journal.forget(broadcast.key, name)
                raise
            found = self._settle(broadcast, name, find, exc)
            if found is not None:
                return found
            raise self._not_created(name, exc) from exc
        message_id = str(data.get("message_id") or data.get("id") or "")
        journal.mark(broadcast.key, name, DONE, id=message_id)
        return message_id

    # ---- an unclear reply: look before sending again ---------------------------------------------

    def _settle(self, broadcast: Broadcast, name: str, find: Finder | None, cause: ChannelError | None) -> str | None:
        """Look up step `name` whose request may have arrived: its id if found (done), None if surely absent
        (the step is cleared); raises an unclear (`sent`) error when it cannot tell."""
        _, journal, _ = self._live()
        if find is None:
            if cause is not None:
                raise cause
            raise ChannelError("zalo_step_unclear", channel=self.name, sent=True, step=name)
        attempts = max(self.settings.verify_attempts, 1)
        for attempt in range(attempts):
            try:
                found = find()
            except ChannelError as exc:
                raise ChannelError(
                    "zalo_lookup_failed",
                    channel=self.name,
                    sent=True,
                    step=name,
                    cause=cause.code if cause is not None else "crash",
                    reason=str(exc.params.get("reason") or exc.code),
                ) from exc
            if found is not None:
                journal.mark(
                    broadcast.key, name, DONE, id=found, found_after=cause.code if cause is not None else "crash"
                )
                return found
            if attempt + 1 < attempts:
                self._sleep(self.settings.verify_interval_seconds)
        journal.forget(broadcast.key, name)  # looked for long enough: nothing was created
        return None

    def _not_created(self, name: str, cause: ChannelError) -> ChannelError:
        """The error after an unclear reply whose output was looked up and is surely not there: try again."""
        return ChannelError(
            "zalo_not_created",
            channel=self.name,
            retryable=True,
            step=name,
            cause=cause.code,
            reason=str(cause.params.get("reason") or cause.params.get("http") or ""),
        )

    def _find_group_message(self, broadcast: Broadcast, group: str) -> str | None:
        """The id of this airing's message in the group's conversation (the OA's messages carrying the key)."""
        request = {"method": "GET", "url": endpoint(self.settings, "v3.0/oa/group/conversation")}
        for page in range(LOOKUP_PAGES):
            data = self._call(
                request, step="lookup", idempotent=True, params={"group_id": group, "offset": page * 10, "count": 10}
            )
            messages = _listed(data, "items", "messages")
            for message in messages:
                if (
                    isinstance(message, dict)
                    and str(message.get("src", "0")) == "0"  # 0: sent by the OA, 1: by a member
                    and broadcast.key in str(message.get("message") or "")
                    and message.get("message_id")
                ):
                    return str(message["message_id"])
            if len(messages) < 10:
                break
        return None

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
        find = partial(self._find_article, broadcast)
        if state == SENDING:  # an earlier create may have arrived: look for it first
            found = self._settle(broadcast, "article", find, None)
            if found is not None:
                return found
            state = None
        if state != CREATED:
            missing = article_problems(broadcast, self.settings)
            if missing:  # Zalo would refuse it: say which setting to fix, before anything is sent
                raise ChannelError(missing[0], channel=self.name, bulletin=broadcast.bulletin_id)
            self._live()[2].access_token()  # a refresh (and a crash in it) happens before anything is in flight
            journal.mark(broadcast.key, "article", SENDING)
            try:
                data = self._call(article_request(broadcast, self.settings), step="article")
            except ChannelError as exc:
                if not exc.sent:
                    journal.forget(broadcast.key, "article")
                    raise
                found = self._settle(broadcast, "article", find, exc)
                if found is not None:
                    return found
                raise self._not_created("article", exc) from exc
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
            medias = _listed(data, "medias", "articles")
            for media in medias:
                if isinstance(media, dict) and media.get("title") == title and media.get("id"):
                    detail = self._call(detail_request, step="lookup", idempotent=True, params={"id": media["id"]})
                    if broadcast.key in json.dumps(detail, ensure_ascii=False):
                        return str(media["id"])
            if len(medias) < 10:
                break
        return None


def _listed(data: dict[str, Any], *keys: str) -> list[Any]:
    """The list under the first of `keys` in a lookup's reply; a reply without one cannot tell (never "absent")."""
    for key in keys:
        if isinstance(data.get(key), list):
            return list(data[key])
    raise ChannelError("channel_bad_reply", channel="zalo", retryable=True, http=200, reason=f"no {' or '.join(keys)}")
