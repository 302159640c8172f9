"""Nghe thử / Listen: previews spoken by the station's Speaker, kept few and fresh in the data dir."""

from __future__ import annotations

import pytest

from audio.errors import TtsError
from scheduler.errors import NotFoundError, UsageError
from scheduler.services import listen


def test_a_preview_is_an_mp3_of_the_normalized_text_rendered_once(app):
    first = listen.render_preview(app, "UBND xã họp lúc 14h.")
    assert first.path.parent == app.config.data_dir / "cache" / "listen"
    assert first.path.read_bytes()[:3] in (b"ID3", b"\xff\xfb") and first.seconds > 0.5 and first.engine == "tone"
    assert "Ủy ban nhân dân" in " ".join(app.speaker.engine.calls)
    calls = len(app.speaker.engine.calls)
    again = listen.render_preview(app, "UBND xã họp lúc 14h.")
    assert again.name == first.name and again.engine == "cache" and len(app.speaker.engine.calls) == calls
    assert listen.preview_file(app, first.name) == first.path


@pytest.mark.parametrize(
    "text, code",
    [("   ", "listen_empty"), ("x" * (listen.MAX_CHARS + 1), "listen_too_long"), ("...", "nothing_speakable")],
)
def test_bad_text_is_a_usage_error(app, text, code):
    with pytest.raises(UsageError) as info:
        listen.render_preview(app, text)
    assert info.value.code == code


def test_a_failing_engine_is_one_clear_error(app):
    app.speaker.engine.fail = True
    with pytest.raises(TtsError) as info:
        listen.render_preview(app, "Thông báo.")
    assert info.value.code == "listen_failed" and info.value.params["reason"] == "told to fail"


def test_only_previews_of_this_module_are_served(app):
    for name in ("../loa.db", "loa.db", "0" * 32 + ".mp3", "0" * 32 + ".wav"):
        with pytest.raises(NotFoundError):
            listen.preview_file(app, name)


def test_old_previews_and_those_past_the_count_are_deleted(app, clock, monkeypatch):
    monkeypatch.setattr(listen, "KEEP_FILES", 3)
    old = listen.render_preview(app, "Bản tin thứ nhất.")
    clock.advance(seconds=listen.KEEP_SECONDS + 1)
    fresh = []
    for n in range(2, 5):
        fresh.append(listen.render_preview(app, f"Bản tin số {n}."))
        clock.advance(seconds=1)
    assert not old.path.exists()  # past KEEP_SECONDS by the app's clock
    assert all(p.path.exists() for p in fresh)
    clock.advance(seconds=1)
    newest = listen.render_preview(app, "Bản tin mới nhất.")
    kept = sorted(p.name for p in newest.path.parent.glob("*.mp3"))
    assert len(kept) == 3 and newest.name in kept and fresh[0].name not in kept  # the least recently used went


def _two_voices(app, monkeypatch, *, fail_second: bool = False):
    from audio.engines.base import EngineChain
    from audio.speech import Speaker
    from tests.fakes.tts import ToneEngine

    first, second = ToneEngine("fpt"), ToneEngine("espeak", fail=fail_second)
    chain = EngineChain([first, second], ["banmai", ""])
    monkeypatch.setattr(app, "speaker", Speaker(chain, voice="vi", options=app.speaker.options))
    return first, second


def test_compare_speaks_the_same_text_in_each_configured_voice(app, monkeypatch):
    first, second = _two_voices(app, monkeypatch)
    assert listen.configured_voices(app) == [("fpt", "banmai"), ("espeak", "vi")]
    voicings = listen.compare_previews(app, "Họp dân lúc 14h.")
    assert [(v.engine, v.voice) for v in voicings] == [("fpt", "banmai"), ("espeak", "vi")]
    fpt, espeak = (v.preview for v in voicings)
    assert fpt is not None and espeak is not None and fpt.name != espeak.name
    assert (fpt.engine, fpt.voice, espeak.engine, espeak.voice) == ("fpt", "banmai", "espeak", "vi")
    assert first.calls == second.calls  # the same sentences, once each: no fallback between them
    one = listen.render_preview(app, "Họp dân lúc 14h.", engine="espeak")
    assert one.name == espeak.name and one.engine == "cache"
    with pytest.raises(UsageError) as info:
        listen.render_preview(app, "Họp dân.", engine="viettel")
    assert info.value.code == "tts_unknown_engine" and "fpt, espeak" in info.value.params["known"]


def test_compare_shows_a_failing_voice_and_still_speaks_the_others(app, monkeypatch):
    _two_voices(app, monkeypatch, fail_second=True)
    fpt, espeak = listen.compare_previews(app, "Thông báo cúp điện.")
    assert fpt.preview is not None and espeak.preview is None and "told to fail" in espeak.error
