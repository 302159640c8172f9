"""Parse the text of a yearly communication plan ("Kế hoạch tuyên truyền") into its content items."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from scheduler.errors import PlanError
from scheduler.plans.lines import Line, clean_lines, collapse, looks_like_markdown, squash_key
from scheduler.plans.meta import (
    CHANNEL_KINDS,
    find_channels,
    find_issuer,
    find_title,
    find_year,
    is_letterhead_line,
    title_text,
)
from scheduler.plans.syntax import (
    Marker,
    ends_sentence,
    is_closing,
    is_content_heading,
    is_major_heading,
    is_next_part,
    leading_number,
    marker_of,
)

__all__ = ["CHANNEL_KINDS", "LOOKED_FOR", "ParsedItem", "ParsedPlan", "import_json", "parse_plan", "plan_fingerprint"]

# How many candidate content sections are tried, in order, before giving up with "plan_no_items".
_CANDIDATES = 5

LOOKED_FOR = "'Nội dung tuyên truyền', 'Nội dung', 'NỘI DUNG, HÌNH THỨC TUYÊN TRUYỀN', 'NỘI DUNG THỰC HIỆN'"


@dataclass(frozen=True, kw_only=True)
class ParsedItem:
    """One content item: its dotted position, its parent, its marker as written and its whole text."""

    ref: str
    parent: str | None
    label: str | None
    text: str


@dataclass(frozen=True, kw_only=True)
class ParsedPlan:
    """A plan's title, year, issuer, channel kinds and content items, as read from its text."""

    title: str
    year: int | None
    issuer: str | None
    channels: tuple[str, ...]
    items: tuple[ParsedItem, ...]


@dataclass(frozen=True, kw_only=True)
class _Section:
    """The content section: its heading as written and the half-open range of its lines."""

    heading: str
    start: int
    end: int


@dataclass(eq=False)
class _Node:
    """An item being assembled: its marker, the pieces of its text and its children."""

    label: str | None
    parts: list[str]
    children: list[_Node] = field(default_factory=list)

    def text(self) -> str:
        """Return the item's text with its wrapped pieces joined."""
        return collapse(" ".join(self.parts))


@dataclass(eq=False)
class _Open:
    """An open level of the outline: the marker kind that opened it, its indentation, node and parent."""

    kind: str | None
    indent: int
    node: _Node
    parent: _Node


def parse_plan(text: str, *, source: str = "<text>") -> ParsedPlan:
    """Read a plan's title, year, issuer, channels and content items from its text."""
    lines = clean_lines(text)
    title_at = find_title(lines)
    begin = 0
    if title_at is not None:
        lines = _drop_repeated_letterhead(lines, title_at)
        begin = title_at + 1
    sections = _content_sections(lines, begin)
    if not sections:
        if title_at is None:
            raise PlanError("plan_not_a_plan", path=source)
        raise PlanError("plan_no_content", path=source, looked_for=LOOKED_FOR)
    markdown = looks_like_markdown(text)
    for section in sections:
        items = _items(lines[section.start : section.end], by_indent=markdown)
        if items:
            break
    else:
        raise PlanError("plan_no_items", path=source, section=sections[0].heading)
    title = title_text(lines, title_at) if title_at is not None else ""
    return ParsedPlan(
        title=title,
        year=find_year(title, lines[:title_at] if title_at is not None else []),
        issuer=find_issuer(lines, title_at),
        channels=find_channels(lines, begin, range(section.start, section.end)),
        items=items,
    )


def _norm(value: str | None) -> str | None:
    return " ".join(unicodedata.normalize("NFC", value).split()) if value is not None else None


def plan_fingerprint(plan: ParsedPlan) -> str:
    """The plan's content as one sha256: the same plan read from a .txt and from a .docx gives the same value.

    Over the title, year, issuer, channels and items (ref, parent, marker, text), texts in NFC with runs of
    white space as one space. Migration 0006 computes the same value for plans stored before it: keep the two
    in step.
    """
    content = {
        "title": _norm(plan.title),
        "year": plan.year,
        "issuer": _norm(plan.issuer),
        "channels": list(plan.channels),
        "items": [[i.ref, i.parent, _norm(i.label), _norm(i.text)] for i in plan.items],
    }
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def import_json(plan: ParsedPlan) -> dict[str, Any]:
    """Return the object `loa plan import --json` prints for a parsed plan."""
    return {
        "title": plan.title,
        "year": plan.year,
        "issuer": plan.issuer,
        "channels": list(plan.channels),
        "items": [
            {"ref": item.ref, "parent": item.parent, "label": item.label, "text": item.text} for item in plan.items
        ],
    }


def _drop_repeated_letterhead(lines: list[Line], title_at: int) -> list[Line]:
    """Drop, after the title, lines that repeat the letterhead (running headers of a PDF)."""
    keys = {key for line in lines[:title_at] if len(key := squash_key(line.text)) >= 4}
    body = [
        line
        for line in lines[title_at + 1 :]
        if squash_key(line.text) not in keys and not is_letterhead_line(line.text)
    ]
    return lines[: title_at + 1] + body


