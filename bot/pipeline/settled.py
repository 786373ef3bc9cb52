"""A full sweep that finds nothing changed leaves the summary and its data alone: it neither
plans the table nor builds the data page, as a quiet incremental pass does not.

Why this is exact: a sweep from stored readings (:mod:`bot.pipeline.step1_find`) that read no
page and re-validated every listed page to the very result stored for it has the results the
last pass published, page for page, under the same settings (the settings' fingerprint covers the
namespaces, the summary's title and budget, the rules, the language and the table's code). The
table, the overview and the data are functions of those results and of the month (the overview's
trend moves on when a month begins). So when, besides, the last pass that built them completed
without an error line in the same month, and the bot's published pages (the summary, its
numbered parts, the data page and its parts) still stand at the revisions that pass left them at
(nobody edited them since), rebuilding them would change nothing, and the pass skips it. Any
doubt rebuilds: a page read, gone or new, a result that differs (a page going stale, say), a page
left to read again, a summary save that failed, a published page edited, deleted or not known,
a published page protected (protection makes no revision: it is asked with the parts' revisions).

The published pages' revisions come from the pass's own reads and saves
(:class:`bot.pipeline.own_saves.OwnSaves`), stored by :func:`published`; a sweep asks the numbered
parts' latest revisions in the request that asks the infobox's and the tag's redirects
(:func:`bot.pipeline.step1_find.published_parts`), the main pages' come with the pass's first
request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from bot import data_parts, display, export, i18n, markers, overview, render, split
from bot.config import MAX_ARTICLE_BYTES, Config
from bot.model import PageSnapshot
from bot.pipeline.tally import Tally
from bot.state import FINGERPRINT_KEY, NAMES_KEY, RECHECK_KEY, SUMMARY_KEY, StateStore

if TYPE_CHECKING:
    from bot.pipeline.step1_find import Selection


def is_published(cfg: Config, title: str) -> bool:
    """Whether ``title`` is one of the bot's published pages: the summary, a numbered part of it
    (``Summary/3``), the data page, or a part of it (``Data/3.json`` for ``Data.json``, else
    ``Data/3``)."""
    summary, data = cfg.pages.summary, cfg.pages.data
    stem = data[: -len(".json")] if data.endswith(".json") else data
    return (
        title in (summary, data)
        or re.fullmatch(re.escape(summary) + r"/\d+", title) is not None
        or re.fullmatch(re.escape(stem) + r"/\d+(?:\.json)?", title) is not None
    )


def build_fingerprint(cfg: Config) -> str:
    """What the published pages are made from besides the results and the month: their titles and
    budgets, the rules (value labels), the language and its messages, and the code that renders
    and splits them (the stages that write them included). A change rebuilds them."""
    from bot.pipeline import step5_data, step5_summary  # (they import this module's neighbours)

    modules = (render, split, overview, display, export, data_parts, markers, step5_summary, step5_data)
    h = hashlib.sha256()
    for m in modules:
        h.update(Path(m.__file__ or "").read_bytes())
    for path in sorted(i18n.I18N_ROOT.glob("*.json")):
        h.update(path.read_bytes())
    settings = [cfg.pages.summary, cfg.pages.data, cfg.max_page_bytes, MAX_ARTICLE_BYTES, cfg.rules.digest]
    h.update(json.dumps([*settings, cfg.site.language]).encode())
    return h.hexdigest()[:16]


def published(cfg: Config, latest: Mapping[str, int], now: dt.datetime) -> str:
    """The state entry (:data:`bot.state.PUBLISHED_KEY`) for a pass that built the table: its month,
    what the pages were built with (:func:`build_fingerprint`) and the revisions its published pages
    stand at (``latest``: every page it read or saved by title; -1 for a save the wiki merged into
    a person's revision, which no later pass may take for the bot's own)."""
    pages = {t: rev for t, rev in sorted(latest.items()) if is_published(cfg, t)}
    entry = {"month": _month(now), "build": build_fingerprint(cfg), "pages": pages}
    return json.dumps(entry, sort_keys=True)


def why_rebuild(
    cfg: Config,
    store: StateStore,
    sel: Selection,
    tally: Tally,
    now: dt.datetime,
    latest: Mapping[str, int],
    main: Mapping[str, PageSnapshot | None],
) -> str:
    """Why this sweep from stored readings must rebuild the table ("" when it need not: see the
    module's text). ``latest``: the revisions the pass saw of pages it read by title (the main
    pages' come with its first request); ``sel.revisions``, those asked with the redirects, are
    added here. ``main``: the summary and the data page as that request read them. A published
    page that is protected (those, or one of ``sel.protected``, asked with the revisions) rebuilds,
    so that the pass stops or reports it as a rebuilding one does (protecting a page makes no
    revision of it)."""
    assert sel.listed is not None
    entry = store.published()
    if entry is None or store.get(SUMMARY_KEY) != "1":
        return "the last table build is not known to be on the wiki"
    month, build, pages = entry
    if store.get(FINGERPRINT_KEY) != sel.fingerprint or store.get(NAMES_KEY) != json.dumps(sorted(sel.names)):
        return "the settings or the infobox's names changed"
    if build != build_fingerprint(cfg) or not {cfg.pages.summary, cfg.pages.data} <= pages.keys():
        return "the published pages' titles, settings, words or code changed"
    if month != _month(now):
        return "a month began"
    if sel.recheck or tally.recheck or tally.edits or tally.removed or store.get(RECHECK_KEY) not in (None, "", "[]"):
        return "pages are to be read again or tagged"
    # every listed page re-validated has a stored record: equal counts mean the same pages
    if sel.revalidated != len(sel.listed) or store.counts()[0] != len(sel.listed):
        return "pages were read, came or went"
    if len(tally.unchanged.ids) != len(sel.listed):
        return "results changed"
    published_main = (cfg.pages.summary, cfg.pages.data)
    if sel.protected or any((page := main.get(t)) is not None and page.protected for t in published_main):
        return "a published page is protected"
    seen = {**latest, **sel.revisions}
    if any(seen.get(title) != rev for title, rev in pages.items()):
        return "a published page was edited"
    return ""


def _month(now: dt.datetime) -> str:
    """The month of ``now`` in UTC, as the overview counts its months."""
    return now.astimezone(dt.UTC).strftime("%Y-%m")
