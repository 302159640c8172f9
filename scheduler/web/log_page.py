"""The console's log page: newest first, a page at a time, filtered; for a district or province account also
every station it reaches at once (`?stations=all`), each record naming its station and node."""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import g, render_template, request, url_for
from sqlalchemy import select

from broadcasts.models import Station
from scheduler.services import scope
from scheduler.services.records import newest_page, read_log_newest
from scheduler.web.auth import current, login_required
from scheduler.web.pages import OUTCOMES, bp, log_query

__all__ = ["LOG_PAGE"]

LOG_PAGE = 100  # records a page of the console's log


@bp.route("/log")
@login_required()
def log() -> Any:
    """The log, newest first, a page at a time; `stations=all`: every station the account reaches, each
    record naming its station."""
    query, filters = log_query(request.args)
    wider = current().scope != "station"
    every = wider and request.args.get("stations") == "all"
    names: dict[int, tuple[str, str]] = {}
    if every:
        names = _reached_names()
        query = dataclasses.replace(query, station_ids=tuple(sorted(names)))
    raw = request.args.get("page", "1")
    asked = int(raw) if raw.isdigit() and len(raw) < 7 else 1
    page = read_log_newest(g.loa, query, page=asked, size=LOG_PAGE)
    number, pages = newest_page(asked, page.total, LOG_PAGE)  # the page read_log_newest read
    shown: dict[str, Any] = {k: v for k, v in filters.items() if v}
    if every:
        shown["stations"] = "all"
    return render_template(
        "log.html",
        records=page.records,
        total=page.total,
        page=number,
        pages=pages,
        first=(number - 1) * LOG_PAGE + 1,
        last=(number - 1) * LOG_PAGE + len(page.records),
        page_url=lambda n: url_for("pages.log", **shown, page=n),
        filters=filters,
        every=every,
        wider=wider,
        names=names,
        outcomes=OUTCOMES,
        channels=list(dict.fromkeys([*g.loa.config.channels.enabled, *g.loa.channels])),
    )


def _reached_names() -> dict[int, tuple[str, str]]:
    """The code and name of every station the account reaches, by id (one query for the page)."""
    with g.loa.reads() as session:
        reached = scope.stations_of(session, current())
        rows = session.execute(select(Station.id, Station.code, Station.name).where(Station.id.in_(reached)))
        return {r.id: (r.code, r.name) for r in rows}
