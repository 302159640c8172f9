"""A stand-in audio player for the device sink tests: it does what $LOA_FAKE_PLAYER says.

Modes: "instant" (exit 0 at once, like a player that could not play), "alsa-error"
(print an ALSA open error and exit 0, like ffplay), "fail" (exit 1), "play:SECONDS"
(take that long, like a real play), "hang" (never finish). With $LOA_FAKE_PLAYER_RECORD
set, it first writes its arguments and AUDIODEV there as JSON.
"""

from __future__ import annotations

import json
import os
import sys
import time


def main() -> int:
    mode = os.environ.get("LOA_FAKE_PLAYER", "instant")
    record = os.environ.get("LOA_FAKE_PLAYER_RECORD")
    if record:
        with open(record, "w", encoding="utf-8") as handle:
            json.dump({"argv": sys.argv[1:], "audiodev": os.environ.get("AUDIODEV")}, handle)
    if mode == "alsa-error":
        print("ALSA lib confmisc.c:855:(parse_card) cannot find card '7'", file=sys.stderr)
        print("[alsa @ 0x55d5c0f0] cannot open audio device hw:7,0 (No such file or directory)", file=sys.stderr)
        return 0
    if mode == "fail":
        print("Input #0, mp3, from 'x.mp3':", file=sys.stderr)
        print("Conversion failed!", file=sys.stderr)
        return 1
    if mode.startswith("play:"):
        time.sleep(float(mode.split(":", 1)[1]))
        return 0
    if mode == "hang":
        time.sleep(60)
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
