"""`loa plan import/list/show` end to end: the JSON contract, duplicates, dry runs, failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scheduler.cli.demo import sample_plan_path
from tests.conftest import SHARED
from tests.test_cli import run, write_config

PLANS = sorted((SHARED / "plans").glob("*.txt")) if (SHARED / "plans").exists() else []


def plan_count(capsys, config) -> int:
    code, out, _ = run(capsys, "--config", str(config), "plan", "list")
    assert code == 0
    return sum(1 for line in out.splitlines()[2:] if line.strip() and line.split()[0].isdigit())


def test_import_prints_the_contract_json_and_stores_once(tmp_path, db_url, capsys):
    config = write_config(tmp_path, db_url)
    code, out, err = run(capsys, "--config", str(config), "plan", "import", str(sample_plan_path()), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"title", "year", "issuer", "channels", "items"}
    assert data["year"] == 2026 and data["channels"] == ["radio", "facebook", "zalo"]
    assert all(set(i) == {"ref", "parent", "label", "text"} for i in data["items"])
    children = [i for i in data["items"] if i["parent"]]
    assert children and all(c["ref"].startswith(c["parent"] + ".") for c in children)
    code, out, _ = run(capsys, "--config", str(config), "plan", "import", str(sample_plan_path()))
    assert code == 0 and "đã được nhập trước đây" in out
    assert plan_count(capsys, config) == 1
    code, out, _ = run(capsys, "--config", str(config), "plan", "show", "1", "--json")
    assert json.loads(out) == data


def test_dry_run_and_failed_imports_store_nothing(tmp_path, capsys):
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'loa.db'}")
    code, out, _ = run(capsys, "--config", str(config), "plan", "import", str(sample_plan_path()), "--dry-run")
    assert code == 0 and "chưa lưu gì" in out and "3.1" in out
    bad = tmp_path / "thu-moi.txt"
    bad.write_text("Kính mời các đồng chí dự họp lúc 8 giờ sáng thứ Hai.\n", encoding="utf-8")
    code, _, err = run(capsys, "--config", str(config), "plan", "import", str(bad))
    assert code == 1 and err.count("\n") == 1 and "thu-moi.txt" in err and "Traceback" not in err
    code, _, err = run(capsys, "--config", str(config), "plan", "import", str(tmp_path / "none.docx"))
    assert code == 1 and "none.docx" in err
    assert plan_count(capsys, config) == 0


def test_show_unknown_plan_is_one_line(tmp_path, capsys):
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'loa.db'}")
    code, _, err = run(capsys, "--config", str(config), "plan", "show", "42")
    assert code == 1 and "42" in err and err.count("\n") == 1


@pytest.mark.skipif(not PLANS, reason="../shared/plans is not beside the repository")
@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name[:3])
def test_real_plans_import_and_queue_an_item(tmp_path, capsys, path: Path):
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'loa.db'}")
    code, out, err = run(capsys, "--config", str(config), "plan", "import", str(path))
    assert code == 0, err
    assert "Đã lưu kế hoạch số 1" in out
    code, out, err = run(capsys, "--config", str(config), "queue", "--item", "1", "--at", "+1h", "--json")
    assert code == 0, err
    assert json.loads(out)["airings"]
