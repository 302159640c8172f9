"""The report's charts as inline SVG for the web console: drawn on the server from the report's numbers.

The same three charts as the workbook (successful airings by channel, radio
minutes per day, airings by plan item and channel), as plain SVG text with
presentation attributes only (no script, no inline style, so the console's
Content-Security-Policy holds). Every text is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from broadcasts.figures import Report
from scheduler.messages.labels import CHANNEL_LABELS
from scheduler.report.labels import label

__all__ = ["Series", "column_chart", "report_charts", "nice_ticks"]

WIDTH, HEIGHT = 640, 280
_LEFT, _RIGHT, _TOP, _BOTTOM = 48, 12, 16, 44
COLORS = {
    "radio": "#8b1a1a",
    "facebook": "#1f5f8b",
    "zalo": "#2e7d32",
    "led": "#b36b00",
    "portal": "#6a1b9a",
    "email": "#00695c",
}
_OTHER_COLORS = ("#6a4c93", "#c77d00", "#00796b", "#5d4037")


@dataclass(frozen=True, kw_only=True)
class Series:
    """One series of a column chart: its name, colour and a value per category."""

    name: str
    color: str
    values: tuple[float, ...]


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """Round axis ticks from 0 covering `top` (steps of 1, 2 or 5 times a power of ten)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return [step * n for n in range(math.ceil(top / step - 1e-9) + 1)]


def _number(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def column_chart(
    title: str, categories: Sequence[str], series: Sequence[Series], *, label_every: int = 1, css_class: str = "chart"
) -> str:
    """A column chart (grouped when there are several series) as one <svg> element."""
    plot_w, plot_h = WIDTH - _LEFT - _RIGHT, HEIGHT - _TOP - _BOTTOM
    ticks = nice_ticks(max([v for s in series for v in s.values] + [0.0]))
    top = ticks[-1]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{escape(css_class)}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in ticks:
        y = _TOP + plot_h - plot_h * tick / top
        out.append(f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{WIDTH - _RIGHT}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{_number(tick)}</text>')
    slot = plot_w / max(len(categories), 1)
    bar = slot * 0.8 / max(len(series), 1)
    for i, category in enumerate(categories):
        x0 = _LEFT + slot * i + slot * 0.1
        for k, s in enumerate(series):
            value = s.values[i]
            h = plot_h * value / top
            out.append(
                f'<rect class="bar" x="{x0 + bar * k:.1f}" y="{_TOP + plot_h - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{s.color}" data-value="{_number(value)}">'
                f"<title>{escape(category)} · {escape(s.name)}: {_number(value)}</title></rect>"
            )
        if i % label_every == 0:
            out.append(
                f'<text x="{_LEFT + slot * (i + 0.5):.1f}" y="{_TOP + plot_h + 15}" text-anchor="middle" '
                f'fill="#333">{escape(category)}</text>'
            )
    out.append(f'<line x1="{_LEFT}" y1="{_TOP + plot_h}" x2="{WIDTH - _RIGHT}" y2="{_TOP + plot_h}" stroke="#666"/>')
    if len(series) > 1:
        x = _LEFT
        for s in series:
            out.append(f'<rect x="{x}" y="{HEIGHT - 14}" width="10" height="10" fill="{s.color}"/>')
            out.append(f'<text x="{x + 14}" y="{HEIGHT - 5}" fill="#333">{escape(s.name)}</text>')
            x += 24 + 7 * len(s.name)
    out.append("</svg>")
    return "".join(out)


def _channel(lang: str, name: str) -> str:
    return CHANNEL_LABELS.get(lang, CHANNEL_LABELS["vi"]).get(name, name)


def _color(name: str, n: int) -> str:
    return COLORS.get(name) or _OTHER_COLORS[n % len(_OTHER_COLORS)]


def report_charts(report: Report, lang: str = "vi") -> list[tuple[str, str]]:
    """(title, svg) of each chart the report has data for: by channel, minutes per day, by plan item."""
    charts = []
    if report.totals:
        title = label(lang, "chart_channels")
        charts.append(
            (
                title,
                column_chart(
                    title,
                    [_channel(lang, t.channel) for t in report.totals],
                    [
                        Series(
                            name=label(lang, "done"),
                            color="#1f5f8b",
                            values=tuple(float(t.done) for t in report.totals),
                        )
                    ],
                    css_class="chart chart-channels",
                ),
            )
        )
    if report.days:
        title = label(lang, "chart_minutes")
        every = 1 if len(report.days) <= 16 else 5 if len(report.days) <= 62 else 30
        charts.append(
            (
                title,
                column_chart(
                    title,
                    [d.day.strftime("%d/%m") for d in report.days],
                    [
                        Series(
                            name=label(lang, "minutes"),
                            color=COLORS["radio"],
                            values=tuple(float(d.minutes) for d in report.days),
                        )
                    ],
                    label_every=every,
                    css_class="chart chart-minutes",
                ),
            )
        )
    if report.items:
        title = label(lang, "chart_items")
        charts.append(
            (
                title,
                column_chart(
                    title,
                    [i.ref for i in report.items],
                    [
                        Series(
                            name=_channel(lang, c),
                            color=_color(c, n),
                            values=tuple(float(i.counts.get(c, 0)) for i in report.items),
                        )
                        for n, c in enumerate(report.channels)
                    ],
                    label_every=1 if len(report.items) <= 24 else 5,
                    css_class="chart chart-items",
                ),
            )
        )
    return charts
