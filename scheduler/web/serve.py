"""The console's waitress server with bounds: request body size, connections, idle time and a header deadline.

waitress's defaults buffer request bodies of up to 1 GB to disk before the app
sees them (unauthenticated) and let a client that dribbles its headers hold a
connection for as long as it keeps sending; enough of them fill the connection
limit and the console stops answering. Here bodies are capped at the app's own
upload limit, the connection limit is explicit, an idle connection is closed
after `CHANNEL_TIMEOUT` seconds and a request whose headers are not complete
`HEADER_SECONDS` after it began (or after the connection opened) is dropped.
"""

from __future__ import annotations

import time
from typing import Any

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server

__all__ = ["CONNECTION_LIMIT", "CHANNEL_TIMEOUT", "HEADER_SECONDS", "MAX_BODY_BYTES", "HeaderDeadlineChannel", "build"]

MAX_BODY_BYTES = 20 * 1024 * 1024  # the largest request the console takes (an uploaded plan); Flask's limit too
CONNECTION_LIMIT = 200  # open connections at once; more wait in the listen backlog
CHANNEL_TIMEOUT = 30  # seconds a connection may stay silent
HEADER_SECONDS = 10.0  # seconds a request's headers may take to arrive in full


class HeaderDeadlineChannel(HTTPChannel):
    """A waitress channel closed when a request's headers take longer than `header_seconds` to arrive."""

    header_seconds = HEADER_SECONDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_since: float | None = self.creation_time  # a new connection owes its first request's headers

    def received(self, data: bytes) -> bool:
        starting = self.request is None
        result: bool = super().received(data)
        if self.request is None or self.request.headers_finished:
            self.header_since = None
        elif starting and self.header_since is None:
            self.header_since = time.time()
        return result

    def readable(self) -> bool:
        since = self.header_since
        if since is not None and not self.requests and time.time() - since > self.header_seconds:
            self.will_close = True  # closed by waitress's loop on its next turn
        readable: bool = super().readable()
        return readable


def build(
    console: Any,
    *,
    host: str,
    port: int,
    threads: int,
    proxied: bool,
    connection_limit: int = CONNECTION_LIMIT,
    channel_timeout: int = CHANNEL_TIMEOUT,
    header_seconds: float = HEADER_SECONDS,
) -> Any:
    """A waitress server for `console` with the bounds above (call `.run()`, then `.close()`)."""
    server = create_server(
        console,
        host=host,
        port=port,
        threads=threads,
        ident="waitress",
        max_request_body_size=MAX_BODY_BYTES,
        connection_limit=connection_limit,
        channel_timeout=channel_timeout,
        cleanup_interval=min(channel_timeout, 10),
        # Behind trusted proxies the console reads X-Forwarded-For itself ([web] trusted_proxies), so keep it.
        clear_untrusted_proxy_headers=not proxied,
    )
    channel = type("LoaChannel", (HeaderDeadlineChannel,), {"header_seconds": header_seconds})
    listeners = [server] if isinstance(server, BaseWSGIServer) else list(getattr(server, "map", {}).values())
    for listener in listeners:
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = channel
    return server
