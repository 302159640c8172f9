"""Console users: accounts with roles, argon2 passwords, login lockout, API tokens and the audit trail.

Everything here is scoped to the app's station (`app.station_id`): a user, token or
audit entry of another station in the same database is unknown to this one. A
district or province account (`scheduler.services.scope`) logs in and uses its
tokens on the console of any station it reaches; only the CLI manages it.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import or_, select, update
from sqlalchemy.exc import DBAPIError

from audio.errors import LoaError
from broadcasts.accounts import ROLES, ApiToken, AuditEntry, User
from broadcasts.errors import NotFoundError
from broadcasts.models import Station
from broadcasts.store import quick_sessions
from scheduler.app import App
from scheduler.errors import UsageError
from scheduler.services import scope as scopes
from scheduler.services.tokens import TokenView, token_view

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
    epoch: int = 0  # the user's session epoch when this actor was read (a session keeps it)
    station_id: int | None = None  # the account's own station (None for a district or province account)
    scope: str = "station"  # station | district | province (see scheduler.services.scope)
    district: str | None = None


def can(actor: Actor, right: str) -> bool:
    """Whether `actor`'s role grants `right`."""
    return right in _RIGHTS.get(actor.role, set())


def require(actor: Actor, right: str) -> None:
    """Raise AccessError unless `actor` may do `right`."""
    if not can(actor, right):
        raise AccessError("forbidden", role=actor.role, right=right)


def _actor(user: User) -> Actor:
    actor = Actor(id=user.id, username=user.username, role=user.role, epoch=user.session_epoch)
    return replace(actor, station_id=user.station_id, scope=user.scope or "station", district=user.district)


def _entry(app: App, username: str, action: str, target: str | None = None, detail: Any = None) -> AuditEntry:
    """An audit entry of this station, now."""
    return AuditEntry(
        station_id=app.station_id,
        at=app.clock.now(),
        username=username[:64],
        action=action,
        target=target,
        detail=detail,
    )


def _named(app: App, username: str) -> Any:
    """The condition of this station's user called `username`."""
    return (User.station_id == app.station_id) & (User.username == username)


def _reaching(app: App, username: str) -> Any:
    """The condition of the user called `username` who may log in on this station (its own or a wider scope)."""
    with app.reads() as session:
        station = session.get_one(Station, app.station_id)
        return scopes.reach_condition(station) & (User.username == username)


def add_user(
    app: App,
    username: str,
    password: str,
    role: str,
    *,
    by: str = "cli",
    scope: str = "station",
    district: str | None = None,
) -> Actor:
    """Create a user with an argon2id password hash.

    A "district" or "province" account (`scope`) belongs to no station: its name
    must be free on every station, and no station account may take it later.
    """
    username = username.strip()
    scope, district = scopes.check_scope(scope, district)
    if role not in ROLES:
        raise UsageError("unknown_role", role=role, known=", ".join(ROLES))
    if not username or len(username) > 64:
        raise UsageError("bad_username")
    if len(password) < 8:
        raise UsageError("password_too_short")
    now = app.clock.now()
    with app.sessions.begin() as session:
        taken = select(User.id).where(User.username == username)
        if scope == "station":  # a station name may repeat on another station, never a wider account's
            taken = taken.where((User.scope != "station") | (User.station_id == app.station_id))
        if session.scalar(taken.limit(1)) is not None:
            raise UsageError("user_exists", username=username)
        user = User(
            station_id=app.station_id if scope == "station" else None,
            scope=scope,
            district=district,
            username=username,
            password_hash=_hasher.hash(password),
            role=role,
            active=True,
            failed_logins=0,
            created_at=now,
            session_epoch=0,
        )
        session.add(user)
        session.flush()
        session.add(_entry(app, by, "user_add", username, {"role": role, "scope": scope, "district": district}))
        return _actor(user)


def authenticate(app: App, username: str, password: str) -> Actor:
    """Check a password; repeated failures lock the account for a while.

    Every refusal is the same `auth_failed` (unknown name, disabled, locked or a
    wrong password) after the same argon2 work, so the answer tells no real name
    from an unknown one. The failure counter is counted atomically before the
    password is checked: however many attempts arrive at once, at most
    `lockout_threshold` of them are checked before the lock.
    """
    failure = _check_password(app, username, password)
    if isinstance(failure, AuthError):
        raise failure
    return failure


def _refuse(app: App, username: str, action: str, password: str, detail: Any = None) -> AuthError:
    with contextlib.suppress(VerificationError):  # the same work, so timing does not reveal names
        _hasher.verify(_DUMMY_HASH, password)
    with app.sessions.begin() as session:
        session.add(_entry(app, username, action, None, detail))
    return AuthError("auth_failed")


