"""`loa plan import|list|show|use|item`: communication plans, the plan in use and the rotation of its items."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from scheduler.cli.options import common_options, say
from scheduler.cli.options import state as current_state
from scheduler.messages import text

__all__ = ["plan"]

_ROTATION_CODES = {"pinned": "rotation_pinned", "skipped": "rotation_skipped"}


@click.group()
def plan() -> None:
    """Kế hoạch tuyên truyền / communication plans."""


@plan.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Chỉ đọc và in, không lưu / read and print only, store nothing.")
@click.option(
    "--use",
    is_flag=True,
    help="Dùng làm kế hoạch đang dùng / make it the plan in use (else only when no plan is in use yet).",
)
@click.option("--json", "as_json", is_flag=True, help="In JSON / print JSON.")
@common_options
def plan_import(path: str, dry_run: bool, use: bool, as_json: bool) -> None:
    """Nhập kế hoạch (.txt, .md, .docx, .pdf) / import a plan document."""
    from scheduler.plans.parse import import_json
    from scheduler.services.plans import import_plan, list_plans

    state = current_state()
    lang = state.language
    if dry_run:
        from scheduler.plans.documents import read_plan_text
        from scheduler.plans.parse import parse_plan

        parsed = parse_plan(read_plan_text(Path(path)), source=path)
        result = None
    else:
        with state.app() as app:
            result = import_plan(app, Path(path), use=use)
            current = next((p.id for p, _ in list_plans(app) if p.active), None)
        parsed = result.parsed
    if as_json:
        say(json.dumps(import_json(parsed), ensure_ascii=False, indent=2))
        return
    say(_plan_summary(parsed, lang))
    if result is None:
        say(text("plan_dry_run", lang))
        return
    if result.duplicate and not result.same_file:
        say(text("plan_same_content", lang, id=result.plan_id, file=result.source_name))
    else:
        say(text("plan_duplicate" if result.duplicate else "plan_stored", lang, id=result.plan_id))
    if result.in_use:
        say(text("plan_now_in_use", lang, id=result.plan_id))
    elif result.held:
        say(text("plan_held", lang, id=result.plan_id))
    elif current is not None:
        say(text("plan_kept_in_use", lang, id=result.plan_id, current=current))


def _plan_summary(parsed: Any, lang: str, rotation: dict[str, tuple[str, int | None]] | None = None) -> str:
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
        marks = _rotation_marks(lang, *(rotation or {}).get(item.ref, ("normal", None)))
        lines.append(f"{'  ' * depth}  {item.ref:<6} {marks}{snippet}")
    return "\n".join(lines)


def _rotation_marks(lang: str, mode: str, order: int | None) -> str:
    """ "[ghim, thứ tự 2] " for an item pinned second in the rotation; "" for a normal one."""
    marks = [text(_ROTATION_CODES[mode], lang)] if mode in _ROTATION_CODES else []
    if order is not None:
        marks.append(text("rotation_order", lang, order=order))
    return f"[{', '.join(marks)}] " if marks else ""


@plan.command("list")
@common_options
def plan_list() -> None:
    """Các kế hoạch đã nhập, và kế hoạch đang dùng / stored plans, and the plan in use."""
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
        for code in (
            "h_plan_id",
            "h_plan_in_use",
            "h_plan_year",
            "h_plan_title",
            "h_plan_items",
            "h_plan_imported",
            "h_plan_file",
        )
    ]
    say(
        table(
            headers,
            [
                [
                    str(p.id),
                    text("plan_in_use_mark", lang) if p.active else "",
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
    if not any(p.active for p, _ in rows):
        say(text("plan_none_in_use", lang))


@plan.command("use")
@click.argument("plan_id", type=int)
@common_options
def plan_use(plan_id: int) -> None:
    """Chọn kế hoạch đang dùng (xoay vòng, --item, báo cáo) / choose the plan in use (rotation, --item, report)."""
    from scheduler.services.plans import use_plan

    state = current_state()
    with state.app() as app:
        chosen = use_plan(app, plan_id)
    say(text("plan_used", state.language, id=chosen.id, title=chosen.title))


@plan.command("show")
@click.argument("plan_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="In JSON / print JSON.")
@common_options
def plan_show(plan_id: int, as_json: bool) -> None:
    """Xem một kế hoạch, các nội dung và cách xoay vòng / show one stored plan, its items and their rotation."""
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
    if as_json:
        say(json.dumps(import_json(parsed), ensure_ascii=False, indent=2))
        return
    lang = state.language
    say(_plan_summary(parsed, lang, {i.ref: (i.rotation, i.rotation_order) for i in items}))
    say(text("plan_shown_in_use", lang) if stored.active else text("plan_shown_not_in_use", lang, id=stored.id))


@plan.command("item")
@click.argument("ref")
@click.option("--pin", "mode", flag_value="pinned", help="Chỉ xoay vòng các mục được ghim / air pinned items only.")
@click.option("--skip", "mode", flag_value="skipped", help="Không đưa vào xoay vòng / leave out of the rotation.")
@click.option("--normal", "mode", flag_value="normal", help="Bỏ ghim, bỏ loại trừ / back to normal.")
@click.option("--order", type=int, help="Thứ tự trong vòng xoay / position in the rotation.")
@click.option(
    "--plan",
    "plan_id",
    type=int,
    help="Của kế hoạch số này (mặc định: kế hoạch đang dùng) / in this plan (default: the plan in use).",
)
@common_options
def plan_item(ref: str, mode: str | None, order: int | None, plan_id: int | None) -> None:
    """Ghim, bỏ qua hoặc sắp xếp một nội dung trong vòng xoay / pin, skip or reorder a plan item."""
    from scheduler.programme import planner

    state = current_state()
    with state.app() as app:
        item = planner.set_rotation(app, ref.strip(), mode=mode, order=order, plan_id=plan_id)
    say(
        text(
            "rotation_set",
            state.language,
            ref=item.ref,
            mode=text(_ROTATION_CODES.get(item.rotation, "rotation_normal"), state.language),
            order=item.rotation_order if item.rotation_order is not None else "-",
        )
    )
