"""Delivery evidence in the database: a node that takes over another node's airing reads what that node handed
over or sent (the sinks' ledgers, the channels' journals) and never sends it again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text, update

from audio.sinks.ledger import Ledger
from broadcasts.channels.base import Broadcast
from broadcasts.channels.journal import DONE, SENDING, Journal
from broadcasts.evidence import DatabaseBook, within
from broadcasts.models import Evidence, Node, Outcome
from broadcasts.redact import remember
from broadcasts.store import open_store
from scheduler.app import build_app
from scheduler.runner import Runner, claims
from scheduler.services.queue import queue_bulletin
from tests.conftest import make_config
from tests.fakes.graph_server import PAGE_ID, VERSION, GraphServer
from tests.fakes.social import close_app, facebook_table, records, set_secrets
from tests.fakes.tts import ToneEngine

FEED = f"/{VERSION}/{PAGE_ID}/feed"

# ---- the book itself ------------------------------------------------------------------------


def test_a_book_round_trips_and_another_engine_sees_each_write(db_url):
    one, _ = open_store(db_url)
    two, _ = open_store(db_url)
    try:
        a, b = DatabaseBook(one, "ledger:thu:main", node="A"), DatabaseBook(two, "ledger:thu:main", node="B")
        assert b.load("k1") is None
        a.save("k1", {"state": "pending", "target": "/outbox/k1.mp3"})
        assert b.load("k1") == {"state": "pending", "target": "/outbox/k1.mp3"}
        a.save("k1", {"state": "done", "target": "/outbox/k1.mp3"})
        assert Ledger(b).state("k1") == "done" and Ledger(b).was_played("k1") is True
        assert DatabaseBook(two, "ledger:thu:loa-2").load("k1") is None  # another zone's book
        journal_a, journal_b = (
            Journal(DatabaseBook(one, "journal:thu:facebook")),
            Journal(DatabaseBook(two, "journal:thu:facebook")),
        )
        journal_a.mark("k1", "post", SENDING)
        assert journal_b.load("k1") == {"post": {"state": SENDING}}
        journal_a.mark("k1", "post", DONE, id="1_2")
        assert journal_b.load("k1") == {"post": {"state": DONE, "id": "1_2"}}
        with two.connect() as connection:
            rows = connection.execute(select(Evidence.book, Evidence.key, Evidence.node)).all()
        assert sorted(map(tuple, rows)) == [("journal:thu:facebook", "k1", None), ("ledger:thu:main", "k1", "A")]
    finally:
        one.dispose()
        two.dispose()


def test_a_journal_in_the_database_holds_no_secret(db_url):
    secret = "EAAG-evidence-canary-token-123456"
    remember(secret)
    engine, _ = open_store(db_url)
    try:
        Journal(DatabaseBook(engine, "journal:thu:facebook")).mark(
            "k1", "post", DONE, id="1_2", url=f"https://graph.example/1_2?access_token={secret}"
        )
        with engine.connect() as connection:
            dumped = json.dumps([list(map(str, row)) for row in connection.execute(text("SELECT * FROM evidence"))])
        assert "1_2" in dumped and secret not in dumped
    finally:
        engine.dispose()


def test_within_a_session_a_book_writes_with_it(db_url):
    engine, sessions = open_store(db_url)
    try:
        book = DatabaseBook(engine, "journal:thu:zalo")
        with sessions.begin() as session, within(session):  # on SQLite a second writer here would wait forever
            book.save("k2", {"steps": {"article": {"state": DONE}}})
            assert book.load("k2") == {"steps": {"article": {"state": DONE}}}
        assert book.load("k2") is not None
        try:
            with sessions.begin() as session, within(session):
                book.save("k3", {"steps": {}})
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        assert book.load("k3") is None  # rolled back with the transaction
    finally:
        engine.dispose()


# ---- takeover by another node -----------------------------------------------------------------


def node_app(tmp_path: Path, db_url: str, clock: Any, name: str, **tables: Any) -> Any:
    """A node of its own: its own folder (so no local file can help it), the same database."""
    home = tmp_path / name
    home.mkdir(exist_ok=True)
    config = make_config(home, db_url, runner={"node": name}, **tables)
    return build_app(config, clock=clock, tts=ToneEngine())


def radio_nodes(tmp_path, db_url, clock):
    radio = {"channels": {"enabled": ["radio"]}}
    a = node_app(tmp_path, db_url, clock, "A", **radio)
    b = node_app(tmp_path, db_url, clock, "B", **radio)
    return a, b


def left_by(app: Any, channel: str) -> tuple[int, Broadcast]:
    """An airing claimed by `app`'s node, which then dies (its heartbeat goes stale, its lease does not expire)."""
    [queued] = queue_bulletin(app, text="UBND xã thông báo lịch tiếp công dân.", at="now", channels=[channel]).airings
    assert claims.claim(app, queued.id, app.clock.now())
    row = claims.load(app, queued.id)
    assert row is not None
    from scheduler.runner.heartbeat import Heartbeat

    Heartbeat(app).register()
    app.in_hand.clear()  # the process is gone
    return queued.id, Broadcast.of(*row)


