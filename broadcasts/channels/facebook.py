"""The Facebook Page channel's settings and wiring: Graph API `POST /{page-id}/feed`, a Page access token.

Request and error shapes follow Meta's documentation:
- publishing: https://developers.facebook.com/docs/pages-api/posts and
  .../docs/graph-api/reference/page/feed — form fields `message`, `link`,
  `access_token`; the reply is `{"id": "{page-id}_{post-id}"}`, and with
  `fields=id,permalink_url` (read-after-write) also the post's permalink;
  posting needs the Page task CREATE_CONTENT and the permission
  `pages_manage_posts` (https://developers.facebook.com/docs/pages-api/getting-started);
- errors: https://developers.facebook.com/docs/graph-api/guides/error-handling —
  `{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`;
  codes 1 and 2 are "temporary, retry", but a create answered that way may
  have happened all the same: arsduo/koala#699 (HTTP 500 code 2 on every
  attempt, seven identical posts on the Page) and koala#397 (a comment posted
  despite a 500), so they are unclear here, never retried blindly (see
  `facebook_graph`); 506 is a duplicate post (facebookarchive/php-graph-sdk's
  FacebookResponseException maps it apart, with the 458-467 login subcodes);
- usage headers: https://developers.facebook.com/docs/graph-api/overview/rate-limiting —
  `X-App-Usage`, `X-Page-Usage` and `X-Business-Use-Case-Usage`
  (`{"<id>": [{"type", "call_count", "total_cputime", "total_time",
  "estimated_time_to_regain_access"}]}`, minutes); calls with a Page token
  fall under the Business Use Case limits (error 80001);
- `appsecret_proof`: https://developers.facebook.com/docs/graph-api/securing-requests —
  HMAC-SHA256 of the access token keyed with the app secret, hex, on every
  call when the app has "Require App Secret" on (else code 100 "API calls
  from the server require an appsecret_proof argument" / "Invalid
  appsecret_proof provided in the API argument", php-graph-sdk #26, #986);
- `debug_token`: https://developers.facebook.com/docs/graph-api/reference/debug_token —
  with an app token `{app-id}|{app-secret}`: `is_valid`, `type`, `expires_at`
  (0 = never), `data_access_expires_at`, `scopes`, `granular_scopes`.
Reads send the token as `Authorization: Bearer`, so it never sits in a URL.
The channel is in `facebook_channel`, the Graph request and reply shapes in `facebook_graph`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from broadcasts.channels.base import ChannelType, Context, Problem
from broadcasts.channels.facebook_channel import FacebookChannel
from broadcasts.channels.http import make_session
from broadcasts.channels.journal import Journal
from broadcasts.channels.posts import DEFAULT_TEMPLATE, post_problems

__all__ = ["FacebookSettings", "build", "problems", "CHANNEL"]


@dataclass(frozen=True, kw_only=True)
class FacebookSettings:
    """The `[channels.facebook]` table: the Page, the Graph endpoint, the secrets' variables, the post template."""

    enabled: bool = True
    dry_run: bool = True
    page_id: str = ""
    graph_url: str = "https://graph.facebook.com/v25.0"
    token_env: str = "LOA_FACEBOOK_PAGE_TOKEN"
    timeout_seconds: float = 20.0
    grace_minutes: float = 120.0
    hashtags: tuple[str, ...] = ()
    link: str = ""
    template: str = DEFAULT_TEMPLATE
    max_wait_seconds: float = 300.0
    app_id: str = ""  # with the app secret: `loa channels check` reads the token's permissions and expiry
    app_secret_env: str = "LOA_FACEBOOK_APP_SECRET"
    appsecret_proof: bool = False  # send appsecret_proof on every call (apps with "Require App Secret" on)
    recheck_seconds: float = 30.0  # after an unclear reply and no post found: wait, look again, only then repost


def build(settings: FacebookSettings, context: Context) -> FacebookChannel | None:
    """The Facebook Page channel, or None when `enabled = false`."""
    if not settings.enabled:
        return None
    return FacebookChannel(
        settings,
        session=make_session(context.user_agent, settings.timeout_seconds),
        token=partial(context.secret, settings.token_env),
        app_secret=partial(context.secret, settings.app_secret_env),
        journal=Journal(context.evidence("journal", FacebookChannel.name)),
        now=context.now,
    )


def problems(settings: FacebookSettings, listed: bool) -> Iterator[Problem]:
    """What Facebook cannot use: the template and endpoint, no Page id when posting for real, a negative wait."""
    yield from post_problems(settings, ("graph_url",))
    if listed and settings.enabled and not settings.dry_run and not settings.page_id.strip():
        yield Problem(
            key="page_id",
            value=settings.page_id,
            expected="exp_page_id",
        )
    if settings.max_wait_seconds < 0:
        yield Problem(key="max_wait_seconds", expected="exp_non_negative", value=settings.max_wait_seconds)
    if settings.recheck_seconds < 0:
        yield Problem(key="recheck_seconds", expected="exp_non_negative", value=settings.recheck_seconds)


CHANNEL = ChannelType(settings=FacebookSettings, build=build, problems=problems)
