"""Bulletin rendering speed: Loa's radio render, cold and warm, against the bare espeak + ffmpeg pipeline.

Renders a bulletin of about three minutes (text from a sample plan) through
the real wiring (`build_engines`, `RadioChannel.prepare`: chime, greeting,
title, body, closing, sentence cache, loudness, MP3), first with empty caches
(cold), then for another airing of the unchanged bulletin (warm: the rendered
file is reused by its fingerprint). The bare pipeline speaks the same
normalized text with one call into the same libespeak-ng (espeakng-loader's,
through audio/engines/espeak.py's ctypes binding: one espeak_Synth over the whole text,
no sentence splitting, no cache, no pydub), writes a WAV with the stdlib, and
runs the ffmpeg CLI with the same loudness procedure and filters as Loa
(ebur128 measure, gain + limiter + MP3 encode, measure the MP3, one corrected
encode when off target). Each figure is the median of --repeat runs.

The cloud path renders the same bulletin with a cloud engine first (Viettel AI,
against the local fake of its API in tests/fakes/cloud_tts, so nothing leaves
the machine), cold, then again with the rendered-bulletin cache off: every
sentence comes from the sentence cache and the service gets no request. It
reports both times and the requests each made. Prints a JSON line last.

    python benchmarks/render.py [--text FILE] [--seconds 180] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from audio.engines.espeak import EspeakEngine
from audio.mix import (
    LIMITED_SLOPE,
    LIMITER_MARGIN_DB,
    LOUDNESS_TOLERANCE,
    EncodeSettings,
    ffmpeg_exe,
    loudness_filter,
    measure_loudness,
)
from broadcasts.channels.base import Broadcast
from broadcasts.channels.radio import RadioChannel
from scheduler.app import build_channels, build_speaker
from scheduler.config import Config, parse_config

REPO = Path(__file__).resolve().parents[1]
PLANS = REPO.parent / "shared" / "plans"
CHARS_PER_SECOND = 14.5  # espeak at 150 words a minute reads about this much plan text a second
FRAME_SECONDS = 20.0  # the chime, greeting, title and closing around the body


def plan_text(path: Path | None, seconds: float) -> str:
    """About `seconds` of speech worth of a plan's paragraphs."""
    if path is None:
        plans = sorted(PLANS.glob("*.txt")) if PLANS.is_dir() else []
        path = plans[0] if plans else REPO / "scheduler" / "data" / "sample_plan.txt"
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if len(line.strip()) > 40]
    text, goal = "", max(seconds - FRAME_SECONDS, 10.0) * CHARS_PER_SECOND
    while len(text) < goal and lines:
        for line in lines:
            text += line + "\n"
            if len(text) >= goal:
                break
    return text


def bulletin(body: str, airing_id: int) -> Broadcast:
    return Broadcast(
        airing_id=airing_id,
        bulletin_id=1,
        channel="radio",
        station_code="bench",
        station_name="Đài truyền thanh xã An Phú",
        timezone="Asia/Ho_Chi_Minh",
        title="Tuyên truyền cải cách hành chính",
        body=body,
        post_text=None,
        priority="normal",
        due_at=datetime(2026, 11, 22, 23, 0, tzinfo=UTC),
    )


def config_in(folder: Path) -> Config:
    return parse_config(
        {"channels": {"enabled": ["radio"]}, "database": {"url": "sqlite://"}},
        source=str(folder / "config.toml"),
        base_dir=folder,
    )


def radio_in(folder: Path) -> RadioChannel:
    config = config_in(folder)
    channel = build_channels(config, build_speaker(config))["radio"]
    assert isinstance(channel, RadioChannel)
    return channel