def outbox(app: Any) -> list[Path]:
    return sorted((Path(app.config.base_dir) / "outbox").glob("*.mp3"))


@pytest.mark.parametrize("state", ["done", "pending", None])
def test_a_radio_airing_left_by_a_dead_node_is_settled_from_its_ledger(tmp_path, db_url, clock, state):
    a, b = radio_nodes(tmp_path, db_url, clock)
    try:
        airing_id, broadcast = left_by(a, "radio")
        if state is not None:  # what A's sink wrote before A died
            a.channels["radio"].zone(None).sink.ledger.mark(broadcast.key, state, target="A's outbox")
        runner = Runner(b, heartbeat=False)
        assert runner.recover() == []  # A's heartbeat is fresh and its lease holds: A still has it
        clock.advance(seconds=25)  # three missed heartbeats (5 s) and the margin, well inside the 60 s lease
        settled = runner.run_due()
        [record] = records(b, airing_id)
        assert [r.id for r in settled] == [record.id]
        if state == "done":
            assert record.outcome is Outcome.aired and (record.detail or {})["recovered"] and outbox(b) == []
        elif state == "pending":
            assert record.outcome is Outcome.unknown and record.error_code == "crashed_unclear" and outbox(b) == []
        else:  # surely nothing went out: B airs it, once
            assert record.outcome is Outcome.aired and len(outbox(b)) == 1
        assert runner.run_due() == [] and len(records(b, airing_id)) == 1
    finally:
        close_app(a)
        close_app(b)


def test_a_stopped_node_s_claim_is_settled_at_once(tmp_path, db_url, clock):
    a, b = radio_nodes(tmp_path, db_url, clock)
    try:
        airing_id, broadcast = left_by(a, "radio")
        a.channels["radio"].zone(None).sink.ledger.mark(broadcast.key, "done", target="x")
        with a.sessions.begin() as session:
            session.execute(update(Node).where(Node.name == "A").values(stopped_at=clock.now()))
        [record] = Runner(b, heartbeat=False).recover()
        assert record.airing_id == airing_id and record.outcome is Outcome.aired
    finally:
        close_app(a)
        close_app(b)


@pytest.fixture
def graph(clock):
    with GraphServer(now=clock.now) as server:
        yield server


def facebook_nodes(tmp_path, db_url, clock, monkeypatch, graph):
    set_secrets(monkeypatch)
    channels = {"channels": {"enabled": ["facebook"], "facebook": facebook_table(graph)}}
    return node_app(tmp_path, db_url, clock, "A", **channels), node_app(tmp_path, db_url, clock, "B", **channels)


