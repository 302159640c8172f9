"""The daemon's log in the station's language: tagged records are worded from the catalogue."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import pytest

from audio.engines.base import EngineChain
from scheduler.messages.formatter import StationFormatter
from tests.fakes.tts import ToneEngine


class Lines(logging.Handler):
    def __init__(self, lang: str) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(StationFormatter(lang, "%(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def heard() -> Iterator[Callable[..., list[str]]]:
    """What `loa run`'s handler would print (warnings and up) while `act` runs, in `lang`."""
    root = logging.getLogger()
    attached: list[Lines] = []

    def messages(lang: str, act: Callable[[], object]) -> list[str]:
        handler = Lines(lang)
        handler.setLevel(logging.WARNING)
        attached.append(handler)
        root.addHandler(handler)
        try:
            act()
        finally:
            root.removeHandler(handler)
        return handler.lines

    yield messages
    for handler in attached:
        root.removeHandler(handler)


def test_an_engine_fallback_is_told_in_vietnamese_or_english(heard):
    chain = EngineChain([ToneEngine("gtts", fail=True), ToneEngine("espeak")])
    vi = heard("vi", lambda: chain.synthesize("Xin chào.", "vi"))
    assert len(vi) == 1 and vi[0].startswith("Bộ đọc gtts") and vi[0].endswith(" Chuyển sang bộ đọc kế tiếp.")
    en = heard("en", lambda: chain.synthesize("Xin chào.", "vi"))
    assert en[0].startswith("Speech engine gtts") and en[0].endswith(" Trying the next engine.")


def test_untagged_records_pass_as_they_are(heard):
    other = logging.getLogger("somebody.else")
    assert heard("vi", lambda: other.warning("disk %s is %d%% full", "/var", 93)) == ["disk /var is 93% full"]


def test_the_record_itself_stays_plain_english_for_other_handlers(heard, caplog):
    chain = EngineChain([ToneEngine("gtts", fail=True), ToneEngine("espeak")])
    with caplog.at_level(logging.INFO, logger="audio"):
        said = heard("vi", lambda: chain.synthesize("Xin chào.", "vi"))
    assert said[0].startswith("Bộ đọc gtts")
    assert caplog.records[0].getMessage().startswith("speech engine gtts failed, trying the next: ")


def test_a_paused_engine_warns_once_not_at_every_sentence(heard):
    from audio.engines.breaker import BreakerEngine

    chain = EngineChain([BreakerEngine(ToneEngine("gtts", fail=True), failures=2, cooldown=300), ToneEngine("espeak")])
    said = heard("vi", lambda: [chain.synthesize(f"Câu số {i}.", "vi") for i in range(6)])
    assert sum("tạm không dùng trong 300 giây" in m for m in said) == 1
    assert len(said) == 3  # two failures, then the pause; the four sentences after it are quiet
