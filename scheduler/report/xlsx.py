"""The report's workbook: sheets laid out for printing, with bar and line charts (openpyxl)."""

from __future__ import annotations

from typing import Any, cast

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from broadcasts.figures import Report
from scheduler.report.cells import looks_like_formula
from scheduler.report.files import Section
from scheduler.report.labels import label, period_text

__all__ = ["build_workbook", "SHEETS"]

SHEETS = ("summary", "items", "days", "problems", "lateness", "zones")
_BOLD = Font(bold=True)
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_FLAG_FILL = PatternFill("solid", fgColor="F8CBAD")
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WIDTHS = {
    "summary": [34, 11, 11, 11, 11, 11, 11, 11, 13, 12, 11, 12, 14],
    "items": [8, 60, 13, 13, 13, 10, 17, 24],
    "days": [14, 12, 10, 10],
    "problems": [6, 9, 17, 13, 14, 40, 18, 60, 22],
    "lateness": [16, 14, 14, 16, 16, 18, 16],
    "zones": [18, 12, 10, 10, 12, 16, 12, 12, 14],
}


def _put(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write one cell; text that looks like a formula stays text (a string cell with the quote prefix)."""
    cell = cast(Cell, ws.cell(row=row, column=column, value=value))
    if looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _print_setup(ws: Worksheet, landscape: bool = True) -> None:
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    setup = ws.sheet_properties.pageSetUpPr
    assert setup is not None  # openpyxl gives every new sheet its page setup properties
    setup.fitToPage = True


def _widths(ws: Worksheet, key: str, columns: int) -> None:
    widths = _WIDTHS.get(key, [])
    for n in range(columns):
        ws.column_dimensions[get_column_letter(n + 1)].width = widths[n] if n < len(widths) else 14


def _heading_block(ws: Worksheet, lines: list[str], width: int) -> int:
    """The official heading: station and nation side by side, then the title; returns the next free row."""
    station, nation, motto, issued, title, period, plan, source = lines
    half = max(2, width // 2)
    _put(ws, 1, 1, station).font = _BOLD
    _put(ws, 1, half + 1, nation).font = _BOLD
    _put(ws, 2, half + 1, motto).font = Font(bold=True, underline="single")
    _put(ws, 3, half + 1, issued).font = Font(italic=True)
    for row, text, font in (
        (5, title, Font(bold=True, size=14)),
        (6, period, Font(bold=True)),
        (7, plan, Font(italic=True)),
        (8, source, Font(italic=True, size=9)),
    ):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        cell = _put(ws, row, 1, text)
        cell.font, cell.alignment = font, _CENTER
    ws.row_dimensions[7].height = 30
    return 10


def _table(ws: Worksheet, section: Section, row: int) -> tuple[int, int, int]:
    """Write one section from `row`; returns (header row, last data row before the total, next free row)."""
    _put(ws, row, 1, section.heading).font = Font(bold=True, size=12)
    row += 1
    header_row = row
    if section.headers:
        for col, text in enumerate(section.headers, start=1):
            cell = _put(ws, row, col, text)
            cell.font, cell.fill, cell.alignment, cell.border = _BOLD, _HEAD_FILL, _CENTER, _BOX
        row += 1
    first = row
    for n, values in enumerate(section.rows):
        _row(ws, row, values, section, fill=_FLAG_FILL if n in section.flagged else None)
        row += 1
    last = row - 1 if row > first else first
    if section.total:
        _row(ws, row, section.total, section, bold=True)
        row += 1
    for note in section.notes:
        _put(ws, row, 1, note).font = Font(italic=True, size=9)
        row += 1
    return header_row, last, row + 1


def _row(
    ws: Worksheet, row: int, values: list[Any], section: Section, *, fill: PatternFill | None = None, bold: bool = False
) -> None:
    for col, value in enumerate(values, start=1):
        cell = _put(ws, row, col, value)
        cell.border, cell.alignment = _BOX, _WRAP
        if col - 1 in section.formats:
            cell.number_format = section.formats[col - 1]
        if fill is not None:
            cell.fill = fill
        if bold:
            cell.font = _BOLD


def _signature(ws: Worksheet, row: int, lang: str, width: int) -> None:
    cell = _put(ws, row, 1, label(lang, "recipients"))
    cell.alignment, cell.font = _WRAP, Font(italic=True, size=10)
    ws.row_dimensions[row].height = 48
    half = max(2, width // 2) + 1
    _put(ws, row, half, label(lang, "signer")).font = _BOLD
    _put(ws, row + 1, half, label(lang, "sign_hint")).font = Font(italic=True)


def build_workbook(report: Report, parts: list[Section], header: list[str], lang: str = "vi") -> Workbook:
    """A workbook of the report's sections; charts: successes per channel, minutes per day, airings per item."""
    workbook = Workbook()
    sheets: dict[str, Worksheet] = {}
    for n, key in enumerate(SHEETS):
        ws = cast(Worksheet, workbook.active) if n == 0 else workbook.create_sheet()
        ws.title = label(lang, "sheet_" + key)
        _print_setup(ws, landscape=key != "days")
        sheets[key] = ws
    summary = sheets["summary"]
    width = 11
    rows = {key: _heading_block(sheets[key], header, width) if key == "summary" else 1 for key in SHEETS}
    for key in SHEETS[1:]:
        ws = sheets[key]
        _put(ws, 1, 1, f"{report.station_name} — {period_text(report.period, lang)}").font = _BOLD
        rows[key] = 3
    placed: dict[str, tuple[int, int]] = {}
    for section in parts:
        ws = sheets[section.sheet]
        header_row, last, rows[section.sheet] = _table(ws, section, rows[section.sheet])
        placed[section.heading] = (header_row, last)
        _widths(ws, section.sheet, len(section.headers) or 2)
    totals = next(s for s in parts if s.sheet == "summary" and s.headers)
    header_row, last = placed[totals.heading]
    chart_row = rows["summary"]
    if last > header_row:
        done_col = totals.headers.index(label(lang, "done")) + 1
        bar = BarChart()
        bar.type, bar.title, bar.y_axis.title = "col", label(lang, "chart_channels"), label(lang, "done")
        bar.add_data(Reference(summary, min_col=done_col, min_row=header_row, max_row=last), titles_from_data=True)
        bar.set_categories(Reference(summary, min_col=1, min_row=header_row + 1, max_row=last))
        bar.legend = None
        bar.height, bar.width = 7.5, 12
        summary.add_chart(bar, f"A{chart_row}")
    days = next(s for s in parts if s.sheet == "days")
    d_header, d_last = placed[days.heading]
    line = LineChart()
    line.title, line.y_axis.title = label(lang, "chart_minutes"), label(lang, "minutes")
    line.add_data(Reference(sheets["days"], min_col=4, min_row=d_header, max_row=d_last), titles_from_data=True)
    line.set_categories(Reference(sheets["days"], min_col=1, min_row=d_header + 1, max_row=d_last))
    line.x_axis.number_format = "dd/mm"
    line.legend = None
    line.height, line.width = 7.5, 16
    summary.add_chart(line, f"E{chart_row}")
    _signature(summary, chart_row + 17, lang, width)
    items = next(s for s in parts if s.sheet == "items")
    i_header, i_last = placed[items.heading]
    planned = i_last - 2  # the two rows after the plan's items are the announcements and other bulletins
    if report.items and planned > i_header:
        chart = BarChart()
        chart.type, chart.grouping, chart.title = "col", "clustered", label(lang, "chart_items")
        chart.add_data(
            Reference(sheets["items"], min_col=3, max_col=2 + len(report.channels), min_row=i_header, max_row=planned),
            titles_from_data=True,
        )
        chart.set_categories(Reference(sheets["items"], min_col=1, min_row=i_header + 1, max_row=planned))
        chart.height, chart.width = 9, max(16, min(40, len(report.items)))
        sheets["items"].add_chart(chart, f"A{rows['items'] + 1}")
    for key in ("items", "problems"):
        sheets[key].freeze_panes = "A5"
    return workbook
