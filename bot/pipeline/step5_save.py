"""Saving one of the bot's own single pages in stage 5 (the TemplateData on the infobox's doc page,
the data page): the shutoff page is read again first, the save is based on the revision the pass
read, and what goes wrong is reported without stopping the pass.

* an edit conflict (a person saved the page during the pass) is a warning: the next pass, which
  reads the page afresh, writes it;
* any other wiki error is an error line of the pass (run report, status page);
* a fatal error (shutoff, login, the wiki gone) stops the pass as everywhere.
"""

from __future__ import annotations

import logging

from bot.errors import FATAL, EditConflict, WikiError
from bot.model import PageSnapshot
from bot.pipeline.context import PassContext
from bot.pipeline.shutoff import ShutoffWatch
from bot.pipeline.tally import Tally

log = logging.getLogger(__name__)


def save_own_page(
    ctx: PassContext,
    watch: ShutoffWatch,
    tally: Tally,
    page: PageSnapshot | None,
    text: str,
    summary: str,
    what: str,
    content_model: str | None = None,
    title: str = "",
) -> None:
    """Save ``text`` on ``page``, as read when the pass began (``what`` names it in messages, e.g.
    "the TemplateData"); the caller has decided that the text changed. ``page`` None: create
    ``title``."""
    title = page.title if page is not None else title
    watch.recheck(tally.saves, force=True)
    try:
        ctx.gw.save(title, text, page, summary, content_model=content_model)
    except FATAL:
        raise
    except EditConflict:
        log.warning("%s: edited during the pass; %s is written by the next pass", title, what)
        return
    except WikiError as exc:
        tally.errors.append(f"{title}: {what} was not saved: {exc}")
        return
    tally.saves += 1
