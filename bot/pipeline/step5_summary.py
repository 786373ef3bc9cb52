"""Stage 5, publishing the summary table (the main page and its numbered parts). The table is
planned (:func:`plan_summary`) right after reading, before any write, so its checks can stop the
pass first; it is saved (:func:`save_summary`) after the tags, and only when more than a timestamp
changed. The bot's own pages (this and the status page, :mod:`bot.pipeline.step5_status`) are
treated like any other page:

* the bot writes only between its real markers (:mod:`bot.markers`); it creates a page that does
  not exist whole, and leaves alone (with an error line saying which page and what to do) a page
  without usable markers, one whose ``{{bots}}``/``{{nobots}}`` excludes it, and a protected one;
* the summary is all or nothing: when a part the table needs cannot be written, no page of it is
  saved in that pass, so the index never points at a missing or stale part; parts are saved
  first, the main page next, retired parts last;
* every page fits ``max_page_bytes`` (bytes of UTF-8, text outside the markers included); a page
  that would not is not saved, with an error line. The edit is POSTed urlencoded, at most 3 bytes
  per byte of text, so a page of 2 MiB at most (MediaWiki's default ``$wgMaxArticleSize``) makes a
  request of at most about 6.3 MB, within PHP's default ``post_max_size`` of 8 MB;
* the main page holds the overview (:mod:`bot.overview`) above the table, or above the index of
  the parts; its trend is read from the state's pass history (:func:`history`): the last
  completed pass of each earlier month, the current month being the table's own figures, so the
  overview changes only when the table does or once a month begins. Every word is in the wiki's
  language (``[site] language``);
* a save the wiki refuses (``contenttoobig``, protection, a second edit conflict, …) is an error
  line of the pass (on the status page and in the run report), and the pass goes on; only an
  unreachable wiki, a failed login or the shutoff end it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from bot import edit_summaries, i18n, markers, overview, render, split
from bot.config import Config
from bot.display import Display, display_for
from bot.errors import FATAL, EditConflict, SafetyStop, WikiError
from bot.exclusion import bots_allowed
from bot.model import PageResult, PageSnapshot
from bot.split import size
from bot.state import StateStore
from bot.wiki import Gateway

MARKERS_FIX = markers.MARKERS_FIX


@dataclass(frozen=True)
class PageWrite:
    """A summary page (the main one or a numbered part) to save: ``text`` based on ``base``
    (None: create it). ``kind``: ``main``, ``part`` (a part the table needs) or ``retired``."""

    title: str
    text: str
    base: PageSnapshot | None
    kind: str = "main"


@dataclass(frozen=True)
class SummaryPlan:
    """The table's rows, the pages to save (parts, main, retired parts, in saving order) and the
    error lines of pages that cannot be written."""

    rows: list[render.Row]
    writes: list[PageWrite]
    errors: list[str] = field(default_factory=list)


def refusal(page: PageSnapshot, user: str) -> str | None:
    """Why the bot may not write ``page`` at all (exclusion, protection), with the fix; or None."""
    if not bots_allowed(page.text, user):
        return f"{{{{bots}}}}/{{{{nobots}}}} on the page excludes {user}; remove it or allow {user} there"
    if page.protected:
        return "the page is protected and the bot may not edit it; unprotect it or give the bot the right"
    return None


def writable(page: PageSnapshot, user: str) -> str | None:
    """Why the bot may not write between the markers of ``page``, with the fix; or None."""
    found = markers.find(page.text)
    return refusal(page, user) or (None if found.span else f"{found.problem}; {MARKERS_FIX}")


def history(store: StateStore | None) -> list[overview.PassFigures]:
    """The pass history the overview's trend is drawn from: the last completed pass of each month
    in the state database (none without one), oldest first."""
    if store is None:
        return []
    return [overview.PassFigures(when, pages, complete) for when, pages, complete in store.monthly_figures()]


def plan_summary(
    config: Config,
    page: PageSnapshot | None,
    results: Sequence[PageResult],
    now: dt.datetime,
    read: Callable[[Sequence[str]], Mapping[str, PageSnapshot | None]],
    user: str,
    known_parts: Mapping[str, PageSnapshot | None] | None = None,
    store: StateStore | None = None,
) -> SummaryPlan:
    """The rows and the summary pages to save (none when only stamps would change): the main page,
    and when the table does not fit one page, its numbered parts (read with one request). Raises
    ``SafetyStop`` when the main page or its markers are missing or too many rows would go; a page
    the bot may not write is an error line and then no page of the table is saved.
    ``known_parts``: numbered parts already read in this pass (not read again); ``store``: the
    state database, whose pass history the overview's trend is drawn from (:func:`history`)."""
    title = config.pages.summary
    if page is None:
        raise SafetyStop(
            f"the summary page [[{title}]] does not exist: create it with `python -m bot install-templates` "
            "(it needs the two partnership-tracker markers), then run again"
        )
    rows = render.build_rows(results)
    display = display_for(config.rules, config.site.language)
    months = overview.trend(history(store), now, len(rows), sum(r.complete for r in rows))
    if not bots_allowed(page.text, user):  # (protection is the job's safety stop)
        return SummaryPlan(rows, [], [f"{title}: the table was not saved: {refusal(page, user)}, then run again"])
    found = markers.find(page.text)
    if found.span is None:
        raise SafetyStop(f"summary page [[{title}]]: {found.problem}; nothing was saved; {MARKERS_FIX}; run again")
    (a, b), budget = found.span, config.max_page_bytes
    current = page.text[a:b]
    room = budget - (size(page.text) - size(current))  # what the page's own text leaves for the table
    ov = overview.fitting_overview(rows, display, months, room)
    previous = split.parts_listed(current, title)
    chunks, subs, parts = _chunks(rows, now, budget, room, previous, title, read, dict(known_parts or {}), display, ov)
    before = render.count_rows(current) + sum(
        render.count_rows(markers.between(p.text) or "") for p in subs.values() if p is not None
    )
    if before - len(rows) > config.max_row_drop:
        raise SafetyStop(
            f"the summary table would shrink from {before} to {len(rows)} rows, more than max_row_drop = "
            f"{config.max_row_drop} ({config.path}): nothing was saved. If pages really left, raise the "
            "cap for one run; otherwise check why the wiki lists fewer pages."
        )
    writes: list[PageWrite] = []
    blocking: list[str] = []
    for n, chunk in enumerate(chunks if parts else [], 1):
        sub_title, table = split.subpage_title(title, n), render.render_table(chunk, now, display)
        sub = subs.get(sub_title)
        if sub is None:
            writes.append(PageWrite(sub_title, split.render_subpage(chunk, title, n, now, display), None, "part"))
        elif problem := writable(sub, user):
            blocking.append(
                f"{sub_title}: part {n} of the table cannot be written, so no page of it was saved: {problem}"
            )
        elif render.differs_beyond_stamp(markers.between(sub.text) or "", table):
            writes.append(PageWrite(sub_title, render.replace_between_markers(sub.text, table), sub, "part"))
    inner = (
        render.render_table(rows, now, display, ov)
        if not parts
        else _index(chunks, title, now, room, blocking, display, ov)
    )
    if render.differs_beyond_stamp(current, inner):
        writes.append(PageWrite(title, render.replace_between_markers(page.text, inner), page))
    errors = []
    for n in range(parts + 1, previous + 1):
        sub = subs.get(split.subpage_title(title, n))
        if sub is None:
            continue
        if problem := writable(sub, user):
            errors.append(f"{sub.title}: no longer part of the table, left as it is: {problem}")
        elif markers.between(sub.text) != (retired := split.retired_inner(title, display)):
            writes.append(PageWrite(sub.title, render.replace_between_markers(sub.text, retired), sub, "retired"))
    blocking += [
        f"{w.title}: would be {size(w.text)} bytes, more than max_page_bytes = {budget}: no page of the table "
        "was saved; shorten the text outside the markers or raise max_page_bytes"
        for w in writes
        if size(w.text) > budget
    ]
    return SummaryPlan(rows, [] if blocking else writes, blocking + errors)


