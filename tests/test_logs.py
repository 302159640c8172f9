"""The daemon's log in the station's language: tagged records are re-worded, others pass untouched."""

from __future__ import annotations

import logging

import pytest

from audio.engine import EngineChain
from scheduler.logs import StationLanguage
from tests.fakes.tts import ToneEngine


@pytest.fixture
def heard(caplog):
    """The messages logged under `loa`/`audio` loggers, as the handler of `loa run` would print them."""
    def messages(lang: str, act) -> list[str]:
        caplog.clear()
        caplog.handler.addFilter(station := StationLanguage(lang))
        try:
            with caplog.at_level(logging.INFO):
                act()
        finally:
            caplog.handler.removeFilter(station)
        return [r.getMessage() for r in caplog.records]
    return messages


def test_an_engine_fallback_is_told_in_vietnamese_or_english(heard):
    chain = EngineChain([ToneEngine("gtts", fail=True), ToneEngine("espeak")])
    vi = heard("vi", lambda: chain.synthesize("Xin chào.", "vi"))
    assert len(vi) == 1 and vi[0].startswith("Bộ đọc gtts") and vi[0].endswith(" Chuyển sang bộ đọc kế tiếp.")
    en = heard("en", lambda: chain.synthesize("Xin chào.", "vi"))
    assert en[0].startswith("Speech engine gtts") and en[0].endswith(" Trying the next engine.")


def test_untagged_records_pass_as_they_are(heard):
    other = logging.getLogger("somebody.else")
    assert heard("vi", lambda: other.warning("disk %s is %d%% full", "/var", 93)) == ["disk /var is 93% full"]


def test_without_the_filter_library_code_still_logs_plain_english(caplog):
    chain = EngineChain([ToneEngine("gtts", fail=True), ToneEngine("espeak")])
    with caplog.at_level(logging.INFO):
        chain.synthesize("Xin chào.", "vi")
    assert caplog.records[0].getMessage().startswith("speech engine gtts failed, trying the next: ")


def test_a_paused_engine_warns_once_not_at_every_sentence(heard):
    from audio.breaker import BreakerEngine

    chain = EngineChain([BreakerEngine(ToneEngine("gtts", fail=True), failures=2, cooldown=300),
                         ToneEngine("espeak")])
    said = heard("vi", lambda: [chain.synthesize(f"Câu số {i}.", "vi") for i in range(6)])
    assert sum("tạm không dùng trong 300 giây" in m for m in said) == 1
    assert len(said) == 3  # two failures, then the pause; the four sentences after it are quiet
