"""Stage 5, keeping the infobox's TemplateData in step with the rules: the ``<templatedata>`` block
between the bot's markers on the infobox's documentation page (``Template:<infobox>/doc``) is made
from the rules the pass applies (:func:`bot.templatedata.render`). Runs after the summary in every
pass that is not quiet and not a dry run; the page is read with the pass's first request (with the
shutoff page), so it costs no request of its own, and it is saved only when the block's text
changes: in practice on the pass after a change of the rules.

The page is treated like the summary's pages (:func:`bot.pipeline.step5_summary.writable`): the
bot writes only between its real markers; a page that has no usable markers,
excludes the bot (``{{bots}}``/``{{nobots}}``) or is protected is left alone with an error line
saying what to do; a page that does not exist is a warning in the log (a wiki may do without the
documentation page; install-templates creates it). The edit carries the page's revision as its base; on an edit conflict nothing
is saved and the next pass tries again (a warning, not an error: a person was editing the
page). The shutoff page is read again right before the write.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from bot import edit_summaries, templatedata
from bot.model import PageSnapshot
from bot.pipeline.context import PassContext
from bot.pipeline.shutoff import ShutoffWatch
from bot.pipeline.step5_save import save_own_page
from bot.pipeline.step5_summary import MARKERS_FIX, refusal
from bot.pipeline.tally import Tally

log = logging.getLogger(__name__)


def doc_title(infobox: str) -> str:
    """The infobox's documentation page, which holds its TemplateData."""
    return f"Template:{infobox}/doc"


def keep_in_step(ctx: PassContext, watch: ShutoffWatch, tally: Tally, read: Mapping[str, PageSnapshot | None]) -> None:
    """Write the TemplateData of the rules onto the documentation page when it differs; ``read``:
    the pages read when the pass began (the doc page among them; when the rules the pass applies
    name another infobox than the ones it started with, that page is read here). A saved edit
    counts in ``tally.saves``, a page the bot may not write is an error line in ``tally.errors``.
    Not called in a dry run."""
    title = doc_title(ctx.cfg.rules.infobox_name)
    page = read[title] if title in read else ctx.gw.read([title])[title]
    if page is None:
        log.warning("%s does not exist, so its TemplateData was not written; install-templates creates it", title)
        return
    problem = refusal(page, ctx.gw.user)
    text = templatedata.updated(page.text, ctx.cfg.rules)
    if text is None:
        problem = problem or f"the page has no usable markers; {MARKERS_FIX}"
    if problem:
        tally.errors.append(f"{title}: the TemplateData was not written: {problem}")
        return
    if text is None or text == page.text:
        return
    summary = edit_summaries.templatedata(ctx.cfg.pages.shutoff, ctx.cfg.site.language)
    save_own_page(ctx, watch, tally, page, text, summary, "the TemplateData")
