"""A circuit breaker around a speech engine: after repeated failures, stop asking it for a while.

An online engine that times out costs its whole timeout on every sentence; a
bulletin of forty sentences would wait forty timeouts before the fallback
speaks. After `failures` consecutive failures the breaker opens and fails at
once for `cooldown` seconds; then one trial call goes through (half-open): a
success closes it, a failure opens it for another cool-down.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from audio.engines.base import Clip, TtsEngine, identity
from audio.errors import TtsError, tagged

__all__ = ["BreakerEngine", "CLOSED", "OPEN", "HALF_OPEN"]

log = logging.getLogger(__name__)

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half-open"


class BreakerEngine:
    """Wraps an engine; fails fast while the engine is known to be failing."""

    def __init__(
        self,
        engine: TtsEngine,
        *,
        failures: int = 3,
        cooldown: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failures < 1 or cooldown < 0:
            raise ValueError("a breaker needs failures >= 1 and a non-negative cool-down")
        self.engine = engine
        self.name = engine.name
        self.failures = failures
        self.cooldown = cooldown
        self.clock = clock
        self._lock = threading.Lock()
        self._count = 0
        self._opened_at: float | None = None
        self._trial = False  # a half-open trial call is under way

    @property
    def identity(self) -> str:
        return identity(self.engine)

    @property
    def state(self) -> str:
        with self._lock:
            return self._state()

    def _state(self) -> str:
        if self._opened_at is None:
            return CLOSED
        return HALF_OPEN if self.clock() - self._opened_at >= self.cooldown else OPEN

    def _admit(self) -> None:
        """Let a call through, or raise at once while the circuit is open."""
        with self._lock:
            state = self._state()
            if state == CLOSED:
                return
            if state == HALF_OPEN and not self._trial:
                self._trial = True
                return
            assert self._opened_at is not None
            wait = max(self.cooldown - (self.clock() - self._opened_at), 0.0)
        raise TtsError(
            "tts_unavailable",
            engine=self.name,
            failures=self.failures,
            seconds=round(wait),
            reason=f"paused after {self.failures} failures, retried in {wait:.0f} s",
        )

    def synthesize(self, text: str, voice: str) -> Clip:
        self._admit()
        try:
            clip = self.engine.synthesize(text, voice)
        except TtsError:
            self._failed()
            raise
        except BaseException:
            with self._lock:
                self._trial = False
            raise
        with self._lock:
            if self._opened_at is not None:
                log.info(
                    "speech engine %s answers again; using it",
                    self.name,
                    extra=tagged("log_engine_back", engine=self.name),
                )
            self._count, self._opened_at, self._trial = 0, None, False
        return clip

    def _failed(self) -> None:
        with self._lock:
            self._count += 1
            if self._trial or self._count >= self.failures:
                if self._opened_at is None or self._trial:
                    log.warning(
                        "speech engine %s failed %d times; not asking it for %.0f s",
                        self.name,
                        self._count,
                        self.cooldown,
                        extra=tagged(
                            "log_engine_paused", engine=self.name, failures=self._count, seconds=self.cooldown
                        ),
                    )
                self._opened_at = self.clock()
            self._trial = False
