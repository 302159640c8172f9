"""The portal's public folder: the listening page, the podcast feeds and the aired audio, rebuilt on each publish.

What the folder holds (any web server serves it as is):

- `index.html`: the listening page, phone-first and in Vietnamese: today's
  bulletins, then the earlier ones, newest first, each with its text and an
  `<audio>` player of the MP3 the radio aired (every text escaped);
- `feed.xml` (RSS 2.0 with iTunes tags) and `atom.xml`, built with feedgen:
  one item per bulletin, its audio as an enclosure (`audio/mpeg`, length the
  file's size in bytes) so podcast apps can subscribe;
- `audio/<key>.mp3`: the aired MP3, linked (or copied) from the radio's archive.

The bulletins themselves are kept as one JSON file each under the data folder
(`Entries`); the page and the feeds are made from them, and every file is
replaced atomically (temp file, fsync, rename), so a reader never sees half a page.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from broadcasts.channels.base import Broadcast
from broadcasts.channels.journal import write_durably

__all__ = ["Entry", "Entries", "Site", "aired_audio", "page_html", "feed_xml"]

_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


@dataclass(frozen=True, kw_only=True)
class Entry:
    """One published bulletin as the portal shows it."""

    key: str
    title: str
    text: str
    due_at: str  # ISO, UTC
    timezone: str
    station: str
    audio: str = ""  # the file name under audio/, "" while the radio has not aired it
    audio_bytes: int = 0
    seconds: float | None = None

    @classmethod
    def of(cls, broadcast: Broadcast) -> Entry:
        return cls(
            key=broadcast.key,
            title=broadcast.title,
            text=broadcast.body,
            due_at=broadcast.due_at.astimezone(UTC).isoformat(),
            timezone=broadcast.timezone,
            station=broadcast.station_name,
        )

    @property
    def local_due(self) -> datetime:
        return datetime.fromisoformat(self.due_at).astimezone(ZoneInfo(self.timezone))


class Entries:
    """The published bulletins, one JSON file per airing key under `directory`."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def _path(self, key: str) -> Path:
        return self.directory / (_SAFE.sub("_", key) + ".json")

    def put(self, entry: Entry) -> None:
        write_durably(self._path(entry.key), json.dumps(asdict(entry), ensure_ascii=False).encode("utf-8"), mode=0o644)

    def get(self, key: str) -> Entry | None:
        try:
            return Entry(**json.loads(self._path(key).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def all(self) -> list[Entry]:
        """Every entry, newest first."""
        found: list[Entry] = []
        if self.directory.is_dir():
            for path in self.directory.glob("*.json"):
                try:
                    found.append(Entry(**json.loads(path.read_text(encoding="utf-8"))))
                except (OSError, ValueError, TypeError):
                    continue  # written atomically, so only a foreign file lands here
        return sorted(found, key=lambda e: (e.due_at, e.key), reverse=True)


def aired_audio(archive: Path, entry: Entry) -> Path | None:
    """The radio's archived MP3 of the airing at the same station and minute (the newest if several), or None."""
    local = entry.local_due
    station = entry.key.rsplit("-", 3)[0]
    folder = archive / f"{local:%Y/%m/%d}"
    if not folder.is_dir():
        return None
    stem = f"{station}-{local:%Y%m%d-%H%M}-a"
    found = [p for p in folder.glob(f"{stem}*.mp3") if p.stem[len(stem) :].isdigit() and p.stat().st_size > 0]
    return max(found, key=lambda p: int(p.stem[len(stem) :])) if found else None


def _place(source: Path, target: Path) -> None:
    """Put `source` at `target` atomically: a hard link when the folders share a disk, else a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.part")
    temp.unlink(missing_ok=True)
    try:
        os.link(source, temp)
    except OSError:
        shutil.copyfile(source, temp)
    os.chmod(temp, 0o644)
    os.replace(temp, target)


@dataclass(frozen=True, kw_only=True)
class Site:
    """The public folder of one station and what it is built from."""

    folder: Path
    entries: Entries
    archive: Path  # the radio's archive of aired MP3s (data/audio)
    base_url: str  # where the folder is served, for the feeds' absolute links
    title: str  # "" = "Bản tin <station>" of the newest bulletin
    description: str
    max_items: int = 200
    now: Callable[[], datetime] = lambda: datetime.now(UTC)

    def url(self, path: str = "") -> str:
        return self.base_url.rstrip("/") + "/" + path

    def with_audio(self, entry: Entry) -> Entry:
        """`entry` with the radio's aired MP3 placed under audio/, once the radio has aired it."""
        target = self.folder / "audio" / f"{_SAFE.sub('_', entry.key)}.mp3"
        if entry.audio and target.exists():
            return entry
        source = aired_audio(self.archive, entry)
        if source is None:
            return entry
        _place(source, target)
        return Entry(**{**asdict(entry), "audio": target.name, "audio_bytes": target.stat().st_size})

    def add(self, entry: Entry) -> Entry:
        """Record `entry` (with its audio if aired) and rebuild the page and feeds."""
        entry = self.with_audio(entry)
        self.entries.put(entry)
        self.rebuild()
        return entry

    def rebuild(self) -> None:
        """Write index.html, feed.xml and atom.xml from the entries (audio looked for again where missing)."""
        shown: list[Entry] = []
        for entry in self.entries.all()[: self.max_items]:
            if not entry.audio:
                placed = self.with_audio(entry)
                if placed.audio:
                    self.entries.put(placed)
                entry = placed
            shown.append(entry)
        named = self if self.title else replace(self, title=f"Bản tin {shown[0].station if shown else ''}".strip())
        self.folder.mkdir(parents=True, exist_ok=True)
        write_durably(self.folder / "index.html", page_html(named, shown).encode("utf-8"), mode=0o644)
        rss, atom = feed_xml(named, shown)
        write_durably(self.folder / "feed.xml", rss, mode=0o644)
        write_durably(self.folder / "atom.xml", atom, mode=0o644)


_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:0;padding:0 12px 24px;max-width:44rem;margin:auto;"
    "line-height:1.5;color:#1a1a1a;background:#fafafa}header{padding:12px 0}h1{font-size:1.3rem;margin:0}"
    "h2{font-size:1.05rem;margin:20px 0 8px}article{background:#fff;border:1px solid #ddd;border-radius:8px;"
    "padding:10px 12px;margin:10px 0}article h3{font-size:1rem;margin:0 0 4px}time{color:#555;font-size:.9rem}"
    "audio{width:100%;margin:8px 0}p{margin:6px 0;overflow-wrap:anywhere}.feeds a{margin-right:12px}"
)


def _article(entry: Entry) -> str:
    local = entry.local_due
    parts = [
        f'<article id="{html.escape(entry.key)}">',
        f"<h3>{html.escape(entry.title)}</h3>",
        f'<time datetime="{html.escape(local.isoformat())}">{local:%H:%M} ngày {local.day}/{local.month}/{local.year}'
        "</time>",
    ]
    if entry.audio:
        src = html.escape(f"audio/{entry.audio}")
        parts.append(f'<audio controls preload="none" src="{src}"></audio>')
    else:
        parts.append("<p><em>Chưa có bản ghi âm.</em></p>")
    parts.extend(f"<p>{html.escape(line)}</p>" for line in entry.text.splitlines() if line.strip())
    parts.append("</article>")
    return "\n".join(parts)


def page_html(site: Site, entries: list[Entry]) -> str:
    """The listening page: today's bulletins, then the earlier ones, newest first; every text escaped."""
    today = [e for e in entries if e.local_due.date() == site.now().astimezone(e.local_due.tzinfo).date()]
    earlier = [e for e in entries if e not in today]
    body = [
        "<!DOCTYPE html>",
        '<html lang="vi">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(site.title)}</title>",
        f'<link rel="alternate" type="application/rss+xml" title="{html.escape(site.title)}" href="feed.xml">',
        f'<link rel="alternate" type="application/atom+xml" title="{html.escape(site.title)}" href="atom.xml">',
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<header><h1>{html.escape(site.title)}</h1><p>{html.escape(site.description)}</p>",
        '<p class="feeds"><a href="feed.xml">Nghe bằng ứng dụng podcast (RSS)</a><a href="atom.xml">Atom</a></p>',
        "</header>",
        "<main>",
        '<section id="hom-nay"><h2>Bản tin hôm nay</h2>',
        *([_article(e) for e in today] or ["<p>Hôm nay chưa có bản tin.</p>"]),
        "</section>",
    ]
    if earlier:
        body.extend(['<section id="truoc-do"><h2>Các bản tin trước</h2>', *map(_article, earlier), "</section>"])
    body.extend(["</main>", "</body>", "</html>", ""])
    return "\n".join(body)


def feed_xml(site: Site, entries: list[Entry]) -> tuple[bytes, bytes]:
    """The RSS 2.0 podcast feed and the Atom feed of `entries` (feedgen), audio as `audio/mpeg` enclosures."""
    from feedgen.feed import FeedGenerator

    feed = FeedGenerator()
    feed.load_extension("podcast")
    feed.id(site.url())
    feed.title(site.title)
    feed.description(site.description or site.title)
    feed.subtitle(site.description or site.title)
    feed.link(href=site.url(), rel="alternate")
    feed.link(href=site.url("atom.xml"), rel="self")
    feed.language("vi")
    feed.generator("Loa")
    feed.author(name=site.title)
    podcast: Any = feed.podcast  # added by the extension
    podcast.itunes_category("Government")
    podcast.itunes_explicit("no")
    podcast.itunes_summary(site.description or site.title)
    feed.lastBuildDate(site.now())
    for entry in reversed(entries):  # feedgen puts the last added first
        item = feed.add_entry()
        link = site.url(f"#{entry.key}")
        item.id(f"{site.url()}#{entry.key}")
        item.guid(f"loa:{entry.key}", permalink=False)
        item.title(entry.title)
        item.link(href=link)
        item.description(entry.text)
        item.content(entry.text)
        item.published(datetime.fromisoformat(entry.due_at))
        item.updated(datetime.fromisoformat(entry.due_at))
        if entry.audio:
            item.enclosure(site.url(f"audio/{entry.audio}"), str(entry.audio_bytes), "audio/mpeg")
            if entry.seconds:
                item.podcast.itunes_duration(round(entry.seconds))
    return feed.rss_str(pretty=True), _atom_links(feed.atom_str(pretty=False), entries, site)


def _atom_links(atom: bytes, entries: list[Entry], site: Site) -> bytes:
    """The Atom feed with each entry's links whole: feedgen 1.0 drops their rel, type and length (it reads them back
    from the new element instead of the link's dict), so an enclosure would look like a plain link to podcast apps."""
    from lxml import etree

    ns = "{http://www.w3.org/2005/Atom}"
    root = etree.fromstring(atom)
    by_id = {f"loa:{e.key}": e for e in entries}
    for node in root.iter(f"{ns}entry"):
        entry = by_id.get(node.findtext(f"{ns}id") or "")
        if entry is None:
            continue
        audio = site.url(f"audio/{entry.audio}") if entry.audio else None
        for link in node.iter(f"{ns}link"):
            if audio is not None and link.get("href") == audio:
                link.attrib.update({"rel": "enclosure", "type": "audio/mpeg", "length": str(entry.audio_bytes)})
            elif link.get("rel") is None:
                link.set("rel", "alternate")
    result: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return result
