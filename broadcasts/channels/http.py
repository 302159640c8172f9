"""HTTP for the social channels: a session with a default timeout, and transport errors as ChannelError.

Nothing above `broadcasts/` sees a `requests` exception. Each failure is sorted
by one question: could the request have reached the service?

- the connection was refused, the name did not resolve, or connecting timed
  out: nothing was sent, so it is `retryable`;
- the reply never came (read timeout), the connection dropped after the
  request went out, or the reply cannot be read: the post may exist, so the
  error is `sent` and the outcome `unknown` (never re-sent blindly).

Reads (`idempotent=True`) may always be tried again. Tokens go in headers or
form bodies, never in URLs, so no exception text can carry them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError
from urllib3.util.retry import Retry

from broadcasts.errors import ChannelError
from broadcasts.redact import scrub

__all__ = ["make_session", "send", "read_json", "USER_AGENT"]

USER_AGENT = "Loa/0.1 (commune broadcast automation)"


class _TimeoutAdapter(HTTPAdapter):
    """An adapter that gives every request a timeout (requests has none by default)."""

    def __init__(self, timeout: float, **kwargs: Any) -> None:
        self.timeout = timeout
        super().__init__(**kwargs)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().send(request, **kwargs)


def make_session(user_agent: str = USER_AGENT, timeout: float = 20.0) -> requests.Session:
    """A session with a default timeout; a refused connection is tried once more at once, nothing else is."""
    session = requests.Session()
    # Only connecting is retried here (nothing has been sent yet); the runner owns every other retry.
    retry = Retry(
        total=None, connect=1, read=False, redirect=0, status=0, other=0, backoff_factor=0, raise_on_status=False
    )
    adapter = _TimeoutAdapter(timeout, max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    # A commune posts a few times a day: no keep-alive, so no socket outlives a request.
    session.headers.update({"User-Agent": user_agent, "Connection": "close", "Accept": "application/json"})
    return session


def _reason(exc: BaseException) -> str:
    return scrub(f"{type(exc).__name__}: {exc}")[:300]


def _not_connected(exc: requests.ConnectionError) -> bool:
    """True when the connection was never made (refused, unresolved): nothing was sent."""
    seen: set[int] = set()
    todo: list[Any] = [exc]
    while todo:
        item = todo.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, (NewConnectionError, ConnectionRefusedError)):
            return True
        todo.extend(
            [
                getattr(item, "reason", None),
                getattr(item, "__cause__", None),
                getattr(item, "__context__", None),
                *[a for a in getattr(item, "args", ()) if isinstance(a, BaseException)],
            ]
        )
    return False


def send(
    session: requests.Session,
    method: str,
    url: str,
    *,
    channel: str,
    timeout: float | None = None,
    idempotent: bool = False,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    json_body: Any = None,
) -> requests.Response:
    """Make one request; raise ChannelError (retryable or sent) when the transport fails."""
    try:
        return session.request(
            method,
            url,
            headers=dict(headers or {}),
            params=params,
            data=data,
            json=json_body,
            timeout=timeout,
            allow_redirects=False,
        )
    except requests.exceptions.SSLError as exc:  # a certificate problem: a setting to fix, not a blip
        raise ChannelError("channel_tls", channel=channel, reason=_reason(exc)) from exc
    except requests.exceptions.ConnectTimeout as exc:
        raise ChannelError("channel_unreachable", channel=channel, retryable=True, reason=_reason(exc)) from exc
    except requests.exceptions.ReadTimeout as exc:
        if idempotent:
            raise ChannelError(
                "channel_timeout",
                channel=channel,
                retryable=True,
                seconds=_seconds(session, timeout),
                reason=_reason(exc),
            ) from exc
        raise ChannelError(
            "channel_timeout", channel=channel, sent=True, seconds=_seconds(session, timeout), reason=_reason(exc)
        ) from exc
    except requests.exceptions.ConnectionError as exc:
        if _not_connected(exc):
            raise ChannelError("channel_unreachable", channel=channel, retryable=True, reason=_reason(exc)) from exc
        raise ChannelError(
            "channel_dropped", channel=channel, retryable=idempotent, sent=not idempotent, reason=_reason(exc)
        ) from exc
    except requests.exceptions.RequestException as exc:  # a reply that could not be read, and the like
        raise ChannelError(
            "channel_dropped", channel=channel, retryable=idempotent, sent=not idempotent, reason=_reason(exc)
        ) from exc


def _seconds(session: requests.Session, timeout: float | None) -> str:
    if timeout is None:
        adapter = session.get_adapter("https://")
        timeout = getattr(adapter, "timeout", None)
    return f"{timeout:g}" if isinstance(timeout, (int, float)) else "?"


def read_json(response: requests.Response, *, channel: str, idempotent: bool = False) -> Any:
    """The reply's JSON; a reply that is not JSON is unclear (`sent`) for a write, retryable for a read."""
    try:
        return response.json()
    except (ValueError, json.JSONDecodeError, requests.exceptions.RequestException) as exc:
        raise ChannelError(
            "channel_bad_reply",
            channel=channel,
            status=response.status_code,
            retryable=idempotent,
            sent=not idempotent,
            http=response.status_code,
            reason=scrub(response.text[:120]) if response.text else "",
        ) from exc
