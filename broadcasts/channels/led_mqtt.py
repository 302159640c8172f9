"""Publishing one JSON message to an MQTT broker with QoS 1, and knowing whether the broker took it.

The client's network loop is run here, in the caller's thread (never
`loop_start`): paho's background loop reconnects by itself and re-sends an
unacknowledged QoS 1 message, which would be a second delivery behind Loa's
back. What the steps mean for the delivery guarantees:

- the connection or its CONNACK fails, or the PUBLISH cannot be written to the
  socket: nothing left Loa (`sent` is false), it may be tried again;
- the broker refuses the login (CONNACK 4/5, 0x86/0x87): the channel stops
  (`auth`), nothing was sent;
- the PUBLISH was written and its PUBACK did not come within the timeout, or
  the connection dropped before it: the broker may have it (`sent`): the
  airing is `unknown`, never published again by itself.

QoS 1 is "at least once" on the broker's side too: a broker may hand one
message to a subscriber twice (after a reconnect of that subscriber), so each
message carries the airing's `key` for a board to drop a repeat.
"""

from __future__ import annotations

import ssl
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from broadcasts.errors import ChannelError

__all__ = ["Broker", "publish", "probe"]

_AUTH_CODES = {4, 5, 134, 135}  # bad user name or password; not authorised (MQTT 3.1.1 and 5)


@dataclass(frozen=True, kw_only=True)
class Broker:
    """Where to publish: host, port, TLS, login, and how long each step may take."""

    host: str
    port: int
    topic: str
    username: str = ""
    password: str | None = None
    tls: bool = False
    timeout: float = 10.0
    retain: bool = False


class _Session:
    """One connection: connect, wait for CONNACK, then whatever the caller does, then disconnect."""

    def __init__(self, broker: Broker, channel: str) -> None:
        self.broker = broker
        self.channel = channel
        self.connected = threading.Event()
        self.lost = threading.Event()
        self.refused: Any = None
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"loa-{uuid.uuid4().hex[:12]}", clean_session=True)
        client.connect_timeout = broker.timeout
        if broker.username:
            client.username_pw_set(broker.username, broker.password)
        if broker.tls:
            client.tls_set_context(ssl.create_default_context())
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        self.client = client

    def _on_connect(self, client: Any, userdata: Any, flags: Any, reason: Any, properties: Any) -> None:
        if getattr(reason, "is_failure", False):
            self.refused = reason
        else:
            self.connected.set()

    def _on_disconnect(self, client: Any, userdata: Any, flags: Any, reason: Any, properties: Any) -> None:
        self.lost.set()

    def _fail(self, code: str, *, sent: bool = False, retryable: bool = False, **params: Any) -> ChannelError:
        where = f"{self.broker.host}:{self.broker.port}"
        return ChannelError(code, channel=self.channel, sent=sent, retryable=retryable, broker=where, **params)

    def open(self) -> None:
        try:
            self.client.connect(self.broker.host, self.broker.port, keepalive=max(10, int(self.broker.timeout * 3)))
        except (OSError, ValueError) as exc:  # refused, unreachable, name unknown, TLS handshake
            raise self._fail("led_mqtt_unreachable", retryable=True, reason=str(exc) or type(exc).__name__) from exc
        self.run_until(lambda: self.connected.is_set() or self.refused is not None or self.lost.is_set())
        if self.refused is not None:
            value = getattr(self.refused, "value", self.refused)
            if value in _AUTH_CODES:
                raise ChannelError("led_mqtt_login", channel=self.channel, auth=True, reason=str(self.refused))
            raise self._fail("led_mqtt_refused", reason=str(self.refused))
        if not self.connected.is_set():
            raise self._fail("led_mqtt_unreachable", retryable=True, reason="no CONNACK")

    def run_until(self, done: Callable[[], bool]) -> None:
        deadline = time.monotonic() + self.broker.timeout
        while not done() and time.monotonic() < deadline:
            if self.client.loop(timeout=0.05) != mqtt.MQTT_ERR_SUCCESS:
                self.lost.set()
                return

    def close(self) -> None:
        try:
            if not self.lost.is_set():
                self.client.disconnect()
                self.client.loop(timeout=0.05)
        except (OSError, ValueError):
            pass
        finally:
            sock = self.client.socket()
            if sock is not None:
                sock.close()


def publish(broker: Broker, payload: bytes, *, channel: str, before_send: Callable[[], None]) -> int:
    """Publish `payload` to `broker.topic` (QoS 1) and wait for its PUBACK; the message id.

    `before_send` runs once the broker has accepted the connection, just before the PUBLISH
    (the channel journals the step there).
    """
    session = _Session(broker, channel)
    try:
        session.open()
        before_send()
        info = session.client.publish(broker.topic, payload, qos=1, retain=broker.retain)
        if info.rc != mqtt.MQTT_ERR_SUCCESS:  # not written to the socket; a manual loop never sends it later
            raise session._fail("led_mqtt_not_sent", retryable=True, reason=mqtt.error_string(info.rc))
        session.run_until(lambda: info.is_published() or session.lost.is_set())
        if not info.is_published():
            code = "led_mqtt_dropped" if session.lost.is_set() else "led_mqtt_no_puback"
            raise session._fail(code, sent=True, seconds=f"{broker.timeout:g}", topic=broker.topic)
        return int(info.mid)
    finally:
        session.close()


def probe(broker: Broker, *, channel: str) -> None:
    """Connect, wait for CONNACK, disconnect; ChannelError if the broker cannot be used."""
    session = _Session(broker, channel)
    try:
        session.open()
    finally:
        session.close()
