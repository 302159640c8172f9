"""`loa station add | list | show | edit`: stations kept as data, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select

from broadcasts.accounts import AuditEntry
from broadcasts.models import Slot, Station
from scheduler.config.dump import toml_text
from tests.cli_support import run

FILE = """
[station]
name = "Đài xã Thử"
code = "thu"
language = "vi"
[database]
url = "{url}"
[channels]
enabled = ["radio", "facebook"]
[speech]
rate = 160
[[slots]]
name = "Sáng"
time = "06:00"
[[slots]]
name = "Chiều"
time = "17:00"
channels = ["radio", "facebook"]
"""

STATION_FILE = """
[[slots]]
name = "Trưa"
time = "11:30"
[channels]
enabled = ["radio"]
"""


@pytest.fixture
def loa(tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]) -> Any:
    config = tmp_path / "config.toml"
    config.write_text(FILE.format(url=db_url), encoding="utf-8")

    def call(*args: str) -> tuple[int, str, str]:
        return run(capsys, "--config", str(config), *args)

    call.url = db_url  # type: ignore[attr-defined]
    return call


def _rows(url: str) -> tuple[list[tuple[str, Any]], int, list[tuple[str, str, int]]]:
    """(code, settings) of every station, the number of audit entries, and every slot (station, name, days)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            stations = [(c, s) for c, s in conn.execute(select(Station.code, Station.settings).order_by(Station.code))]
            audits = conn.scalar(select(func.count()).select_from(AuditEntry)) or 0
            slots = list(
                conn.execute(
                    select(Station.code, Slot.name, Slot.weekdays)
                    .join(Station, Station.id == Slot.station_id)
                    .order_by(Station.code, Slot.name)
                )
            )
    finally:
        engine.dispose()
    return stations, audits, [(c, n, len(w)) for c, n, w in slots]


def test_add_list_show_edit_round_trip(loa, tmp_path):
    code, out, err = loa("station", "add", "xa-a", "--name", "Đài xã A", "--district", "Huyện B", "--from-config")
    assert code == 0 and "xa-a" in out, err
    code, out, _ = loa("station", "list", "--json")
    listed = {row["code"]: row for row in json.loads(out)}
    assert listed["thu"]["source"] == "file" and listed["xa-a"]["source"] == "data"
    assert listed["xa-a"] | {"created_at": None, "updated_at": None} == {
        "code": "xa-a",
        "name": "Đài xã A",
        "timezone": "Asia/Ho_Chi_Minh",
        "district": "Huyện B",
        "active": True,
        "source": "data",
        "slots": 2,
        "zones": ["main"],
        "channels": ["radio", "facebook"],
        "nodes": [],
        "created_at": None,
        "updated_at": None,
        "problem": None,
    }
    code, out, _ = loa("station", "show", "xa-a", "--json")
    shown = json.loads(out)
    assert shown["settings"]["speech"] == {"rate": 160}
    assert shown["settings"]["station"] == {"language": "vi"}  # the identity is the row's, not the settings'
    assert tomllib.loads(shown["settings_toml"]) == shown["settings"]

    code, out, err = loa(
        "station", "edit", "xa-a", "--set", "speech.rate=170", "--set", 'channels.enabled=["radio"]',
        "--name", "Đài xã A mới", "--inactive", "--by", "tinh-admin", "--json",
    )  # fmt: skip
    assert code == 0, err
    edited = json.loads(out)
    assert (edited["name"], edited["active"], edited["channels"]) == ("Đài xã A mới", False, ["radio"])
    assert edited["settings"]["speech"]["rate"] == 170
    code, out, _ = loa("station", "show", "xa-a")
    assert "Đài xã A mới" in out and "rate = 170" in out

    (tmp_path / "xa.toml").write_text(STATION_FILE, encoding="utf-8")
    code, out, err = loa("station", "edit", "xa-a", "--file", str(tmp_path / "xa.toml"))
    assert code == 0, err
    stations, _, slots = _rows(loa.url)
    assert dict(stations)["xa-a"] == {"slots": [{"name": "Trưa", "time": "11:30"}], "channels": {"enabled": ["radio"]}}
    # the slots follow the settings: the new one airs, those taken out never occur again
    assert [s for s in slots if s[0] == "xa-a"] == [("xa-a", "Chiều", 0), ("xa-a", "Sáng", 0), ("xa-a", "Trưa", 7)]
    code, out, _ = loa("station", "list", "--json")
    assert {r["code"]: r["slots"] for r in json.loads(out)}["xa-a"] == 1

    engine = create_engine(loa.url)
    with engine.connect() as conn:
        trail = list(conn.execute(select(AuditEntry.action, AuditEntry.username, AuditEntry.target)))
    engine.dispose()
    assert ("station_change", "tinh-admin", "xa-a") in trail
    assert [a for a, _, t in trail if t == "xa-a"] == ["station_add", "station_change", "station_change"]


def test_the_file_station_stays_the_file_s(loa):
    code, out, _ = loa("station", "show", "thu", "--json")
    shown = json.loads(out)
    assert code == 0 and shown["source"] == "file" and shown["settings"]["speech"] == {"rate": 160}
    stations, _, _ = _rows(loa.url)
    assert stations == [("thu", None)]  # configured from config.toml exactly as before
    code, _, err = loa("station", "edit", "thu", "--name", "Khác")
    assert code == 1 and "config.toml" in err
    code, out, err = loa("station", "edit", "thu", "--district", "Huyện C", "--json")
    assert code == 0 and json.loads(out)["district"] == "Huyện C", err
    assert _rows(loa.url)[0] == [("thu", None)]
    code, out, _ = loa("--lang", "en", "station", "list")
    assert code == 0 and "thu" in out and "Active" in out


