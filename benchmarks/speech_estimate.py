"""The spoken-length estimate (`audio.timing.spoken_seconds`) against real espeak-ng renders.

Renders paragraphs of the sample plan and of the real plans in tests/data
with espeak-ng (voice `vi`, sentence by sentence with the speaker's 250 ms
pauses, as the radio does) at rates 120, 150 and 200, and prints, per
paragraph, the estimate, the rendered seconds and the error; the last line is
JSON with the mean and largest error.

    python benchmarks/speech_estimate.py
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from audio.engines.espeak import EspeakEngine
from audio.speech import SENTENCE_PAUSE_MS
from audio.text import is_speakable, normalize, split_sentences
from audio.timing import spoken_seconds
from tests.plan_fixtures import HAI_PHONG, HOANG_MAI, MINH_DUC, real_plan

ROOT = Path(__file__).resolve().parent.parent


def paragraphs() -> list[str]:
    texts: list[str] = []
    for name in (HOANG_MAI, MINH_DUC, HAI_PHONG):
        texts += [p for p in re.split(r"\n\s*\n", real_plan(name)) if len(p) > 150][:4]
    sample = (ROOT / "scheduler" / "data" / "sample_plan.txt").read_text(encoding="utf-8")
    return texts + [p for p in re.split(r"\n\s*\n", sample) if len(p) > 80][:4]


def rendered_seconds(engine: EspeakEngine, spoken: str) -> float:
    sentences = [s for s in split_sentences(spoken) if is_speakable(s)]
    seconds = 0.0
    for sentence in sentences:
        clip = engine.synthesize(sentence, "vi")
        seconds += len(clip.pcm) / 2 / clip.sample_rate
    return seconds + SENTENCE_PAUSE_MS / 1000 * max(len(sentences) - 1, 0)


def main() -> None:
    errors: list[float] = []
    for rate in (120, 150, 200):
        engine = EspeakEngine(rate=rate)
        for text in paragraphs():
            spoken = normalize(text)
            real = rendered_seconds(engine, spoken)
            guess = spoken_seconds(spoken, rate)
            errors.append((guess - real) / real)
            print(
                f"rate {rate:>3}  {len(text):>4} chars  estimate {guess:6.1f} s  espeak {real:6.1f} s  "
                f"{errors[-1]:+.1%}"
            )
    print(
        json.dumps(
            {
                "renders": len(errors),
                "mean_abs_error": round(sum(map(abs, errors)) / len(errors), 4),
                "max_abs_error": round(max(map(abs, errors)), 4),
            }
        )
    )


if __name__ == "__main__":
    main()
