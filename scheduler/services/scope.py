"""Which stations an account reaches: the one place the console, the API and the CLI ask.

An account's `scope` is "station" (its own station only, as every account was
before a province shared a deployment), "district" (every station whose
`district` equals the account's) or "province" (every station of the
deployment). A station account of no station (`station_id` NULL) reaches none.
What the account may do there is its role's rights (`users.can`).
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import ColumnElement, false, select
from sqlalchemy.orm import Session

from broadcasts.accounts import User
from broadcasts.models import Station

__all__ = ["SCOPES", "Scoped", "stations_of", "reaches", "may_act", "reach_condition", "check_scope"]

SCOPES = ("station", "district", "province")


class Scoped(Protocol):
    """An account as scope sees it (a User row or a users.Actor)."""

    @property
    def station_id(self) -> int | None: ...
    @property
    def scope(self) -> str: ...
    @property
    def district(self) -> str | None: ...


def stations_of(session: Session, account: Scoped) -> set[int]:
    """The ids of the stations `account` sees and acts on."""
    if account.scope == "province":
        return set(session.scalars(select(Station.id)))
    if account.scope == "district":
        if not account.district:
            return set()
        return set(session.scalars(select(Station.id).where(Station.district == account.district)))
    return {account.station_id} if account.station_id is not None else set()


def reaches(account: Scoped, station: Station) -> bool:
    """Whether `station` is one of `account`'s stations."""
    if account.scope == "province":
        return True
    if account.scope == "district":
        return bool(account.district) and station.district == account.district
    return account.station_id is not None and account.station_id == station.id


def may_act(session: Session, account: Any, station_id: int, action: str) -> bool:
    """Whether `account` (a users.Actor) may do `action` (a role right: view, draft, approve, ...) on `station_id`."""
    from scheduler.services.users import can

    station = session.get(Station, station_id)
    return station is not None and reaches(account, station) and can(account, action)


def reach_condition(station: Station) -> ColumnElement[bool]:
    """The SQL condition of the users who reach `station` (for a login or a token on its console)."""
    district = (User.scope == "district") & (User.district == station.district) if station.district else false()
    return ((User.scope == "station") & (User.station_id == station.id)) | (User.scope == "province") | district


def check_scope(scope: str, district: str | None) -> tuple[str, str | None]:
    """A valid (scope, district) pair, or UsageError: a district account names its district."""
    from scheduler.errors import UsageError

    scope = (scope or "station").strip().lower()
    if scope not in SCOPES:
        raise UsageError("unknown_scope", scope=scope, known=", ".join(SCOPES))
    district = (district or "").strip() or None
    if scope == "district" and district is None:
        raise UsageError("scope_needs_district")
    if district is not None and (len(district) > 100 or "\x00" in district):
        raise UsageError("bad_district")
    return scope, (district if scope == "district" else None)
