"""Console users: accounts with roles, argon2 passwords, login lockout, API tokens and the audit trail."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError

from audio.errors import LoaError
from broadcasts.accounts import ROLES, ApiToken, AuditEntry, User
from broadcasts.errors import NotFoundError
from broadcasts.store import quick_sessions
from scheduler.app import App
from scheduler.errors import UsageError

__all__ = [
    "Actor",
    "AuthError",
    "AccessError",
    "ROLES",
    "TokenView",
    "add_user",
    "authenticate",
    "list_users",
    "set_role",
    "create_token",
    "list_tokens",
    "revoke_token",
    "actor_for_token",
    "audit",
    "read_audit",
    "require",
    "can",
    "get_actor",
]

_hasher = PasswordHasher()
# What each role may do; an admin may do everything.
_RIGHTS = {
    "operator": {"draft", "view"},
    "approver": {"draft", "view", "approve", "emergency"},
    "admin": {"draft", "view", "approve", "emergency", "admin"},
}
_DUMMY_HASH = _hasher.hash("loa-timing-equalizer")
TOKEN_USE_RESOLUTION = timedelta(minutes=1)  # last_used_at is written at most this often per token


class AuthError(LoaError):
    """A login or token was refused (wrong password, locked, unknown)."""

    code = "auth_failed"


class AccessError(LoaError):
    """The user is logged in but their role may not do this."""

    code = "forbidden"


@dataclass(frozen=True, kw_only=True)
class Actor:
    """Who is acting: a user id, name and role."""

    id: int
    username: str
    role: str


def can(actor: Actor, right: str) -> bool:
    """Whether `actor`'s role grants `right`."""
    return right in _RIGHTS.get(actor.role, set())


def require(actor: Actor, right: str) -> None:
    """Raise AccessError unless `actor` may do `right`."""
    if not can(actor, right):
        raise AccessError("forbidden", role=actor.role, right=right)


def _actor(user: User) -> Actor:
    return Actor(id=user.id, username=user.username, role=user.role)


def add_user(app: App, username: str, password: str, role: str, *, by: str = "cli") -> Actor:
    """Create a user with an argon2id password hash."""
    username = username.strip()
    if role not in ROLES:
        raise UsageError("unknown_role", role=role, known=", ".join(ROLES))
    if not username or len(username) > 64:
        raise UsageError("bad_username")
    if len(password) < 8:
        raise UsageError("password_too_short")
    now = app.clock.now()
    with app.sessions.begin() as session:
        if session.scalar(select(User).where(User.username == username)) is not None:
            raise UsageError("user_exists", username=username)
        user = User(
            username=username,
            password_hash=_hasher.hash(password),
            role=role,
            active=True,
            failed_logins=0,
            created_at=now,
        )
        session.add(user)
        session.flush()
        session.add(AuditEntry(at=now, username=by, action="user_add", target=username, detail={"role": role}))
        return _actor(user)


def authenticate(app: App, username: str, password: str) -> Actor:
    """Check a password; repeated failures lock the account for a while."""
    failure = _check_password(app, username, password)
    if isinstance(failure, AuthError):
        raise failure
    return failure


