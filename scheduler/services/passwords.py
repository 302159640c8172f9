"""What only the station's own command line may do to an account: reset a password, assign a carried-over one.

Both act on the station the config names; neither is reachable from the console
or the API (whoever runs them already holds the station's config and database).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from broadcasts.accounts import User
from scheduler.app import App
from scheduler.errors import UsageError
from scheduler.services.users import _entry, _hasher, _named

__all__ = ["UserView", "list_accounts", "reset_password", "assign_user"]


@dataclass(frozen=True, kw_only=True)
class UserView:
    """One account as `loa user list` shows it; `station` is False for a carried-over one nobody assigned yet."""

    username: str
    role: str
    active: bool
    locked_until: datetime | None
    created_at: datetime
    station: bool


def list_accounts(app: App) -> list[UserView]:
    """This station's users by name, then the accounts of no station yet (see `assign_user`)."""
    with app.reads() as session:
        rows = session.scalars(
            select(User)
            .where((User.station_id == app.station_id) | (User.station_id.is_(None) & (User.scope == "station")))
            .order_by(User.station_id.is_(None), User.username)
        )
        return [
            UserView(
                username=u.username,
                role=u.role,
                active=u.active,
                locked_until=u.locked_until,
                created_at=u.created_at,
                station=u.station_id is not None,
            )
            for u in rows
        ]


def reset_password(app: App, username: str, password: str, *, by: str = "cli") -> None:
    """Set a new password, lift a lockout and end the user's sessions (the old password's cookies stop working)."""
    if len(password) < 8:
        raise UsageError("password_too_short")
    with app.sessions.begin() as session:
        user = session.scalar(select(User).where(_named(app, username)))
        if user is None:
            raise UsageError("user_unknown", username=username)
        user.password_hash = _hasher.hash(password)
        user.failed_logins, user.locked_until = 0, None
        user.session_epoch += 1
        session.add(_entry(app, by, "password_reset", username))


def assign_user(app: App, username: str, *, by: str = "cli") -> None:
    """Give an account of no station (carried over from a database of several stations) to this station."""
    with app.sessions.begin() as session:
        user = session.scalar(
            select(User).where(User.station_id.is_(None), User.scope == "station", User.username == username)
        )
        if user is None:
            raise UsageError("user_not_unassigned", username=username)
        if session.scalar(select(User.id).where(_named(app, username))) is not None:
            raise UsageError("user_exists", username=username)
        user.station_id = app.station_id
        user.session_epoch += 1
        session.add(_entry(app, by, "user_assign", username))
