"""`loa plan import|list|show|item`: communication plans and the rotation of their items."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from scheduler.cli.options import common_options, say
from scheduler.cli.options import state as current_state
from scheduler.messages import Label, text

__all__ = ["plan"]


@click.group()
def plan() -> None:
    """Kế hoạch tuyên truyền / communication plans."""


@plan.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Chỉ đọc và in, không lưu / read and print only, store nothing.")
@click.option("--json", "as_json", is_flag=True, help="In JSON / print JSON.")
@common_options
def plan_import(path: str, dry_run: bool, as_json: bool) -> None:
    """Nhập kế hoạch (.txt, .md, .docx, .pdf) / import a plan document."""
    from scheduler.plans.parse import import_json
    from scheduler.services.plans import import_plan

    state = current_state()
    if dry_run:
        from scheduler.plans.documents import read_plan_text
        from scheduler.plans.parse import parse_plan

        parsed = parse_plan(read_plan_text(Path(path)), source=path)
        plan_id, duplicate = None, False
    else:
        with state.app() as app:
            result = import_plan(app, Path(path))
        parsed, plan_id, duplicate = result.parsed, result.plan_id, result.duplicate
    if as_json:
        say(json.dumps(import_json(parsed), ensure_ascii=False, indent=2))
        return
    lang = state.language
    say(_plan_summary(parsed, lang))
    if dry_run:
        say(text("plan_dry_run", lang))
    else:
        say(text("plan_duplicate" if duplicate else "plan_stored", lang, id=plan_id))


def _plan_summary(parsed: Any, lang: str) -> str:
    lines = [
        text(
            "plan_summary",
            lang,
            title=parsed.title,
            year=parsed.year or "?",
            issuer=parsed.issuer or "?",
            channels=", ".join(parsed.channels) or "-",
            items=len(parsed.items),
        )
    ]
    for item in parsed.items:
        depth = item.ref.count(".")
        snippet = item.text if len(item.text) <= 90 else item.text[:89] + "…"
        lines.append(f"{'  ' * depth}  {item.ref:<6} {snippet}")
    return "\n".join(lines)


@plan.command("list")
@common_options
def plan_list() -> None:
    """Các kế hoạch đã nhập / stored plans."""
    from scheduler.cli.output import table
    from scheduler.programme.times import format_local
    from scheduler.services.plans import list_plans

    state = current_state()
    with state.app() as app:
        rows = list_plans(app)
    lang = state.language
    if not rows:
        say(text("no_active_plan", lang))
        return
    headers = [
        text(code, lang)
        for code in ("h_plan_id", "h_plan_year", "h_plan_title", "h_plan_items", "h_plan_imported", "h_plan_file")
    ]
    say(
        table(
            headers,
            [
                [
                    str(p.id),
                    str(p.year or ""),
                    p.title[:60],
                    str(n),
                    format_local(p.imported_at, app.config.tz, "%Y-%m-%d %H:%M"),
                    p.source_name,
                ]
                for p, n in rows
            ],
        )
    )


@plan.command("show")
@click.argument("plan_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="In JSON / print JSON.")
@common_options
def plan_show(plan_id: int, as_json: bool) -> None:
    """Xem một kế hoạch và các nội dung / show one stored plan and its items."""
    from scheduler.plans.parse import ParsedItem, ParsedPlan, import_json
    from scheduler.services.plans import get_plan

    state = current_state()
    with state.app() as app:
        stored, items = get_plan(app, plan_id)
    refs = {i.id: i.ref for i in items}
    parsed = ParsedPlan(
        title=stored.title,
        year=stored.year,
        issuer=stored.issuer,
        channels=tuple(stored.channels),
        items=tuple(
            ParsedItem(ref=i.ref, parent=refs.get(i.parent_id) if i.parent_id else None, label=i.label, text=i.text)
            for i in items
        ),
    )
    say(
        json.dumps(import_json(parsed), ensure_ascii=False, indent=2)
        if as_json
        else _plan_summary(parsed, state.language)
    )


@plan.command("item")
@click.argument("ref")
@click.option("--pin", "mode", flag_value="pinned", help="Chỉ xoay vòng các mục được ghim / air pinned items only.")
@click.option("--skip", "mode", flag_value="skipped", help="Không đưa vào xoay vòng / leave out of the rotation.")
@click.option("--normal", "mode", flag_value="normal", help="Bỏ ghim, bỏ loại trừ / back to normal.")
@click.option("--order", type=int, help="Thứ tự trong vòng xoay / position in the rotation.")
@common_options
def plan_item(ref: str, mode: str | None, order: int | None) -> None:
    """Ghim, bỏ qua hoặc sắp xếp một nội dung trong vòng xoay / pin, skip or reorder a plan item."""
    from scheduler.programme import planner

    state = current_state()
    with state.app() as app:
        item = planner.set_rotation(app, ref.strip(), mode=mode, order=order)
    say(
        text(
            "rotation_set",
            state.language,
            ref=item.ref,
            mode=Label("ROTATION_LABELS", item.rotation),
            order=item.rotation_order if item.rotation_order is not None else "-",
        )
    )
