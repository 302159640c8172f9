"""The Graph API's side of the Facebook channel: the feed request, the usage headers and the error replies.

How a Graph error reply is read (sources in `broadcasts.channels.facebook`):
- any 5xx, and codes 1 (API Unknown) and 2 (API Service) whatever the status,
  are *unclear*: Graph may have created the post and still answered
  `500 {"error": {"code": 2, "is_transient": true}}` (koala #699: one upload
  became seven posts when such replies were retried); `unclear_reply` says so
  and the channel looks the post up before anything else;
- 4, 17, 32, 341, 368, 613 and the Business Use Case codes 80000-80099
  (80001 = Pages, with a Page access token) are throttling: retried after the
  wait the usage headers name (`estimated_time_to_regain_access`, minutes),
  bounded by `max_wait_seconds`;
- 190/102 expired or revoked token; subcodes 459 (checkpointed) and 464
  (unconfirmed user) mean someone must log in at www.facebook.com;
  10 and 200-299 a missing permission; 100 naming `appsecret_proof` a proof
  the app requires ("Require App Secret") is missing or wrong;
- 506 "Duplicate status message": the post is already on the Page.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import requests

from broadcasts.channels.base import Broadcast
from broadcasts.channels.posts import FACEBOOK_LIMIT, render_post
from broadcasts.errors import ChannelError
from broadcasts.redact import scrub

if TYPE_CHECKING:
    from broadcasts.channels.facebook import FacebookSettings

__all__ = [
    "feed_request",
    "usage_wait",
    "usage_detail",
    "graph_error",
    "graph_failure",
    "unclear_reply",
    "appsecret_proof",
    "throttling",
    "RETRYABLE_CODES",
    "UNCLEAR_CODES",
    "AUTH_CODES",
    "LOGIN_SUBCODES",
    "DUPLICATE_CODE",
    "USAGE_HEADERS",
]

RETRYABLE_CODES = frozenset({4, 17, 32, 341, 368, 613})  # throttling and temporary blocks: nothing was posted
BUC_CODES = range(80000, 80100)  # Business Use Case rate limits (80001 Pages, 80002 Instagram, ...)
UNCLEAR_CODES = frozenset({1, 2})  # "temporary issue due to downtime": the post may exist all the same
AUTH_CODES = frozenset({190, 102})
LOGIN_SUBCODES = frozenset({459, 464})  # the person behind the token must log in at www.facebook.com
DUPLICATE_CODE = 506
USAGE_HEADERS = ("x-app-usage", "x-page-usage", "x-business-use-case-usage")
_THROTTLED_WAIT = 300.0  # seconds, when a usage header is at 100% but names no time


def appsecret_proof(token: str, app_secret: str) -> str:
    """HMAC-SHA256 of the access token keyed with the app secret, as hex (Graph's `appsecret_proof`)."""
    return hmac.new(app_secret.encode("utf-8"), token.encode("utf-8"), hashlib.sha256).hexdigest()


def throttling(code: int) -> bool:
    """Whether Graph error `code` means "too many calls / not now" (nothing was done)."""
    return code in RETRYABLE_CODES or code in BUC_CODES


def unclear_reply(status: int, error: Mapping[str, Any] | None) -> bool:
    """Whether a reply to a request that creates something leaves open that it was created.

    Any 5xx is unclear whatever its body says, so is a reply that is no Graph
    error at all, and so are codes 1 and 2 (Graph's "retry later") at any status.
    """
    if status >= 500 or error is None:
        return True
    try:
        return int(error.get("code") or 0) in UNCLEAR_CODES
    except (TypeError, ValueError):
        return True


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
    data["fields"] = "id,permalink_url"  # read-after-write: the reply carries the post's permalink
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


def graph_failure(
    error: Mapping[str, Any], response: requests.Response, settings: FacebookSettings, *, channel: str
) -> ChannelError:
    """The ChannelError for a clear Graph error reply (nothing was posted; see `unclear_reply` first)."""
    code = int(error.get("code") or 0)
    subcode = error.get("error_subcode")
    params: dict[str, Any] = dict(
        channel=channel,
        status=response.status_code,
        graph=code,
        subcode=error.get("error_subcode") or "-",
        reason=scrub(str(error.get("message", "")))[:200],
        trace=error.get("fbtrace_id") or "-",
    )
    if subcode in LOGIN_SUBCODES:
        return ChannelError("facebook_login_required", auth=True, env=settings.token_env, **params)
    if code in AUTH_CODES:
        return ChannelError("facebook_token_expired", auth=True, env=settings.token_env, **params)
    if code == 100 and "appsecret_proof" in str(error.get("message", "")):
        return ChannelError("facebook_proof_refused", auth=True, env=settings.app_secret_env, **params)
    if code == 10 or 200 <= code <= 299:
        return ChannelError("facebook_permission", auth=True, env=settings.token_env, **params)
    if throttling(code) or response.status_code == 429 or error.get("is_transient") is True:
        wait = usage_wait(response.headers)
        if wait is not None:
            wait = min(wait, settings.max_wait_seconds)
        return ChannelError(
            "facebook_throttled",
            retryable=True,
            retry_after=wait,
            wait=f"{wait:.0f}" if wait is not None else "-",
            **params,
        )
    return ChannelError("facebook_rejected", **params)
