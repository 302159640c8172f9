"""One language at a time: every command's error paths in Vietnamese and in English, with no stray words.

The walk covers every command of `cli` (so a new command is walked without being listed here): an unknown
option, each typed option with a bad value, missing arguments, a missing config file, a broken config file,
and ids that do not exist. A line fails when, under `vi`, it shows one of click's English texts, a Python
exception name, an OS error in English or a raw message code; or, under `en`, Vietnamese words. Quoted values
and paths are the user's own words and are not judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from scheduler.cli import cli
from scheduler.cli.language import CLICK_MODULES
from scheduler.messages import MESSAGES
from scheduler.messages.usage import CLICK_VI
from tests.cli_support import run

# Commands that serve or write much more than an error (the demo writes a station; web serves forever).
NOT_RUN_WITH_CONFIG = {("demo",), ("web",), ("say",), ("normalize",), ("run",)}

VIETNAMESE = re.compile(r"[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.IGNORECASE)
ENGLISH_UNDER_VI = re.compile(
    r"\b(Error|Usage|Invalid value|Missing (option|argument|parameter)|No such|Try '|is not one of|"
    r"not found|does not exist|Aborted|Options|Commands|Show this message|Repeat for confirmation|"
    r"No such file or directory|Permission denied|Is a directory|Expected)\b"
)
EXCEPTION_NAME = re.compile(r"\b[A-Z][A-Za-z]+(Error|Exception)\b|BadZipFile|Traceback|\bErrno\b")
BILINGUAL = re.compile(r"\w \/ \w")  # "kế hoạch / plan": a literal written in both languages
QUOTED_ONLY = re.compile(r"'[^']*'|\"[^\"]*\"")
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|«[^»]*»|\S*[/\\]\S*|--[a-z][a-z-]*")


def commands(group: click.Group = cli, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))
        else:
            yield (*path, name), command


def filled(command: click.Command) -> list[str]:
    """Plausible values for the command's required arguments (ids that do not exist)."""
    values: list[str] = []
    for param in command.params:
        if isinstance(param, click.Argument) and param.required:
            values.append("999")
    return values


def error_cases(path: tuple[str, ...], command: click.Command) -> Iterator[list[str]]:
    yield [*path, "--no-such-option"]
    if any(isinstance(p, click.Argument) and p.required for p in command.params):
        yield list(path)
    for param in command.params:
        if not isinstance(param, click.Option) or param.is_flag or param.name in ("config", "lang"):
            continue
        if isinstance(param.type, (click.Choice, click.types.IntParamType, click.types.FloatParamType)):
            yield [*path, *filled(command), param.opts[0], "bogus"]


def judge(line: str, lang: str) -> str | None:
    """Why `line` is in the wrong language, or None."""
    if BILINGUAL.search(QUOTED_ONLY.sub(" ", line)):
        return "both languages on one line"
    bare = QUOTED.sub(" ", line)
    if lang == "vi":
        for pattern in (ENGLISH_UNDER_VI, EXCEPTION_NAME):
            found = pattern.search(bare)
            if found:
                return f"English under vi: {found.group(0)!r}"
        for token in SNAKE.findall(bare):
            if token in MESSAGES:
                return f"raw message code {token!r}"
    else:
        found = VIETNAMESE.search(bare)
        if found:
            return f"Vietnamese under en: {found.group(0)!r}"
        if EXCEPTION_NAME.search(bare):
            return "a Python exception name"
    return None


def check(output: str, lang: str, args: list[str]) -> list[str]:
    return [f"{lang} {' '.join(args)}: {why}: {line}" for line in output.splitlines() if (why := judge(line, lang))]


