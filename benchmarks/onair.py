"""On air: from a bulletin's due time to the first audible audio at a listener, Loa against Liquidsoap.

One local Icecast 2 (Debian icecast2, a free 127.0.0.1 port, a throw-away
config) with two mounts and one listener on each, connected before the first
bulletin and kept connected (benchmarks/onair_listen.py: a raw HTTP GET piped
to ffmpeg, RMS windows of 10 ms, each timed on arrival):

- /loa.mp3: `--count` bulletins queued in Loa's database `--spacing` seconds
  apart, aired by the real Runner's timers through Loa's Icecast sink
  (benchmarks/onair_loa.py; kept-up when the sink has it, else per-airing:
  then the mount exists only during an airing, and the listener, asking
  every 20 ms as a loudspeaker retries, joins each airing as it starts);
- /liquidsoap.mp3: the same clips, each pushed at its due time into a
  Liquidsoap request queue over telnet, over a silence fallback, the way
  LibreTime and AzuraCast drive Liquidsoap (benchmarks/onair_stack.py).

The Liquidsoap items are due half a spacing after Loa's, so the two never
play at once but share the run's machine. The clips are 2-3 s tones, audible
from their first frame (made once with ffmpeg, no Xing frame, no tag). The
figure per bulletin is: first window at -40 dBFS or more at the listener,
minus the due time. It includes the listener's own latency, measured first
against a local server that paces a file at real time (printed as
`listener_latency_*`), the same for both sides. A bulletin never heard within
its spacing is counted as missed and left out of the percentiles.

Arrival, not playback: the figure is when audible audio reaches the listener.
A player adds its own buffer (Icecast's burst on connect, its jitter buffer)
to everything it plays, the same on both mounts. A source that sends ahead of
real time (Loa's kept-up sender keeps `SILENCE_LEAD` of silence in flight
between airings, printed as `loa_silence_lead_s`) does not delay a bulletin
for a player that keeps pace with the stream: the bulletin follows the silence
already in flight, which that player also heard early. What would delay it is
more stream arriving at once than real time (silence queued in front of the
bulletin); the detail line checks this with `*_steady_player`: when a player
that keeps pace with the stream and never ran dry on the silence of the second
before the due time reaches the first audible audio (`steady_delays_ms`). The per-airing sink has no stream
before the due time, so no such figure for it.

    python benchmarks/onair.py [--count 50] [--spacing 5] [--sink auto|keep-up|per-airing] [--json-only]

Progress goes to stderr; the last stdout line is the result JSON.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from audio.mix import ffmpeg_exe
from benchmarks.onair_listen import Listener, Window, calibrate, first_audible
from benchmarks.onair_loa import LoaSide, keep_up_supported, late_ms
from benchmarks.onair_stack import allow_root, clip_durations, liquidsoap_script, make_clip, push, running_liquidsoap
from benchmarks.playout import percentile
from tests.fakes.icecast import free_port, icecast_binary, running_icecast

LOA_MOUNT = "/loa.mp3"
LIQUIDSOAP_MOUNT = "/liquidsoap.mp3"
EARLY_SECONDS = 0.25  # an onset this much before the due time still counts (as a negative figure)


def progress(message: str) -> None:
    print(f"[onair {datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def summary(values: list[float]) -> dict[str, float | None]:
    """p50/p99/max of `values` in ms, rounded; None for each when there are none."""
    if not values:
        return {"p50": None, "p99": None, "max": None}
    return {
        "p50": round(percentile(values, 0.50), 1),
        "p99": round(percentile(values, 0.99), 1),
        "max": round(max(values), 1),
    }


def result(loa_ms: list[float], liquidsoap_ms: list[float]) -> dict[str, float | None]:
    """The benchmark's result: Loa's p50/p99/max, Liquidsoap's p50/p99 and Loa's p99 over Liquidsoap's."""
    loa, liq = summary(loa_ms), summary(liquidsoap_ms)
    ratio = None
    if loa["p99"] is not None and liq["p99"]:
        ratio = round(percentile(loa_ms, 0.99) / percentile(liquidsoap_ms, 0.99), 3)
    return {
        "loa_p50_ms": loa["p50"],
        "loa_p99_ms": loa["p99"],
        "loa_max_ms": loa["max"],
        "liquidsoap_p50_ms": liq["p50"],
        "liquidsoap_p99_ms": liq["p99"],
        "p99_ratio": ratio,
    }


def result_line(loa_ms: list[float], liquidsoap_ms: list[float]) -> str:
    return json.dumps(result(loa_ms, liquidsoap_ms))


