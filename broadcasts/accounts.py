"""Console accounts: users with roles, API tokens and the audit trail of who did what.

Every user and audit entry belongs to one station (`station_id`); a token belongs to
the station of its user. A NULL station is an account carried over from before
accounts had one, in a database that held several stations: it belongs to no
station (refused everywhere) until `loa user assign` gives it to one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from broadcasts.models import Base

__all__ = ["User", "ApiToken", "AuditEntry", "ROLES"]

ROLES = ("operator", "approver", "admin")


class User(Base):
    """Người dùng: one console login with a role (operator, approver or admin)."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("station_id", "username"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"))
    username: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    # Raised by logout, a password change and disabling: a session remembers the epoch it began in and ends
    # once the user's epoch has moved on, even if its cookie was copied.
    session_epoch: Mapped[int] = mapped_column(default=0)
    # Which stations the account acts on: "station" (its own), "district" (the stations of `district`),
    # "province" (every station of the deployment).
    scope: Mapped[str] = mapped_column(String(16), default="station", server_default="station")
    district: Mapped[str | None] = mapped_column(String(100))


class ApiToken(Base):
    """A bearer token of one user for integrations; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked: Mapped[bool] = mapped_column(default=False)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class AuditEntry(Base):
    """Nhật ký thao tác: one action of one user, append-only."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_at", "at"), Index("ix_audit_entries_station_id_at", "station_id", "at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"))
    at: Mapped[datetime]
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str | None] = mapped_column(String(120))
    detail: Mapped[dict[str, Any] | None]
