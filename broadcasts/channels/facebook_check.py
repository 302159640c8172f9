"""`loa channels check` for Facebook: is the token valid for this Page, may Loa post with it, and until when?

1. `GET /me?fields=id,name` with the Page token: the token's Page must be `page_id`;
2. `GET /{page-id}/feed?limit=1`: the feed can be read (reconcile needs it);
3. with `app_id` and the app secret configured, `GET /debug_token?input_token=...`
   with the app token `{app-id}|{app-secret}`
   (https://developers.facebook.com/docs/graph-api/reference/debug_token):
   `is_valid`, `type` (PAGE), `scopes` and `granular_scopes` must grant
   `pages_manage_posts` for this Page — Meta gives it only to a token of
   someone who can do the CREATE_CONTENT task on the Page
   (https://developers.facebook.com/docs/pages-api/getting-started) — and
   `expires_at` / `data_access_expires_at` say until when (0 = never).
   Without the app's credentials the permission and the expiry cannot be read
   with a Page token (the Page's tasks are listed only to a user token, on
   `/{user-id}/accounts`): the check says so as a warning.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from broadcasts.channels.base import ERROR, OK, WARN, Finding
from broadcasts.channels.facebook_feed import Auth
from broadcasts.errors import ChannelError

if TYPE_CHECKING:
    from broadcasts.channels.facebook_channel import FacebookChannel

__all__ = ["check", "POST_PERMISSION", "POST_TASK"]

POST_PERMISSION = "pages_manage_posts"
POST_TASK = "CREATE_CONTENT"


def _when(stamp: Any) -> str:
    return datetime.fromtimestamp(float(stamp), UTC).strftime("%Y-%m-%d %H:%M UTC")


def _token_findings(channel: FacebookChannel, auth: Auth) -> list[Finding]:
    """What debug_token says of the Page token: may it post on the Page, and until when."""
    s = channel.settings
    secret = channel.app_secret() if s.app_id.strip() else None
    if not s.app_id.strip() or not secret:
        return [Finding(level=WARN, code="check_fb_no_app", params={"env": s.app_secret_env})]
    app_token = f"{s.app_id.strip()}|{secret}"
    payload = channel.read("debug_token", Auth(app_token), {"input_token": auth.token})
    data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
    if not data.get("is_valid"):
        reason = (data.get("error") or {}).get("message", "-") if isinstance(data.get("error"), dict) else "-"
        return [Finding(level=ERROR, code="check_fb_token_invalid", params={"reason": reason, "env": s.token_env})]
    findings: list[Finding] = []
    scopes = {str(x) for x in data.get("scopes") or []}
    targets: list[str] | None = None
    for item in data.get("granular_scopes") or []:
        if isinstance(item, dict) and item.get("scope") == POST_PERMISSION and item.get("target_ids"):
            targets = [str(t) for t in item["target_ids"]]
    may_post = POST_PERMISSION in scopes and (targets is None or s.page_id in targets)
    if may_post:
        findings.append(Finding(level=OK, code="check_fb_may_post", params={"permission": POST_PERMISSION}))
    else:
        findings.append(
            Finding(
                level=ERROR,
                code="check_fb_cannot_post",
                params={"permission": POST_PERMISSION, "task": POST_TASK, "env": s.token_env, "page": s.page_id},
            )
        )
    expires = data.get("expires_at")
    if isinstance(expires, (int, float)) and expires > 0:
        now = channel.now().timestamp()
        level = ERROR if expires <= now else WARN if expires - now < 7 * 86400 else OK
        findings.append(Finding(level=level, code="check_fb_expires", params={"when": _when(expires)}))
    else:
        findings.append(Finding(level=OK, code="check_fb_never_expires", params={}))
    data_expires = data.get("data_access_expires_at")
    if isinstance(data_expires, (int, float)) and data_expires > 0:
        findings.append(Finding(level=OK, code="check_fb_data_access", params={"when": _when(data_expires)}))
    return findings


def check(channel: FacebookChannel) -> list[Finding]:
    """The findings of `loa channels check` for the Facebook channel; never raises."""
    s = channel.settings
    findings = [
        Finding(
            level=OK if not s.dry_run else WARN,
            code="check_dry_run" if s.dry_run else "check_live",
            params={"channel": channel.name},
        )
    ]
    if not s.page_id:
        return [*findings, Finding(level=WARN if s.dry_run else ERROR, code="check_fb_no_page", params={})]
    try:
        auth = channel.auth()
    except ChannelError as exc:
        level = WARN if s.dry_run else ERROR
        return [*findings, Finding(level=level, code=exc.code, params=dict(exc.params))]
    if channel.session is None:
        return findings
    try:
        me = channel.read("me", auth, {"fields": "id,name"})
        if str(me.get("id")) != s.page_id:
            findings.append(
                Finding(
                    level=ERROR,
                    code="check_fb_wrong_page",
                    params={"id": me.get("id"), "name": me.get("name"), "page": s.page_id, "env": s.token_env},
                )
            )
            return findings
        findings.append(Finding(level=OK, code="check_fb_page", params={"id": s.page_id, "name": me.get("name")}))
        channel.read(f"{s.page_id}/feed", auth, {"fields": "id", "limit": 1})
        findings.append(Finding(level=OK, code="check_fb_feed", params={}))
        findings.extend(_token_findings(channel, auth))
    except ChannelError as exc:
        findings.append(Finding(level=ERROR, code=exc.code, params=dict(exc.params)))
    return findings
