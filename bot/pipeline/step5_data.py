"""Stage 5, keeping the data page in step with the summary table: ``[pages] data`` (default
``Partnership tracker/data.json``) holds the table's rows with their findings as one JSON document
(:func:`bot.export.data_document`, the same document as ``export --format json``), in the JSON
content model, so Lua modules (``mw.loadJsonData``) and tools (``action=raw``) can read it.

Runs after the summary in every pass that rebuilds the table (not a quiet pass, not a dry run),
from the same results as the table. The page is read with the pass's first request (with the
shutoff page), so it costs no request of its own, and it is saved only when the rows change:
MediaWiki re-formats JSON on save, so the page is compared by value, and the document holds no
timestamp, so a pass that changes nothing makes no edit. The edit carries the page's revision as
its base; on an edit conflict nothing is saved (a warning) and the next pass tries again. The
shutoff page is read again right before the write.

The page is created by ``install-templates`` (``templates_wiki/Main/Partnership tracker/data.json``,
the document with no rows) with the ``json`` content model: a main-namespace title ending in
``.json`` does not get it by default, and ``action=edit`` gives it with ``contentmodel=json``
(the account needs ``editcontentmodel``, which MediaWiki gives every user and a BotPassword's
``editpage`` grant). A pass does not create it: a missing page is a warning in the log, as for the
TemplateData's page (a wiki may do without it). Every save sends the ``json`` model, so a page a
person turned into wikitext is turned back.

``{{bots}}`` cannot stand in JSON, so the bot writes the page only while it holds the bot's own
document (a JSON object whose ``generator`` is ``partnership-tracker``): to keep the bot off it,
protect it or replace its text with any other JSON (``{"nobots": true}``). Such a page, a
protected one, and a document larger than the wiki's page limit (MediaWiki's default
``$wgMaxArticleSize``, :data:`bot.config.MAX_ARTICLE_BYTES`, measured as MediaWiki stores it:
:func:`bot.export.wiki_json`) are left as they are, with an error line saying what to do. The
limit is not ``max_page_bytes``: that is where the summary table is split into parts, and the
data page is one document that cannot be split (at about 1 KB per row it holds some 2,000 rows;
beyond that, ``python -m bot export`` gives the data).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from bot import edit_summaries, export
from bot.config import MAX_ARTICLE_BYTES
from bot.model import PageResult, PageSnapshot
from bot.pipeline.context import PassContext
from bot.pipeline.shutoff import ShutoffWatch
from bot.pipeline.step5_save import save_own_page
from bot.pipeline.tally import Tally
from bot.split import size

log = logging.getLogger(__name__)

NOT_OURS = (
    "the page does not hold the bot's data document (a JSON object whose generator is "
    f'"{export.GENERATOR}"), so the bot leaves it alone; delete the page (the next pass creates it) '
    "to let the bot write it again"
)


def decide(page: PageSnapshot | None, results: Sequence[PageResult], budget: int) -> tuple[str | None, str | None]:
    """(text to save or None, problem or None) for the data page as read: None and None when it
    already holds these rows (compared by value); a problem when the bot may not or cannot write it
    (protected, not the bot's document, larger than ``budget`` bytes)."""
    document = export.data_document(results)
    if page is not None:
        if page.protected:
            return None, "the page is protected and the bot may not edit it; unprotect it or give the bot the right"
        if not export.is_ours(page.text):
            return None, NOT_OURS
        if export.same_data(page.text, document):
            return None, None
    text = export.wiki_json(document)
    if size(text) > budget:
        return None, (
            f"the data would be {size(text)} bytes, more than the wiki's page limit of {budget} bytes; "
            "use `python -m bot export` for the data instead"
        )
    return text, None


def keep_in_step(
    ctx: PassContext,
    watch: ShutoffWatch,
    tally: Tally,
    read: Mapping[str, PageSnapshot | None],
    results: Sequence[PageResult],
) -> None:
    """Write the rows of ``results`` onto the data page when they differ from what it holds;
    ``read``: the pages read when the pass began (the data page among them). A saved edit counts in
    ``tally.saves``; a page the bot may not write is an error line in ``tally.errors``. Not called
    in a dry run."""
    title = ctx.cfg.pages.data
    page = read[title]  # the pass's first request always reads it (one_pass.run)
    if page is None:
        log.warning("%s does not exist, so the data was not written; install-templates creates it", title)
        return
    text, problem = decide(page, results, MAX_ARTICLE_BYTES)
    if problem:
        tally.errors.append(f"{title}: the data page was not written: {problem}")
        return
    if text is None:
        return
    complete = sum(r.complete for r in results)
    summary = edit_summaries.data(len(results), complete, ctx.cfg.pages.shutoff, ctx.cfg.site.language)
    save_own_page(ctx, watch, tally, page, text, summary, "the data page", content_model="json")
