"""The two pages a pass publishes: the summary table (between its markers) and the status page.
Both are planned before any write (so their safety checks can stop the pass first) and saved only
when more than a timestamp changed."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from bot import render, split
from bot.config import Config
from bot.errors import EditConflict, PageProtected, SafetyStop
from bot.model import PageResult, PageSnapshot, Skip
from bot.status import needs_save, render_status
from bot.wiki import Gateway
from bot.wikitext import has_text_outside_comments

log = logging.getLogger("bot.job")


@dataclass(frozen=True)
class PageWrite:
    """A summary page (the main one or a numbered part) to save: ``text`` based on ``base``
    (None: create it)."""

    title: str
    text: str
    base: PageSnapshot | None


def plan_summary(
    config: Config,
    page: PageSnapshot | None,
    results: Sequence[PageResult],
    now: dt.datetime,
    read: Callable[[Sequence[str]], Mapping[str, PageSnapshot | None]],
) -> tuple[list[render.Row], list[PageWrite]]:
    """The rows and the summary pages to save (none when only stamps would change): the main page,
    and when the table exceeds ``max_page_bytes``, its numbered parts (read with one request).
    Raises ``SafetyStop`` when the page or its markers are missing or too many rows would go."""
    title = config.pages.summary
    if page is None:
        raise SafetyStop(
            f"the summary page [[{title}]] does not exist: create it with `python -m bot install-templates` "
            "(it needs the two partnership-tracker markers), then run again"
        )
    rows = render.build_rows(results)
    chunks = split.chunk_rows(rows, now, config.max_page_bytes)
    parts = len(chunks) if len(chunks) > 1 else 0
    try:
        render.replace_between_markers(page.text, "")
    except SafetyStop as exc:
        raise SafetyStop(f"summary page [[{title}]]: {exc}") from None
    current = render.current_inner(page.text) or ""
    previous = current.count(f"[[{split.subpage_title(title, 1)[:-1]}")
    sub_titles = [split.subpage_title(title, n) for n in range(1, max(parts, previous) + 1)]
    subs = read(sub_titles) if sub_titles else {}
    before = render.count_rows(current) + sum(
        render.count_rows(render.current_inner(p.text) or "") for p in subs.values() if p is not None
    )
    if before - len(rows) > config.max_row_drop:
        raise SafetyStop(
            f"the summary table would shrink from {before} to {len(rows)} rows, more than max_row_drop = "
            f"{config.max_row_drop} ({config.path}): nothing was saved. If pages really left, raise the "
            "cap for one run; otherwise check why the wiki lists fewer pages."
        )
    writes: list[PageWrite] = []
    inner = render.render_table(rows, now) if not parts else split.render_index(chunks, title, now)
    if render.differs_beyond_stamp(current, inner):
        writes.append(PageWrite(title, render.replace_between_markers(page.text, inner), page))
    for n, chunk in enumerate(chunks if parts else [], 1):
        sub = subs.get(split.subpage_title(title, n))
        old = render.current_inner(sub.text) if sub else None
        if old is None or render.differs_beyond_stamp(old, render.render_table(chunk, now)):
            text = split.render_subpage(chunk, title, n, now)
            if sub is not None and old is not None:
                text = render.replace_between_markers(sub.text, render.render_table(chunk, now))
            writes.append(PageWrite(split.subpage_title(title, n), text, sub))
    for n in range(parts + 1, previous + 1):
        sub = subs.get(split.subpage_title(title, n))
        if sub is not None and sub.text != split.retired_subpage(title, n):
            writes.append(PageWrite(sub.title, split.retired_subpage(title, n), sub))
    return rows, writes


def save_summary(gateway: Gateway, config: Config, writes: Sequence[PageWrite], pages: int, complete: int) -> list[str]:
    """Save the summary pages; on an edit conflict, put the same table into the fresh text once.
    Returns an error line per page that could not be saved."""
    errors: list[str] = []
    for write in writes:
        summary = (
            f"Bot: update partnership table ({_changes(write)}): {pages} pages, {complete} complete "
            f"([[{config.pages.shutoff}|stop the bot]])"
        )
        try:
            gateway.save(write.title, write.text, write.base, summary)
            continue
        except PageProtected as exc:
            errors.append(f"{write.title}: {exc}")
            continue
        except EditConflict:
            pass
        fresh = gateway.read([write.title])[write.title]
        inner = render.current_inner(write.text)
        if fresh is None or inner is None:
            errors.append(f"{write.title}: deleted or changed during the pass; the table was not saved")
            continue
        current = render.current_inner(fresh.text)
        if current is not None and not render.differs_beyond_stamp(current, inner):
            continue  # it already holds this table: only the stamp would change
        try:
            gateway.save(write.title, render.replace_between_markers(fresh.text, inner), fresh, summary)
        except (EditConflict, SafetyStop, PageProtected) as exc:
            errors.append(f"{write.title}: not saved after an edit conflict: {exc}")
    return errors


def save_status(
    gateway: Gateway,
    config: Config,
    page: PageSnapshot | None,
    now: dt.datetime,
    *,
    pages: int,
    complete: int,
    tagged_pages: int,
    skipped: Sequence[Skip],
    errors: Sequence[str],
    next_run: dt.datetime | None,
    before_write: Callable[[], None],
) -> bool:
    """Save the status page when a figure changed or the heartbeat is due. Returns whether it saved."""
    text = render_status(
        now=now,
        pages=pages,
        complete=complete,
        tagged_pages=tagged_pages,
        skipped=[(s.title, s.reason) for s in skipped],
        errors=errors,
        shutoff_page=config.pages.shutoff,
        summary_page=config.pages.summary,
        next_run=next_run,
    )
    heartbeat = dt.timedelta(hours=config.run.status_heartbeat_hours)
    if not needs_save(page.text if page else None, text, now, heartbeat):
        return False
    before_write()
    summary = f"Bot: status: {complete} complete, {pages - complete} incomplete, {len(errors)} errors"
    try:
        gateway.save(config.pages.status, text, page, summary)
    except (EditConflict, PageProtected) as exc:
        log.warning("status page not saved: %s", exc)
        return False
    return True


def _rows(text: str) -> set[str]:
    """The data rows of a summary text, each as its block of lines."""
    inner = render.current_inner(text) or ""
    return {"|-" + block.split("\n|}")[0] for block in inner.split("\n|-")[1:]}


def _changes(write: PageWrite) -> str:
    """What changed, for the edit summary: rows added, removed, changed."""
    old, new = _rows(write.base.text) if write.base else set(), _rows(write.text)
    added, removed = len(new - old), len(old - new)
    if not added and not removed:
        return "counts"
    changed = min(added, removed)
    parts = [f"{added - changed} added" * (added > changed), f"{removed - changed} removed" * (removed > changed)]
    parts.append(f"{changed} changed" * bool(changed))
    return ", ".join(p for p in parts if p) + " rows"


BACKOFF_PREFIX = "; Back-off: "


def save_backoff_notice(gateway: Gateway, config: Config, notice: str | None) -> bool:
    """Put (or, with None, remove) the back-off line on the status page, leaving its other lines as
    they are. Not while the shutoff is engaged. Returns whether it saved."""
    pages = gateway.read([config.pages.status, config.pages.shutoff])
    shutoff, status = pages[config.pages.shutoff], pages[config.pages.status]
    if shutoff is not None and has_text_outside_comments(shutoff.text):
        return False
    lines = [line for line in (status.text if status else "").splitlines() if not line.startswith(BACKOFF_PREFIX)]
    if notice:
        lines.insert(min(2, len(lines)), BACKOFF_PREFIX + "<nowiki>" + notice.replace("<", "&lt;") + "</nowiki>")
    text = "\n".join(lines)
    if status is not None and text == status.text:
        return False
    summary = (
        f"Bot: {'back-off: ' + notice if notice else 'passes succeed again'} ([[{config.pages.shutoff}|stop the bot]])"
    )
    try:
        gateway.save(config.pages.status, text, status, summary[:490])
    except (EditConflict, PageProtected) as exc:
        log.warning("back-off notice not saved: %s", exc)
        return False
    return True
