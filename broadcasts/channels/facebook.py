"""The Facebook Page channel's settings and wiring: Graph API `POST /{page-id}/feed`, a Page access token.

Request and error shapes follow Meta's documentation:
- publishing: https://developers.facebook.com/docs/pages-api/posts and
  .../docs/graph-api/reference/page/feed — form fields `message`, `link`,
  `access_token`; the reply is `{"id": "{page-id}_{post-id}"}`;
- errors: https://developers.facebook.com/docs/graph-api/guides/error-handling —
  `{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`;
  1, 2 (temporary), 4, 17, 32, 341, 613 (throttling) and 368 (temporary block)
  are retried; 190 and 102 mean the token expired or was revoked; 10 and
  200-299 mean a permission is missing;
- usage headers: https://developers.facebook.com/docs/graph-api/overview/rate-limiting —
  `X-App-Usage`, `X-Page-Usage` and `X-Business-Use-Case-Usage`
  (`{"<id>": [{"type", "call_count", "total_cputime", "total_time",
  "estimated_time_to_regain_access"}]}`, minutes).
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
    """The `[channels.facebook]` table: the Page, the Graph endpoint, the token's variable, the post template."""

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


def build(settings: FacebookSettings, context: Context) -> FacebookChannel | None:
    """The Facebook Page channel, or None when `enabled = false`."""
    if not settings.enabled:
        return None
    return FacebookChannel(
        settings,
        session=make_session(context.user_agent, settings.timeout_seconds),
        token=partial(context.secret, settings.token_env),
        journal=Journal(context.data_dir / "journal" / FacebookChannel.name),
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


CHANNEL = ChannelType(settings=FacebookSettings, build=build, problems=problems)
