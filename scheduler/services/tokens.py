"""An API token as the admin sees it (never the token itself, which only its owner was shown)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from broadcasts.accounts import ApiToken

__all__ = ["TokenView", "token_view"]


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


def token_view(token: ApiToken, username: str) -> TokenView:
    return TokenView(
        id=token.id,
        name=token.name,
        username=username,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        revoked=token.revoked,
        revoked_at=token.revoked_at,
    )
