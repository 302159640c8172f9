"""The Graph API's side of the Facebook channel: the feed request, the usage headers and the error replies."""

from __future__ import annotations

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
    "RETRYABLE_CODES",
    "AUTH_CODES",
    "USAGE_HEADERS",
]

RETRYABLE_CODES = frozenset({1, 2, 4, 17, 32, 341, 368, 613})
AUTH_CODES = frozenset({190, 102})
USAGE_HEADERS = ("x-app-usage", "x-page-usage", "x-business-use-case-usage")
_THROTTLED_WAIT = 300.0  # seconds, when a usage header is at 100% but names no time


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


def graph_failure(
    error: Mapping[str, Any], response: requests.Response, settings: FacebookSettings, *, channel: str
) -> ChannelError:
    """The ChannelError for a Graph error reply (nothing was posted)."""
    code = int(error.get("code") or 0)
    params: dict[str, Any] = dict(
        channel=channel,
        status=response.status_code,
        graph=code,
        subcode=error.get("error_subcode") or "-",
        reason=scrub(str(error.get("message", "")))[:200],
        trace=error.get("fbtrace_id") or "-",
    )
    if code in AUTH_CODES:
        return ChannelError("facebook_token_expired", auth=True, env=settings.token_env, **params)
    if code == 10 or 200 <= code <= 299:
        return ChannelError("facebook_permission", auth=True, env=settings.token_env, **params)
    if code in RETRYABLE_CODES or response.status_code == 429 or error.get("is_transient") is True:
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
