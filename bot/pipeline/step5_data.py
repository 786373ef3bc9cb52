"""Stage 5, keeping the data page in step with the summary table: ``[pages] data`` (default
``Partnership tracker/data.json``) holds the table's rows with their findings as JSON (the document of
``export --format json``, :func:`bot.export.data_document`, with ``"parts"`` added), in the JSON
content model, so Lua modules (``mw.loadJsonData``) and tools (``action=raw``) can read it.

When the document does not fit ``min(max_page_bytes, MAX_ARTICLE_BYTES)`` bytes as MediaWiki stores
it (:func:`bot.export.wiki_json`), the rows go to numbered parts (``Partnership tracker/data/1.json``,
…; :mod:`bot.data_parts`) and the data page keeps the head and lists the parts; a reader follows
``parts`` (contract §6.1). A split document is built, serialized and compared one part at a time.

Runs after the summary in every pass that rebuilds the table (not a quiet pass, not a dry run),
from the same results as the table. The data page is read with the pass's first request (with the
shutoff page); the parts it needs and those it lists now are read with one more request (by 50
titles). A page is saved only when its value changes: MediaWiki re-formats JSON on save, so pages
are compared by value, and the documents hold no timestamp, so a pass that changes nothing makes no
edit, and a changed row saves only its part (and the data page only when its counts or list of
parts change). Every edit carries the revision read as its base and the ``json`` content model (a
page a person turned into wikitext is turned back); the shutoff page is read again right before
each write; on an edit conflict the page is not saved (a warning) and the next pass tries again.

All or nothing, as for the summary: parts are saved first, the data page next, and only then are
parts no longer needed retired (:func:`bot.data_parts.retired_document`; never deleted). When a part
the data needs cannot be written (protected, or not holding the bot's document), when one row alone
would not fit a part, or when the list of parts would not fit the data page, no data page is saved
and one error line says which page and what to do. When a part's save fails, neither the data page
nor the later parts are saved in that pass.

The data page is created by ``install-templates`` (``templates_wiki/Main/Partnership tracker/data.json``,
the document with no rows) with the ``json`` content model: a main-namespace title ending in
``.json`` does not get it by default, and ``action=edit`` gives it with ``contentmodel=json``
(the account needs ``editcontentmodel``, which MediaWiki gives every user and a BotPassword's
``editpage`` grant). A pass does not create it: a missing data page is a warning in the log, as for
the TemplateData's page (a wiki may do without it). A part that does not exist is created by the pass.

``{{bots}}`` cannot stand in JSON, so the bot writes a page only while it holds the bot's own
document (a JSON object whose ``generator`` is ``partnership-tracker``): to keep the bot off it,
protect it or replace its text with any other JSON (``{"nobots": true}``). Such a page is left as
it is, with an error line saying what to do.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from bot import data_parts, edit_summaries, export
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
    f'"{export.GENERATOR}"), so the bot leaves it alone'
)
PROTECTED = "the page is protected and the bot may not edit it; unprotect it or give the bot the right"


def refusal(page: PageSnapshot, fix: str) -> str | None:
    """Why the bot may not write ``page`` (protected, not the bot's document: then with ``fix``), or None."""
    if page.protected:
        return PROTECTED
    return None if export.is_ours(page.text) else f"{NOT_OURS}; {fix}"


def keep_in_step(
    ctx: PassContext,
    watch: ShutoffWatch,
    tally: Tally,
    read: Mapping[str, PageSnapshot | None],
    results: Sequence[PageResult],
) -> None:
    """Write the rows of ``results`` onto the data page and its parts where they differ from what
    the pages hold; ``read``: the pages read when the pass began (the data page among them). Each
    saved edit counts in ``tally.saves``; a page the bot may not write is an error line in
    ``tally.errors``. Not called in a dry run."""
    title = ctx.cfg.pages.data
    page = read[title]  # the pass's first request always reads it (one_pass.run)
    if page is None:
        log.warning("%s does not exist, so the data was not written; install-templates creates it", title)
        return
    if problem := refusal(page, "delete it and run `python -m bot install-templates` to let the bot write it again"):
        tally.errors.append(f"{title}: the data page was not written: {problem}")
        return
    budget = min(ctx.cfg.max_page_bytes, MAX_ARTICLE_BYTES)
    table = export.table_rows(results)
    plan = data_parts.plan(table, budget)
    titles = [data_parts.part_title(title, n) for n in range(1, len(plan.spans) + 1)]
    retired = [t for t in data_parts.listed_parts(title, export.parsed(page.text)) if t not in titles]
    parts = dict(ctx.gw.read([*titles, *retired])) if titles or retired else {}
    document = data_parts.main_document(table, titles)
    main = export.wiki_json(document)
    if problem := _blocking(title, table, plan, budget, size(main), titles, parts):
        tally.errors.append(problem)
        return
    lang, shutoff = ctx.cfg.site.language, ctx.cfg.pages.shutoff
    for n, (part, span) in enumerate(zip(titles, plan.spans, strict=True), 1):
        one = data_parts.part_document(table, span, n, len(titles))
        old = parts.pop(part)  # each part read is dropped once compared
        if old is not None and export.same_data(old.text, one):
            continue
        text = export.wiki_json(one)
        del one  # one part's records at a time
        if not _saved(ctx, watch, tally, old, part, text, edit_summaries.data_part(n, len(titles), shutoff, lang)):
            log.warning("%s: not saved, so neither is %s nor its other parts; the next pass writes them", part, title)
            return
    if not export.same_data(page.text, document):
        complete = sum(row.complete for row, _ in table)
        summary = edit_summaries.data(len(table), complete, shutoff, lang)
        if not _saved(ctx, watch, tally, page, title, main, summary):
            return
    _retire(ctx, watch, tally, [parts[t] for t in retired])


def _blocking(
    title: str,
    table: Sequence[export.TableRow],
    plan: data_parts.Plan,
    budget: int,
    main_bytes: int,
    titles: Sequence[str],
    parts: Mapping[str, PageSnapshot | None],
) -> str | None:
    """The error line when no data page may be saved (all or nothing), else None."""
    over = f"more than the limit of {budget} bytes (max_page_bytes or the wiki's page limit); no data page was saved"
    if plan.oversized is not None:
        row = table[plan.oversized][0].title
        return (
            f"{title}: the row of [[{row}]] alone would make a part larger than its limit, {over}; "
            "raise max_page_bytes or use `python -m bot export` for the data"
        )
    if main_bytes > budget:
        return f"{title}: the list of its {len(titles)} parts would be {main_bytes} bytes, {over}; raise max_page_bytes"
    for n, part in enumerate(titles, 1):
        old = parts[part]
        if old is not None and (
            problem := refusal(old, "delete it (the next pass creates it) to let the bot write it")
        ):
            return f"{part}: part {n} of the data cannot be written, so no data page was saved: {problem}"
    return None


def _saved(
    ctx: PassContext,
    watch: ShutoffWatch,
    tally: Tally,
    page: PageSnapshot | None,
    title: str,
    text: str,
    summary: str,
) -> bool:
    """Save one data page (``page`` None: create ``title``) in the JSON content model; whether it was saved."""
    before = tally.saves
    save_own_page(ctx, watch, tally, page, text, summary, "the data page", content_model="json", title=title)
    return tally.saves > before


def _retire(ctx: PassContext, watch: ShutoffWatch, tally: Tally, pages: Sequence[PageSnapshot | None]) -> None:
    """Empty the parts no longer needed that hold the bot's document (kept, never deleted); one that
    does not is left as it is, with an error line."""
    retired = data_parts.retired_document()
    summary = edit_summaries.data_retired(ctx.cfg.pages.shutoff, ctx.cfg.site.language)
    for page in pages:
        if page is None:
            continue
        if problem := refusal(page, "the data no longer needs it, so it may go"):
            tally.errors.append(f"{page.title}: no longer part of the data, left as it is: {problem}")
        elif not export.same_data(page.text, retired):
            _saved(ctx, watch, tally, page, page.title, export.wiki_json(retired), summary)