def loa_run(body: str) -> tuple[float, float, float, float]:
    """Cold render, warm render for another airing, audio seconds, and the cold MP3's loudness."""
    with tempfile.TemporaryDirectory(prefix="loa-bench-") as tmp:
        channel = radio_in(Path(tmp))
        started = time.perf_counter()
        rendered = channel.prepare(bulletin(body, 1))
        cold = time.perf_counter() - started
        started = time.perf_counter()
        again = channel.prepare(bulletin(body, 2))
        warm = time.perf_counter() - started
        assert again.sha256 == rendered.sha256
        return cold, warm, rendered.seconds, measure_loudness(rendered.path).integrated


def sentence_cache_run(body: str) -> float:
    """A re-render with every sentence cached but no rendered-bulletin cache (what the sentence cache alone saves)."""
    with tempfile.TemporaryDirectory(prefix="loa-bench-") as tmp:
        channel = radio_in(Path(tmp))
        channel.render_cache = None
        channel.prepare(bulletin(body, 1))
        started = time.perf_counter()
        channel.prepare(bulletin(body, 2))
        return time.perf_counter() - started


def cloud_run(body: str) -> tuple[float, float, int, int]:
    """Cold render with the Viettel engine (local fake), then a re-render from the sentence cache: times, requests."""
    import os

    from tests.fakes.cloud_tts import KEY, ViettelServer

    with tempfile.TemporaryDirectory(prefix="loa-bench-") as tmp, ViettelServer() as server:
        config = parse_config(
            {
                "channels": {"enabled": ["radio"]},
                "database": {"url": "sqlite://"},
                "speech": {
                    "engines": ["viettel", "espeak"],
                    "viettel": {"url": f"{server.url}/tts/speech_synthesis", "key_env": "LOA_BENCH_VIETTEL_TOKEN"},
                },
            },
            source=str(Path(tmp) / "config.toml"),
            base_dir=tmp,
        )
        os.environ["LOA_BENCH_VIETTEL_TOKEN"] = KEY
        try:
            channel = build_channels(config, build_speaker(config))["radio"]
            assert isinstance(channel, RadioChannel)
            channel.render_cache = None
            started = time.perf_counter()
            first = channel.prepare(bulletin(body, 1))
            cold = time.perf_counter() - started
            asked = len(server.requests)
            started = time.perf_counter()
            channel.prepare(bulletin(body, 2))
            warm = time.perf_counter() - started
        finally:
            del os.environ["LOA_BENCH_VIETTEL_TOKEN"]
        assert first.engine.startswith("viettel"), first.engine
        return cold, warm, asked, len(server.requests) - asked


