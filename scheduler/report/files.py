"""Writing the periodic report: an .xlsx workbook with charts (openpyxl) or a .csv file.

Both are drawn from the same sections (a heading, column headers, rows), so
the spreadsheet and the CSV always say the same thing.
"""

from __future__ import annotations

import csv
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from broadcasts.figures import DRY_RUN, NO_RECORD, Report
from broadcasts.models import Outcome
from scheduler.errors import UsageError
from scheduler.messages.labels import CHANNEL_LABELS, OUTCOME_LABELS, WEEKDAY_LABELS
from scheduler.report.cells import csv_text
from scheduler.report.labels import issue_line, label, local, period_text

__all__ = [
    "Section",
    "sections",
    "write_report",
    "write_xlsx",
    "write_csv",
    "report_bytes",
    "rate_text",
    "RATE_FORMAT",
    "SUFFIXES",
    "MEDIA_TYPES",
]

SUFFIXES = (".xlsx", ".csv")
MEDIA_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv; charset=utf-8",
}
# Dry runs have their own column after the rates: a rehearsal is neither done nor a problem.
OUTCOME_COLUMNS = tuple(outcome.value for outcome in Outcome if outcome.value != DRY_RUN)
RATE_FORMAT = "0.0%"


@dataclass(kw_only=True)
class Section:
    """One table of the report: where it goes, its heading, columns, rows and the rows to highlight."""

    sheet: str
    heading: str
    headers: list[str]
    rows: list[list[Any]]
    total: list[Any] | None = None
    flagged: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    formats: dict[int, str] = field(default_factory=dict)


def _channel(lang: str, name: str) -> str:
    return CHANNEL_LABELS.get(lang, CHANNEL_LABELS["vi"]).get(name, name)


def _outcome(lang: str, value: str) -> str:
    if value == NO_RECORD:
        return label(lang, "no_record")
    return OUTCOME_LABELS.get(lang, OUTCOME_LABELS["vi"]).get(value, value)


def rate_text(rate: float | None) -> str:
    """A success rate as the report prints it ("91.7%"), "-" when nothing was meant to go out."""
    return "-" if rate is None else f"{rate * 100:.1f}%"


