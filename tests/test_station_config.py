"""A station kept as data: its tables over the deployment's file, checked by the same loader."""

from __future__ import annotations

import pytest

from scheduler.config import load_config
from scheduler.config.stations import station_config, station_settings
from scheduler.errors import ConfigError

FILE = """
[station]
name = "Đài tỉnh"
code = "tinh"
[database]
url = "sqlite:///loa.db"
[runner]
poll_seconds = 1.0
stations = ["*"]
[[slots]]
name = "Sáng"
time = "06:30"
"""


def test_a_station_takes_its_own_tables_and_the_deployment_keeps_the_rest(tmp_path):
    (tmp_path / "config.toml").write_text(FILE, encoding="utf-8")
    base = load_config(tmp_path / "config.toml")
    config = station_config(
        base,
        {"slots": [{"name": "Chiều", "time": "17:15"}], "speech": {"rate": 170}},
        code="xa-a",
        name="Đài xã A",
        timezone="Asia/Ho_Chi_Minh",
    )
    assert (config.station.code, config.station.name) == ("xa-a", "Đài xã A")
    assert [(s.name, s.time) for s in config.slots] == [("Chiều", "17:15")]
    assert config.speech.rate == 170
    assert config.runner.poll_seconds == 1.0  # the deployment's
    assert config.database_url == base.database_url
    assert config.data_dir == base.data_dir / "stations" / "xa-a" / "data"
    assert config.cache_dir == base.cache_dir  # shared: a sentence is spoken once for every station
    assert station_settings(base)["slots"] == [{"name": "Sáng", "time": "06:30"}]


def test_a_wrong_station_setting_is_refused_naming_the_station(tmp_path):
    (tmp_path / "config.toml").write_text(FILE, encoding="utf-8")
    base = load_config(tmp_path / "config.toml")
    with pytest.raises(ConfigError) as caught:
        station_config(base, {"speech": {"rate": 9999}}, code="xa-b", name="B", timezone="Asia/Ho_Chi_Minh")
    assert "station xa-b" in str(caught.value.params) and "speech.rate" in str(caught.value.params)
