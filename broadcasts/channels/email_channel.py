"""The e-mail channel itself: one SMTP transaction per airing, journaled before DATA, never sent twice.

Where a failure happens decides what it means (see `email` for the sources):

1. connecting, EHLO, STARTTLS, AUTH, MAIL FROM, RCPT TO: nothing was sent.
   A refused or timed-out connection and a 4yz reply are `retryable`; a 5yz
   reply, a failed TLS handshake or a refused login are clear failures (a
   refused login stops the channel until the operator fixes the password);
2. the journal step `send` is marked `sending` (durably) just before DATA;
3. the server answers the end of DATA: 250 is `posted` (the journal says
   `done`), 4yz/5yz a clear refusal (nothing was taken: the step is dropped);
4. the connection drops or times out during DATA: the message may have been
   taken, so the airing is `unknown`. Mail cannot be looked up afterwards, so
   `loa reconcile` leaves it to the operator (`loa mark` / `loa retry`), and
   after a crash the journal's `sending` step makes `recover` say `unknown`.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audio.errors import LoaError
from broadcasts.channels.base import ERROR, OK, WARN, Broadcast, Delivery, Finding
from broadcasts.channels.email_message import Audio, compose, mail_domain, message_id
from broadcasts.channels.journal import DONE, SENDING, Journal
from broadcasts.errors import ChannelError
from broadcasts.models import Outcome
from broadcasts.redact import remember, scrub

if TYPE_CHECKING:
    from broadcasts.channels.email import EmailSettings
    from broadcasts.channels.radio import RadioChannel

__all__ = ["EmailChannel"]

STEP = "send"
MB = 1024 * 1024


def _reply(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return scrub(" ".join(text.split()))[:300]


class EmailChannel:
    """Sends each bulletin once to the configured recipient lists over SMTP."""

    name = "email"

    def __init__(
        self,
        settings: EmailSettings,
        *,
        password: Callable[[], str | None] | None = None,
        journal: Journal | None = None,
        now: Callable[[], datetime] | None = None,
        renderer: RadioChannel | None = None,
        ca_file: str = "",
        archive_dir: Path | None = None,
    ) -> None:
        self.settings = settings
        self.journal = journal
        self.now = now or (lambda: datetime.now(UTC))
        self.renderer = renderer
        self.ca_file = ca_file
        self.archive_dir = archive_dir
        self._password = password or (lambda: None)

    # ---- the message ----------------------------------------------------------------------

    def _audio(self, broadcast: Broadcast) -> tuple[Audio | None, dict[str, Any], dict[str, Any]]:
        """The MP3 as the message carries it, the Delivery's audio fields, and what the detail says of it."""
        s = self.settings
        if s.audio == "none":
            return None, {}, {"audio": "none"}
        if self.renderer is None:
            return None, {}, {"audio": "unavailable"}
        try:
            rendered = self.renderer.prepare(broadcast)
        except LoaError as exc:  # no voice today must not keep the text from the recipients
            return None, {}, {"audio": "failed", "audio_error": exc.code}
        fields = {
            "tts_engine": rendered.engine,
            "audio_path": str(rendered.path),
            "audio_sha256": rendered.sha256,
            "audio_seconds": rendered.seconds,
        }
        name = f"{broadcast.key}.mp3"
        size = rendered.path.stat().st_size
        url = None
        if s.audio_url:
            relative = f"{broadcast.local_due:%Y/%m/%d}/{name}"
            url = f"{s.audio_url.rstrip('/')}/{relative}"
        if s.audio == "attach" and size <= s.max_attachment_mb * MB:
            audio = Audio(name=name, data=rendered.path.read_bytes(), seconds=rendered.seconds)
            return audio, fields, {"audio": "attached", "audio_bytes": size}
        if url:
            return Audio(name=name, url=url), fields, {"audio": "linked", "audio_url": url, "audio_bytes": size}
        return None, fields, {"audio": "too_big", "audio_bytes": size}

    # ---- SMTP -------------------------------------------------------------------------------

    def _tls(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=self.ca_file or None)
        if not self.settings.tls_verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    def _secret(self) -> str:
        env = self.settings.password_env
        try:
            value = self._password()
        except Exception as exc:  # an unreadable secrets file: stop the channel with its own message
            code = getattr(exc, "code", "email_password_missing")
            raise ChannelError(code, channel=self.name, auth=True, env=env, **getattr(exc, "params", {})) from exc
        if not value:
            raise ChannelError("email_password_missing", channel=self.name, auth=True, env=env)
        remember(value)
        return value

    def open(self) -> smtplib.SMTP:
        """A connection that said EHLO, switched to TLS and logged in as configured; ChannelError if not."""
        s = self.settings
        where = f"{s.host}:{s.port}"
        smtp: smtplib.SMTP | None = None
        try:
            if s.security == "ssl":
                smtp = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=s.timeout_seconds, context=self._tls(), local_hostname=mail_domain(s)
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout_seconds, local_hostname=mail_domain(s))
            smtp.ehlo()
            if s.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise ChannelError("email_no_starttls", channel=self.name, server=where)
                smtp.starttls(context=self._tls())
                smtp.ehlo()
            if s.username:
                smtp.login(s.username, self._secret())
            return smtp
        except BaseException as exc:
            if smtp is not None:
                with contextlib.suppress(Exception):
                    smtp.close()
            if isinstance(exc, ChannelError):
                raise
            if isinstance(exc, smtplib.SMTPAuthenticationError):
                raise ChannelError(
                    "email_login_refused",
                    channel=self.name,
                    auth=True,
                    user=s.username,
                    env=s.password_env,
                    code=exc.smtp_code,
                    reason=_reply(exc.smtp_error),
                ) from exc
            if isinstance(exc, ssl.SSLError):
                raise ChannelError("channel_tls", channel=self.name, reason=scrub(str(exc))[:300]) from exc
            if isinstance(exc, smtplib.SMTPNotSupportedError):
                raise ChannelError("email_no_auth", channel=self.name, server=where) from exc
            if isinstance(exc, smtplib.SMTPResponseException):
                raise self._refused("email_refused_session", exc.smtp_code, exc.smtp_error, server=where) from exc
            if isinstance(exc, (OSError, smtplib.SMTPException)):
                reason = scrub(f"{where}: {type(exc).__name__} {exc}".strip())[:300]
                raise ChannelError("channel_unreachable", channel=self.name, retryable=True, reason=reason) from exc
            raise

    def _refused(self, code: str, smtp_code: int, reply: bytes | str, **params: Any) -> ChannelError:
        """A clear refusal (nothing was taken): retryable when the server says 4yz (RFC 5321 §4.2.1)."""
        return ChannelError(
            code,
            channel=self.name,
            status=smtp_code,
            retryable=400 <= smtp_code < 500,
            smtp=smtp_code,
            reason=_reply(reply),
            **params,
        )

    def _live(self) -> Journal:
        if self.journal is None:
            raise ChannelError("email_no_journal", channel=self.name)
        return self.journal

    # ---- publishing -------------------------------------------------------------------------

    def publish(self, broadcast: Broadcast) -> Delivery:
        s = self.settings
        mid = message_id(broadcast, s)
        bare = mid.strip("<>")
        recipients = s.recipients()
        lists = [lst.name for lst in s.lists]
        if s.dry_run:
            message = compose(broadcast, s, now=self.now(), audio=None)
            request = {
                "message_id": mid,
                "subject": str(message["Subject"]),
                "from": s.from_address,
                "lists": lists,
                "recipients": len(recipients),
                "server": f"{s.host}:{s.port}",
            }
            return Delivery(outcome=Outcome.dry_run, detail={"request": request})
        journal = self._live()
        step = journal.load(broadcast.key).get(STEP)
        if step and step.get("state") == DONE:
            return Delivery(outcome=Outcome.posted, external_id=bare, detail={"resumed": True, **step})
        if step:  # a message of an earlier attempt may have been taken: never send it again blindly
            raise ChannelError("email_unclear", channel=self.name, sent=True, external_id=bare, id=bare)
        if not recipients:
            raise ChannelError("email_no_recipients", channel=self.name)
        audio, fields, about = self._audio(broadcast)
        message = compose(broadcast, s, now=self.now(), audio=audio)
        data = message.as_bytes()
        smtp = self.open()
        try:
            return self._send(smtp, broadcast, data, recipients, bare, fields, {**about, "lists": lists})
        finally:
            with contextlib.suppress(Exception):
                smtp.quit()
            with contextlib.suppress(Exception):
                smtp.close()

    def _send(
        self,
        smtp: smtplib.SMTP,
        broadcast: Broadcast,
        data: bytes,
        recipients: list[str],
        bare: str,
        fields: dict[str, Any],
        about: dict[str, Any],
    ) -> Delivery:
        s = self.settings
        journal = self._live()
        try:
            code, reply = smtp.mail(s.from_address)
            if code != 250:
                raise self._refused("email_sender_refused", code, reply, sender=s.from_address)
            refused: dict[str, list[Any]] = {}
            for address in recipients:
                code, reply = smtp.rcpt(address)
                if code not in (250, 251):
                    refused[address] = [code, _reply(reply)]
            if len(refused) == len(recipients):
                transient = all(400 <= c < 500 for c, _ in refused.values())
                raise ChannelError(
                    "email_all_refused",
                    channel=self.name,
                    retryable=transient,
                    count=len(refused),
                    refused=_listed(refused),
                )
        except smtplib.SMTPServerDisconnected as exc:  # before DATA: nothing was sent
            raise ChannelError(
                "channel_unreachable", channel=self.name, retryable=True, reason=scrub(str(exc))[:300]
            ) from exc
        except OSError as exc:
            raise ChannelError(
                "channel_unreachable", channel=self.name, retryable=True, reason=f"{type(exc).__name__} {exc}"[:300]
            ) from exc
        accepted = len(recipients) - len(refused)
        journal.mark(broadcast.key, STEP, SENDING, message_id=bare, recipients=accepted)
        try:
            code, reply = smtp.data(data)
        except smtplib.SMTPDataError as exc:  # DATA itself refused (no 354): the message was not sent
            journal.forget(broadcast.key, STEP)
            raise self._refused("email_data_refused", exc.smtp_code, exc.smtp_error) from exc
        except (OSError, smtplib.SMTPServerDisconnected) as exc:
            # the data may have reached the server: unknown, never re-sent (the journal keeps `sending`)
            raise ChannelError(
                "email_dropped",
                channel=self.name,
                sent=True,
                external_id=bare,
                id=bare,
                reason=scrub(f"{type(exc).__name__} {exc}".strip())[:300],
            ) from exc
        if code != 250:
            journal.forget(broadcast.key, STEP)  # the server answered: it did not take the message
            raise self._refused("email_data_refused", code, reply)
        journal.mark(broadcast.key, STEP, DONE, message_id=bare, recipients=accepted, reply=_reply(reply))
        detail = {**about, "message_id": bare, "recipients": len(recipients), "accepted": accepted}
        if not refused:
            return Delivery(
                outcome=Outcome.posted, external_id=bare, detail={**detail, "reply": _reply(reply)}, **fields
            )
        params = {"count": len(refused), "total": len(recipients), "refused": _listed(refused)}
        return Delivery(
            outcome=Outcome.posted,
            external_id=bare,
            error_code="email_some_refused",
            detail={**detail, "refused": refused, "error_params": params, "reply": _reply(reply)},
            **fields,
        )

    def recover(self, broadcast: Broadcast) -> Delivery | None:
        if self.settings.dry_run or self.journal is None:
            return None
        step = self.journal.load(broadcast.key).get(STEP)
        if step is None:
            return None  # DATA never started: nothing was sent, the airing simply runs again
        bare = message_id(broadcast, self.settings).strip("<>")
        if step.get("state") == DONE:
            return Delivery(outcome=Outcome.posted, external_id=bare, detail={"recovered": True, **step})
        return Delivery(outcome=Outcome.unknown, error_code="email_unclear_crash", external_id=bare)

    def carry_over(self, old: Broadcast, new: Broadcast) -> list[str]:
        """A retry is a new message with its own Message-ID: nothing is carried over."""
        return []

    # ---- loa channels check -------------------------------------------------------------------

    def check(self) -> list[Finding]:
        """Connect, EHLO, STARTTLS and AUTH as configured, without sending; plain findings, never raises."""
        s = self.settings
        findings = [
            Finding(
                level=OK if not s.dry_run else WARN,
                code="check_dry_run" if s.dry_run else "check_live",
                params={"channel": self.name},
            )
        ]
        level = WARN if s.dry_run else ERROR
        recipients = s.recipients()
        if recipients:
            findings.append(
                Finding(level=OK, code="check_email_lists", params={"lists": len(s.lists), "count": len(recipients)})
            )
        else:
            findings.append(Finding(level=level, code="check_email_no_lists", params={}))
        if not s.host.strip():
            return [*findings, Finding(level=level, code="check_email_no_host", params={})]
        try:
            smtp = self.open()
        except ChannelError as exc:
            return [*findings, Finding(level=ERROR, code=exc.code, params=dict(exc.params))]
        try:
            tls = s.security in ("starttls", "ssl")
            findings.append(
                Finding(
                    level=OK if tls else WARN,
                    code="check_email_server" if tls else "check_email_plain",
                    params={"server": f"{s.host}:{s.port}", "security": s.security},
                )
            )
            if s.username:
                findings.append(Finding(level=OK, code="check_email_login", params={"user": s.username}))
            size = smtp.esmtp_features.get("size", "").strip()
            if size.isdigit() and s.audio == "attach" and int(size) and int(size) < s.max_attachment_mb * MB * 1.4:
                findings.append(
                    Finding(
                        level=WARN,
                        code="check_email_size",
                        params={"server": f"{int(size) / MB:.1f}", "mine": f"{s.max_attachment_mb:g}"},
                    )
                )
        finally:
            with contextlib.suppress(Exception):
                smtp.quit()
            with contextlib.suppress(Exception):
                smtp.close()
        return findings


def _listed(refused: dict[str, list[Any]]) -> str:
    """The refused recipients as one line: `a@x (550 user unknown), b@y (450 ...)`."""
    return "; ".join(f"{address} ({code} {reason})" for address, (code, reason) in list(refused.items())[:20])