def sections(report: Report, lang: str = "vi") -> list[Section]:
    """The report as tables, in the order they are filed."""
    L = lambda key, **kw: label(lang, key, **kw)  # noqa: E731
    missing = [i.ref for i in report.items if not i.covered]
    key_rows: list[list[Any]] = [
        [L("k_airings"), report.airings],
        [L("k_done"), report.done],
        [L("k_problems"), report.problem_count],
        [L("k_dry_runs"), report.dry_runs],
        [L("k_rate"), rate_text(report.success_rate)],
        [L("k_minutes"), round(report.radio_minutes, 1)],
    ]
    if report.plan_id is not None:
        key_rows.append([L("k_items"), f"{report.items_covered}/{len(report.items)}"])
        key_rows.append([L("k_missing"), ", ".join(missing) or "-"])
    notes = [L("count_note"), L("dry_run_note")]
    out = [Section(sheet="summary", heading=L("s1"), headers=[], rows=key_rows, notes=notes)]

    def figures(counts: dict[str, int], done: int, problems: int, rate: float | None, dry: int) -> list[Any]:
        return [*(counts.get(o, 0) for o in OUTCOME_COLUMNS), done, problems, rate, dry]

    totals: list[list[Any]] = [
        [
            _channel(lang, t.channel),
            *figures(t.counts, t.done, t.problem_count, t.success_rate, t.dry_runs),
            t.airings,
            t.records,
        ]
        for t in report.totals
    ]
    all_counts = {o: sum(t.counts.get(o, 0) for t in report.totals) for o in OUTCOME_COLUMNS}
    grand: list[Any] = [
        L("total"),
        *figures(all_counts, report.done, report.problem_count, report.success_rate, report.dry_runs),
        report.airings,
        sum(t.records for t in report.totals),
    ]
    out.append(
        Section(
            sheet="summary",
            heading=L("s2"),
            rows=totals,
            total=grand,
            formats={len(OUTCOME_COLUMNS) + 3: RATE_FORMAT},
            headers=[L("channel")]
            + [_outcome(lang, o).capitalize() for o in OUTCOME_COLUMNS]
            + [L("done"), L("problems"), L("rate"), _outcome(lang, DRY_RUN).capitalize(), L("airings"), L("records")],
        )
    )

    channels = list(report.channels)
    item_rows: list[list[Any]] = []
    flagged: set[int] = set()
    for n, item in enumerate(report.items):
        note = L("not_aired") if not item.covered else (L("via_children") if item.total == 0 else "")
        if item.rotation == "skipped":
            note = "; ".join(x for x in (note, L("rotation_skipped")) if x)
        if not item.covered:
            flagged.add(n)
        item_rows.append(
            [item.ref, "  " * item.depth + item.text]
            + [item.counts.get(c, 0) for c in channels]
            + [item.total, local(report, item.last_at) if item.last_at else None, note]
        )
    for key in ("announcements", "other"):
        counts = report.other.get(key, {})
        item_rows.append(["", L(key)] + [counts.get(c, 0) for c in channels] + [sum(counts.values()), None, ""])
    item_total = ["", L("total")] + [sum(r[2 + i] for r in item_rows) for i in range(len(channels) + 1)]
    out.append(
        Section(
            sheet="items",
            heading=L("s3"),
            rows=item_rows,
            total=[*item_total, None, ""],
            flagged=flagged,
            formats={len(channels) + 3: "dd/mm/yyyy hh:mm"},
            headers=[L("ref"), L("item")] + [_channel(lang, c) for c in channels] + [L("total"), L("last"), L("note")],
            notes=[] if report.plan_id is not None else [L("no_plan")],
        )
    )

    weekdays = WEEKDAY_LABELS.get(lang, WEEKDAY_LABELS["vi"])
    day_rows = [[d.day, weekdays[d.day.weekday()], d.airings, d.minutes] for d in report.days]
    out.append(
        Section(
            sheet="days",
            heading=L("s4"),
            headers=[L("day"), L("weekday"), L("count"), L("minutes")],
            rows=day_rows,
            formats={0: "dd/mm/yyyy"},
            total=[L("total"), "", sum(d.airings for d in report.days), round(report.radio_minutes, 2)],
        )
    )

    problem_rows = []
    for n, p in enumerate(report.problems, start=1):
        retried = (
            L("retried_as", id=p.retried_as, outcome=_outcome(lang, p.retry_outcome or "")) if p.retried_as else ""
        )
        problem_rows.append(
            [
                n,
                p.airing_id,
                local(report, p.due_at),
                _channel(lang, p.channel),
                _outcome(lang, p.outcome),
                p.title,
                p.error_code or "",
                p.error_message or "",
                retried,
            ]
        )
    out.append(
        Section(
            sheet="problems",
            heading=L("s5"),
            rows=problem_rows,
            formats={2: "dd/mm/yyyy hh:mm"},
            headers=[
                L("no"),
                L("airing"),
                L("due"),
                L("channel"),
                L("outcome"),
                L("bulletin"),
                L("code"),
                L("reason"),
                L("retried"),
            ],
            notes=[] if problem_rows else [L("no_problems")],
        )
    )

    out.append(
        Section(
            sheet="lateness",
            heading=L("s6"),
            notes=[L("late_note")],
            headers=[L("channel"), L("measured"), L("late"), L("mean"), L("median"), L("p95"), L("max")],
            rows=[
                [_channel(lang, x.channel), x.count, x.late, x.mean, x.median, x.p95, x.max] for x in report.lateness
            ],
        )
    )
    out.extend(_zone_sections(report, lang))
    return out