def test_add_without_settings_and_from_a_file(loa, tmp_path):
    (tmp_path / "xa.toml").write_text(
        STATION_FILE + '[database]\nurl = "sqlite:///elsewhere.db"\n', encoding="utf-8"
    )  # a whole config.toml may be given: the deployment's tables in it are not the station's
    code, out, err = loa("station", "add", "xa-b", "--name", "B", "--file", str(tmp_path / "xa.toml"), "--json")
    assert code == 0, err
    assert json.loads(out)["settings"] == tomllib.loads(STATION_FILE)
    code, out, err = loa("station", "add", "xa-c", "--name", "C", "--timezone", "Asia/Bangkok", "--json")
    assert code == 0 and json.loads(out)["timezone"] == "Asia/Bangkok" and json.loads(out)["settings"] == {}, err


BIG = "# " + "x" * 300_000 + "\n"


@pytest.mark.parametrize(
    ("args", "content", "says"),
    [
        (["add", "XA", "--name", "x"], None, "XA"),
        (["add", "../etc", "--name", "x"], None, "../etc"),
        (["add", "a" * 41, "--name", "x"], None, "a" * 41),
        (["add", "thu", "--name", "x"], None, "thu"),  # taken by the file's station
        (["add", "xa-z", "--name", ""], None, "1"),
        (["add", "xa-z", "--name", "x\x00y"], None, "1"),
        (["add", "xa-z", "--name", "x", "--timezone", "Mars/Base"], None, "Mars/Base"),
        (["add", "xa-z", "--name", "x", "--timezone", "../../etc/passwd"], None, "passwd"),
        (["add", "xa-z", "--name", "x", "--file", "{file}"], "[speech]\nrat = 1\n", "speech.rat"),
        (["add", "xa-z", "--name", "x", "--file", "{file}"], "[speach]\nrate = 1\n", "speach"),
        (["edit", "xa-a", "--set", "web.port=1"], None, "web"),
        (
            ["add", "xa-z", "--name", "x", "--file", "{file}"],
            '[channels.facebook]\naccess_token = "EAAB-secret"\n',
            "access_token",
        ),
        (["add", "xa-z", "--name", "x", "--file", "{file}"], '[speech]\napi_key = "k"\n', "api_key"),
        (["add", "xa-z", "--name", "x", "--file", "{file}"], BIG, "262144"),
        (["add", "xa-z", "--name", "x", "--file", "{file}"], "\x89PNG\r\n\x1a\n\x00\x00garbage", "TOML"),
        (["add", "xa-z", "--name", "x", "--file", "{file}"], 'a = "x\x00y"\n', "TOML"),
        (["add", "xa-z", "--name", "x", "--file", "{file}"], "a = " + "[" * 500 + "]" * 500, "500"),
        (["add", "xa-z", "--name", "x", "--file", "{file}"], "[speech]\nrate = 1979-05-27\n", "speech"),
        (["add", "xa-z", "--name", "x", "--file", "{file}", "--from-config"], "", "--from-config"),
        (["add", "xa-z", "--name", "x", "--file", "/nonexistent/x.toml"], None, "/nonexistent/x.toml"),
        (["edit", "nope", "--name", "x"], None, "nope"),
        (["edit", "xa-a", "--set", "speech.rate=99999"], None, "speech.rate"),
        (["edit", "xa-a", "--set", "speech.rate"], None, "speech.rate"),
        (["edit", "xa-a", "--set", "speech.rate=["], None, "speech.rate"),
        (["edit", "xa-a", "--set", "database.url=x"], None, "database"),
        (["edit", "xa-a", "--set", "station.code=b"], None, "station.code"),
        (["edit", "xa-a", "--set", "channels.facebook.page_token=x"], None, "page_token"),
        (["edit", "xa-a", "--set", "speech.rate.x=1"], None, "speech.rate"),
        (["edit", "xa-a", "--set", "slots=[{name='x'}]"], None, "slots"),
        (["edit", "xa-a", "--timezone", "Nowhere"], None, "Nowhere"),
        (["edit", "xa-a", "--file", "{file}"], "[[slots]]\nname = 'x'\ntime = '25:99'\n", "time"),
        (["edit", "xa-a"], None, "--set"),
    ],
)
def test_hostile_input_is_one_line_and_stores_nothing(loa, tmp_path, args, content, says):
    code, _, err = loa("station", "add", "xa-a", "--name", "A", "--from-config")
    assert code == 0, err
    before = _rows(loa.url)
    path = tmp_path / "station.toml"
    if content is not None:
        path.write_bytes(content.encode("utf-8", "surrogatepass"))
    argv = [a.replace("{file}", str(path)) for a in args]
    code, out, err = loa("station", *argv)
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Lỗi: "), err
    assert "Traceback" not in err and "lỗi nội bộ" not in err, err
    assert says in lines[0], lines[0]
    assert _rows(loa.url) == before  # nothing half-stored: no row, no slot, no audit entry


def test_settings_are_written_back_as_the_toml_they_came_from():
    table = {
        "require_approval": True,
        "station": {"language": "en"},
        "slots": [{"name": 'Sáng "1"\n', "time": "06:30", "days": ["mon"]}, {"name": "x\x7f", "time": "x"}],
        "channels": {"enabled": ["radio"], "radio": {"zones": {"a b": {"label": "Cụm 1"}}, "relays": []}},
        "speech": {"rate": 1.5, "lexicon": [[1, 2], [{"a": 1}]]},
    }
    assert tomllib.loads(toml_text(table)) == table
    assert toml_text({}) == ""
