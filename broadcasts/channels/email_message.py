"""The bulletin as an e-mail (pure): subject, plain text and HTML, the MP3 attached or linked, Message-ID, Date.

`EmailMessage` with `email.policy.SMTP` encodes what is not ASCII: the subject
and display names as RFC 2047 encoded words, the body as UTF-8, and lines end
in CRLF as SMTP wants them.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address, Group
from email.message import EmailMessage
from email.utils import format_datetime
from typing import TYPE_CHECKING

from broadcasts.channels.base import Broadcast

if TYPE_CHECKING:
    from broadcasts.channels.email import EmailSettings

__all__ = ["Audio", "compose", "message_id", "mail_domain", "subject_of"]


@dataclass(frozen=True, kw_only=True)
class Audio:
    """The bulletin's MP3 as the message carries it: its bytes (attached) or its URL (linked), or neither."""

    name: str
    data: bytes | None = None
    url: str | None = None
    seconds: float | None = None


def mail_domain(settings: EmailSettings) -> str:
    """The right-hand side of Message-IDs: `domain`, else the sender's domain, else `loa.invalid`."""
    domain = settings.domain.strip() or settings.from_address.rpartition("@")[2].strip()
    return domain or "loa.invalid"


def message_id(broadcast: Broadcast, settings: EmailSettings) -> str:
    """The airing's stable Message-ID: `<key@domain>` (RFC 5322 §3.6.4)."""
    return f"<{broadcast.key}@{mail_domain(settings)}>"


def subject_of(broadcast: Broadcast, settings: EmailSettings) -> str:
    """The subject from its template ({station} {title} {date} {key}); one line."""
    values = {
        "station": broadcast.station_name,
        "title": broadcast.title.strip() or broadcast.body.strip()[:60],
        "date": f"{broadcast.local_due:%d/%m/%Y}",
        "key": broadcast.key,
    }
    try:
        subject = settings.subject.format_map(values)
    except (KeyError, IndexError, ValueError):
        subject = "[{station}] {title}".format_map(values)
    return " ".join(subject.split())


def _text(broadcast: Broadcast, audio: Audio | None) -> str:
    body = (broadcast.post_text or broadcast.body).strip()
    lines = [broadcast.title.strip(), "", body] if broadcast.title.strip() else [body]
    if audio is not None and audio.url:
        lines += ["", f"Nghe bản tin / listen: {audio.url}"]
    elif audio is not None and audio.data is not None:
        lines += ["", f"Tệp âm thanh đính kèm / audio attached: {audio.name}"]
    lines += ["", "--", f"{broadcast.station_name} · {broadcast.local_due:%H:%M %d/%m/%Y} · {broadcast.key}"]
    return "\n".join(lines) + "\n"


def _html(broadcast: Broadcast, audio: Audio | None) -> str:
    body = (broadcast.post_text or broadcast.body).strip()
    paragraphs = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in body.split("\n\n") if p.strip())
    listen = ""
    if audio is not None and audio.url:
        url = html.escape(audio.url, quote=True)
        listen = f'<p><a href="{url}">Nghe bản tin / listen</a></p>'
    footer = html.escape(f"{broadcast.station_name} · {broadcast.local_due:%H:%M %d/%m/%Y} · {broadcast.key}")
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8"></head><body>'
        f"<h2>{html.escape(broadcast.title.strip())}</h2>{paragraphs}{listen}"
        f'<p style="color:#666;font-size:small">{footer}</p></body></html>'
    )


def _to(settings: EmailSettings) -> list[Group]:
    groups = []
    for lst in settings.lists:
        addresses = tuple(Address(addr_spec=a.strip()) for a in lst.addresses) if settings.show_recipients else ()
        groups.append(Group(lst.title.strip() or lst.name, addresses))
    return groups


def compose(broadcast: Broadcast, settings: EmailSettings, *, now: datetime, audio: Audio | None) -> EmailMessage:
    """The message for `broadcast`: headers, text (and HTML), the MP3 attached when `audio.data` is given."""
    message = EmailMessage(policy=policy.SMTP)
    message["Subject"] = subject_of(broadcast, settings)
    message["From"] = Address(
        display_name=settings.from_name.strip() or broadcast.station_name, addr_spec=settings.from_address
    )
    message["To"] = _to(settings) or [Group("Loa", ())]
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(broadcast, settings)
    message["X-Loa-Key"] = broadcast.key
    message["Content-Language"] = "vi"
    message.set_content(_text(broadcast, audio), charset="utf-8", cte="quoted-printable")
    if settings.html:
        message.add_alternative(_html(broadcast, audio), subtype="html", charset="utf-8", cte="quoted-printable")
    if audio is not None and audio.data is not None:
        message.add_attachment(audio.data, maintype="audio", subtype="mpeg", filename=audio.name)
    return message
