"""The e-mail channel's settings and wiring: each bulletin to the configured recipient lists over SMTP.

One message per airing goes to every address of every list (hamlet heads,
agencies) in one SMTP transaction, with a stable `Message-ID` derived from the
airing's key and the station's mail domain (`<an-phu-20261123-0600-a42@xa.gov.vn>`).
The message is built in `email_message`, sent in `email_channel`.

What the standards and the libraries say, and what Loa makes of it:
- smtplib (https://docs.python.org/3/library/smtplib.html): `SMTP(host, port,
  timeout=...)`, `SMTP_SSL(..., context=...)`, `starttls(context=...)`,
  `login()`; `sendmail()` raises `SMTPRecipientsRefused` only when *every*
  recipient is refused and otherwise returns the refused ones as
  `{address: (code, message)}`; `SMTPSenderRefused`, `SMTPDataError`,
  `SMTPServerDisconnected`, `SMTPAuthenticationError`. Loa sends
  `mail()`, `rcpt()` and `data()` one by one so it knows where it stands when
  the line drops: before DATA nothing was sent (a clear refusal); after the
  message data went out without a final reply it may have been delivered
  (`unknown`, never re-sent). The timeout applies to every socket operation.
- RFC 5321 §4.2 and §3.3: a 4yz reply is transient (retry later), a 5yz one
  permanent; a 250 to the end of DATA means the server took responsibility for
  the message; RCPT 550 is an unknown mailbox ("bounces of invalid recipients").
- RFC 5322 §3.6.4: Message-ID is `<id-left@id-right>`, unique per message:
  the airing key is unique per airing, so a retry (a new airing) has its own.
- RFC 2047 and RFC 6532, via the `email` package's `EmailMessage` with
  `email.policy.SMTP` (https://docs.python.org/3/library/email.policy.html):
  Vietnamese subjects and display names become encoded words, the text body
  UTF-8 (quoted-printable or base64); addresses stay ASCII.
- aiosmtpd (https://aiosmtpd.aio-libs.org/, docs/handlers.rst: `handle_RCPT`,
  `handle_DATA`, `Controller`, `auth_require_tls`, `tls_context`) is the real
  SMTP server the tests run on 127.0.0.1.

A partial delivery (some recipients refused at RCPT, the message accepted for
the others) is `posted`: the message went out and sending it again would reach
the accepted recipients twice; the refused addresses are in the record's
`error_message` and `detail["refused"]` for the operator to correct the list.
Every recipient refused is `failed` (retried later if every refusal was 4yz).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from audio.sinks.base import Played
from broadcasts.channels.base import ChannelType, Context, Problem
from broadcasts.channels.email_channel import EmailChannel
from broadcasts.channels.journal import Journal

__all__ = ["EmailSettings", "RecipientList", "build", "problems", "CHANNEL", "SECURITY", "AUDIO_MODES"]

SECURITY = ("starttls", "ssl", "plain")
AUDIO_MODES = ("attach", "link", "none")
_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$")


@dataclass(frozen=True, kw_only=True)
class RecipientList:
    """One named list of recipients (`[[channels.email.lists]]`): its name, its title in the To header, addresses."""

    name: str = ""
    title: str = ""
    addresses: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class EmailSettings:
    """The `[channels.email]` table: the SMTP server, the login's variable, the sender, the lists, the audio."""

    enabled: bool = True
    dry_run: bool = True
    host: str = ""
    port: int = 587
    security: str = "starttls"  # starttls | ssl | plain (plain: a local relay only)
    tls_verify: bool = True
    ca_file: str = ""  # a private CA's certificate (PEM) for the server's; "" = the system's
    username: str = ""  # "" = no login
    password_env: str = "LOA_EMAIL_PASSWORD"
    from_address: str = ""
    from_name: str = ""  # "" = the station's name
    domain: str = ""  # the right of each Message-ID; "" = from_address's domain
    lists: tuple[RecipientList, ...] = ()
    show_recipients: bool = False  # list the addresses in To (else each list is an empty group, RFC 5322 §3.4)
    subject: str = "[{station}] {title}"
    html: bool = True  # a simple HTML part next to the plain text
    audio: str = "attach"  # attach | link | none
    audio_url: str = ""  # base URL of the published audio folder (data/audio): link = audio_url + YYYY/MM/DD/key.mp3
    max_attachment_mb: float = 8.0  # a bigger MP3 is linked (with audio_url) or left out
    timeout_seconds: float = 30.0
    grace_minutes: float = 240.0

    def recipients(self) -> list[str]:
        """Every address of every list, once each, in the lists' order."""
        return list(dict.fromkeys(a.strip() for lst in self.lists for a in lst.addresses if a.strip()))


