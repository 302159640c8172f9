"""The LED screen channel: slides at the board's size with every Vietnamese glyph, a folder, a command, MQTT."""

from __future__ import annotations

import contextlib
import io
import json
import socket
import sys
import threading
import time
import unicodedata
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from PIL import Image, ImageFont

from broadcasts.channels.base import ERROR, OK, Broadcast, Context, Delivery
from broadcasts.channels.journal import SENDING
from broadcasts.channels.led import LedSettings, build
from broadcasts.channels.led_channel import LedChannel
from broadcasts.channels.led_slides import LINE_SPACING, Look, default_font, render, sentences, slides_of
from broadcasts.errors import ChannelError
from broadcasts.models import Outcome
from scheduler.errors import ConfigError
from tests.cli_support import run
from tests.conftest import make_config

LONG = (
    "Ủy ban nhân dân xã An Phú trân trọng thông báo: kể từ ngày mười lăm tháng mười hai, bộ phận tiếp nhận và "
    "trả kết quả thủ tục hành chính sẽ tiếp nhận hồ sơ trực tuyến trên Cổng dịch vụ công quốc gia, đề nghị bà "
    "con chuẩn bị sẵn căn cước công dân gắn chíp, số điện thoại chính chủ và ảnh chụp các giấy tờ liên quan để "
    "cán bộ hướng dẫn đầy đủ, nhanh chóng và đúng quy định."
)
TITLE = "Thông báo về dịch vụ công trực tuyến mức độ toàn trình"
BASES = "aăâeêioôơuưy"
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # ngang, huyền, sắc, hỏi, ngã, nặng


def vietnamese_letters() -> str:
    """Every letter of Vietnamese with its diacritics (each vowel with each tone, đ), lower and upper case."""
    letters = {unicodedata.normalize("NFC", base + tone) for base in BASES for tone in TONES} | {"đ"}
    letters |= set("bcdghklmnpqrstvx")
    letters |= {c.upper() for c in letters}
    assert all(len(c) == 1 for c in letters)  # all precomposed: 12 vowels x 6 tones, đ, consonants
    assert len(letters) == 2 * (12 * 6 + 1 + 16)
    return "".join(sorted(letters))


def outcome(delivery: Delivery | None) -> Outcome | None:
    return None if delivery is None else delivery.outcome


def detail(delivery: Delivery) -> dict[str, Any]:
    assert delivery.detail is not None
    return delivery.detail


def size_of(path: Path) -> tuple[int, int]:
    with Image.open(path) as image:
        return image.size


def broadcast(body: str = LONG, title: str = TITLE, airing_id: int = 42) -> Broadcast:
    return Broadcast(
        airing_id=airing_id,
        bulletin_id=1,
        channel="led",
        station_code="an-phu",
        station_name="Đài xã An Phú",
        timezone="Asia/Ho_Chi_Minh",
        title=title,
        body=body,
        post_text=None,
        priority="normal",
        due_at=datetime(2026, 12, 1, 0, 0, tzinfo=UTC),
    )


def channel(tmp_path: Path, **settings) -> LedChannel:
    context = Context(
        base_dir=tmp_path,
        data_dir=tmp_path / "data",
        secret=lambda name: None,
        now=lambda: datetime(2026, 12, 1, tzinfo=UTC),
        sleep=lambda seconds: None,
    )
    built = build(LedSettings(enabled=True, **settings), context)
    assert isinstance(built, LedChannel)
    return built


# ---- the font and the slides -----------------------------------------------------------------------


def test_the_font_has_every_vietnamese_letter_with_its_diacritics():
    font = TTFont(str(default_font()))
    cmap = font.getBestCmap()
    text = vietnamese_letters() + LONG + TITLE + "0123456789.,:;!?-–()/%\"'"
    missing = sorted({c for c in text if not c.isspace() and ord(c) not in cmap})
    assert missing == [], f"glyphs missing from {default_font().name}: {missing}"
    # and Pillow draws each of them, not the font's .notdef box
    pil = ImageFont.truetype(str(default_font()), 32)
    notdef = bytes(pil.getmask("\U0010fffd"))
    for letter in vietnamese_letters():
        assert bytes(pil.getmask(letter)) != notdef, letter


