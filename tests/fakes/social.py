"""Helpers for the social channel tests: a live config pointed at the fake servers, and small readers."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from broadcasts.channels.zalo_auth import StoredTokens, TokenStore, fingerprint
from broadcasts.models import Airing, LogRecord
from scheduler.config import Config
from tests.conftest import make_config
from tests.fakes import graph_server, zalo_server

COVER = "https://cdn.example.invalid/loa/cover.jpg"


def facebook_table(graph: Any, **overrides: Any) -> dict[str, Any]:
    table = {
        "dry_run": False,
        "page_id": graph_server.PAGE_ID,
        "graph_url": graph.base if graph else "http://127.0.0.1:9/v25.0",
        "timeout_seconds": 0.5,
        "hashtags": ["CaiCachHanhChinh"],
    }
    return {**table, **overrides}


def zalo_table(zalo: Any, **overrides: Any) -> dict[str, Any]:
    base = zalo.url if zalo else "http://127.0.0.1:9"
    table = {
        "dry_run": False,
        "app_id": zalo_server.APP_ID,
        "api_url": base,
        "oauth_url": f"{base}/v4/oa/access_token",
        "cover_url": COVER,
        "timeout_seconds": 0.5,
        "group_ids": list(zalo_server.GROUPS),
        "verify_interval_seconds": 1.0,
    }
    return {**table, **overrides}


def social_config(
    tmp_path: Path,
    db_url: str,
    *,
    facebook: dict[str, Any] | None = None,
    zalo: dict[str, Any] | None = None,
    enabled: tuple[str, ...] | None = None,
    **tables: Any,
) -> Config:
    """A config with the given live channel tables (and the radio, if enabled asks for it)."""
    channels: dict[str, Any] = {
        "enabled": list(enabled or [n for n, t in (("facebook", facebook), ("zalo", zalo)) if t is not None])
    }
    if facebook is not None:
        channels["facebook"] = facebook
    if zalo is not None:
        channels["zalo"] = zalo
    return make_config(tmp_path, db_url, channels=channels, **tables)


def set_secrets(monkeypatch: Any) -> None:
    monkeypatch.setenv("LOA_FACEBOOK_PAGE_TOKEN", graph_server.TOKEN)
    monkeypatch.setenv("LOA_ZALO_APP_SECRET", zalo_server.APP_SECRET)
    monkeypatch.setenv("LOA_ZALO_REFRESH_TOKEN", zalo_server.REFRESH_TOKEN)


def seed_zalo_token(
    config: Config,
    access_token: str,
    *,
    refresh_token: str | None = None,
    seed_from: str = zalo_server.REFRESH_TOKEN,
    expires_in: float = 80_000,
    now: float | None = None,
) -> TokenStore:
    """Write a token file as if Loa had refreshed earlier."""
    from broadcasts.channels.zalo import token_path

    store = TokenStore(token_path(config.channels.zalo, config.data_dir))
    moment = now if now is not None else time.time()
    store.save(
        StoredTokens(
            access_token=access_token,
            expires_at=moment + expires_in,
            refresh_token=refresh_token or "zalo-refresh-unused-0000",
            seed=fingerprint(seed_from),
            refreshed_at=moment,
        )
    )
    return store


def free_port() -> int:
    """A port on 127.0.0.1 where nothing listens (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def records(app: Any, airing_id: int | None = None) -> list[LogRecord]:
    with app.sessions() as session:
        stmt = select(LogRecord).order_by(LogRecord.id)
        if airing_id is not None:
            stmt = stmt.where(LogRecord.airing_id == airing_id)
        return list(session.scalars(stmt))


def airing(app: Any, airing_id: int) -> Airing:
    with app.sessions() as session:
        return session.get_one(Airing, airing_id)


def close_app(app: Any) -> None:
    for channel in app.channels.values():
        close = getattr(channel, "close", None)
        if close is not None:
            close()
    app.close()