def _check_password(app: App, username: str, password: str) -> Actor | AuthError:
    """The user, or the refusal to raise once the failure is committed (count, lock, audit)."""
    web = app.config.web
    now = app.clock.now()
    with app.sessions.begin() as session:
        user = session.scalar(select(User).where(User.username == username.strip()))
        if user is None or not user.active:
            with contextlib.suppress(VerificationError):  # the same work, so timing does not reveal names
                _hasher.verify(_DUMMY_HASH, password)
            session.add(AuditEntry(at=now, username=username[:64], action="login_failed", target=None, detail=None))
            return AuthError("auth_failed")
        if user.locked_until is not None and user.locked_until > now:
            session.add(AuditEntry(at=now, username=user.username, action="login_locked", target=None, detail=None))
            return AuthError("auth_locked", minutes=int((user.locked_until - now).total_seconds() // 60) + 1)
        try:
            _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            user.failed_logins += 1
            detail: dict[str, Any] = {"failures": user.failed_logins}
            if user.failed_logins >= web.lockout_threshold:
                user.locked_until = now + timedelta(minutes=web.lockout_minutes)
                user.failed_logins = 0
                detail["locked_until"] = user.locked_until.isoformat()
            session.add(AuditEntry(at=now, username=user.username, action="login_failed", target=None, detail=detail))
            return AuthError("auth_failed")
        user.failed_logins = 0
        user.locked_until = None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        session.add(AuditEntry(at=now, username=user.username, action="login", target=None, detail=None))
        return _actor(user)


def list_users(app: App) -> list[User]:
    """Every user, by name."""
    with app.reads() as session:
        return list(session.scalars(select(User).order_by(User.username)))


def set_role(app: App, actor: Actor, username: str, role: str, *, active: bool = True) -> None:
    """Change a user's role or disable them (admins only)."""
    require(actor, "admin")
    if role not in ROLES:
        raise UsageError("unknown_role", role=role, known=", ".join(ROLES))
    with app.sessions.begin() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise UsageError("user_unknown", username=username)
        user.role, user.active = role, active
        session.add(
            AuditEntry(
                at=app.clock.now(),
                username=actor.username,
                action="user_change",
                target=username,
                detail={"role": role, "active": active},
            )
        )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(app: App, username: str, name: str, *, by: str = "cli") -> str:
    """A new API token for `username`; only its hash is stored, so show it once."""
    token = "loa_" + secrets.token_urlsafe(32)
    now = app.clock.now()
    with app.sessions.begin() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise UsageError("user_unknown", username=username)
        session.add(ApiToken(user_id=user.id, name=name, token_sha256=_digest(token), created_at=now, revoked=False))
        session.add(AuditEntry(at=now, username=by, action="token_add", target=username, detail={"name": name}))
    return token


@dataclass(frozen=True, kw_only=True)
class TokenView:
    """An API token as the admin sees it: never the token itself, which only its owner was shown."""

    id: int
    name: str
    username: str
    created_at: datetime
    last_used_at: datetime | None
    revoked: bool
    revoked_at: datetime | None

    def as_json(self, tz: tzinfo | None = None) -> dict[str, Any]:
        """Plain JSON values; instants ISO-8601 in `tz` (the station's zone), else UTC."""

        def iso(moment: datetime | None) -> str | None:
            return moment.astimezone(tz).isoformat() if moment is not None else None

        return {
            "id": self.id,
            "name": self.name,
            "username": self.username,
            "created_at": iso(self.created_at),
            "last_used_at": iso(self.last_used_at),
            "revoked": self.revoked,
            "revoked_at": iso(self.revoked_at),
        }


def _token_view(token: ApiToken, username: str) -> TokenView:
    return TokenView(
        id=token.id,
        name=token.name,
        username=username,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        revoked=token.revoked,
        revoked_at=token.revoked_at,
    )


def list_tokens(app: App) -> list[TokenView]:
    """Every API token, newest first: in use ones before revoked ones."""
    with app.reads() as session:
        rows = session.execute(
            select(ApiToken, User.username)
            .join(User, User.id == ApiToken.user_id)
            .order_by(ApiToken.revoked, ApiToken.created_at.desc(), ApiToken.id.desc())
        ).all()
        return [_token_view(token, username) for token, username in rows]


def revoke_token(app: App, token_id: int, *, by: str) -> TokenView:
    """Revoke one API token at once (its next request is refused); revoking it again changes nothing."""
    now = app.clock.now()
    with app.sessions.begin() as session:
        row = session.execute(
            select(ApiToken, User.username).join(User, User.id == ApiToken.user_id).where(ApiToken.id == token_id)
        ).one_or_none()
        if row is None:
            raise NotFoundError(kind="token", id=token_id)
        token, username = row
        if not token.revoked:
            token.revoked, token.revoked_at = True, now
            session.add(
                AuditEntry(
                    at=now,
                    username=by[:64],
                    action="token_revoke",
                    target=username,
                    detail={"token_id": token.id, "name": token.name},
                )
            )
        return _token_view(token, username)


def actor_for_token(app: App, token: str) -> Actor:
    """The active user a bearer token belongs to; the token's last use is noted (to the minute)."""
    now = app.clock.now()
    with app.reads() as session:
        row = session.execute(
            select(User, ApiToken.id, ApiToken.last_used_at)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_sha256 == _digest(token), ApiToken.revoked.is_(False), User.active.is_(True))
        ).one_or_none()
        if row is None:
            raise AuthError("auth_token")
        user, token_id, last_used = row
        actor = _actor(user)
    if last_used is None or now - last_used >= TOKEN_USE_RESOLUTION:
        try:  # a write only once a minute per token, and best-effort: a busy store must not fail a read
            with quick_sessions(app.engine).begin() as session:
                session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
        except DBAPIError:
            logging.getLogger("loa.web").debug("token %s: last use not noted (store busy)", token_id)
    return actor


def audit(app: App, actor: Actor, action: str, target: str | None = None, **detail: Any) -> None:
    """Append one entry to the audit trail."""
    with app.sessions.begin() as session:
        session.add(
            AuditEntry(at=app.clock.now(), username=actor.username, action=action, target=target, detail=detail or None)
        )


def read_audit(app: App, *, limit: int = 200, since: datetime | None = None) -> list[AuditEntry]:
    """The newest audit entries first."""
    with app.reads() as session:
        stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
        if since is not None:
            stmt = stmt.where(AuditEntry.at >= since)
        return list(session.scalars(stmt))


def get_actor(app: App, user_id: int) -> Actor | None:
    """The active user with this id, or None (deleted or disabled since login)."""
    with app.reads() as session:
        user = session.get(User, user_id)
        return _actor(user) if user is not None and user.active else None
