"""The Zalo Official Account channel's settings and wiring: an article, its broadcast, text to the OA's groups.

Shapes follow developers.zalo.me (Official Account API), Zalo's Java SDK
(github.com/zaloplatform/zalo-java-sdk, `CreateNormalArticle`, `GetArticleId`,
`GetListArticle`, `v3/SendBroadcastMessage`) and PHP SDK 4.0.4
(github.com/zaloplatform/zalo-php-sdk), cross-checked with third-party SDKs
(@warriorteam/redai-zalo-sdk `types/broadcast.d.ts`: the broadcast target's
`gender` "0" = every gender) and a compiled Zalo Platform integration
specification found in public code (2026-08-20: the OA error table, the
article and broadcast sections):
- every call sends the token in an `access_token` header, and every reply is
  HTTP 200 with `{"error": 0, "message": "Success", "data": {...}}`, or a
  negative `error`: so `error` is what is checked; a 5xx, a timeout or a
  dropped reply is no answer at all (see `zalo_steps` for the lookup);
- `POST /v2.0/article/create` (type, title <= 150, author <= 50, cover,
  description <= 300, body, status, comment) answers `data.token`;
  `POST /v2.0/article/verify` with that token answers `data.id` once the
  article exists (creating is asynchronous: -214 "Article is being processed");
- `POST /v2.0/oa/message` with `recipient.target` (explicit: `{"gender": "0"}`
  is everyone) and a `media` template of the article broadcasts it; not from
  22:00 to 06:00: -234 "This message cannot be sent at night (10:00PM - 6:00AM)",
  so a night broadcast is deferred to 06:00 (a follow-up airing), never skipped;
- `POST /v3.0/oa/group/message` with `recipient.group_id`, `message.text` (group
  messages go out day and night); `GET /v3.0/oa/group/conversation` lists them;
- `GET /v2.0/article/getslice` (offset, limit <= 10, type) and
  `GET /v2.0/article/getdetail` find an article again; `GET /v2.0/oa/getoa` and
  `GET /v3.0/oa/group/getgroup` check the credentials and the groups.
Errors -216, -220 and -124 mean the access token is invalid or expired (one
refresh, then the channel stops); -32 is a rate limit (retried); -242 is a
missing or wrong `appsecret_proof` (the channel stops: set `appsecret_proof`
and the app secret). Each step is journalled, so a retry sends only what did
not go out. The request shapes are in `zalo_api`, the calls and steps in
`zalo_steps`, the channel in `zalo_channel`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from broadcasts.channels.base import ChannelType, Context, Problem
from broadcasts.channels.http import make_session
from broadcasts.channels.journal import Journal
from broadcasts.channels.posts import DEFAULT_TEMPLATE, post_problems
from broadcasts.channels.zalo_auth import TokenStore, ZaloAuth
from broadcasts.channels.zalo_channel import ZaloChannel

__all__ = ["ZaloSettings", "build", "problems", "token_path", "CHANNEL"]


@dataclass(frozen=True, kw_only=True)
class ZaloSettings:
    """The `[channels.zalo]` table: the app, the endpoints, the secrets' variables, groups and the template."""

    enabled: bool = True
    dry_run: bool = True
    app_id: str = ""
    api_url: str = "https://openapi.zalo.me"
    oauth_url: str = "https://oauth.zaloapp.com/v4/oa/access_token"
    app_secret_env: str = "LOA_ZALO_APP_SECRET"
    refresh_token_env: str = "LOA_ZALO_REFRESH_TOKEN"
    token_file: str = "zalo-token.json"
    group_ids: tuple[str, ...] = ()
    broadcast: bool = False
    appsecret_proof: bool = False  # send the appsecret_proof header (apps with "Require App Secret" on)
    author: str = ""
    cover_url: str = ""
    link: str = ""
    template: str = DEFAULT_TEMPLATE
    hashtags: tuple[str, ...] = ()
    verify_attempts: int = 5
    verify_interval_seconds: float = 2.0
    timeout_seconds: float = 20.0
    grace_minutes: float = 120.0


def token_path(settings: ZaloSettings, data_dir: Path) -> Path:
    """The Zalo token file: `token_file`, relative to the data folder."""
    path = Path(settings.token_file).expanduser()
    return path if path.is_absolute() else data_dir / path


def build(settings: ZaloSettings, context: Context) -> ZaloChannel | None:
    """The Zalo OA channel with its token refresh, or None when `enabled = false`."""
    if not settings.enabled:
        return None
    session = make_session(context.user_agent, settings.timeout_seconds)
    auth = ZaloAuth(
        session=session,
        store=TokenStore(token_path(settings, context.data_dir)),
        oauth_url=settings.oauth_url,
        app_id=settings.app_id,
        app_secret=partial(context.secret, settings.app_secret_env),
        refresh_token=partial(context.secret, settings.refresh_token_env),
        now=context.now,
        app_secret_env=settings.app_secret_env,
        refresh_token_env=settings.refresh_token_env,
    )
    journal = Journal(context.evidence("journal", ZaloChannel.name))
    return ZaloChannel(settings, session=session, auth=auth, journal=journal, now=context.now, sleep=context.sleep)


def problems(settings: ZaloSettings, listed: bool) -> Iterator[Problem]:
    """What Zalo cannot use: template and endpoints, no app id or cover when posting for real, bad verify tries."""
    yield from post_problems(settings, ("api_url", "oauth_url"))
    if listed and settings.enabled and not settings.dry_run:
        if not settings.app_id.strip():
            yield Problem(
                key="app_id",
                value=settings.app_id,
                expected="exp_zalo_app_id",
            )
        if not re.match(r"^https?://", settings.cover_url):
            yield Problem(
                key="cover_url",
                value=settings.cover_url,
                expected="exp_zalo_cover",
            )
    if settings.verify_attempts < 1 or settings.verify_interval_seconds < 0:
        yield Problem(
            key="verify_attempts",
            expected="exp_positive",
            value=[settings.verify_attempts, settings.verify_interval_seconds],
        )


CHANNEL = ChannelType(settings=ZaloSettings, build=build, problems=problems)