def _zone_sections(report: Report, lang: str) -> list[Section]:
    """Which zones heard what, and every alert of the period."""

    def L(key: str, **params: Any) -> str:
        return label(lang, key, **params)

    zone_rows = [
        [
            z.zone or L("zone_all"),
            z.airings,
            z.aired,
            z.minutes,
            z.heard,
            z.mean_delay_ms if z.mean_delay_ms is not None else "",
            z.dead_air,
            z.unreachable,
            z.relay_gaps,
        ]
        for z in report.zones
    ]
    alerts = [[local(report, a.at), a.zone or L("zone_all"), a.kind, a.seconds or "", a.message] for a in report.alerts]
    return [
        Section(
            sheet="zones",
            heading=L("s7"),
            notes=[L("heard_note")],
            headers=[
                L("zone"),
                L("airings"),
                L("aired"),
                L("minutes"),
                L("heard"),
                L("delay"),
                L("dead_air"),
                L("unreachable"),
                L("relay_gaps"),
            ],
            rows=zone_rows,
        ),
        Section(
            sheet="zones",
            heading=L("s8"),
            headers=[L("at"), L("zone"), L("kind"), L("seconds"), L("reason")],
            rows=alerts,
            flagged=set(range(len(alerts))),
            formats={0: "dd/mm/yyyy hh:mm"},
            notes=[] if alerts else [L("no_alerts")],
        ),
    ]


def _header_lines(report: Report, lang: str) -> list[str]:
    plan = label(lang, "plan", title=report.plan_title) if report.plan_title else label(lang, "no_plan")
    return [
        report.station_name.upper(),
        label(lang, "nation"),
        label(lang, "motto"),
        issue_line(report, lang),
        label(lang, "title"),
        period_text(report.period, lang),
        plan,
        label(lang, "source", at=local(report, report.issued_at).strftime("%d/%m/%Y %H:%M")),
    ]


def _atomic(path: Path, write: Any) -> Path:
    """Write through a temporary file in the same folder, then move it into place."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".loa-", suffix=path.suffix, dir=path.parent)
        os.close(fd)
        try:
            write(Path(tmp))
            os.chmod(tmp, 0o644)  # a temporary file is private; a report is for the leadership to open
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as exc:
        raise UsageError("output_unwritable", path=str(path), reason=exc.strerror or str(exc)) from exc
    return path


def write_csv(report: Report, path: Path, lang: str = "vi") -> Path:
    """The report as one CSV file (UTF-8 with BOM, so spreadsheet programs read the accents): section after section."""

    def write(target: Path) -> None:
        with open(target, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            for line in _header_lines(report, lang):
                writer.writerow([csv_text(line)])
            for section in sections(report, lang):
                writer.writerow([])
                writer.writerow([csv_text(section.heading)])
                if section.headers:
                    writer.writerow([csv_text(h) for h in section.headers])
                for row in section.rows + ([section.total] if section.total else []):
                    writer.writerow([csv_text(_csv_cell(v, section.formats.get(i))) for i, v in enumerate(row)])
                for note in section.notes:
                    writer.writerow([csv_text(note)])

    return _atomic(path, write)


def _csv_cell(value: Any, fmt: str | None) -> Any:
    if value is None:
        return ""
    if fmt == RATE_FORMAT and isinstance(value, float):
        return rate_text(value)
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M" if fmt and "hh" in fmt else "%Y-%m-%d")
    return value


def write_xlsx(report: Report, path: Path, lang: str = "vi") -> Path:
    """The report as a workbook: a summary sheet with charts, then one sheet per table."""
    from scheduler.report.xlsx import build_workbook

    workbook = build_workbook(report, sections(report, lang), _header_lines(report, lang), lang)
    return _atomic(path, lambda target: workbook.save(target))


def write_report(report: Report, path: Path, lang: str = "vi") -> Path:
    """Write `report` to `path` as .xlsx or .csv, by its suffix."""
    suffix = Path(path).suffix.lower()
    if suffix == ".xlsx":
        return write_xlsx(report, path, lang)
    if suffix == ".csv":
        return write_csv(report, path, lang)
    raise UsageError("report_out_type", path=str(path))


def report_bytes(report: Report, suffix: str, lang: str = "vi") -> bytes:
    """The file `write_report` writes, as bytes (for a download), by suffix .xlsx or .csv."""
    if suffix.lower() not in SUFFIXES:
        raise UsageError("report_out_type", path=f"*{suffix}")
    with tempfile.TemporaryDirectory(prefix="loa-report-") as folder:
        path = write_report(report, Path(folder) / f"report{suffix.lower()}", lang)
        return path.read_bytes()
