"""Per-client-IP throttling of logins and API requests: a sliding window in memory, answered with 429.

Each limiter keeps, per client address, the instants of its recent requests
within the window; one more than the limit is refused with the seconds until
the oldest leaves the window. Time comes from the app's clock, so tests move
it instead of sleeping. The per-account lockout (`users.authenticate`) stays:
this guards against one address trying many names or flooding the API.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict, deque
from typing import Any

from flask import Flask, g, render_template, request
from werkzeug.middleware.proxy_fix import ProxyFix

__all__ = ["SlidingWindow", "init_app"]

MAX_CLIENTS = 10_000  # addresses remembered per limiter; the least recently seen are forgotten first


class SlidingWindow:
    """At most `limit` hits per key within `window` seconds (a limit of 0 never refuses)."""

    def __init__(self, limit: int, window: float, *, max_keys: int = MAX_CLIENTS) -> None:
        self.limit = limit
        self.window = float(window)
        self.max_keys = max_keys
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, key: str, now: float) -> float | None:
        """Count one hit of `key` at `now` (seconds); None if allowed, else the seconds to wait."""
        if self.limit <= 0:
            return None
        with self._lock:
            hits = self._hits.pop(key, None) or deque()
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            self._hits[key] = hits  # most recently seen last
            if len(hits) >= self.limit:
                return max(hits[0] + self.window - now, 0.0)
            hits.append(now)
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)
            return None


def init_app(flask: Flask) -> None:
    """Refuse, with 429 and Retry-After, login attempts and API requests over the [web] limits per client IP."""
    web = flask.extensions["loa"].config.web
    if web.trusted_proxies:
        flask.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            flask.wsgi_app,
            x_for=web.trusted_proxies,
            x_proto=web.trusted_proxies,
        )
    logins = SlidingWindow(web.login_attempts, web.login_window_seconds)
    api = SlidingWindow(web.api_requests, web.api_window_seconds)
    flask.extensions["loa_throttle"] = {"login": logins, "api": api}

    @flask.before_request
    def _throttle() -> Any:
        if request.path.startswith("/api/") and request.path != "/api/openapi.json":
            limiter = api
        elif request.path == "/login" and request.method == "POST":
            limiter = logins
        else:
            return None
        wait = limiter.hit(request.remote_addr or "?", g.loa.clock.now().timestamp())
        if wait is None:
            return None
        return _refuse(math.ceil(wait) or 1)


def _refuse(seconds: int) -> Any:
    from scheduler.web import t

    message = t("too_many_requests", seconds=seconds)
    headers = {"Retry-After": str(seconds)}
    if request.path.startswith("/api/"):
        return {"error": "too_many_requests", "message": message, "params": {"retry_after": seconds}}, 429, headers
    return render_template("login.html", error=message), 429, headers