def build(settings: EmailSettings, context: Context) -> EmailChannel | None:
    """The e-mail channel, or None when `enabled = false`; it speaks the MP3 with the radio's studio."""
    if not settings.enabled:
        return None
    renderer = None
    if settings.audio != "none" and context.studio is not None:
        from broadcasts.channels.radio import RadioSettings
        from broadcasts.channels.radio import build as radio_build

        renderer = radio_build(RadioSettings(), replace(context, sink=_NoPlayout()))
    return EmailChannel(
        settings,
        password=lambda: context.secret(settings.password_env),
        journal=Journal(context.evidence("journal", EmailChannel.name)),
        now=context.now,
        renderer=renderer,
        ca_file=str(context.path(settings.ca_file)) if settings.ca_file else "",
        archive_dir=context.data_dir / "audio",
    )


class _NoPlayout:
    """The renderer's sink: the e-mail channel only renders, it never plays."""

    name = "none"

    def play(self, audio: Path, *, key: str) -> Played:
        raise AssertionError("the e-mail channel never plays audio")

    def was_played(self, key: str) -> bool | None:
        return False

    def stop(self) -> None:
        return None


def problems(settings: EmailSettings, listed: bool) -> Iterator[Problem]:
    """What e-mail cannot use: a bad security or audio mode, no server, sender or recipient when sending for real."""
    if settings.security not in SECURITY:
        yield Problem(
            key="security", expected="exp_choices", params={"choices": " | ".join(SECURITY)}, value=settings.security
        )
    if settings.audio not in AUDIO_MODES:
        yield Problem(
            key="audio", expected="exp_choices", params={"choices": " | ".join(AUDIO_MODES)}, value=settings.audio
        )
    if not 0 < settings.port < 65536:
        yield Problem(key="port", expected="exp_range", params={"low": 1, "high": 65535}, value=settings.port)
    if settings.timeout_seconds <= 0:
        yield Problem(key="timeout_seconds", expected="exp_positive_seconds", value=settings.timeout_seconds)
    if settings.max_attachment_mb < 0:
        yield Problem(key="max_attachment_mb", expected="exp_non_negative", value=settings.max_attachment_mb)
    if settings.audio_url and not settings.audio_url.startswith(("http://", "https://")):
        yield Problem(key="audio_url", expected="exp_url", value=settings.audio_url)
    for i, lst in enumerate(settings.lists):
        if not lst.name.strip():
            yield Problem(key=f"lists[{i}].name", expected="exp_email_list_name", value=lst.name)
        for j, address in enumerate(lst.addresses):
            if not _ADDRESS.match(address.strip()):
                yield Problem(key=f"lists[{i}].addresses[{j}]", expected="exp_email_address", value=address)
    if settings.from_address and not _ADDRESS.match(settings.from_address):
        yield Problem(key="from_address", expected="exp_email_address", value=settings.from_address)
    if listed and settings.enabled and not settings.dry_run:
        if not settings.host.strip():
            yield Problem(key="host", expected="exp_email_host", value=settings.host)
        if not settings.from_address:
            yield Problem(key="from_address", expected="exp_email_address", value=settings.from_address)
        if not settings.recipients():
            yield Problem(key="lists", expected="exp_email_lists", value=list(settings.lists))


CHANNEL = ChannelType(settings=EmailSettings, build=build, problems=problems, default_on=False)
