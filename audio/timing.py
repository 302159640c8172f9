"""How long a text takes to say: an estimate from the normalized text at a speech rate (pure, no engine).

Vietnamese is written one syllable per word, so the normalized text (what
`audio.text.normalize` makes of it: numbers, dates and abbreviations in
words) is counted in syllables; commas and sentence ends add their pauses.
The speech rate scales the syllables and the commas, as espeak-ng's own rate
(`speech.rate`, "words per minute") does.

Measured against real espeak-ng renders (voice `vi`) of 16 paragraphs of the
sample plan and three real plans (83 to 429 characters, 16 to 168
syllables), at rates 120, 150 and 200 (48 renders, benchmarks/speech_estimate.py):
the estimate was within 6.7 % of the rendered speech, 2.1 % on average (the
weights below are a least-squares fit of those renders, so this is in-sample). Other engines speak at their own pace:
gTTS and piper ignore the rate, so for them this is a planning figure only.
"""

from __future__ import annotations

import re

__all__ = ["spoken_seconds", "SYLLABLE_SECONDS", "COMMA_SECONDS", "SENTENCE_SECONDS", "BASE_RATE"]

BASE_RATE = 150  # the rate the weights were measured at (espeak-ng's default)
SYLLABLE_SECONDS = 0.257  # one syllable at BASE_RATE
COMMA_SECONDS = 0.237  # the pause at a comma, semicolon or colon at BASE_RATE
SENTENCE_SECONDS = 0.18  # a sentence end (the speaker's pause between sentence clips included)

_SYLLABLE = re.compile(r"\w+")
_COMMA = re.compile(r"[,;:]")
_SENTENCE = re.compile(r"[.!?…]+(?:\s|$)|\n+")


def spoken_seconds(spoken: str, rate: int = BASE_RATE) -> float:
    """Seconds of speech for `spoken` (already normalized) at `rate` words per minute, to a tenth."""
    syllables = len(_SYLLABLE.findall(spoken))
    if not syllables:
        return 0.0
    commas = len(_COMMA.findall(spoken))
    sentences = max(len(_SENTENCE.findall(spoken.strip())), 1)
    scale = BASE_RATE / max(rate, 1)
    return round((syllables * SYLLABLE_SECONDS + commas * COMMA_SECONDS) * scale + sentences * SENTENCE_SECONDS, 1)
