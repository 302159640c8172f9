"""Zalo OA tokens: a durable token file, one refresher at a time, the new refresh token stored before use.

An OA access token lasts about 25 hours (`expires_in` 90000); it is renewed
with `POST https://oauth.zaloapp.com/v4/oa/access_token`, header
`secret_key: <app secret>`, form `refresh_token`, `app_id`,
`grant_type=refresh_token` (developers.zalo.me, "Official Account API —
Xác thực và ủy quyền", and Zalo's own Java SDK `GetAccessTokenByRefreshToken`).
The reply is `{"access_token", "refresh_token", "expires_in": "90000"}` or
`{"error": -14020, "error_name", "error_description"}`. A refresh token works
once, so the new pair is written durably (temp file, fsync, rename; mode 0600)
before the new access token is used, under a lock that lets one process
refresh at a time. The stored chain supersedes the refresh token in the
environment until the operator puts a new one there (its fingerprint differs).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import requests

from broadcasts.channels.http import send
from broadcasts.channels.journal import write_durably
from broadcasts.errors import ChannelError
from broadcasts.redact import remember, scrub

__all__ = ["StoredTokens", "TokenStore", "ZaloAuth", "fingerprint", "DEFAULT_EXPIRES_IN"]

DEFAULT_EXPIRES_IN = 90_000  # seconds (25 hours), when a reply names none
MARGIN_SECONDS = 300  # refresh this long before the access token runs out
_thread_locks: dict[str, threading.Lock] = {}
_thread_locks_guard = threading.Lock()


def fingerprint(token: str) -> str:
    """A short one-way name of a refresh token, to tell whether the operator gave a new one."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, kw_only=True)
class StoredTokens:
    access_token: str
    expires_at: float  # epoch seconds
    refresh_token: str
    seed: str  # fingerprint of the configured refresh token this chain started from
    refreshed_at: float


class TokenStore:
    """The token file under the data folder, and the lock around refreshing it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def load(self) -> StoredTokens | None:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            tokens = StoredTokens(
                **{k: raw[k] for k in ("access_token", "expires_at", "refresh_token", "seed", "refreshed_at")}
            )
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError):  # unreadable: behave as if there were none
            return None
        remember(tokens.access_token)
        remember(tokens.refresh_token)
        return tokens

    def save(self, tokens: StoredTokens) -> None:
        """Write the tokens durably with mode 0600 (the old file stays whole until the rename)."""
        write_durably(self.path, json.dumps({"version": 1, **asdict(tokens)}).encode("utf-8"), mode=0o600)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the refresh lock: a thread lock in this process and a file lock across processes."""
        key = str(self.path.resolve())
        with _thread_locks_guard:
            thread_lock = _thread_locks.setdefault(key, threading.Lock())
        with thread_lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(str(self.path) + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                _lock_file(fd)
                try:
                    yield
                finally:
                    _unlock_file(fd)
            finally:
                os.close(fd)


def _lock_file(fd: int) -> None:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # gives up after 10 s: try again
                return
            except OSError:
                continue
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)


def _unlock_file(fd: int) -> None:
    if sys.platform == "win32":  # pragma: no cover
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


