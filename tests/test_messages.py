"""The message catalogue: every code in both languages, the same placeholders, and every code the code uses."""

from __future__ import annotations

import builtins
import re
import string
from pathlib import Path

import pytest

from broadcasts.accounts import ROLES
from broadcasts.models import Approval, BulletinKind, Priority
from scheduler.errors import NotFoundError
from scheduler.messages import MESSAGES, labels, render, text
from scheduler.runner.alerts import ALERT_KINDS

REPO = Path(__file__).resolve().parents[1]
SOURCES = ("scheduler", "broadcasts", "audio")
# a message code written where it is used: text("code"), t("code"), _t("code"), tagged("code"),
# SomeError("code", ...) and code="code" (Notice, Finding, an error class's default code)
USES = (
    re.compile(r'\b(?:text|_t|t|tagged)\(\s*"([a-z][a-z0-9_]*)"'),
    re.compile(r'\b([A-Z][A-Za-z]*Error)\(\s*"([a-z][a-z0-9_]*)"'),
    re.compile(r'\bcode\s*=\s*"([a-z][a-z0-9_]*)"'),
)
# the report's words: label(lang, "key") and its shorthand L("key") read the code r_<key>
REPORT_USE = re.compile(r'\b(?:label\(\s*\w+,|L\()\s*"([a-z][a-z0-9_]*)"\s*[,)]')
# codes built from a prefix and a value (the console's templates; the report's label())
FAMILIES = {
    "w_p_": [p.value for p in Priority],
    "w_approval_": [a.value for a in Approval],
    "w_role_": list(ROLES),
    "w_kind_": [k.value for k in BulletinKind],
    "w_alert_": list(ALERT_KINDS),
    "r_": [],
}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_code_has_both_languages_with_the_same_placeholders(code: str) -> None:
    pair = MESSAGES[code]
    assert isinstance(pair, tuple) and len(pair) == 2, code
    vi, en = pair
    assert vi.strip() and en.strip(), f"{code} lacks a language"
    # a library's own English wording ({detail}) is shown to English readers only
    assert _fields(vi) | {"detail"} == _fields(en) | {"detail"}, f"{code}: vi has {_fields(vi)}, en has {_fields(en)}"


def test_the_placeholder_check_sees_a_difference() -> None:
    assert _fields("Đã xếp bản tin số {id}:") == {"id"}
    assert _fields("{first} to {last:%d}") == {"first", "last"}
    assert _fields("Queued {id}") != _fields("Đã xếp {bulletin}")


TABLES = {name: getattr(labels, name) for name in labels.__all__}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_label_table_names_the_same_things_in_both_languages(name: str) -> None:
    table = TABLES[name]
    assert set(table) == {"vi", "en"}, name
    vi, en = table["vi"], table["en"]
    if isinstance(vi, dict):
        assert set(vi) == set(en), f"{name}: {set(vi) ^ set(en)}"
        blank = {k for k in vi if not vi[k] or not en[k]}
        assert all(not vi[k] and not en[k] for k in blank), f"{name}: {blank} empty in one language only"
    else:
        assert len(vi) == len(en) and all(vi) and all(en), name


def _uses() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    files = [p for root in SOURCES for p in (REPO / root).rglob("*.py") if "migrations" not in p.parts]
    files += list((REPO / "scheduler" / "web" / "templates").glob("*.html"))
    for path in files:
        source = path.read_text(encoding="utf-8")
        for pattern in USES:
            for match in pattern.finditer(source):
                if pattern.groups == 2:
                    if hasattr(builtins, match.group(1)):  # AssertionError("unreachable") is no message
                        continue
                    code = match.group(2)
                else:
                    code = match.group(1)
                found.setdefault(code, set()).add(str(path.relative_to(REPO)))
        for match in REPORT_USE.finditer(source):
            found.setdefault("r_" + match.group(1), set()).add(str(path.relative_to(REPO)))
    for prefix, values in FAMILIES.items():
        found.pop(prefix, None)
        for value in values:
            found.setdefault(prefix + value, set()).add("scheduler/web/templates")
    return found


def test_every_code_used_in_the_code_is_in_the_catalogue() -> None:
    uses = _uses()
    assert len(uses) > 200  # the scan finds the uses (text, errors, tagged log records, templates)
    missing = {code: sorted(where) for code, where in uses.items() if code not in MESSAGES}
    assert not missing


def test_the_scan_finds_a_use_of_each_kind() -> None:
    uses = _uses()
    assert "scheduler/cli/queue.py" in uses["queued"]  # text("queued", ...)
    assert "scheduler/cli/run.py" in uses["second_signal"]  # tagged("second_signal")
    assert "scheduler/services/queue.py" in uses["empty_text"]  # UsageError("empty_text")
    assert "scheduler/services/queue.py" in uses["quiet_hours_wait"]  # Notice(code="quiet_hours_wait", ...)
    assert "scheduler/report/files.py" in uses["r_no_record"]  # label(lang, "no_record")
    assert "scheduler/report/files.py" in uses["r_k_airings"]  # L("k_airings")
    assert "unreachable" not in uses


@pytest.mark.parametrize("kind", sorted(labels.KIND_LABELS["vi"]))
def test_a_record_kind_is_worded_in_the_language_asked(kind: str) -> None:
    error = NotFoundError(kind=kind, id=7)
    assert render(error, "vi") == text("not_found", "vi", kind=labels.KIND_LABELS["vi"][kind], id=7)
    assert render(error, "en") == text("not_found", "en", kind=labels.KIND_LABELS["en"][kind], id=7)
    assert " / " not in render(error, "vi") and " / " not in render(error, "en")  # one language at a time
