"""The two pages a pass publishes: the summary table (between its markers) and the status page.
Both are planned before any write (so their safety checks can stop the pass first) and saved only
when more than a timestamp changed."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence

from bot import render
from bot.config import Config
from bot.errors import EditConflict, PageProtected, SafetyStop
from bot.model import PageResult, PageSnapshot, Skip
from bot.status import needs_save, render_status
from bot.wiki import Gateway

log = logging.getLogger("bot.job")


def plan_summary(
    config: Config, page: PageSnapshot | None, results: Sequence[PageResult], now: dt.datetime
) -> tuple[list[render.Row], str | None]:
    """The rows and the summary page's new text (None when only the stamp would change). Raises
    ``SafetyStop`` when the page or its markers are missing or too many rows would go."""
    title = config.pages.summary
    if page is None:
        raise SafetyStop(
            f"the summary page [[{title}]] does not exist: create it with `python -m bot install-templates` "
            "(it needs the two partnership-tracker markers), then run again"
        )
    rows = render.build_rows(results)
    inner = render.render_table(rows, now)
    try:
        text = render.replace_between_markers(page.text, inner)
    except SafetyStop as exc:
        raise SafetyStop(f"summary page [[{title}]]: {exc}") from None
    current = render.current_inner(page.text) or ""
    before = render.count_rows(current)
    if before - len(rows) > config.max_row_drop:
        raise SafetyStop(
            f"the summary table would shrink from {before} to {len(rows)} rows, more than max_row_drop = "
            f"{config.max_row_drop} ({config.path}): nothing was saved. If pages really left, raise the "
            "cap for one run; otherwise check why the wiki lists fewer pages."
        )
    return rows, (text if render.differs_beyond_stamp(current, inner) else None)


def save_summary(
    gateway: Gateway, config: Config, text: str, page: PageSnapshot, results: Sequence[PageResult]
) -> str | None:
    """Save the table; on an edit conflict, put the same table into the fresh text once. Returns
    an error line when it could not be saved."""
    complete = sum(r.complete for r in results)
    summary = (
        f"Bot: update partnership table: {len(results)} pages, {complete} complete "
        f"([[{config.pages.shutoff}|stop the bot]])"
    )
    try:
        gateway.save(page.title, text, page, summary)
        return None
    except EditConflict:
        fresh = gateway.read([page.title])[page.title]
        inner = render.current_inner(text)
        if fresh is None or inner is None:
            return f"{page.title}: deleted or changed during the pass; the table was not saved"
        try:
            gateway.save(page.title, render.replace_between_markers(fresh.text, inner), fresh, summary)
            return None
        except (EditConflict, SafetyStop, PageProtected) as exc:
            return f"{page.title}: not saved after an edit conflict: {exc}"
    except PageProtected as exc:
        return f"{page.title}: {exc}"


def save_status(
    gateway: Gateway,
    config: Config,
    page: PageSnapshot | None,
    now: dt.datetime,
    *,
    results: Sequence[PageResult],
    tagged_pages: int,
    skipped: Sequence[Skip],
    errors: Sequence[str],
    next_run: dt.datetime | None,
    before_write: Callable[[], None],
) -> bool:
    """Save the status page when a figure changed or the heartbeat is due. Returns whether it saved."""
    complete = sum(r.complete for r in results)
    text = render_status(
        now=now,
        pages=len(results),
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
    summary = f"Bot: status: {complete} complete, {len(results) - complete} incomplete, {len(errors)} errors"
    try:
        gateway.save(config.pages.status, text, page, summary)
    except (EditConflict, PageProtected) as exc:
        log.warning("status page not saved: %s", exc)
        return False
    return True
