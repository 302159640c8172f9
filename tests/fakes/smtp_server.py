"""A real SMTP server on 127.0.0.1 (aiosmtpd in a thread) that stores messages and misbehaves on cue.

`refuse` maps a recipient to its RCPT reply ("550 5.1.1 no such user");
`drop_after_data` closes the connection once the message data is in, after
storing it (the message was taken, its reply is lost); `users` turns AUTH on.
"""

from __future__ import annotations

import socket
import ssl
import subprocess
from collections import Counter
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

__all__ = ["SmtpServer", "self_signed"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (openssl), for STARTTLS tests."""
    cert, key = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        reply = self.server.refuse.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.server.messages.append((list(envelope.rcpt_tos), message))
        if self.server.drop_after_data:
            server.transport.close()
            return "421 gone"  # never reaches the client
        return "250 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd on a free port of 127.0.0.1; `messages` holds (recipients, message) as received."""

    def __init__(self, *, users: dict[str, str] | None = None, cert: tuple[Path, Path] | None = None) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.refuse: dict[str, str] = {}
        self.drop_after_data = False
        self.users = users or {}
        self.logins: list[str] = []
        self.port = _free_port()
        kwargs: dict[str, Any] = {}
        if cert is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(cert[0]), str(cert[1]))
            kwargs.update(tls_context=context, require_starttls=True)
        if self.users:
            kwargs.update(authenticator=self._auth, auth_required=True, auth_require_tls=cert is not None)
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port, **kwargs)

    def _auth(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        if isinstance(data, LoginPassword):
            user, password = data.login.decode(), data.password.decode()
            if self.users.get(user) == password:
                self.logins.append(user)
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def per_key(self) -> Counter[str]:
        """How many messages arrived per airing key (the X-Loa-Key header)."""
        return Counter(str(m["X-Loa-Key"]) for _, m in self.messages)
