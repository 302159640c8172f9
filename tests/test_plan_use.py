"""The plan in use: chosen on purpose (`loa plan use`, `import --use`, the console), the same plan stored once
whatever its file format, rotation, `--item`, `plan item` and the report working from it, and migration 0007."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from broadcasts.models import Airing, Bulletin, ContentItem, Plan
from scheduler.cli.demo import sample_plan_path
from scheduler.plans.documents import read_plan_text
from scheduler.plans.parse import parse_plan, plan_fingerprint
from tests.plan_fixtures import to_docx
from tests.test_cli import run, write_config


def other_plan(tmp_path: Path) -> Path:
    """The sample plan, for another year and with other item texts: another plan."""
    text = sample_plan_path().read_text(encoding="utf-8").replace("2026", "2025")
    text = text.replace("Bộ phận một cửa", "Trung tâm phục vụ hành chính công")
    path = tmp_path / "ke-hoach-2025.txt"
    path.write_text(text, encoding="utf-8")
    return path


def loa(capsys, config: Path, *args: str) -> tuple[int, str, str]:
    return run(capsys, "--config", str(config), *args)


def in_use_line(out: str) -> list[str]:
    """The ids of `plan list`'s rows marked in use."""
    return [line.split()[0] for line in out.splitlines()[2:] if "đang dùng" in line and line.split()[0].isdigit()]


def test_import_does_not_switch_the_plan_in_use_and_plan_use_does(tmp_path, db_url, capsys):
    config = write_config(tmp_path, db_url)
    code, out, err = loa(capsys, config, "plan", "import", str(sample_plan_path()))
    assert code == 0, err
    assert "Đã lưu kế hoạch số 1" in out and "Kế hoạch số 1 là kế hoạch đang dùng" in out  # none was in use
    code, out, err = loa(capsys, config, "plan", "import", str(other_plan(tmp_path)))
    assert code == 0, err
    assert "Đã lưu kế hoạch số 2" in out and "Kế hoạch đang dùng vẫn là số 1" in out and "loa plan use 2" in out
    code, out, _ = loa(capsys, config, "plan", "list")
    assert in_use_line(out) == ["1"] and "Đang dùng" in out.splitlines()[0]

    code, out, err = loa(capsys, config, "plan", "use", "2")
    assert code == 0 and "Từ bây giờ kế hoạch đang dùng là số 2" in out, err
    assert in_use_line(loa(capsys, config, "plan", "list")[1]) == ["2"]
    code, out, _ = loa(capsys, config, "--lang", "en", "plan", "list")
    assert [line.split()[0] for line in out.splitlines()[2:] if "in use" in line] == ["2"]

    code, out, err = loa(capsys, config, "plan", "import", str(sample_plan_path()), "--use")  # stored: only chosen
    assert code == 0 and "đã được nhập trước đây (kế hoạch số 1)" in out, err
    assert "Kế hoạch số 1 là kế hoạch đang dùng" in out
    assert in_use_line(loa(capsys, config, "plan", "list")[1]) == ["1"]
    code, _, err = loa(capsys, config, "plan", "use", "99")
    assert code == 1 and "99" in err and err.count("\n") == 1


def test_the_same_plan_as_txt_and_docx_is_stored_once(tmp_path, db_url, capsys):
    config = write_config(tmp_path, db_url)
    text = sample_plan_path().read_text(encoding="utf-8")
    docx = to_docx(text, tmp_path / "ke-hoach.docx")
    assert plan_fingerprint(parse_plan(read_plan_text(docx))) == plan_fingerprint(parse_plan(text))
    assert loa(capsys, config, "plan", "import", str(sample_plan_path()))[0] == 0
    code, out, err = loa(capsys, config, "plan", "import", str(docx))
    assert code == 0, err
    assert "Kế hoạch này đã có (kế hoạch số 1, nhập từ tệp 'sample_plan.txt'), cùng nội dung; không lưu lại." in out
    code, out, _ = loa(capsys, config, "--lang", "en", "plan", "import", str(docx))
    assert "already stored (plan 1, imported from 'sample_plan.txt')" in out
    code, out, _ = loa(capsys, config, "plan", "list")
    assert sum(1 for line in out.splitlines()[2:] if line.split() and line.split()[0].isdigit()) == 1


def test_item_queue_rotation_and_report_use_the_plan_in_use(tmp_path, db_url, capsys):
    config = write_config(
        tmp_path,
        db_url,
        '[programme]\nrotate_plan = true\n[[slots]]\nname = "Sáng"\ntime = "06:00"\nmax_minutes = 30\n',
    )
    assert loa(capsys, config, "plan", "import", str(sample_plan_path()))[0] == 0
    assert loa(capsys, config, "plan", "import", str(other_plan(tmp_path)))[0] == 0  # an older plan: not in use

    code, out, err = loa(capsys, config, "queue", "--item", "2", "--at", "+1h", "--json")
    assert code == 0, err
    from scheduler.app import build_app
    from scheduler.config import load_config
    from scheduler.programme import planner

    app = build_app(load_config(config))
    try:
        with app.reads() as session:
            bulletin = session.get_one(Bulletin, json.loads(out)["bulletin_id"])
            assert session.get_one(ContentItem, bulletin.content_item_id).plan_id == 1
        now = app.clock.now()
        assert planner.materialize(app, now, now + timedelta(days=2)) > 0
        with app.reads() as session:
            plans = set(
                session.scalars(
                    select(ContentItem.plan_id)
                    .join(Bulletin, Bulletin.content_item_id == ContentItem.id)
                    .join(Airing, Airing.bulletin_id == Bulletin.id)
                    .where(Bulletin.origin == "rotation")
                )
            )
        assert plans == {1}
    finally:
        app.close()
    code, out, err = loa(capsys, config, "report", "--month", "2026-11", "--out", str(tmp_path / "r.csv"))
    assert code == 0 and "Tuyên truyền cải cách hành chính năm 2026" in out, err
    assert loa(capsys, config, "plan", "use", "2")[0] == 0
    code, out, err = loa(capsys, config, "report", "--month", "2026-11", "--out", str(tmp_path / "r.csv"))
    assert code == 0 and "năm 2025" in out, err