def _meter(args: list[str], true_peak: bool) -> float:
    err = subprocess.run(
        [
            ffmpeg_exe(),
            "-hide_banner",
            "-nostdin",
            *args,
            "-af",
            "ebur128=framelog=quiet:peak=" + ("true" if true_peak else "sample"),
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stderr.rsplit("Summary:", 1)[-1]
    return float(err.split("I:", 1)[1].split("LUFS", 1)[0])


def _peak(wav: Path) -> float:
    err = subprocess.run(
        [
            ffmpeg_exe(),
            "-hide_banner",
            "-nostdin",
            "-i",
            str(wav),
            "-af",
            "ebur128=framelog=quiet:peak=sample",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stderr.rsplit("Summary:", 1)[-1]
    return float(err.split("Peak:", 1)[1].split("dBFS", 1)[0])


def bare_run(spoken: str, settings: EncodeSettings, single_pass: bool = False) -> float:
    """espeak-ng over the whole text to a WAV, then ffmpeg to MP3 with the same loudness filters."""
    with tempfile.TemporaryDirectory(prefix="loa-bare-") as tmp:
        wav, mp3 = Path(tmp) / "speech.wav", Path(tmp) / "speech.mp3"
        started = time.perf_counter()
        clip = EspeakEngine().synthesize(spoken, "vi")
        with wave.open(str(wav), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(clip.sample_rate)
            out.writeframes(clip.pcm)
        encode = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i", str(wav)]
        tail = ["-ar", str(settings.sample_rate), "-ac", "1", "-c:a", "libmp3lame", "-b:a", settings.bitrate, str(mp3)]
        if single_pass:  # for reference: ffmpeg's one-pass loudnorm, which misses the target on espeak
            af = f"loudnorm=I={settings.target_lufs:g}:TP={settings.true_peak_db:g}:LRA=11"
            subprocess.run([*encode, "-af", af, *tail], check=True)
            return time.perf_counter() - started
        loudness = _meter(["-i", str(wav)], False)
        peak = _peak(wav)
        gain = settings.target_lufs - loudness
        subprocess.run([*encode, "-af", loudness_filter(settings, gain), *tail], check=True)
        off = settings.target_lufs - _meter(["-i", str(mp3)], True)
        if abs(off) > LOUDNESS_TOLERANCE:
            limited = peak + gain > settings.true_peak_db - LIMITER_MARGIN_DB
            subprocess.run(
                [*encode, "-af", loudness_filter(settings, gain + off / (LIMITED_SLOPE if limited else 1)), *tail],
                check=True,
            )
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", type=Path, default=None, help="a plan text file (default: a sample plan)")
    parser.add_argument("--seconds", type=float, default=180.0, help="about how long the bulletin should be")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    body = plan_text(args.text, args.seconds)
    with tempfile.TemporaryDirectory(prefix="loa-bench-") as tmp:
        channel = radio_in(Path(tmp))
        spoken = " ".join(channel.speaker.speakable(part) for part in channel.parts(bulletin(body, 1)))
        settings = channel.settings
    EspeakEngine().synthesize("Khởi động.", "vi")  # load the library once, outside every timing

    colds, warms, bares, cached, seconds, loudness = [], [], [], [], 0.0, 0.0
    for _ in range(args.repeat):  # interleaved, so a busy moment of the machine hits both sides
        bares.append(bare_run(spoken, settings))
        cold, warm, seconds, loudness = loa_run(body)
        colds.append(cold)
        warms.append(warm)
        cached.append(sentence_cache_run(body))
    loudnorm = bare_run(spoken, settings, single_pass=True)
    cloud_cold, cloud_warm, cloud_asked, cloud_again = cloud_run(body)
    cold, warm, bare = statistics.median(colds), statistics.median(warms), statistics.median(bares)
    print(
        f"bulletin: {len(body)} characters of plan text, {seconds:.1f} s of audio "
        f"(chime, greeting, title, body, closing), loudness {loudness:.2f} LUFS (target {settings.target_lufs:g})"
    )
    print(f"Loa cold render:              {cold:7.3f} s  (runs: {', '.join(f'{c:.3f}' for c in colds)})")
    print(f"bare espeak-ng + ffmpeg:      {bare:7.3f} s  (runs: {', '.join(f'{b:.3f}' for b in bares)})")
    print(f"  bare with one-pass loudnorm {loudnorm:7.3f} s  (reference only)")
    print(f"Loa warm, another airing:     {warm * 1000:7.1f} ms (the rendered file reused by its fingerprint)")
    print(f"Loa sentence cache only:      {statistics.median(cached):7.3f} s  (every sentence cached, re-encoded)")
    print(f"audio seconds per wall second (cold): {seconds / cold:.1f}")
    print(f"cloud (viettel, local fake) cold: {cloud_cold:7.3f} s, {cloud_asked} requests")
    print(f"cloud warm, sentence cache:       {cloud_warm:7.3f} s, {cloud_again} requests")
    print(
        json.dumps(
            {
                "audio_seconds_per_wall_second": round(seconds / cold, 2),
                "cold_vs_bare_ratio": round(cold / bare, 3),
                "warm_vs_cold_ratio": round(warm / cold, 4),
                "cloud_cold_requests": cloud_asked,
                "cloud_warm_requests": cloud_again,
                "cloud_warm_vs_cold_ratio": round(cloud_warm / cloud_cold, 4),
            }
        )
    )


if __name__ == "__main__":
    main()