@pytest.fixture
def station(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[station]\nname = "Dai xa Thu"\ncode = "thu"\n[database]\nurl = "sqlite:///{tmp_path / "loa.db"}"\n'
        # the station's and its slots' names are its data, not Loa's words: ASCII, so what `programme` and
        # `station list` show after the walk's `dispatch` queued a bulletin is not taken for Vietnamese under en
        '[[slots]]\nname = "Morning"\ntime = "06:00"\n[[slots]]\nname = "Evening"\ntime = "17:00"\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_usage_errors_speak_one_language(lang, station, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    problems: list[str] = []
    walked = 0
    for path, command in commands():
        for args in error_cases(path, command):
            code, out, err = run(capsys, "--lang", lang, "--config", str(station), *args)
            walked += 1
            assert code != 0, (args, out, err)
            problems += check(out + err, lang, args)
    assert walked > 40
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_config_and_store_errors_speak_one_language(lang, station, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    broken = tmp_path / "broken.toml"
    broken.write_text("[station\nname = 'x'\n", encoding="utf-8")
    missing = tmp_path / "none.toml"
    problems: list[str] = []
    for path, command in commands():
        if path in NOT_RUN_WITH_CONFIG:
            continue
        args = [*path, *filled(command)]
        for config in (missing, broken, station):
            _code, out, err = run(capsys, "--lang", lang, "--config", str(config), *args)
            problems += check(out + err, lang, [str(config.name), *args])
        for option in text_options(command):  # a value the command must read: a time, a date, a ref, a file
            bad = [*args, option, "bogus"]
            _code, out, err = run(capsys, "--lang", lang, "--config", str(station), *bad)
            problems += check(out + err, lang, bad)
    assert not problems, "\n".join(problems)


def text_options(command: click.Command) -> list[str]:
    """The command's options that take free text (not flags, choices or numbers), --config/--lang aside."""
    return [
        param.opts[0]
        for param in command.params
        if isinstance(param, click.Option)
        and not param.is_flag
        and param.name not in ("config", "lang", "password")
        and isinstance(param.type, (click.types.StringParamType, click.Path))
    ]


def test_the_station_language_decides_when_no_lang_is_given(station, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    station.write_text(station.read_text(encoding="utf-8").replace('code = "thu"', 'code = "thu"\nlanguage = "en"'))
    code, _, err = run(capsys, "--config", str(station), "queue", "--priority", "bogus")
    assert code == 2 and "Invalid value for '--priority'" in err
    code, _, err = run(capsys, "--lang", "vi", "--config", str(station), "queue", "--priority", "bogus")
    assert code == 2 and "Giá trị không hợp lệ cho '--priority'" in err


def test_every_translated_click_text_still_exists_in_click():
    """A click upgrade that rewords a text must not leave it silently English."""
    import inspect

    sources = "".join(inspect.getsource(module) for module in CLICK_MODULES)
    missing = [msgid for msgid in CLICK_VI if repr(msgid)[1:-1] not in sources and msgid not in sources]
    assert not missing, missing
    placeholders = re.compile(r"\{[^}]*\}|%\([a-z]+\)s")
    for msgid, vi in CLICK_VI.items():
        assert set(placeholders.findall(vi)) <= set(placeholders.findall(msgid)), msgid


@pytest.mark.parametrize(
    "line, lang",
    [
        ("Error: Invalid value for '--priority': 'x' is not one of 'normal'.", "vi"),
        ("Lỗi: Không đọc được tệp kế hoạch a.docx: BadZipFile: File is not a zip file", "vi"),
        ("Lỗi: Không đọc được tệp x: No such file or directory", "vi"),
        ("Lỗi: Không tìm thấy kế hoạch / plan số 99.", "vi"),
        ("Lỗi: config_missing: path=x", "vi"),
        ("Airing #20 on radio: đã phát.", "en"),
        ("Error: plan_unreadable failed with KeyError", "en"),
    ],
)
def test_the_judge_sees_each_kind_of_stray_word(line, lang):
    assert judge(line, lang) is not None


@pytest.mark.parametrize(
    "line, lang",
    [
        ("Lỗi: Không có kênh 'tiktok' (các kênh: radio, facebook, zalo).", "vi"),
        ("Lỗi: Tệp cấu hình /tmp/a b/config.toml sai cú pháp TOML ở dòng 1, cột 9.", "vi"),
        ("Error: Content item '1.1' not found in the active plan.", "en"),
    ],
)
def test_the_judge_passes_lines_in_one_language(line, lang):
    assert judge(line, lang) is None


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_file_errors_speak_one_language(lang, station, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not a zip")
    (tmp_path / "old.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64))
    cases = [
        ["queue", "--file", "folder"],
        ["queue", "--file", "absent.txt"],
        ["plan", "import", "broken.docx"],
        ["plan", "import", "old.docx"],
        ["plan", "import", "folder"],
        ["report", "--month", "2026-11", "--out", "/proc/absent/r.xlsx"],
        ["report", "--month", "2026-11", "--out", "folder"],
    ]
    problems: list[str] = []
    for args in cases:
        code, out, err = run(capsys, "--lang", lang, "--config", str(station), *args)
        assert code != 0 and len(err.strip().splitlines()) <= 4, (args, err)  # a usage error has 4
        problems += check(out + err, lang, args)
    assert not problems, "\n".join(problems)