@pytest.mark.parametrize(("width", "height"), [(128, 64), (1920, 1080)])
def test_a_long_vietnamese_sentence_is_drawn_at_the_boards_resolution(width, height):
    look = Look(width=width, height=height, font=default_font())
    slides = slides_of(TITLE, LONG, look)
    assert slides[0].title and slides[0].text == TITLE and not any(s.title for s in slides[1:])
    assert " ".join(s.text for s in slides[1:]).split() == LONG.split()  # every word, in order, once
    low, high = look.sizes
    for slide in slides:
        font = ImageFont.truetype(str(default_font()), slide.size)
        assert low <= slide.size <= high
        assert all(font.getlength(line) <= width - 2 * look.margin for line in slide.lines), slide
        assert len(slide.lines) * slide.size * LINE_SPACING <= height - 2 * look.margin
        image = Image.open(io.BytesIO(render(slide, look)))
        assert image.format == "PNG" and image.size == (width, height)
        ink = image.convert("L").point(lambda v: 255 if v > 40 else 0).getbbox()
        assert ink is not None  # something is drawn
        left, top, right, bottom = ink
        assert left > 0 and top > 0 and right < width and bottom < height  # stacked marks and tails inside
    title = Image.open(io.BytesIO(render(slides[0], look))).convert("RGB")
    assert (255, 176, 0) in {color for _, color in title.getcolors(maxcolors=1 << 16) or []}  # amber title on black
    assert title.getpixel((0, 0)) == (0, 0, 0)
    if width == 128:
        assert len(slides) > 2  # the long sentence did not fit one small slide at the smallest size: split
        assert all(s.size == low for s in slides[1:])
    else:
        assert len(slides) == 2  # on a large screen it fits, shrunk to fit


def test_slides_split_at_sentence_boundaries_one_group_each():
    split = sentences("Câu một. Câu hai!  Câu ba?\nDòng mới… Hết")
    assert split == ["Câu một.", "Câu hai!", "Câu ba?", "Dòng mới…", "Hết"]
    look = Look(width=256, height=128, font=default_font())
    short = "Trời mưa to. Bà con chú ý. Không ra đồng."
    slides = slides_of("", short, look)
    assert [s.text for s in slides] == [short]  # short sentences share a slide, at a comfortable size
    low, high = look.sizes
    assert slides[0].size >= (low + high + 1) // 2
    body = f"Họp thôn lúc 19 giờ. {LONG} Xin cảm ơn."
    texts = [s.text for s in slides_of("", body, look)]
    assert texts[0] == "Họp thôn lúc 19 giờ." and texts[-1].endswith("Xin cảm ơn.")
    assert not any("giờ. Ủy" in t for t in texts)  # a long sentence starts its own slide
    word = "Ngườiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii"
    cut = slides_of("", word, Look(width=64, height=32, font=default_font()))
    assert len(cut) > 1 and "".join(s.text for s in cut) == word  # a word wider than the board: between letters


# ---- the folder ------------------------------------------------------------------------------------


def test_folder_output_is_written_atomically_with_a_manifest_last(tmp_path):
    led = channel(tmp_path, width=128, height=64, folder="board")
    delivery = led.publish(broadcast())
    folder = tmp_path / "board"
    key = broadcast().key
    manifest = json.loads((folder / f"{key}.json").read_text("utf-8"))
    files = [s["file"] for s in manifest["slides"]]
    assert delivery.outcome is Outcome.posted and delivery.external_id == key
    assert files == [f"{key}-{i:02d}.png" for i in range(1, len(files) + 1)]
    assert len(files) == detail(delivery)["slides"]
    assert sorted(p.name for p in folder.iterdir()) == sorted([*files, f"{key}.json"])  # no temp files left
    assert manifest["title"] == TITLE and manifest["text"] == LONG and manifest["width"] == 128
    assert all(size_of(folder / f) == (128, 64) for f in files)
    stamp = (folder / files[0]).stat().st_mtime_ns
    again = led.publish(broadcast())  # the journal says done: nothing written twice
    assert detail(again)["resumed"] and (folder / files[0]).stat().st_mtime_ns == stamp


def test_a_crash_before_the_manifest_leaves_nothing_for_the_board_and_an_unclear_step(tmp_path, monkeypatch):
    import broadcasts.channels.led_channel as module

    led = channel(tmp_path, folder="board")
    real = module.write_durably

    def fail_on_manifest(path, data, *, mode=0o600):
        if path.suffix == ".json" and path.parent.name == "board":
            raise OSError(28, "No space left on device")
        real(path, data, mode=mode)

    monkeypatch.setattr(module, "write_durably", fail_on_manifest)
    with pytest.raises(ChannelError) as info:
        led.publish(broadcast())
    assert info.value.code == "led_folder_failed" and info.value.retryable and not info.value.sent
    assert not list((tmp_path / "board").glob("*.json")) and led.journal.load(broadcast().key) == {}
    # a crash between the journal's `sending` and the manifest: unclear, never written again blindly
    led.journal.mark(broadcast().key, "folder", SENDING)
    assert outcome(led.recover(broadcast())) is Outcome.unknown
    with pytest.raises(ChannelError) as info:
        led.publish(broadcast())
    assert info.value.code == "led_unclear" and info.value.sent
    monkeypatch.setattr(module, "write_durably", real)
    led.journal.forget(broadcast().key, "folder")
    led.publish(broadcast())
    led.journal.mark(broadcast().key, "folder", SENDING)  # crashed after the manifest, before `done`
    assert outcome(led.recover(broadcast())) is Outcome.posted


