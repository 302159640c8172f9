"""The command line: contract output, and one clear line for every bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scheduler.cli import cli, main
from tests.cli_support import LOG_CONTRACT


def write_config(tmp_path: Path, db_url: str, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[station]\nname = "Đài xã Thử"\ncode = "thu"\n[database]\nurl = "{db_url}"\n{extra}', encoding="utf-8"
    )
    return path


def run(capsys, *args: str) -> tuple[int, str, str]:
    """Run `loa` in process through main(), as the console script does."""
    with pytest.raises(SystemExit) as info:
        main(list(args))
    captured = capsys.readouterr()
    code = info.value.code
    assert isinstance(code, int)  # main() always exits with a number
    return code, captured.out, captured.err


def test_queue_json_and_log_json_follow_the_contract(tmp_path, db_url, capsys):
    config = write_config(tmp_path, db_url, "[channels]\nenabled = ['facebook', 'zalo']\n")
    code, out, err = run(
        capsys, "--config", str(config), "queue", "--text", "Thông báo thu thuế.", "--at", "now", "--json"
    )
    assert code == 0, err
    queued = json.loads(out)
    assert {"bulletin_id", "airings"} <= set(queued) and queued["notices"] == []
    assert [a["channel"] for a in queued["airings"]] == ["facebook", "zalo"]
    assert queued["airings"][0]["due_at"].endswith("+07:00") and queued["estimated_seconds"] is None

    code, out, err = run(capsys, "run", "--once", "--config", str(config))
    assert code == 0, err
    code, out, err = run(capsys, "log", "--format", "json", "--config", str(config))
    assert code == 0, err
    rows = json.loads(out)
    assert len(rows) == 2 and all(set(r) >= LOG_CONTRACT for r in rows)
    assert {r["outcome"] for r in rows} == {"dry_run"}
    assert rows[0]["due_at"].endswith("+07:00") and rows[0]["audio_path"] is None

    code, out, _ = run(capsys, "--config", str(config), "log", "--format", "csv", "--channel", "zalo")
    assert code == 0 and out.splitlines()[0].startswith("id,airing_id,bulletin_id") and len(out.splitlines()) == 2
    code, out, _ = run(capsys, "--config", str(config), "log")
    assert code == 0 and "chạy thử" in out and "facebook" in out
    code, out, _ = run(capsys, "--config", str(config), "--lang", "en", "log", "--status", "failed")
    assert code == 0 and "(the log is empty)" in out


@pytest.mark.parametrize(
    "args, words",
    [
        (["queue", "--text", "x", "--channels", "tiktok"], ["tiktok"]),
        (["queue", "--text", "x", "--at", "sáng mai"], ["sáng mai"]),
        (["queue", "--text", "   "], ["trống"]),
        (["queue", "--item", "9.9"], ["kế hoạch"]),
        (["queue", "--text", "x", "--file", "y"], ["--text"]),
        (["queue", "--file", "/no/such/file.txt"], ["/no/such/file.txt"]),
        (["log", "--since", "hôm qua"], ["hôm qua"]),
    ],
)
def test_bad_input_is_one_line_and_non_zero(tmp_path, capsys, args, words):
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'loa.db'}")
    code, _out, err = run(capsys, "--config", str(config), *args)
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Lỗi: "), err
    assert "Traceback" not in err
    for word in words:
        assert word in err


def test_missing_config_is_one_line(tmp_path, capsys):
    code, _, err = run(capsys, "--config", str(tmp_path / "none.toml"), "log")
    assert code == 1 and err.count("\n") == 1 and "none.toml" in err


def test_malformed_config_is_one_line_in_english_too(tmp_path, capsys):
    path = tmp_path / "config.toml"
    path.write_text("[station\n", encoding="utf-8")
    code, _, err = run(capsys, "--lang", "en", "--config", str(path), "queue", "--text", "x")
    assert code == 1 and err.startswith("Error: Configuration file") and err.count("\n") == 1


def test_unreachable_database_is_one_line_without_password(tmp_path, capsys):
    config = write_config(tmp_path, "postgresql+psycopg://loa:hunter2@127.0.0.1:1/loa")
    code, _, err = run(capsys, "--config", str(config), "log")
    assert code == 1 and "127.0.0.1" in err and "hunter2" not in err and err.count("\n") == 1


def test_debug_shows_the_traceback(tmp_path, capsys):
    code, _, err = run(capsys, "--debug", "--config", str(tmp_path / "none.toml"), "log")
    assert code == 1 and "Traceback" in err


def test_help_is_bilingual(cli):
    result = cli.invoke(cli_group(), ["--help"])
    assert result.exit_code == 0, result.output
    assert "truyền thanh" in result.output and "queue" in result.output and "demo" in result.output
    result = cli.invoke(cli_group(), ["queue", "--help"])
    assert "--priority" in result.output and "Xếp" in result.output


def cli_group():
    return cli


def test_normalize_works_without_a_config(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LOA_CONFIG", raising=False)
    code, out, err = run(capsys, "normalize", "UBND xã")
    assert code == 0, err
    assert out.strip().startswith("Ủy ban nhân dân")


def test_say_writes_an_mp3(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "say", "Xin chào bà con.", "--out", str(tmp_path / "x.mp3"))
    assert code == 0, err
    assert (tmp_path / "x.mp3").stat().st_size > 1000 and "espeak" in out


def test_say_unwritable_output_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "blocker").write_text("x")
    code, _, err = run(capsys, "say", "Xin chào.", "--out", str(tmp_path / "blocker" / "x.mp3"))
    assert code == 1 and err.count("\n") == 1 and "blocker" in err


def test_programme_shows_slots_rotation_and_announcements(tmp_path, capsys):
    config = write_config(
        tmp_path,
        f"sqlite:///{tmp_path / 'loa.db'}",
        "[programme]\nannouncements = true\n[channels]\nenabled = ['radio', 'facebook']\n",
    )
    code, out, err = run(
        capsys,
        "--config",
        str(config),
        "queue",
        "--text",
        "Tin khẩn: bão số 9.",
        "--at",
        "next",
        "--priority",
        "priority",
    )
    assert code == 0, err
    code, out, err = run(capsys, "--config", str(config), "programme", "--days", "2")
    assert code == 0, err
    assert "[ƯU TIÊN]" in out and ("Buổi sáng" in out or "Buổi chiều" in out)
    assert out.count("[mở đầu]") == 1  # only the slot with the bulletin: an empty slot airs no announcements
    code, out, err = run(capsys, "--config", str(config), "programme", "--json")
    rows = json.loads(out)
    assert {r["origin"] for r in rows} >= {"opening", "closing", "operator"}
    first_slot = [
        r
        for r in rows
        if r["slot"] == rows[0]["slot"] and r["due_at"][:10] == rows[0]["due_at"][:10] and r["channel"] == "radio"
    ]
    assert next(r["origin"] for r in first_slot) == "opening" and first_slot[-1]["origin"] == "closing"


def test_rotation_controls_need_a_plan(tmp_path, capsys):
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'loa.db'}")
    code, _, err = run(capsys, "--config", str(config), "plan", "item", "1", "--pin")
    assert code == 1 and "kế hoạch" in err


def test_say_with_piper_uses_the_configured_voice_file(tmp_path, monkeypatch, capsys):
    pytest.importorskip("piper", reason="piper-tts is not installed (pip install -e '.[test]')")
    from tests.fakes.piper_voice import make_piper_voice

    voice = make_piper_voice(tmp_path / "voices")
    (tmp_path / "config.toml").write_text(
        '[station]\nname = "Xã Thử"\ncode = "thu"\n'
        f'[speech]\nengines = ["piper", "espeak"]\npiper_voice = "{voice.as_posix()}"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "say", "Xin chào bà con.", "--out", str(tmp_path / "x.mp3"))
    assert code == 0, err
    assert (tmp_path / "x.mp3").stat().st_size > 1000 and "bộ đọc piper," in out
