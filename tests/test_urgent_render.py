"""An emergency is encoded in one loudness pass (measure, encode), still near the target; others are verified."""

from __future__ import annotations

import subprocess

import pytest

from audio.jingle import chime
from audio.mix import AudioSegment, EncodeSettings, encode_mp3, measure_loudness

SETTINGS = EncodeSettings()


@pytest.mark.parametrize("verify, runs", [(True, 3), (False, 2)])
def test_an_unverified_encoding_skips_the_second_measure_and_stays_near_the_target(tmp_path, monkeypatch, verify, runs):
    clip = chime()
    bell = AudioSegment(data=clip.pcm, sample_width=2, frame_rate=clip.sample_rate, channels=1)
    speech_like = bell + AudioSegment.silent(duration=500, frame_rate=clip.sample_rate) + bell.apply_gain(-6)
    calls: list[list[str]] = []
    real = subprocess.run

    def counting(command, *args, **kwargs):
        calls.append(command)
        return real(command, *args, **kwargs)

    monkeypatch.setattr(subprocess, "run", counting)
    encoded = encode_mp3(speech_like, tmp_path / "out.mp3", SETTINGS, verify=verify)
    monkeypatch.setattr(subprocess, "run", real)
    assert len(calls) >= runs if verify else len(calls) == runs  # verified: measure, encode, measure (+ re-encode)
    measured = measure_loudness(encoded.path)
    assert abs(measured.integrated - SETTINGS.target_lufs) < 2.0
    assert measured.true_peak <= SETTINGS.true_peak_db + 0.5