# ---- the command -----------------------------------------------------------------------------------

HANDOFF = """
import shutil, sys, time
file, out, key, slide, count = sys.argv[1:6]
if slide == "2" and (Path := __import__("pathlib").Path)(out, "fail-once").exists():
    Path(out, "fail-once").unlink()
    sys.exit("the board is busy")
if slide == "sleep":
    time.sleep(30)
shutil.copy(file, out)
with open(out + "/log", "a", encoding="utf-8") as log:
    log.write(f"{key} {slide}/{count}\\n")
"""


def test_command_handoff_runs_once_per_slide_and_a_retry_sends_only_the_rest(tmp_path):
    script, out = tmp_path / "board.py", tmp_path / "received"
    script.write_text(HANDOFF, encoding="utf-8")
    out.mkdir()
    (out / "fail-once").touch()
    command = (sys.executable, str(script), "{file}", str(out), "{key}", "{slide}", "{count}")
    led = channel(tmp_path, output="command", command=command, width=128, height=64)
    key = broadcast().key
    with pytest.raises(ChannelError) as info:
        led.publish(broadcast())
    assert info.value.code == "led_command_failed" and info.value.retryable and not info.value.sent
    assert "the board is busy" in info.value.params["reason"]
    delivery = led.publish(broadcast())
    count = detail(delivery)["slides"]
    assert delivery.outcome is Outcome.posted and count > 2
    lines = (out / "log").read_text("utf-8").splitlines()
    assert lines == [f"{key} {n}/{count}" for n in range(1, count + 1)]  # slide 1 was not handed over twice
    assert sorted(p.name for p in out.glob("*.png")) == [f"{key}-{n:02d}.png" for n in range(1, count + 1)]
    assert size_of(out / f"{key}-01.png") == (128, 64)
    assert outcome(led.reconcile(broadcast())) is Outcome.posted


def test_a_command_stopped_at_its_timeout_is_unclear_and_a_missing_one_is_refused(tmp_path):
    script = tmp_path / "board.py"
    script.write_text(HANDOFF, encoding="utf-8")
    command = (sys.executable, str(script), "{file}", str(tmp_path), "{key}", "sleep", "{count}")
    led = channel(tmp_path, output="command", command=command, command_timeout_seconds=0.5)
    with pytest.raises(ChannelError) as info:
        led.publish(broadcast())
    assert info.value.code == "led_command_timeout" and info.value.sent
    assert outcome(led.recover(broadcast())) is Outcome.unknown
    missing = channel(tmp_path, output="command", command=(str(tmp_path / "no-such-program"), "{file}"))
    with pytest.raises(ChannelError) as info:
        missing.publish(broadcast(airing_id=43))
    assert info.value.code == "led_command_missing" and not info.value.sent
    assert [f.code for f in missing.check() if f.level == ERROR] == ["check_led_no_command"]


# ---- MQTT ------------------------------------------------------------------------------------------


def broker_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 1883), timeout=1).close()
    except OSError:
        return False
    return True


def test_mqtt_publishes_the_text_once_with_qos_1_to_the_real_broker(tmp_path):
    if not broker_up():
        pytest.skip("no MQTT broker (Mosquitto) listening on 127.0.0.1:1883")
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    topic = f"loa-test/{uuid.uuid4().hex}"
    received: list[mqtt.MQTTMessage] = []
    subscribed = threading.Event()
    listener = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"t-{uuid.uuid4().hex[:8]}")
    listener.on_message = lambda client, userdata, message: received.append(message)
    listener.on_subscribe = lambda *args: subscribed.set()
    listener.connect("127.0.0.1", 1883)
    listener.subscribe(topic, qos=1)
    deadline = time.monotonic() + 10
    while not subscribed.is_set() and time.monotonic() < deadline:
        listener.loop(timeout=0.05)
    try:
        led = channel(tmp_path, output="mqtt", mqtt_topic=topic)
        assert [f.level for f in led.check()] == [OK, OK]
        delivery = led.publish(broadcast())
        assert delivery.outcome is Outcome.posted and delivery.external_url == f"mqtt://127.0.0.1:1883/{topic}"
        assert detail(led.publish(broadcast()))["resumed"]  # done in the journal: not published again
        deadline = time.monotonic() + 10
        while not received and time.monotonic() < deadline:
            listener.loop(timeout=0.05)
        for _ in range(10):  # a little longer: a second copy would be here by now
            listener.loop(timeout=0.05)
    finally:
        listener.disconnect()
    assert len(received) == 1
    [message] = received
    body = json.loads(message.payload.decode("utf-8"))
    assert message.qos == 1 and body["key"] == broadcast().key and body["text"] == LONG and body["title"] == TITLE
    assert body["slide_count"] == detail(delivery)["slides"] == len(body["slides"])