def delays_ms(windows: list[Window], dues: list[float], spacing: float) -> list[float | None]:
    """For each due time (epoch seconds): first audible arrival minus due, in ms; None if not heard in time."""
    found: list[float | None] = []
    for due in dues:
        onset = first_audible(windows, due - EARLY_SECONDS, due + spacing - EARLY_SECONDS)
        found.append(None if onset is None else (onset.at - due) * 1000)
    return found


def steady_delays_ms(windows: list[Window], dues: list[float], spacing: float) -> list[float | None]:
    """For each due time: when a player playing the stream steadily reaches the first audible audio, in ms.

    Just before the due time only silence flows. A player that keeps pace with
    the stream and never ran dry on that silence plays stream position p at
    c + p, with c the latest any window of the second before arrived relative
    to its position (max of arrival - position): the clock such a player
    follows. It reaches the onset at c + its position, or when the onset
    arrives if that is later; minus the due time. Silence that arrives in a
    burst in front of the bulletin counts here, unlike in the arrival figure.
    """
    found: list[float | None] = []
    for due in dues:
        onset = first_audible(windows, due - EARLY_SECONDS, due + spacing - EARLY_SECONDS)
        before = [w.at - w.position for w in windows if due - 1.0 - EARLY_SECONDS <= w.at < due - EARLY_SECONDS]
        if onset is None or not before:
            found.append(None)
            continue
        found.append((max(max(before) + onset.position, onset.at) - due) * 1000)
    return found


def joined_ms(joins: list[float], dues: list[float], spacing: float) -> list[float]:
    """For each due time, the listener's first (re)connection after it, in ms (the per-airing sink's mount)."""
    found = []
    for due in dues:
        later = [at for at in joins if due - EARLY_SECONDS <= at < due + spacing - EARLY_SECONDS]
        if later:
            found.append((later[0] - due) * 1000)
    return found


def silence_lead() -> float | None:
    """How far ahead of real time Loa's kept-up sender keeps its silence (None if this checkout has no such sender)."""
    try:
        from audio.sinks.live import SILENCE_LEAD
    except ImportError:
        return None
    return float(SILENCE_LEAD)


def heard(values: list[float | None]) -> list[float]:
    return [v for v in values if v is not None]