def _chunks(
    rows: list[render.Row],
    now: dt.datetime,
    budget: int,
    room: int,
    previous: int,
    title: str,
    read: Callable[[Sequence[str]], Mapping[str, PageSnapshot | None]],
    subs: dict[str, PageSnapshot | None],
    display: Display,
    ov: str,
) -> tuple[list[list[render.Row]], dict[str, PageSnapshot | None], int]:
    """(chunks, the subpages read, number of parts or 0); ``subs``: the subpages read already. A
    part whose person-written text outside the markers is longer than the bot's own head leaves
    less room: the rows are chunked again with that much less per part (and any further part read)."""
    less = 0
    for _ in range(2):
        chunks = split.chunk_rows(rows, now, budget - less, room, display, ov)
        parts = len(chunks)  # one part when the table fits a subpage, not the main page
        if parts == 1 and size(render.render_table(rows, now, display, ov)) <= room:
            parts = 0
        wanted = [split.subpage_title(title, n) for n in range(1, max(parts, previous) + 1)]
        missing = [t for t in wanted if t not in subs]
        subs.update(read(missing) if missing else {})
        pages = [subs[t] for t in wanted[:parts]]
        extra = max((_outside(p) - split.HEAD_ROOM for p in pages if p is not None), default=0)
        if extra <= less or not parts:
            break
        less = extra
    return chunks, subs, parts