def fake_broker(reply_connack: bytes = b"\x20\x02\x00\x00") -> tuple[int, threading.Thread]:
    """A broker that accepts one client, says CONNACK, reads its PUBLISH and drops the connection (no PUBACK)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)

    def serve() -> None:
        conn, _ = server.accept()
        with conn, server:
            conn.recv(1024)  # CONNECT
            conn.sendall(reply_connack)
            conn.settimeout(5)
            with contextlib.suppress(OSError):
                conn.recv(65536)  # PUBLISH

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return server.getsockname()[1], thread


def test_mqtt_connection_lost_after_publish_without_puback_is_unknown(tmp_path):
    port, thread = fake_broker()
    led = channel(tmp_path, output="mqtt", mqtt_port=port, timeout_seconds=5.0)
    with pytest.raises(ChannelError) as info:
        led.publish(broadcast())
    thread.join(5)
    assert info.value.code in ("led_mqtt_dropped", "led_mqtt_no_puback") and info.value.sent
    assert led.journal.load(broadcast().key)["mqtt"]["state"] == SENDING  # journalled before the PUBLISH
    assert outcome(led.recover(broadcast())) is Outcome.unknown
    with pytest.raises(ChannelError) as again:
        led.publish(broadcast())  # never published again blindly
    assert again.value.code == "led_unclear"


def test_mqtt_refusals_send_nothing(tmp_path):
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()  # nothing listens there
    led = channel(tmp_path, output="mqtt", mqtt_port=port, timeout_seconds=2.0)
    with pytest.raises(ChannelError) as info:
        led.publish(broadcast())
    assert info.value.code == "led_mqtt_unreachable" and info.value.retryable and not info.value.sent
    assert led.journal.load(broadcast().key) == {} and led.recover(broadcast()) is None
    assert led.check()[-1].code == "led_mqtt_unreachable" and led.check()[-1].level == ERROR
    port, thread = fake_broker(reply_connack=b"\x20\x02\x00\x05")  # not authorised
    login = channel(tmp_path, output="mqtt", mqtt_port=port, mqtt_username="loa", timeout_seconds=5.0)
    with pytest.raises(ChannelError) as info:
        login.publish(broadcast())
    thread.join(5)
    assert info.value.code == "led_mqtt_login" and info.value.auth and not info.value.sent


# ---- config, check, the console -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ({"title_color": "amber"}, "title_color"),
        ({"width": 4}, "width"),
        ({"output": "serial"}, "output"),
        ({"enabled": True, "output": "command", "command": ["show"]}, "command"),
        ({"enabled": True, "output": "mqtt", "mqtt_topic": "loa/#"}, "mqtt_topic"),
    ],
)
def test_config_refuses_what_the_board_cannot_use(tmp_path, db_url, table, key):
    with pytest.raises(ConfigError) as info:
        make_config(tmp_path, db_url, channels={"led": table})
    assert f"channels.led.{key}" in str(info.value.params)


def test_the_led_channel_is_off_by_default_and_checked_when_on(tmp_path, db_url, capsys):
    assert make_config(tmp_path, db_url).channels.led == LedSettings()
    assert LedSettings().enabled is False
    config = tmp_path / "config.toml"
    config.write_text(
        f'[station]\nname = "Đài xã Thử"\ncode = "thu"\nlanguage = "en"\n[database]\nurl = "{db_url}"\n'
        '[channels]\nenabled = ["led"]\n[channels.led]\nenabled = true\nwidth = 1920\nheight = 1080\n'
        'folder = "board"\n',
        encoding="utf-8",
    )
    code, out, err = run(capsys, "--config", str(config), "channels", "check")
    assert code == 0, out + err
    assert "LED board 1920x1080, fed by folder." in out and f"the folder {tmp_path / 'board'} is writable." in out


def test_an_unreadable_password_stops_the_channel_before_connecting(tmp_path):
    def unreadable() -> str | None:
        raise PermissionError(13, "Permission denied", "/etc/loa/secrets")

    led = channel(tmp_path, output="mqtt", mqtt_username="loa")
    led._password = unreadable
    with pytest.raises(ChannelError) as info:
        led.publish(broadcast())
    assert info.value.auth and not info.value.sent and led.journal.load(broadcast().key) == {}
    assert info.value.params["env"] == "LOA_LED_MQTT_PASSWORD"