class ZaloAuth:
    """Hands out a valid OA access token, refreshing (once, durably) when it runs out or is rejected."""

    def __init__(
        self,
        *,
        session: requests.Session,
        store: TokenStore,
        oauth_url: str,
        app_id: str,
        app_secret: Callable[[], str | None],
        refresh_token: Callable[[], str | None],
        now: Callable[[], datetime],
        app_secret_env: str = "LOA_ZALO_APP_SECRET",
        refresh_token_env: str = "LOA_ZALO_REFRESH_TOKEN",
        channel: str = "zalo",
    ) -> None:
        self.session = session
        self.store = store
        self.oauth_url = oauth_url
        self.app_id = app_id
        self._app_secret = app_secret
        self._refresh_token = refresh_token
        self._now = now
        self.app_secret_env = app_secret_env
        self.refresh_token_env = refresh_token_env
        self.channel = channel

    def _secret(self, source: Callable[[], str | None], env: str) -> str | None:
        try:
            return source()
        except ChannelError:
            raise
        except Exception as exc:  # an unreadable secrets file: stop the channel with that message
            raise ChannelError(
                getattr(exc, "code", "zalo_secret_missing"),
                channel=self.channel,
                auth=True,
                **dict(getattr(exc, "params", {})),
            ) from exc

    def app_secret(self) -> str:
        """The app secret (for the `appsecret_proof` header); a missing one stops the channel with how to set it."""
        secret = self._secret(self._app_secret, self.app_secret_env)
        if not secret:
            raise ChannelError("zalo_secret_missing", channel=self.channel, auth=True, env=self.app_secret_env)
        remember(secret)
        return secret

    def _chain(self) -> tuple[StoredTokens | None, str | None, str]:
        """The stored tokens if they still belong to the configured refresh token; that token; its fingerprint."""
        configured = self._secret(self._refresh_token, self.refresh_token_env)
        seed = fingerprint(configured) if configured else ""
        stored = self.store.load()
        if stored is not None and configured and stored.seed != seed:
            stored = None  # the operator authorised again: start from the new token
        return stored, configured, seed

    def access_token(self) -> str:
        """A valid access token, refreshed first if it is missing or about to expire."""
        stored, _, _ = self._chain()
        if stored is not None and stored.expires_at - self._now().timestamp() > MARGIN_SECONDS:
            return stored.access_token
        return self.refresh(stale=stored.access_token if stored else None)

    def refresh(self, *, stale: str | None) -> str:
        """Get a new access token unless another process already did; `stale` is the one that failed."""
        with self.store.locked():
            stored, configured, seed = self._chain()
            now = self._now().timestamp()
            if stored is not None and stored.access_token != stale and stored.expires_at - now > MARGIN_SECONDS:
                return stored.access_token  # refreshed meanwhile by another worker or process
            refresh_token = stored.refresh_token if stored is not None else configured
            if not refresh_token:
                raise ChannelError("zalo_token_missing", channel=self.channel, auth=True, env=self.refresh_token_env)
            secret = self._secret(self._app_secret, self.app_secret_env)
            if not secret or not self.app_id:
                raise ChannelError("zalo_secret_missing", channel=self.channel, auth=True, env=self.app_secret_env)
            try:
                response = send(
                    self.session,
                    "POST",
                    self.oauth_url,
                    channel=self.channel,
                    headers={"secret_key": secret},
                    data={"refresh_token": refresh_token, "app_id": self.app_id, "grant_type": "refresh_token"},
                )
                payload: Any = response.json()
            except ChannelError as exc:  # nothing was posted; the next attempt tells whether the token is spent
                params = {k: v for k, v in exc.params.items() if k != "channel"}
                raise ChannelError(exc.code, channel=self.channel, retryable=True, status=exc.status, **params) from exc
            except ValueError as exc:
                raise ChannelError(
                    "channel_bad_reply", channel=self.channel, retryable=True, http=response.status_code, reason="oauth"
                ) from exc
            if isinstance(payload, dict) and payload.get("access_token") and payload.get("refresh_token"):
                try:
                    expires_in = int(payload.get("expires_in") or DEFAULT_EXPIRES_IN)
                except (TypeError, ValueError):
                    expires_in = DEFAULT_EXPIRES_IN
                fresh = StoredTokens(
                    access_token=str(payload["access_token"]),
                    expires_at=now + expires_in,
                    refresh_token=str(payload["refresh_token"]),
                    seed=stored.seed if stored is not None else seed,
                    refreshed_at=now,
                )
                remember(fresh.access_token)
                remember(fresh.refresh_token)
                self.store.save(fresh)  # durable before the new access token is used
                return fresh.access_token
            if response.status_code >= 500 or not isinstance(payload, dict):
                raise ChannelError(
                    "channel_server_error",
                    channel=self.channel,
                    retryable=True,
                    http=response.status_code,
                    reason="oauth",
                )
            raise ChannelError(
                "zalo_reauthorise",
                channel=self.channel,
                auth=True,
                env=self.refresh_token_env,
                zalo=payload.get("error", "?"),
                reason=scrub(
                    str(payload.get("error_name") or payload.get("error_description") or payload.get("message") or "")
                )[:200],
            )
