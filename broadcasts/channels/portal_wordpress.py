"""The portal's WordPress post: the aired MP3 to `/wp/v2/media`, the bulletin to `/wp/v2/posts`, once each.

Request and reply shapes follow the WordPress REST API handbook:
- posts: https://developer.wordpress.org/rest-api/reference/posts/ —
  `POST /wp-json/wp/v2/posts` with JSON `title`, `content`, `status`
  (`publish`, `draft`, ...), `slug` and `categories`; the reply is
  `201 Created` with the post (`id`, `link`, `slug`, `status`). Listing
  (`GET /wp/v2/posts?slug=...&status=...`) filters by slug ("limit result set
  to posts with one or more specific slugs"); statuses other than `publish`
  need an authenticated request (`context=edit`);
- media: https://developer.wordpress.org/rest-api/reference/media/#create-a-media-item —
  the file is the raw request body with `Content-Disposition: attachment;
  filename=...` and its `Content-Type` (how, is documented in WordPress
  Trac #55851 and the gists it points to); the reply is the attachment
  (`id`, `source_url`, `slug`), and `GET /wp/v2/media?slug=...` finds it again;
- authentication: https://developer.wordpress.org/rest-api/using-the-rest-api/authentication/ —
  Application Passwords (WordPress 5.6+), HTTP Basic with the user name and
  the application password (its spaces may stay);
  `GET /wp/v2/users/me?context=edit` says who that is and, with `capabilities`,
  what they may do (`publish_posts`, `upload_files`);
- errors: a `WP_Error` as JSON, `{"code": "rest_forbidden", "message": "...",
  "data": {"status": 403}}` (class-wp-rest-server.php; core changeset 42421
  sends 401 instead of 403 to a request without credentials).

A create whose reply is lost (a timeout, a dropped connection, any 5xx) may
have happened: a PHP fatal after `wp_insert_post`, a proxy timing out on a
slow site. So the post (and the audio) carry a slug made from the airing key,
and before any retry they are looked up by that slug: found, it is recorded
as posted; not found after WordPress's own JSON error (it has finished with
the request), it is created again on the next attempt; not found after a
silence or a proxy's page, the airing is `unknown` for `loa reconcile`, never
re-sent blindly. WordPress makes a taken slug unique by adding `-2`, which is
why looking first matters: a second create would not fail, it would double.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from broadcasts.channels.base import ERROR, OK, WARN, Finding
from broadcasts.channels.http import send
from broadcasts.channels.journal import DONE, SENDING, Journal
from broadcasts.errors import ChannelError
from broadcasts.redact import remember, scrub

__all__ = ["WordPressSettings", "WordPress", "slug_of", "wp_error"]

STATUSES = "publish,future,draft,pending,private"


@dataclass(frozen=True, kw_only=True)
class WordPressSettings:
    """The `[channels.portal.wordpress]` table: the site, the user and the variable of its application password."""

    url: str = ""  # the site, e.g. https://xa.example.gov.vn ("" = no WordPress post)
    user: str = ""
    password_env: str = "LOA_WORDPRESS_APP_PASSWORD"
    status: str = "publish"
    categories: tuple[int, ...] = ()
    upload_audio: bool = True
    timeout_seconds: float = 30.0
    recheck_seconds: float = 10.0  # after WordPress's own error to a create and no post found: wait, look, create


def slug_of(key: str, suffix: str = "") -> str:
    """The slug of an airing's post (or its audio with `suffix`): the key as WordPress's sanitize_title keeps it."""
    return re.sub(r"[^a-z0-9-]+", "-", f"{key}{suffix}".lower()).strip("-")


def wp_error(payload: Any) -> dict[str, Any] | None:
    """WordPress's JSON error (`code`, `message`, `data.status`), or None when the reply is something else."""
    if isinstance(payload, dict) and isinstance(payload.get("code"), str) and "message" in payload:
        return payload
    return None


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