def push_at(telnet_port: int, items: list[tuple[Path, float]], stop: threading.Event, pushed: list[float]) -> None:
    """Liquidsoap's scheduler: wait for each item's start, then push it (LibreTime's PypoLiqQueue does this)."""
    for path, due in items:
        if stop.wait(max(due - time.time(), 0.0)):
            return
        try:
            push(telnet_port, str(path))
        except OSError as exc:
            progress(f"liquidsoap push failed: {exc}")
        pushed.append(time.time() - due)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=50, help="bulletins per side")
    parser.add_argument("--spacing", type=float, default=5.0, help="seconds between two bulletins of a side")
    parser.add_argument("--lead", type=float, default=8.0, help="seconds from queueing to the first due time")
    parser.add_argument("--sink", choices=("auto", "keep-up", "per-airing"), default="auto", help="Loa's sink mode")
    parser.add_argument("--json-only", action="store_true", help="print only the result line")
    args = parser.parse_args(argv)
    if args.spacing < 3.5:
        parser.error("--spacing must leave room for a 3 s clip (3.5 s or more)")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    binary = icecast_binary()
    liquidsoap = shutil.which("liquidsoap")
    if binary is None or liquidsoap is None:
        sys.exit("onair needs icecast2 and liquidsoap (apt-get install icecast2 liquidsoap)")
    keep_up = args.sink == "keep-up" or (args.sink == "auto" and keep_up_supported())
    if keep_up and not keep_up_supported():
        sys.exit("this checkout's IcecastSink has no keep_up mode yet; use --sink per-airing")
    ffmpeg = ffmpeg_exe()
    folder = Path(tempfile.mkdtemp(prefix="loa-onair-"))
    try:
        run(args, folder, ffmpeg, binary, liquidsoap, keep_up)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(args: argparse.Namespace, folder: Path, ffmpeg: str, icecast: str, liquidsoap: str, keep_up: bool) -> None:
    clips = []
    for index, seconds in enumerate(clip_durations(args.count)):
        frequency = 330 + 20 * (index % 25)
        clips.append(make_clip(ffmpeg, folder / f"clip{index + 1:03}.mp3", seconds=seconds, frequency=frequency))
    progress(f"{len(clips)} clips of 2-3 s made")
    tone = make_clip(ffmpeg, folder / "calibration-tone.mp3", seconds=1.0, frequency=440)
    silence = make_clip(ffmpeg, folder / "calibration-silence.mp3", seconds=1.0, frequency=0)
    calibration = calibrate(ffmpeg, tone, silence)
    progress(
        f"listener latency against a local real-time file: median {calibration.median_ms:.1f} ms,"
        f" max {calibration.max_ms:.1f} ms over {len(calibration.latencies_ms)} onsets"
    )

    with running_icecast(icecast) as server:
        telnet_port = free_port()
        script = liquidsoap_script(
            telnet_port=telnet_port,
            icecast_port=server.port,
            password=server.password,
            mount=LIQUIDSOAP_MOUNT,
            allow_root=allow_root(),
        )
        with running_liquidsoap(script, telnet_port, binary=liquidsoap):
            progress(f"icecast on 127.0.0.1:{server.port}, liquidsoap telnet on {telnet_port}")
            loa = LoaSide(folder / "loa", url=server.url(LOA_MOUNT), password=server.password, keep_up=keep_up)
            listeners = {
                "loa": Listener(server.port, LOA_MOUNT, ffmpeg=ffmpeg),
                "liquidsoap": Listener(server.port, LIQUIDSOAP_MOUNT, ffmpeg=ffmpeg),
            }
            stop = threading.Event()
            pushed: list[float] = []
            try:
                loa.open_mount()
                for listener in listeners.values():
                    listener.start()
                if not listeners["liquidsoap"].connected.wait(15):
                    raise RuntimeError("the listener never reached Liquidsoap's mount")
                if keep_up and not listeners["loa"].connected.wait(15):
                    raise RuntimeError("the listener never reached Loa's kept-up mount")
                base = time.time() + args.lead
                loa_dues = [base + i * args.spacing for i in range(args.count)]
                liq_dues = [due + args.spacing / 2 for due in loa_dues]
                loa.queue([(clip, datetime.fromtimestamp(due, UTC)) for clip, due in zip(clips, loa_dues, strict=True)])
                loa.start()
                pusher = threading.Thread(
                    target=push_at,
                    args=(telnet_port, list(zip(clips, liq_dues, strict=True)), stop, pushed),
                    daemon=True,
                )
                pusher.start()
                mode = "kept-up" if keep_up else "per-airing"
                progress(f"{args.count} bulletins per side, {args.spacing:g} s apart, Loa's sink {mode}")
                end = liq_dues[-1] + args.spacing
                while (left := end - time.time()) > 0:
                    done = sum(1 for due in loa_dues if due < time.time())
                    progress(f"{done}/{args.count} due, {left:.0f} s left")
                    time.sleep(min(left, 30.0))
                pusher.join(5)
            finally:
                stop.set()
                for listener in listeners.values():
                    listener.stop()
                records = loa.records()
                loa.stop()

    loa_found = delays_ms(listeners["loa"].windows, loa_dues, args.spacing)
    liq_found = delays_ms(listeners["liquidsoap"].windows, liq_dues, args.spacing)
    loa_ms, liq_ms = heard(loa_found), heard(liq_found)
    loa_steady = steady_delays_ms(listeners["loa"].windows, loa_dues, args.spacing) if keep_up else []
    liq_steady = steady_delays_ms(listeners["liquidsoap"].windows, liq_dues, args.spacing)
    detail = {
        "count": args.count,
        "spacing_s": args.spacing,
        "loa_sink": "kept-up" if keep_up else "per-airing",
        "loa_heard": len(loa_ms),
        "liquidsoap_heard": len(liq_ms),
        "loa_runner_late": summary(late_ms(records)),
        "liquidsoap_push_late": summary([p * 1000 for p in pushed]),
        "loa_steady_player": summary(heard(loa_steady)),
        "liquidsoap_steady_player": summary(heard(liq_steady)),
        "loa_silence_lead_s": silence_lead() if keep_up else None,
        "loa_listener_connections": len(listeners["loa"].joins),
        "loa_listener_joined_ms": summary(joined_ms(listeners["loa"].joins, loa_dues, args.spacing)),
        "listener_latency_median_ms": round(calibration.median_ms, 1),
        "listener_latency_max_ms": round(calibration.max_ms, 1),
        "loa_ms": [None if v is None else round(v, 1) for v in loa_found],
        "liquidsoap_ms": [None if v is None else round(v, 1) for v in liq_found],
    }
    if not args.json_only:
        print(json.dumps(detail))
    print(result_line(loa_ms, liq_ms), flush=True)


if __name__ == "__main__":
    main()