def _content_sections(lines: list[Line], begin: int) -> list[_Section]:
    """Return the likely content sections, best first: a "Nội dung" heading inside a "NỘI DUNG ..." part first."""
    majors: list[tuple[int, int]] = []
    subs: list[int] = []
    for i in range(begin, len(lines)):
        text = lines[i].text
        if is_major_heading(text):
            if is_content_heading(text):
                majors.append((i, _part_end(lines, i + 1)))
        elif is_content_heading(text):
            subs.append(i)
    inside = {i: at for i in subs for at, end in majors[:_CANDIDATES] if at < i < end}
    # A part with a "Nội dung" heading inside is tried through that heading only.
    used = set(inside.values())
    order = list(inside) + [at for at, _ in majors if at not in used] + [i for i in subs if i not in inside]
    sections = []
    for at in order[:_CANDIDATES]:
        numbered = None if is_major_heading(lines[at].text) else leading_number(lines[at].text)
        sections.append(_Section(heading=lines[at].text, start=at + 1, end=_content_end(lines, at + 1, numbered)))
    return sections


def _part_end(lines: list[Line], start: int) -> int:
    """Return the index of the next major heading or closing line at or after `start`."""
    for j in range(start, len(lines)):
        if is_major_heading(lines[j].text) or is_closing(lines[j].text):
            return j
    return len(lines)


def _content_end(lines: list[Line], start: int, numbered: int | None) -> int:
    """Return where the content items stop: the next heading, the "Hình thức" part or the closing."""
    numbers_seen = False
    for j in range(start, len(lines)):
        text = lines[j].text
        if is_major_heading(text) or is_closing(text) or is_next_part(text):
            return j
        number = leading_number(text)
        if number is not None:
            if numbered is not None and number == numbered + 1 and not numbers_seen and len(text.split()) <= 15:
                return j
            numbers_seen = True
    return len(lines)


def _items(lines: list[Line], *, by_indent: bool) -> tuple[ParsedItem, ...]:
    """Build the outline of items; indentation nests like bullets only in Markdown (`by_indent`)."""
    root = _Node(None, [])
    stack: list[_Open] = []
    current: _Node | None = None
    for line in lines:
        marker = marker_of(line.text)
        if marker is not None and current is not None and _wraps_into(current, marker.body):
            marker = None
        if marker is not None:
            current = _open_marked(stack, root, marker, line.indent if by_indent else 0)
        elif current is not None and (not line.gap or _carries_on(current, line.text)):
            current.parts.append(line.text)
        else:
            current = _open_unmarked(stack, root, current, line)
    return tuple(_flatten(root))


def _wraps_into(node: _Node, body: str) -> bool:
    """Tell whether a line that looks marked ("- xã hội") is the wrapped end of the node's sentence."""
    return bool(node.parts) and not ends_sentence(node.parts[-1]) and body[:1].islower()


def _carries_on(node: _Node, text: str) -> bool:
    """Tell whether a paragraph after a blank line carries on the node's text (a wrap, not a new item)."""
    return not node.parts or not ends_sentence(node.parts[-1]) or text[:1].islower()


def _open_marked(stack: list[_Open], root: _Node, marker: Marker, indent: int) -> _Node:
    """Place a marked item: a sibling of the open item of its kind, else a child of the innermost item."""
    node = _Node(marker.label, [marker.body] if marker.body else [])
    same = [i for i, level in enumerate(stack) if level.kind == marker.kind]
    fitting = [i for i in same if stack[i].indent <= indent + 1]
    at: int | None = (fitting or same)[-1] if same else None
    deeper = at is not None and at == len(stack) - 1 and marker.bullet and indent >= stack[at].indent + 2
    if at is None or deeper:
        parent = stack[-1].node if stack else root
        stack.append(_Open(marker.kind, indent, node, parent))
    else:
        del stack[at + 1 :]
        parent = stack[at].parent
        stack[at] = _Open(marker.kind, indent, node, parent)
    parent.children.append(node)
    return node


def _open_unmarked(stack: list[_Open], root: _Node, current: _Node | None, line: Line) -> _Node:
    """Place a paragraph without a marker: under an item ending in ':', else beside the innermost item."""
    node = _Node(None, [line.text])
    if stack and current is not None and current.parts and current.parts[-1].endswith(":"):
        parent = stack[-1].node
        stack.append(_Open(None, line.indent, node, parent))
    elif stack:
        parent = stack[-1].parent
        stack[-1] = _Open(stack[-1].kind, line.indent, node, parent)
    else:
        parent = root
        stack.append(_Open(None, line.indent, node, parent))
    parent.children.append(node)
    return node


def _flatten(root: _Node) -> list[ParsedItem]:
    """Number the outline depth-first ("1", "1.1", ...), dropping items left without any text."""
    out: list[ParsedItem] = []
    todo = _numbered(root, None)
    while todo:
        node, ref, parent = todo.pop()
        out.append(ParsedItem(ref=ref, parent=parent, label=node.label, text=node.text()))
        todo.extend(_numbered(node, ref))
    return out


def _numbered(node: _Node, ref: str | None) -> list[tuple[_Node, str, str | None]]:
    """Return a node's non-empty children with their refs, last first (ready to pop in order)."""
    kept = [child for child in node.children if child.children or child.text()]
    return [(child, f"{ref}.{n}" if ref else str(n), ref) for n, child in reversed(list(enumerate(kept, 1)))]