def _outside(page: PageSnapshot) -> int:
    inner = markers.between(page.text)
    return size(page.text) - size(inner) if inner is not None else 0


def _index(
    chunks: list[list[render.Row]],
    title: str,
    now: dt.datetime,
    room: int,
    blocking: list[str],
    display: Display,
    ov: str,
) -> str:
    """The index for the main page (with the overview): with the parts' labels when they fit
    ``room``, else without; when even that does not fit, an error line in ``blocking``."""
    inner = split.render_index(chunks, title, now, True, display, ov)
    if size(inner) > room:
        inner = split.render_index(chunks, title, now, False, display, ov)
    if size(inner) > room:
        blocking.append(
            f"{title}: the index of {len(chunks)} parts does not fit max_page_bytes: no page of the table was saved; "
            "raise max_page_bytes or shorten the text outside the markers"
        )
    return inner


@dataclass(frozen=True)
class Outcome:
    """What saving did: pages saved, and an error line per page that could not be saved."""

    saved: int = 0
    errors: list[str] = field(default_factory=list)


def save_summary(
    gateway: Gateway,
    config: Config,
    writes: Sequence[PageWrite],
    pages: int,
    complete: int,
    before_write: Callable[[int], None] = lambda _saved: None,
) -> Outcome:
    """Save the summary pages in order; on an edit conflict, put the same table between the
    markers of the fresh text once. When a part the table needs is not saved, neither is the main
    page nor a retired part (the index keeps pointing at the parts as they are).
    ``before_write(n)`` runs before each page is written, ``n`` pages saved so far (the pass reads
    the shutoff page there, so a shutoff stops a split table between two of its pages).

    All or nothing holds for what is planned, not for what the wiki refuses midway: when a later
    part fails (a second edit conflict, a shutoff), parts saved before it stay saved and a row that
    moved between parts may be missing until the next pass, which rebuilds the table (the failed
    save is stored as such)."""
    saved, errors = 0, []
    for write in writes:
        before_write(saved)
        summary = edit_summaries.summary_table(
            _changes(write, config.site.language), pages, complete, config.pages.shutoff, config.site.language
        )
        error = _save_one(gateway, config, write, summary)
        if not error:
            saved += error is None
            continue
        errors.append(f"{write.title}: {error}")
        if write.kind == "part":
            errors.append(f"{config.pages.summary}: not saved, because its part {write.title} was not saved")
        if write.kind != "retired":
            break
    return Outcome(saved, errors)


def _save_one(gateway: Gateway, config: Config, write: PageWrite, summary: str) -> str | None:
    """Save one page (one retry after an edit conflict): None when saved, "" when the page
    already held this table, else why it was not saved."""
    try:
        gateway.save(write.title, write.text, write.base, summary)
        return None
    except FATAL:
        raise
    except EditConflict:
        pass
    except WikiError as exc:
        return f"the table was not saved: {exc}"
    fresh = gateway.read([write.title])[write.title]
    inner = markers.between(write.text)
    if fresh is None or inner is None:
        return "deleted or changed during the pass; the table was not saved"
    if problem := writable(fresh, gateway.user):
        return f"changed during the pass; the table was not saved: {problem}"
    current = markers.between(fresh.text)
    if current is not None and not render.differs_beyond_stamp(current, inner):
        return ""  # it already holds this table: only the stamp would change
    text = markers.replace(fresh.text, inner)
    if text is None or size(text) > config.max_page_bytes:
        return "changed during the pass; the table no longer fits on it and was not saved"
    try:
        gateway.save(write.title, text, fresh, summary)
    except FATAL:
        raise
    except WikiError as exc:
        return f"not saved after an edit conflict: {exc}"
    return None


def _rows(text: str) -> set[str]:
    """The data rows of a summary text, each as its block of lines."""
    inner = render.sortable_table(markers.between(text) or "")
    return {"|-" + block.split("\n|}")[0] for block in inner.split("\n|-")[1:]}


def _changes(write: PageWrite, lang: str) -> str:
    """What changed, for the edit summary: rows added, removed, changed (in the wiki's language)."""
    m = i18n.messages(lang)
    old, new = _rows(write.base.text) if write.base else set(), _rows(write.text)
    added, removed = len(new - old), len(old - new)
    if not added and not removed:
        return m.text("ptracker-editsummary-rows-counts")
    changed = min(added, removed)
    parts = [
        m.text("ptracker-editsummary-rows-added", added - changed) if added > changed else "",
        m.text("ptracker-editsummary-rows-removed", removed - changed) if removed > changed else "",
        m.text("ptracker-editsummary-rows-changed", changed) if changed else "",
    ]
    return ", ".join(p for p in parts if p)
