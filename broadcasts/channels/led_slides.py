"""The LED board's slides: a bulletin's title and text cut at sentence boundaries, sized to fit, drawn as PNG.

The first slide is the title (in `title_color`), then one slide per sentence
group of the text (in `text_color`), all on `background`. A group is as many
whole sentences as fit at a comfortable size (halfway between the smallest
and the largest); a single sentence may shrink down to the smallest size, and
one that does not fit even then is split between words (a word wider than the
board between letters). The font is Be Vietnam Pro (the `fontpkg-be-vietnam-pro`
package), which has every letter of Vietnamese with its diacritics, stacked
ones (Ấ, Ặ, Ỗ) among them; another TrueType file can be configured.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

__all__ = ["Look", "Slide", "default_font", "slides_of", "sentences", "render", "parse_color"]

_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
LINE_SPACING = 1.3  # a line's height in font sizes: room for stacked diacritics above, descenders below


def default_font() -> Path:
    """Be Vietnam Pro SemiBold from its PyPI package (bold strokes read better on LED pixels)."""
    return Path(str(files("fontpkg_be_vietnam_pro") / "files" / "BeVietnamPro-SemiBold.ttf"))


def parse_color(value: str) -> tuple[int, int, int] | None:
    """`#rrggbb` as an RGB triple, or None when it is not one."""
    if not _COLOR.match(value):
        return None
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


@dataclass(frozen=True, kw_only=True)
class Look:
    """How slides look: the board's size, the font and its size range (px), the colours."""

    width: int
    height: int
    font: Path
    min_size: int = 0  # 0: from the board's height
    max_size: int = 0
    title_color: str = "#ffb000"
    text_color: str = "#ffffff"
    background: str = "#000000"

    @property
    def margin(self) -> int:
        return max(1, min(self.width, self.height) // 32)

    @property
    def sizes(self) -> tuple[int, int]:
        """The smallest and the largest font size in pixels."""
        low = self.min_size or max(8, self.height // 16)
        high = self.max_size or max(low, self.height // 5)
        return low, max(low, high)


@dataclass(frozen=True, kw_only=True)
class Slide:
    """One slide: its text, the lines it was wrapped into, the font size, and whether it is the title."""

    text: str
    lines: tuple[str, ...]
    size: int
    title: bool = False


def sentences(text: str) -> list[str]:
    """The sentences of `text` (split after . ! ? … ; followed by a space or a line break), blanks dropped."""
    parts: list[str] = []
    for paragraph in re.split(r"\n\s*\n|\n", text):
        parts.extend(p.strip() for p in _SENTENCE_END.split(paragraph.strip()) if p.strip())
    return parts


@lru_cache(maxsize=256)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str] | None:
    """`text` in lines no wider than `width`; None if a single word is wider."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if font.getlength(candidate) <= width:
            line = candidate
            continue
        if font.getlength(word) > width:
            return None
        lines.append(line)
        line = word
    if line:
        lines.append(line)
    return lines


def _fit(text: str, look: Look, low: int, high: int) -> tuple[int, list[str]] | None:
    """The largest size in [low, high] at which `text` fits the board, with its lines; None if none does."""
    box_w, box_h = look.width - 2 * look.margin, look.height - 2 * look.margin
    for size in range(high, low - 1, -1):
        lines = _wrap(text, _font(str(look.font), size), box_w)
        if lines is not None and len(lines) * size * LINE_SPACING <= box_h:
            return size, lines
    return None


def _split_long(text: str, look: Look) -> list[str]:
    """A sentence too long for one slide at the smallest size, cut between words (or letters) into pieces."""
    low, _ = look.sizes
    pieces: list[str] = []
    current = ""
    for word in text.split():
        while _fit(word, look, low, low) is None and len(word) > 1:  # a word wider than the board: cut it
            cut = len(word) - 1
            while cut > 1 and _fit(word[:cut], look, low, low) is None:
                cut -= 1
            if current:
                pieces.append(current)
                current = ""
            pieces.append(word[:cut])
            word = word[cut:]
        candidate = f"{current} {word}" if current else word
        if _fit(candidate, look, low, low) is not None:
            current = candidate
        else:
            if current:
                pieces.append(current)
            current = word
    if current:
        pieces.append(current)
    return pieces


def _one(text: str, look: Look, *, title: bool = False) -> list[Slide]:
    low, high = look.sizes
    fitted = _fit(text, look, low, high)
    if fitted is not None:
        return [Slide(text=text, lines=tuple(fitted[1]), size=fitted[0], title=title)]
    slides = []
    for piece in _split_long(text, look):
        size, lines = _fit(piece, look, low, low) or (low, [piece])
        slides.append(Slide(text=piece, lines=tuple(lines), size=size, title=title))
    return slides


def slides_of(title: str, body: str, look: Look) -> list[Slide]:
    """The title slide, then one slide per sentence group of `body`."""
    low, high = look.sizes
    comfortable = (low + high + 1) // 2
    slides = _one(" ".join(title.split()), look, title=True) if title.strip() else []
    group: list[str] = []
    for sentence in sentences(body):
        if group and _fit(" ".join([*group, sentence]), look, comfortable, high) is not None:
            group.append(sentence)
            continue
        if group:
            slides.extend(_one(" ".join(group), look))
        group = [sentence]
    if group:
        slides.extend(_one(" ".join(group), look))
    return slides


def render(slide: Slide, look: Look) -> bytes:
    """The slide as a PNG of exactly `look.width` x `look.height`, its lines centred."""
    background = parse_color(look.background) or (0, 0, 0)
    color = parse_color(look.title_color if slide.title else look.text_color) or (255, 255, 255)
    image = Image.new("RGB", (look.width, look.height), background)
    draw = ImageDraw.Draw(image)
    font = _font(str(look.font), slide.size)
    line_height = slide.size * LINE_SPACING
    top = (look.height - line_height * len(slide.lines)) / 2
    for i, line in enumerate(slide.lines):
        # anchor "mm": the middle of the line box, so stacked marks above and descenders below both stay inside
        draw.text((look.width / 2, top + line_height * (i + 0.5)), line, font=font, fill=color, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
