"""The web portal channel's settings and wiring: a public listening page, podcast feeds, a WordPress post.

Residents find the bulletins where the commune's portal ("Cổng thông tin điện
tử", "Trang thông tin điện tử") can take them: a folder with a phone-first
listening page and RSS/Atom podcast feeds (`portal_site`), served by any web
server (the console does not serve it yet), and, with `[channels.portal.wordpress]`,
a post on a WordPress site through its REST API (`portal_wordpress`, which
cites the handbook pages). The channel is in `portal_channel`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial

from broadcasts.channels.base import ChannelType, Context, Problem
from broadcasts.channels.http import make_session
from broadcasts.channels.journal import Journal
from broadcasts.channels.portal_channel import PortalChannel
from broadcasts.channels.portal_site import Entries, Site
from broadcasts.channels.portal_wordpress import WordPress, WordPressSettings

__all__ = ["PortalSettings", "build", "problems", "CHANNEL"]

_WP_STATUSES = ("publish", "draft", "pending", "private")


@dataclass(frozen=True, kw_only=True)
class PortalSettings:
    """The `[channels.portal]` table: the public folder, its address, the feed's words, the WordPress site."""

    enabled: bool = False
    folder: str = "portal"  # the public folder (relative to the config file's folder)
    base_url: str = ""  # where the folder is served, e.g. https://xa.example.gov.vn/loa/ (the feeds' links)
    title: str = ""  # "" = "Bản tin <station name>"
    description: str = "Các bản tin của đài truyền thanh, nghe lại trên điện thoại."
    max_items: int = 200
    grace_minutes: float = 1440.0
    wordpress: WordPressSettings = field(default_factory=WordPressSettings)


def build(settings: PortalSettings, context: Context) -> PortalChannel | None:
    """The portal channel, or None when `enabled = false`."""
    if not settings.enabled:
        return None
    data = context.data_dir / "portal"
    site = Site(
        folder=context.path(settings.folder),
        entries=Entries(data / "entries"),
        archive=context.data_dir / "audio",
        base_url=settings.base_url,
        title=settings.title,
        description=settings.description,
        max_items=settings.max_items,
        now=context.now,
    )
    journal = Journal(context.evidence("journal", PortalChannel.name))
    wp = settings.wordpress
    wordpress = None
    if wp.url:
        wordpress = WordPress(
            wp,
            session=make_session(context.user_agent, wp.timeout_seconds),
            password=partial(context.secret, wp.password_env),
            journal=journal,
        )
    return PortalChannel(settings, site=site, journal=journal, wordpress=wordpress, now=context.now)


def problems(settings: PortalSettings, listed: bool) -> Iterator[Problem]:
    """What the portal cannot use: feeds without an http(s) address, a bad WordPress status, user or address."""
    on = listed and settings.enabled
    if on and not settings.base_url.startswith(("http://", "https://")):
        yield Problem(key="base_url", expected="exp_url", value=settings.base_url)
    if settings.max_items < 1:
        yield Problem(key="max_items", expected="exp_positive", value=settings.max_items)
    wp = settings.wordpress
    if wp.url and not wp.url.startswith(("http://", "https://")):
        yield Problem(key="wordpress.url", expected="exp_url", value=wp.url)
    if wp.url and not wp.user.strip():
        yield Problem(key="wordpress.user", expected="exp_portal_wp_user", value=wp.user)
    if wp.status not in _WP_STATUSES:
        yield Problem(
            key="wordpress.status",
            expected="exp_choices",
            params={"choices": " | ".join(f'"{s}"' for s in _WP_STATUSES)},
            value=wp.status,
        )


CHANNEL = ChannelType(settings=PortalSettings, build=build, problems=problems)