@pytest.mark.parametrize("state", ["done", "sending", None])
def test_a_post_left_by_a_dead_node_is_never_sent_twice(tmp_path, db_url, clock, monkeypatch, graph, state):
    a, b = facebook_nodes(tmp_path, db_url, clock, monkeypatch, graph)
    try:
        airing_id, broadcast = left_by(a, "facebook")
        if state is not None:  # A posted (its journal says done), then died before recording it ...
            a.channels["facebook"].publish(broadcast)
            if state == SENDING:  # ... or died between the request and the journal's "done"
                a.channels["facebook"].journal.mark(broadcast.key, "post", SENDING)
        assert len(graph.posts) == (0 if state is None else 1)
        clock.advance(seconds=25)
        Runner(b, heartbeat=False).run_due()
        [record] = records(b, airing_id)
        assert record.outcome is Outcome.posted
        assert graph.per_key() == {broadcast.key: 1}  # on the Page once, whoever sent it
        assert record.external_id == graph.posts[0]["id"]
        if state == "done":
            assert (record.detail or {})["from_journal"] and graph.seen("GET", FEED) == []
        if state == SENDING:
            assert (record.detail or {}).get("found_on_page")
    finally:
        close_app(a)
        close_app(b)


# ---- a real node killed while it plays, another node settles it -------------------------------

LOA = [sys.executable, "-m", "scheduler"]


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL needs POSIX signals")
def test_a_node_killed_mid_airing_is_settled_by_another_node_and_nothing_plays_twice(tmp_path, db_url):
    marks = tmp_path / "marks.log"
    player = tmp_path / "player.sh"
    player.write_text(f'echo "start $1" >> "{marks}"\nsleep 4\necho "end $1" >> "{marks}"\n', encoding="utf-8")
    configs = {}
    for name in ("a", "b"):
        home = tmp_path / name
        home.mkdir()
        configs[name] = home / "config.toml"
        configs[name].write_text(
            f'[station]\nname = "Đài xã Thử"\ncode = "thu"\n[database]\nurl = "{db_url}"\n'
            "[runner]\npoll_seconds = 0.2\nlease_seconds = 3\nheartbeat_seconds = 1\n"
            '[channels]\nenabled = ["radio"]\n[channels.radio]\nsink = "command"\n'
            f'[channels.radio.command]\ncommand = "/bin/sh {player} {{file}}"\ntimeout_seconds = 30\n',
            encoding="utf-8",
        )
    env = {**os.environ, "PYTHONPATH": os.getcwd()}

    def loa(name: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*LOA, "--config", str(configs[name]), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**env, "LOA_NODE": name},
        )

    out = loa("a", "queue", "--text", "UBND xã thông báo lịch tiếp công dân.", "--at", "now", "--json")
    assert out.returncode == 0, out.stderr
    [airing_id] = [x["id"] for x in json.loads(out.stdout)["airings"]]
    proc = subprocess.Popen(
        [*LOA, "--config", str(configs["a"]), "run"],
        env={**env, "LOA_NODE": "a"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (marks.exists() and "start" in marks.read_text()):
            time.sleep(0.05)
        assert marks.exists(), "node a never started playing"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    time.sleep(4.5)  # past the lease (3 s) and node a's heartbeat (3 x 1 s + margin would be 8 s)
    settle = loa("b", "run", "--once")
    assert settle.returncode == 0, settle.stderr
    log = json.loads(loa("b", "log", "--format", "json").stdout)
    mine = [r for r in log if r["airing_id"] == airing_id]
    assert len(mine) == 1, mine  # exactly one record
    # a was killed mid-play: its ledger row (in the database, not b's folder) says "pending": unclear, not aired again
    assert mine[0]["outcome"] == "unknown" and mine[0]["error_code"] == "crashed_unclear"
    time.sleep(4)  # let the orphaned player finish, then count its marks
    lines = marks.read_text().splitlines()
    assert sum(line.startswith("start") for line in lines) == 1, lines  # the sink command ran once
    assert loa("b", "run", "--once").returncode == 0
    assert len([r for r in json.loads(loa("b", "log", "--format", "json").stdout) if r["airing_id"] == airing_id]) == 1
    assert sum(line.startswith("start") for line in marks.read_text().splitlines()) == 1