class WordPress:
    """Creates the post and its audio on one WordPress site, each once, journalled under the airing key."""

    channel = "portal"

    def __init__(
        self,
        settings: WordPressSettings,
        *,
        session: requests.Session,
        password: Callable[[], str | None],
        journal: Journal,
    ) -> None:
        self.settings = settings
        self.session = session
        self._password = password
        self.journal = journal

    def api(self, path: str) -> str:
        return f"{self.settings.url.rstrip('/')}/wp-json/wp/v2/{path.lstrip('/')}"

    def headers(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """The request's headers with the Basic authorization of the application password."""
        user, password = self.auth()
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        remember(token)
        return {**(extra or {}), "Authorization": f"Basic {token}"}

    def auth(self) -> tuple[str, str]:
        env = self.settings.password_env
        try:
            password = self._password()
        except Exception as exc:  # an unreadable secrets file: the channel's own message
            raise ChannelError("portal_wp_password_missing", channel=self.channel, auth=True, env=env) from exc
        if not password or not self.settings.user:
            raise ChannelError("portal_wp_password_missing", channel=self.channel, auth=True, env=env)
        remember(password)
        return self.settings.user, password

    def refusal(self, response: requests.Response, error: Mapping[str, Any] | None) -> ChannelError:
        status = response.status_code
        params: dict[str, Any] = {
            "http": status,
            "wp": scrub(str((error or {}).get("code") or "-"))[:80],
            "reason": scrub(str((error or {}).get("message") or response.reason or ""))[:200],
        }
        if status in (401, 403):
            return ChannelError("portal_wp_auth", channel=self.channel, status=status, auth=True, **params)
        return ChannelError("portal_wp_rejected", channel=self.channel, status=status, **params)

    # ---- finding again ------------------------------------------------------------------------

    def find(self, collection: str, slug: str) -> dict[str, Any] | None:
        """The post (or attachment) of `collection` with `slug`, or None; ChannelError if WordPress cannot say."""
        params = {"slug": slug, "context": "edit"}
        if collection == "posts":
            params["status"] = STATUSES
        response = send(
            self.session, "GET", self.api(collection), channel=self.channel, idempotent=True, params=params,
            headers=self.headers(),
        )  # fmt: skip
        payload = _json(response)
        if response.status_code != 200 or not isinstance(payload, list):
            raise self.refusal(response, wp_error(payload))
        for item in payload:
            if isinstance(item, dict) and item.get("slug") == slug and item.get("id"):
                return item
        return None

    # ---- creating once ------------------------------------------------------------------------

    def create(
        self,
        key: str,
        step: str,
        collection: str,
        slug: str,
        request: Callable[[], requests.Response],
        *,
        repeatable: bool = False,
    ) -> Any:
        """The created item of journal `step` (its id and url), made at most once: see the module's docstring.

        `repeatable`: an item nobody sees on its own (the audio, before its post links it) is uploaded again when
        the slug is not found after an unclear reply, instead of leaving the airing unknown.
        """
        known = self.journal.load(key).get(step)
        if known and known.get("state") == DONE:
            return known
        if known:  # an earlier request may be out there: look before anything else
            found = self._look(key, step, collection, slug)
            if found is not None:
                return found
            if not (known.get("answered") or repeatable):
                raise ChannelError("portal_wp_unclear", channel=self.channel, sent=True, slug=slug)
            self.journal.forget(key, step)  # WordPress said it failed, and the slug is not there: create
        self.journal.mark(key, step, SENDING, slug=slug)
        try:
            response = request()
        except ChannelError as exc:
            if not exc.sent:
                self.journal.forget(key, step)
                raise
            return self._unclear(key, step, collection, slug, exc, answered=False)
        payload = _json(response)
        if response.status_code in (200, 201) and isinstance(payload, dict) and payload.get("id"):
            return self._done(key, step, payload)
        error = wp_error(payload)
        if response.status_code >= 500 or error is None:
            cause = ChannelError(
                "portal_wp_unclear_reply",
                channel=self.channel,
                status=response.status_code,
                sent=True,
                http=response.status_code,
                wp=scrub(str((error or {}).get("code") or "-"))[:80],
                slug=slug,
            )
            return self._unclear(key, step, collection, slug, cause, answered=error is not None)
        self.journal.forget(key, step)  # WordPress refused: nothing was created
        raise self.refusal(response, error)

    def _done(self, key: str, step: str, item: Mapping[str, Any]) -> dict[str, Any]:
        url = str(item.get("source_url") or item.get("link") or "")
        self.journal.mark(key, step, DONE, id=str(item["id"]), url=url)
        return {"state": DONE, "id": str(item["id"]), "url": url}

    def _look(self, key: str, step: str, collection: str, slug: str) -> dict[str, Any] | None:
        try:
            found = self.find(collection, slug)
        except ChannelError as exc:
            raise ChannelError("portal_wp_unclear", channel=self.channel, sent=True, slug=slug) from exc
        return self._done(key, step, found) if found is not None else None

    def _unclear(
        self, key: str, step: str, collection: str, slug: str, cause: ChannelError, *, answered: bool
    ) -> dict[str, Any]:
        try:
            found = self.find(collection, slug)
        except ChannelError as exc:
            raise cause from exc  # cannot tell: unknown, for reconcile
        if found is not None:
            return self._done(key, step, found)
        if not answered:
            raise cause
        self.journal.mark(key, step, SENDING, slug=slug, answered=True)
        wait = self.settings.recheck_seconds
        raise ChannelError(
            "portal_wp_recheck",
            channel=self.channel,
            status=cause.status,
            sent=True,
            retryable=True,
            retry_after=wait,
            wait=f"{wait:.0f}",
            slug=slug,
            http=cause.params.get("http"),
        ) from cause

    # ---- the two steps ------------------------------------------------------------------------

    def upload(self, key: str, audio: Path) -> dict[str, Any]:
        """The aired MP3 as a media item (slug `<key>-audio`), uploaded once."""
        slug = slug_of(key, "-audio")

        def request() -> requests.Response:
            return send(
                self.session,
                "POST",
                self.api("media") + f"?slug={slug}",
                channel=self.channel,
                headers=self.headers(
                    {"Content-Type": "audio/mpeg", "Content-Disposition": f'attachment; filename="{slug}.mp3"'}
                ),
                data=audio.read_bytes(),  # type: ignore[arg-type]  # a raw body, as the handbook's upload does
            )

        return self.create(key, "wp_media", "media", slug, request, repeatable=True)

    def post(self, key: str, title: str, text: str, audio_url: str, page_url: str) -> dict[str, Any]:
        """The bulletin as a post (slug from the key), created once."""
        slug = slug_of(key)
        paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
        if audio_url:
            player = f'<audio controls src="{html.escape(audio_url)}"></audio>'
            paragraphs = f'<figure class="wp-block-audio">{player}</figure>{paragraphs}'
        if page_url:
            paragraphs += f'<p><a href="{html.escape(page_url)}">Nghe các bản tin khác</a></p>'
        body: dict[str, Any] = {"title": title, "content": paragraphs, "status": self.settings.status, "slug": slug}
        if self.settings.categories:
            body["categories"] = list(self.settings.categories)

        def request() -> requests.Response:
            url = self.api("posts")
            return send(self.session, "POST", url, channel=self.channel, json_body=body, headers=self.headers())

        return self.create(key, "wp_post", "posts", slug, request)

    # ---- loa channels check -------------------------------------------------------------------

    def check(self) -> list[Finding]:
        """Who the application password logs in as, and whether they may publish and upload; never raises."""
        try:
            response = send(
                self.session, "GET", self.api("users/me"), channel=self.channel, idempotent=True,
                params={"context": "edit"}, headers=self.headers(),
            )  # fmt: skip
        except ChannelError as exc:
            return [Finding(level=ERROR, code=exc.code, params=dict(exc.params))]
        payload = _json(response)
        if response.status_code != 200 or not isinstance(payload, dict):
            error = self.refusal(response, wp_error(payload))
            return [Finding(level=ERROR, code=error.code, params=dict(error.params))]
        name = str(payload.get("name") or payload.get("slug") or "?")
        findings = [Finding(level=OK, code="check_wp_user", params={"name": name, "url": self.settings.url})]
        caps = payload.get("capabilities")
        if isinstance(caps, dict):
            needed = ["publish_posts"] + (["upload_files"] if self.settings.upload_audio else [])
            missing = [cap for cap in needed if not caps.get(cap)]
            if missing:
                findings.append(Finding(level=WARN, code="check_wp_caps", params={"missing": ", ".join(missing)}))
        return findings