def _lock(user_id: int, now: datetime, until: datetime) -> Any:
    """Lock an account that is not locked yet, starting its count again."""
    return (
        update(User)
        .where(User.id == user_id, or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(locked_until=until, failed_logins=0)
    )


def _check_password(app: App, username: str, password: str) -> Actor | AuthError:
    """The user, or the refusal to raise once the failure is committed (count, lock, audit)."""
    web = app.config.web
    now = app.clock.now()
    name = username.strip()
    reaching = _reaching(app, name)
    with app.sessions.begin() as session:  # take a numbered attempt, unless locked: one atomic UPDATE
        taken = session.execute(
            update(User)
            .where(
                reaching,
                User.active.is_(True),
                or_(User.locked_until.is_(None), User.locked_until <= now),
            )
            .values(failed_logins=User.failed_logins + 1)
            .returning(User.id, User.password_hash, User.failed_logins)
        ).one_or_none()
        known = taken is not None or session.scalar(select(User.id).where(reaching, User.active)) is not None
    if taken is None:
        return _refuse(app, name if known else username, "login_locked" if known else "login_failed", password)
    user_id, password_hash, attempt = taken
    locked_until = now + timedelta(minutes=web.lockout_minutes)
    if attempt > web.lockout_threshold:
        # Attempts racing the one that locks are not checked; they lock too, so a count left over by a
        # process killed mid-check ends in an ordinary timed lock, never in a refusal for good.
        with app.sessions.begin() as session:
            session.execute(_lock(user_id, now, locked_until))
        return _refuse(app, name, "login_locked", password)
    try:
        _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        detail: dict[str, Any] = {"failures": attempt}
        with app.sessions.begin() as session:
            if attempt >= web.lockout_threshold:
                session.execute(_lock(user_id, now, locked_until))
                detail["locked_until"] = locked_until.isoformat()
            session.add(_entry(app, name, "login_failed", None, detail))
        return AuthError("auth_failed")
    with app.sessions.begin() as session:
        user = session.get_one(User, user_id)
        user.failed_logins = 0
        user.locked_until = None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        session.add(_entry(app, user.username, "login"))
        return _actor(user)


def list_users(app: App) -> list[User]:
    """Every user of this station, by name."""
    with app.reads() as session:
        return list(session.scalars(select(User).where(User.station_id == app.station_id).order_by(User.username)))


def set_role(app: App, actor: Actor, username: str, role: str, *, active: bool = True) -> None:
    """Change a user's role or disable them (admins only); disabling ends their sessions."""
    require(actor, "admin")
    if role not in ROLES:
        raise UsageError("unknown_role", role=role, known=", ".join(ROLES))
    with app.sessions.begin() as session:
        user = session.scalar(select(User).where(_named(app, username)))
        if user is None:
            raise UsageError("user_unknown", username=username)
        if user.active and not active:
            user.session_epoch += 1
        user.role, user.active = role, active
        session.add(_entry(app, actor.username, "user_change", username, {"role": role, "active": active}))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(app: App, username: str, name: str, *, by: str = "cli") -> str:
    """A new API token for `username` of this station; only its hash is stored, so show it once."""
    token = "loa_" + secrets.token_urlsafe(32)
    now = app.clock.now()
    reaching = _reaching(app, username)
    with app.sessions.begin() as session:
        user = session.scalar(select(User).where(reaching))
        if user is None:
            raise UsageError("user_unknown", username=username)
        session.add(ApiToken(user_id=user.id, name=name, token_sha256=_digest(token), created_at=now, revoked=False))
        session.add(_entry(app, by, "token_add", username, {"name": name}))
    return token


def list_tokens(app: App) -> list[TokenView]:
    """Every API token of this station's users, newest first: in use ones before revoked ones."""
    with app.reads() as session:
        rows = session.execute(
            select(ApiToken, User.username)
            .join(User, User.id == ApiToken.user_id)
            .where(User.station_id == app.station_id)
            .order_by(ApiToken.revoked, ApiToken.created_at.desc(), ApiToken.id.desc())
        ).all()
        return [token_view(token, username) for token, username in rows]


def revoke_token(app: App, token_id: int, *, by: str) -> TokenView:
    """Revoke one API token at once (its next request is refused); revoking it again changes nothing."""
    now = app.clock.now()
    with app.sessions.begin() as session:
        row = session.execute(
            select(ApiToken, User.username)
            .join(User, User.id == ApiToken.user_id)
            .where(ApiToken.id == token_id, User.station_id == app.station_id)
        ).one_or_none()
        if row is None:
            raise NotFoundError(kind="token", id=token_id)
        token, username = row
        if not token.revoked:
            token.revoked, token.revoked_at = True, now
            session.add(_entry(app, by, "token_revoke", username, {"token_id": token.id, "name": token.name}))
        return token_view(token, username)


def actor_for_token(app: App, token: str) -> Actor:
    """The active user of this station a bearer token belongs to; the token's last use is noted (to the minute)."""
    now = app.clock.now()
    with app.reads() as session:
        station = session.get_one(Station, app.station_id)
        row = session.execute(
            select(User, ApiToken.id, ApiToken.last_used_at)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(
                ApiToken.token_sha256 == _digest(token),
                ApiToken.revoked.is_(False),
                User.active.is_(True),
                scopes.reach_condition(station),
            )
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
    """Append one entry to this station's audit trail."""
    with app.sessions.begin() as session:
        session.add(_entry(app, actor.username, action, target, detail or None))


def read_audit(app: App, *, limit: int = 200, since: datetime | None = None) -> list[AuditEntry]:
    """This station's newest audit entries first."""
    with app.reads() as session:
        stmt = (
            select(AuditEntry)
            .where(AuditEntry.station_id == app.station_id)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(limit)
        )
        if since is not None:
            stmt = stmt.where(AuditEntry.at >= since)
        return list(session.scalars(stmt))


def get_actor(app: App, user_id: int, epoch: int) -> Actor | None:
    """The active user of this station with this id whose sessions of `epoch` still hold, or None.

    None when the user was deleted, disabled, belongs to another station, or
    ended their sessions (logout, password change) since this one began.
    """
    with app.reads() as session:
        user = session.get(User, user_id)
        if user is None or not user.active or user.session_epoch != epoch:
            return None
        if not scopes.reaches(user, session.get_one(Station, app.station_id)):
            return None
        return _actor(user)


def end_sessions(app: App, actor: Actor, *, action: str = "logout") -> None:
    """End every console session of `actor` (server-side: copied cookies stop working too)."""
    with app.sessions.begin() as session:
        session.execute(update(User).where(User.id == actor.id).values(session_epoch=User.session_epoch + 1))
        session.add(_entry(app, actor.username, action))
