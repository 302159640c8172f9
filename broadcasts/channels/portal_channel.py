"""The web portal channel itself: the listening page and feeds, and optionally a WordPress post, once each.

One airing is up to three journalled steps under its key:

1. `site`: the bulletin joins the public folder (`portal_site`): its entry
   is written, its aired MP3 placed, the page and the feeds rebuilt. Every
   write replaces a file atomically and doing it twice gives the same folder,
   so a crash here simply runs the airing again;
2. `wp_media` and 3. `wp_post` (with `[channels.portal.wordpress] url`): the
   MP3 and the post, each created at most once (`portal_wordpress`); an
   unclear reply is looked up by slug before any retry, and a crash between
   sending and the reply leaves the airing `unknown` unless the slug is found.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from broadcasts.channels.base import ERROR, OK, Broadcast, Delivery, Finding
from broadcasts.channels.journal import DONE, SENDING, Journal
from broadcasts.channels.portal_site import Entry, Site
from broadcasts.channels.portal_wordpress import WordPress, slug_of
from broadcasts.errors import ChannelError
from broadcasts.models import Outcome

if TYPE_CHECKING:
    from broadcasts.channels.portal import PortalSettings

__all__ = ["PortalChannel"]


class PortalChannel:
    """Publishes bulletins on the station's listening page and feeds, and to WordPress when configured."""

    name = "portal"

    def __init__(
        self,
        settings: PortalSettings,
        *,
        site: Site,
        journal: Journal,
        wordpress: WordPress | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.settings = settings
        self.site = site
        self.journal = journal
        self.wordpress = wordpress
        self.now = now or (lambda: datetime.now(UTC))

    def close(self) -> None:
        if self.wordpress is not None:
            self.wordpress.session.close()

    # ---- publishing -------------------------------------------------------------------------

    def publish(self, broadcast: Broadcast) -> Delivery:
        key = broadcast.key
        self.journal.mark(key, "site", SENDING)
        try:
            entry = self.site.add(Entry.of(broadcast))
        except OSError as exc:
            raise ChannelError(
                "portal_folder_failed", channel=self.name, folder=str(self.site.folder), reason=str(exc)[:200]
            ) from exc
        self.journal.mark(key, "site", DONE)
        audio = self.site.folder / "audio" / entry.audio if entry.audio else None
        page = self.site.url(f"#{key}") if self.settings.base_url else str(self.site.folder / "index.html")
        # the MP3 is the radio's (its own log record holds it); the portal's copy is named in the detail only
        detail: dict[str, Any] = {"page": page, "audio": str(audio) if audio else None}
        if self.wordpress is None:
            return Delivery(
                outcome=Outcome.posted,
                external_id=key,
                external_url=page,
                detail=detail,
            )
        return self._wordpress(broadcast, entry, audio, page, detail)

    def _wordpress(
        self, broadcast: Broadcast, entry: Entry, audio: Path | None, page: str, detail: dict[str, Any]
    ) -> Delivery:
        wordpress = self.wordpress
        assert wordpress is not None  # only called with WordPress configured
        audio_url = self.site.url(f"audio/{entry.audio}") if audio and self.settings.base_url else ""
        if audio is not None and wordpress.settings.upload_audio:
            media = wordpress.upload(broadcast.key, audio)
            audio_url = str(media.get("url") or audio_url)
            detail["wp_media"] = media.get("id")
        post = wordpress.post(
            broadcast.key, broadcast.title, broadcast.body, audio_url, page if self.settings.base_url else ""
        )
        return Delivery(
            outcome=Outcome.posted,
            external_id=str(post.get("id")),
            external_url=str(post.get("url") or page),
            detail={**detail, "wp_slug": slug_of(broadcast.key)},
        )

    # ---- after a crash ------------------------------------------------------------------------

    def reconcile(self, broadcast: Broadcast) -> Delivery | None:
        """The posted Delivery when the WordPress post is there (journal or slug), else None."""
        if self.wordpress is None:
            return None
        step = self.journal.load(broadcast.key).get("wp_post")
        if step and step.get("state") == DONE:
            return Delivery(outcome=Outcome.posted, external_id=step.get("id"), external_url=step.get("url"))
        found = self.wordpress.find("posts", slug_of(broadcast.key))
        if found is None:
            return None
        done = self.wordpress._done(broadcast.key, "wp_post", found)
        return Delivery(outcome=Outcome.posted, external_id=done["id"], external_url=done["url"], detail={"found": 1})

    def recover(self, broadcast: Broadcast) -> Delivery | None:
        steps = self.journal.load(broadcast.key)
        if "wp_post" not in steps:
            return None  # no post went out: the folder is rebuilt, the audio looked up (or sent) again
        try:
            found = self.reconcile(broadcast)
        except ChannelError:
            found = None
        return found or Delivery(outcome=Outcome.unknown, error_code="post_unclear")

    def carry_over(self, old: Broadcast, new: Broadcast) -> list[str]:
        return self.journal.carry_over(old.key, new.key)

    # ---- loa channels check -------------------------------------------------------------------

    def check(self) -> list[Finding]:
        """Can Loa write the public folder, and log in to WordPress? Plain findings, never raises."""
        folder = self.site.folder
        findings: list[Finding] = []
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / ".loa-check"
            probe.write_bytes(b"ok")
            probe.unlink()
            findings.append(Finding(level=OK, code="check_portal_folder", params={"folder": str(folder)}))
        except OSError as exc:
            findings.append(
                Finding(level=ERROR, code="check_portal_folder_bad", params={"folder": str(folder), "reason": str(exc)})
            )
        if self.wordpress is not None:
            findings.extend(self.wordpress.check())
        return findings
