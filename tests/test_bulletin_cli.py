"""`loa bulletin list | show | cancel | move | edit`, and the radio in `loa reconcile` / `loa mark` (CliRunner)."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, select, update

from broadcasts.models import Airing, AiringStatus
from scheduler.cli import main


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []})
@click.pass_context
def _loa(ctx: click.Context) -> None:
    main(list(ctx.args))


class Loa:
    """`loa ARGS` through main() under click's CliRunner: exit code, stdout, stderr."""

    def __init__(self, config: Path) -> None:
        self.config = config
        self.runner = CliRunner(mix_stderr=False)

    def __call__(self, *args: str) -> tuple[int, str, str]:
        result = self.runner.invoke(_loa, ["--config", str(self.config), *args], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def loa(tmp_path: Path) -> Loa:
    config = tmp_path / "config.toml"
    config.write_text(
        '[station]\nname = "Đài xã Thử"\ncode = "thu"\n'
        f'[database]\nurl = "sqlite:///{tmp_path / "loa.db"}"\n'
        '[channels]\nenabled = ["radio", "facebook"]\n',
        encoding="utf-8",
    )
    return Loa(config)


def _queue(loa: Loa, text: str, at: str) -> dict:
    code, out, err = loa("queue", "--text", text, "--at", at, "--json")
    assert code == 0, err
    return json.loads(out)


def test_list_show_cancel_move_and_edit(loa):
    first = _queue(loa, "Thông báo lịch tiêm chủng ngày 30/7.", "+2h")
    second = _queue(loa, "Họp dân khu phố 3.", "+3h")
    code, out, _ = loa("bulletin", "list")
    assert code == 0 and f"#{first['bulletin_id']}  Đã duyệt  Thông báo lịch tiêm chủng" in out
    code, out, _ = loa("bulletin", "list", "--json")
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [first["bulletin_id"], second["bulletin_id"]]
    assert all(a["due_at"].endswith("+07:00") for r in rows for a in r["airings"])
    code, out, _ = loa("bulletin", "show", str(first["bulletin_id"]))
    assert code == 0 and "Nội dung:" in out and "Thông báo lịch tiêm chủng ngày 30/7." in out and "chờ phát" in out

    first_id = str(first["bulletin_id"])
    code, out, err = loa("bulletin", "cancel", first_id, "--channel", "facebook", "--reason", "sai ngày")
    assert code == 0, err
    assert f"Đã huỷ 1 lượt của bản tin số {first['bulletin_id']}:" in out and "bỏ qua" in out
    code, out, _ = loa("log", "--format", "json")
    [record] = json.loads(out)
    assert record["outcome"] == "skipped" and "sai ngày" in record["error_message"]
    assert "cli:" in record["error_message"]

    code, out, err = loa("bulletin", "move", str(second["bulletin_id"]), "--slot", "17:00")
    assert code == 0, err
    assert "[Buổi chiều]" in out and "17:00:00" in out
    code, out, err = loa("--lang", "en", "bulletin", "move", str(second["bulletin_id"]), "--at", "+4h", "--json")
    moved = json.loads(out)
    assert moved["action"] == "move" and len(moved["airings"]) == 2 and moved["airings"][0]["slot"] is None

    second_id = str(second["bulletin_id"])
    code, out, err = loa("bulletin", "edit", second_id, "--title", "Họp dân", "--text", "Họp lúc 19:00.")
    assert code == 0 and f"Đã sửa bản tin số {second['bulletin_id']}." in out
    code, out, _ = loa("bulletin", "show", str(second["bulletin_id"]), "--json")
    shown = json.loads(out)
    assert shown["title"] == "Họp dân" and shown["body"] == "Họp lúc 19:00." and shown["approval"] == "approved"


@pytest.mark.parametrize(
    ("args", "vi", "en"),
    [
        (["cancel", "99"], "Không tìm thấy", "not found"),
        (["cancel", "{id}", "--channel", "tiktok"], "không có lượt phát trên kênh 'tiktok'", "no airing on channel"),
        (["move", "{id}"], "Cần đúng một trong hai", "Give exactly one of"),
        (["move", "{id}", "--at", "2020-01-01 10:00"], "đã qua", "has passed"),
        (["move", "{id}", "--slot", "22:00"], "Không có khung giờ '22:00'", "There is no slot '22:00'"),
        (["move", "{id}", "--at", "mai"], "Không hiểu thời điểm", "Cannot read the time"),
        (["edit", "{id}"], "Cần nội dung mới", "Give a new text"),
        (["edit", "{id}", "--text", "a", "--file", "x.txt"], "không dùng cả hai", "not both"),
        (["edit", "{id}", "--file", "/nonexistent/x.txt"], "x.txt", "x.txt"),
    ],
)
def test_bad_input_is_one_line_in_the_language_asked(loa, args, vi, en):
    queued = _queue(loa, "Tin thử lỗi.", "+2h")
    args = [a.replace("{id}", str(queued["bulletin_id"])) for a in args]
    for lang, expected in (("vi", vi), ("en", en)):
        code, out, err = loa("--lang", lang, "bulletin", *args)
        assert code == 1 and out == "" and expected in err and err.count("\n") == 1, (lang, err)
        assert "Traceback" not in err and (lang == "en") == err.startswith("Error:")


def test_nothing_pending_after_cancel(loa):
    queued = _queue(loa, "Tin huỷ hai lần.", "+2h")
    assert loa("bulletin", "cancel", str(queued["bulletin_id"]))[0] == 0
    code, _, err = loa("--lang", "en", "bulletin", "cancel", str(queued["bulletin_id"]))
    assert code == 1 and "has nothing left to air" in err
    code, out, _ = loa("bulletin", "list")
    assert code == 0 and "Không có bản tin nào đang chờ phát." in out


# ---- point 7: the radio's unknown outcomes -----------------------------------------------------------


def _make_unknown(loa: Loa, airing_ids: list[int]) -> None:
    url = f"sqlite:///{loa.config.parent / 'loa.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(update(Airing).where(Airing.id.in_(airing_ids)).values(status=AiringStatus.unknown))
    engine.dispose()


def test_reconcile_asks_the_radios_playout_and_mark_speaks_of_airing(loa):
    queued = _queue(loa, "Tin phát trước khi máy tắt.", "+1h")
    radio = next(a["id"] for a in queued["airings"] if a["channel"] == "radio")
    facebook = next(a["id"] for a in queued["airings"] if a["channel"] == "facebook")
    second = next(a["id"] for a in _queue(loa, "Tin thứ hai.", "+1h")["airings"] if a["channel"] == "radio")
    _make_unknown(loa, [radio, second])
    code, out, err = loa("--lang", "en", "mark", str(radio), "--as", "posted")
    assert code == 1 and "is a radio airing: record it as aired, failed or missed" in err
    code, out, err = loa("--lang", "en", "mark", str(facebook), "--as", "aired")
    assert code == 1 and "record it as posted or failed" in err
    code, out, err = loa("mark", str(radio), "--as", "aired", "--note", "nghe lại bản lưu")
    assert code == 0 and f"Đã ghi lượt #{radio}: đã phát." in out
    code, out, err = loa("--lang", "en", "reconcile")
    assert code == 0, err
    assert f"Airing {second} (radio" in out and "the playout never received it — recorded as failed" in out
    assert "is not enabled" not in out
    code, out, _ = loa("log", "--format", "json")
    outcomes = {r["airing_id"]: r["outcome"] for r in json.loads(out)}
    assert outcomes == {radio: "aired", second: "failed"}
    code, out, err = loa("--lang", "en", "retry", str(second))
    assert code == 0 and "again on radio" in out


def test_reconcile_of_a_radio_that_is_not_enabled_says_the_radio(loa):
    queued = _queue(loa, "Tin trước khi tắt loa.", "+1h")
    radio = next(a["id"] for a in queued["airings"] if a["channel"] == "radio")
    _make_unknown(loa, [radio])
    text = loa.config.read_text(encoding="utf-8").replace('enabled = ["radio", "facebook"]', 'enabled = ["facebook"]')
    loa.config.write_text(text, encoding="utf-8")
    code, out, _ = loa("reconcile")
    assert code == 0 and "truyền thanh không bật trong cấu hình" in out and f"loa mark {radio} --as aired" in out
    code, out, _ = loa("mark", str(radio), "--as", "missed", "--note", "mất điện")
    assert code == 0 and "bỏ lỡ" in out


def test_an_airing_on_the_air_is_reported_and_stop_asks_the_radio(loa):
    queued = _queue(loa, "Tin đang phát trên loa.", "+1h")
    radio = next(a["id"] for a in queued["airings"] if a["channel"] == "radio")
    engine = create_engine(f"sqlite:///{loa.config.parent / 'loa.db'}")
    with engine.begin() as conn:
        conn.execute(update(Airing).where(Airing.id == radio).values(status=AiringStatus.running, claimed_by="x"))
    code, out, err = loa("--lang", "en", "bulletin", "cancel", str(queued["bulletin_id"]), "--channel", "radio")
    assert code == 0, err
    assert f"Airing {radio} (radio) is on the air, so it is not cancelled; add --stop" in out
    code, out, err = loa("bulletin", "cancel", str(queued["bulletin_id"]), "--stop", "--json")
    change = json.loads(out)
    assert change["stopping"] == [radio] and [a["channel"] for a in change["airings"]] == ["facebook"]
    with engine.connect() as conn:
        by = conn.execute(select(Airing.stop_requested_by).where(Airing.id == radio)).scalar_one()
    engine.dispose()
    assert by is not None and by.startswith("cli:")
    code, out, err = loa("--lang", "en", "bulletin", "edit", str(queued["bulletin_id"]), "--title", "x")
    assert code == 1 and "is on the air and cannot be edited now" in err
