"""Stage 5, publishing the status page: the pass's figures between the page's markers
(:mod:`bot.status_page` renders them), saved when a figure changed or the heartbeat is due; and the
scheduler's back-off line on the same page. The page is treated like the summary's pages
(:func:`bot.pipeline.step5_summary.writable`): written only between its real markers, created whole
when missing, left alone (an error line) when the bot may not write it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence

from bot import edit_summaries, markers
from bot.config import Config
from bot.errors import FATAL, WikiError
from bot.model import PageSnapshot, Skip
from bot.pipeline.step5_summary import MARKERS_FIX, Outcome, refusal, writable
from bot.safety import shutoff_engaged
from bot.split import size
from bot.status_page import (
    BACKOFF_PREFIX as BACKOFF_PREFIX,  # re-exported: the back-off line is this stage's
)
from bot.status_page import (
    backoff_line,
    is_backoff,
    is_old_format,
    is_stamp,
    migrated,
    needs_save,
    render_status,
    rules_line,
    status_page,
)
from bot.wiki import Gateway

log = logging.getLogger(__name__)


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
    rules_problem: str = "",
) -> Outcome:
    """Save the status page between its markers when a figure changed or the heartbeat is due
    (create it whole when missing; replace it whole once in the old format). ``saved`` is 1 when
    it saved; ``errors`` holds why the page could not be saved (logged too). ``rules_problem``:
    what is wrong with the rules page's current revision (the rules line says which one applies)."""
    title, budget = config.pages.status, config.max_page_bytes
    old: str | None = None
    if page is not None:
        found = markers.find(page.text)
        problem = refusal(page, gateway.user)
        if problem is None and found.span is None and not is_old_format(page.text):
            problem = f"{found.problem}; {MARKERS_FIX}"
        if problem:
            return _not_saved(title, problem)
        if found.span is not None:
            old = page.text[found.span[0] : found.span[1]]
    outside = (
        size(status_page("", config.site.language)) if old is None or page is None else size(page.text) - size(old)
    )
    inner = render_status(
        now=now,
        pages=pages,
        complete=complete,
        tagged_pages=tagged_pages,
        skipped=[(s.title, s.reason) for s in skipped],
        errors=errors,
        shutoff_page=config.pages.shutoff,
        summary_page=config.pages.summary,
        next_run=next_run,
        max_bytes=budget - outside,
        rules=rules_line(config.pages.rules, config.rules.revision, rules_problem, config.site.language),
        lang=config.site.language,
    )
    heartbeat = dt.timedelta(hours=config.run.status_heartbeat_hours)
    if old is not None and not needs_save(old, inner, now, heartbeat):
        return Outcome()
    if page is None:
        text: str | None = status_page(inner, config.site.language)
    elif old is None:  # the old format (see above): the bot's block is replaced, a person's lines stay
        text = migrated(page.text, inner, config.site.language)
    else:
        text = markers.replace(page.text, inner)
    if text is None:  # the figures would change which markers are real (they never should)
        return _not_saved(title, "the new figures would disturb its markers")
    if size(text) > budget:
        return _not_saved(
            title, f"it would be over max_page_bytes = {budget} bytes; shorten the text outside the markers"
        )
    before_write()
    summary = edit_summaries.status(complete, pages - complete, len(errors), config.pages.shutoff, config.site.language)
    try:
        gateway.save(title, text, page, summary)
    except FATAL:
        raise
    except WikiError as exc:
        return _not_saved(title, str(exc))
    return Outcome(1)


def _not_saved(title: str, why: str) -> Outcome:
    log.warning("status page not saved: %s", why, extra={"page": title})
    return Outcome(0, [f"{title}: the status page was not saved: {why}"])


def save_backoff_notice(gateway: Gateway, config: Config, notice: str | None) -> bool:
    """Put (or, with None, remove) the back-off line between the status page's markers, after the
    stamp line, leaving its other lines as they are (creating the page when missing). Not while
    the shutoff is engaged, nor on a page the bot may not write. Returns whether it saved."""
    pages = gateway.read([config.pages.status, config.pages.shutoff])
    shutoff, status = pages[config.pages.shutoff], pages[config.pages.status]
    if shutoff_engaged(shutoff):
        return False
    if status is not None and (problem := writable(status, gateway.user)):
        log.warning("back-off notice not saved on %s: %s", config.pages.status, problem)
        return False
    inner = (markers.between(status.text) if status else None) or "\n"
    lang = config.site.language
    lines = [line for line in inner.split("\n") if not is_backoff(line)]
    if notice:
        at = next((i + 1 for i, line in enumerate(lines) if is_stamp(line)), 1)
        lines.insert(at, backoff_line(notice, lang))
    inner = "\n".join(lines)
    text = markers.replace(status.text, inner) if status else status_page(inner, lang)
    if text is None or (status is not None and text == status.text) or (status is None and not notice):
        return False
    summary = edit_summaries.backoff(notice, config.pages.shutoff, lang)
    try:
        gateway.save(config.pages.status, text, status, summary[:490])
    except FATAL:
        raise
    except WikiError as exc:
        log.warning("back-off notice not saved: %s", exc)
        return False
    return True