def test_plan_show_marks_pin_skip_and_plan_item_takes_a_plan(tmp_path, capsys):
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'loa.db'}")
    assert loa(capsys, config, "plan", "import", str(sample_plan_path()))[0] == 0
    assert loa(capsys, config, "plan", "import", str(other_plan(tmp_path)))[0] == 0
    code, out, _ = loa(capsys, config, "plan", "item", "2", "--pin", "--order", "1")  # in the plan in use: 1
    assert code == 0 and out.strip() == "Nội dung 2: xoay vòng = ghim, thứ tự = 1."
    code, out, _ = loa(capsys, config, "--lang", "en", "plan", "item", "2", "--order", "1")
    assert out.strip() == "Item 2: rotation = pinned, order = 1."
    code, out, err = loa(capsys, config, "plan", "item", "3", "--skip", "--plan", "2")
    assert code == 0, err
    code, out, _ = loa(capsys, config, "plan", "show", "1")
    lines = {line.split()[0]: line for line in out.splitlines()[1:] if line.strip() and line.split()[0][0].isdigit()}
    assert "[ghim, thứ tự 1]" in lines["2"] and "[" not in lines["3"] and "(kế hoạch đang dùng)" in out
    code, out, _ = loa(capsys, config, "plan", "show", "2")
    lines = {line.split()[0]: line for line in out.splitlines()[1:] if line.strip() and line.split()[0][0].isdigit()}
    assert "[bỏ qua]" in lines["3"] and "[" not in lines["2"] and "loa plan use 2" in out
    code, out, _ = loa(capsys, config, "--lang", "en", "plan", "show", "1")
    assert "[pinned, order 1]" in out and "(the plan in use)" in out
    code, _, err = loa(capsys, config, "plan", "item", "9.9", "--pin", "--plan", "2")
    assert code == 1 and "'9.9'" in err and "số 2" in err and err.count("\n") == 1
    code, _, err = loa(capsys, config, "plan", "item", "1", "--pin", "--plan", "77")
    assert code == 1 and "77" in err and err.count("\n") == 1


def test_no_plan_in_use_is_said_and_item_queue_is_refused(tmp_path, capsys):
    from scheduler.app import build_app
    from scheduler.config import load_config

    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'loa.db'}")
    assert loa(capsys, config, "plan", "import", str(sample_plan_path()))[0] == 0
    app = build_app(load_config(config))
    try:
        with app.sessions.begin() as session:
            session.get_one(Plan, 1).active = False
    finally:
        app.close()
    code, out, _ = loa(capsys, config, "plan", "list")
    assert code == 0 and "Chưa chọn kế hoạch đang dùng" in out and in_use_line(out) == []
    code, _, err = loa(capsys, config, "queue", "--item", "1", "--at", "+1h")
    assert code == 1 and "loa plan use" in err and err.count("\n") == 1


def test_migration_keeps_the_newest_plan_in_use_and_fingerprints_the_stored_ones(tmp_path, db_url):
    from alembic import command
    from alembic.config import Config as AlembicConfig
    from sqlalchemy import text

    from broadcasts.store import MIGRATIONS, make_engine, open_store

    engine = make_engine(db_url)
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", MIGRATIONS)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0005")
    parsed = parse_plan(sample_plan_path().read_text(encoding="utf-8"))
    with engine.begin() as connection:
        station = "INSERT INTO stations (id, code, name, timezone) VALUES (1, 'a', 'A', 'Asia/Ho_Chi_Minh')"
        connection.execute(text(station))
        for plan_id, day in ((1, 5), (2, 9), (3, 7)):  # plan 2 is the newest
            connection.execute(
                text(
                    "INSERT INTO plans (id, station_id, title, year, issuer, channels, source_name, sha256, "
                    "imported_at, active) VALUES (:id, 1, :title, :year, :issuer, :channels, 'p.txt', :sha, :at, :on)"
                ),
                {
                    "id": plan_id,
                    "title": parsed.title,
                    "year": parsed.year,
                    "issuer": parsed.issuer,
                    "channels": json.dumps(list(parsed.channels)),
                    "sha": str(plan_id) * 64,
                    "at": f"2026-01-0{day} 08:00:00+00:00",
                    "on": True,
                },
            )
        refs: dict[str, int] = {}
        for position, item in enumerate(parsed.items):
            row_id = 100 + position
            connection.execute(
                text(
                    "INSERT INTO content_items (id, plan_id, ref, parent_id, label, text, position, rotation) "
                    "VALUES (:id, 1, :ref, :parent, :label, :text, :position, 'normal')"
                ),
                {
                    "id": row_id,
                    "ref": item.ref,
                    "parent": refs.get(item.parent or ""),
                    "label": item.label,
                    "text": item.text,
                    "position": position,
                },
            )
            refs[item.ref] = row_id
    engine.dispose()
    engine, sessions = open_store(db_url)
    try:
        with sessions() as session:
            plans = {p.id: p for p in session.scalars(select(Plan))}
        assert [p for p in plans if plans[p].active] == [2]
        assert plans[1].content_sha256 == plan_fingerprint(parsed)
        assert plans[2].content_sha256 and plans[2].content_sha256 != plans[1].content_sha256  # no items
    finally:
        engine.dispose()
