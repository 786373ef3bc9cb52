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
shutoff page); the parts it needs, those it lists now and those the state remembers
(:func:`_known_parts`) are read with as few requests as
:data:`READ_BYTES` of text a request allows (3 parts of 2 MiB), each part's text dropped once
read. A page is saved only when its value changes: MediaWiki re-formats JSON on save, so pages are
compared by value, and the documents hold no timestamp, so a pass that changes nothing makes no
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

import dataclasses
import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot import data_parts, edit_summaries, export
from bot.config import MAX_ARTICLE_BYTES
from bot.model import PageResult, PageSnapshot
from bot.pipeline.context import PassContext
from bot.pipeline.shutoff import ShutoffWatch
from bot.pipeline.step5_save import save_own_page
from bot.pipeline.tally import Tally
from bot.render import Row
from bot.split import size
from bot.wiki import Gateway

log = logging.getLogger(__name__)

NOT_OURS = (
    "the page does not hold the bot's data document (a JSON object whose generator is "
    f'"{export.GENERATOR}"), so the bot leaves it alone'
)
PROTECTED = "the page is protected and the bot may not edit it; unprotect it or give the bot the right"
#: At most this much part text is asked in one request (MediaWiki answers at most
#: ``$wgAPIMaxResultSize``, 8 MiB by default, per response, its own keys included: three parts of
#: 2 MiB), and held at once: a part's text is dropped as soon as it is read (:class:`Part`).
READ_BYTES = 6 * 2**20


def refusal(page: PageSnapshot, fix: str) -> str | None:
    """Why the bot may not write ``page`` (protected, not the bot's document: then with ``fix``), or None."""
    return _refusal(page.protected, export.is_ours(page.text), fix)


def _refusal(protected: bool, ours: bool, fix: str) -> str | None:
    if protected:
        return PROTECTED
    return None if ours else f"{NOT_OURS}; {fix}"


@dataclass(frozen=True)
class Part:
    """A part page as read, without its text (at 100,000 rows the parts hold some 67 MB): the
    snapshot to save on (its ``text`` empty; an edit's base is its revision), whether it holds the
    bot's document, and a digest of its JSON value (None: not JSON), compared with
    :func:`digest` of a document."""

    page: PageSnapshot
    ours: bool
    value: bytes | None

    @classmethod
    def of(cls, page: PageSnapshot) -> Part:
        value = export.parsed(page.text)
        ours = isinstance(value, dict) and value.get("generator") == export.GENERATOR
        return cls(dataclasses.replace(page, text=""), ours, None if value is None else digest(value))

    def holds(self, document: Mapping[str, Any]) -> bool:
        """Whether the page holds ``document`` (by value: MediaWiki re-formats JSON on save)."""
        return self.value == digest(document)

    def refusal(self, fix: str) -> str | None:
        return _refusal(self.page.protected, self.ours, fix)


def digest(value: Any) -> bytes:
    """A digest of a JSON value: equal for equal values, whatever their formatting."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).digest()


def read_parts(gw: Gateway, titles: Sequence[str], budget: int) -> dict[str, Part | None]:
    """The part pages ``titles`` (None: missing), read :data:`READ_BYTES` of text (at most
    ``budget`` bytes a part) a request, and 50 titles at most; each text is dropped once read."""
    out: dict[str, Part | None] = {}
    step = max(1, READ_BYTES // max(budget, 1))
    for i in range(0, len(titles), step):
        for title, page in gw.read(titles[i : i + step]).items():
            out[title] = None if page is None else Part.of(page)
    return out


def keep_in_step(
    ctx: PassContext,
    watch: ShutoffWatch,
    tally: Tally,
    read: Mapping[str, PageSnapshot | None],
    results: Sequence[PageResult],
    rows: Sequence[Row] | None = None,
) -> None:
    """Write the rows of ``results`` onto the data page and its parts where they differ from what
    the pages hold; ``read``: the pages read when the pass began (the data page among them);
    ``rows``: the table's rows as the summary's plan built them from ``results`` (shared). Each
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
    table = export.table_rows(results, rows)
    plan = data_parts.plan(table, budget)
    titles = [data_parts.part_title(title, n) for n in range(1, len(plan.spans) + 1)]
    retired = [t for t in _known_parts(ctx, title, page) if t not in titles]
    parts = read_parts(ctx.gw, [*titles, *retired], budget)
    document = data_parts.main_document(table, titles)
    main = export.wiki_json(document)
    if problem := _blocking(title, table, plan, budget, size(main), titles, parts):
        tally.errors.append(problem)
        return
    lang, shutoff = ctx.cfg.site.language, ctx.cfg.pages.shutoff
    numbered = list(enumerate(zip(titles, plan.spans, strict=True), 1))
    # the parts to create first: until the data page lists them no reader sees them, and one the wiki
    # will not create (create protection, a missing right) then stops the pass before any part changed
    for n, (part, span) in sorted(numbered, key=lambda item: parts[item[1][0]] is not None):
        one = data_parts.part_document(table, span, n, len(titles))
        old = parts.pop(part)
        if old is not None and old.holds(one):
            continue
        text = export.wiki_json(one)
        del one  # one part's records at a time
        base = old.page if old is not None else None
        if not _saved(ctx, watch, tally, base, part, text, edit_summaries.data_part(n, len(titles), shutoff, lang)):
            log.warning("%s: not saved, so neither is %s nor its other parts; the next pass writes them", part, title)
            return
    if not export.same_data(page.text, document):
        complete = sum(row.complete for row, _ in table)
        summary = edit_summaries.data(len(table), complete, shutoff, lang)
        if not _saved(ctx, watch, tally, page, title, main, summary):
            return
    _retire(ctx, watch, tally, [parts[t] for t in retired])


def _known_parts(ctx: PassContext, title: str, page: PageSnapshot) -> list[str]:
    """The parts of the data page ``title`` the page lists, and those the last build left on the
    wiki (the state's published pages, :meth:`bot.state.StateStore.published`): a part whose
    retiring save failed (an edit conflict) is no longer listed, yet holds rows. By number."""
    entry = ctx.store.published() if ctx.store is not None else None
    known = [*data_parts.listed_parts(title, export.parsed(page.text)), *(entry[2] if entry else ())]
    numbers = {t: n for t in known if (n := data_parts.part_number(title, t)) is not None}
    return sorted(numbers, key=numbers.__getitem__)


def _blocking(
    title: str,
    table: Sequence[export.TableRow],
    plan: data_parts.Plan,
    budget: int,
    main_bytes: int,
    titles: Sequence[str],
    parts: Mapping[str, Part | None],
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
        if old is not None and (problem := old.refusal("delete it (the next pass creates it) to let the bot write it")):
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


def _retire(ctx: PassContext, watch: ShutoffWatch, tally: Tally, parts: Sequence[Part | None]) -> None:
    """Empty the parts no longer needed that hold the bot's document (kept, never deleted); one that
    does not is left as it is, with an error line. A part that holds the retired document (now or
    already) is no longer one of the bot's published pages: it leaves ``ctx.latest``, so the state
    forgets it (:func:`_known_parts`) and no later pass reads or asks it again."""
    retired = data_parts.retired_document()
    summary = edit_summaries.data_retired(ctx.cfg.pages.shutoff, ctx.cfg.site.language)
    for part in parts:
        if part is None:
            continue
        title = part.page.title
        if part.holds(retired):
            done = True
        elif problem := part.refusal("the data no longer needs it, so it may go"):
            tally.errors.append(f"{title}: no longer part of the data, left as it is: {problem}")
            done = False
        else:
            done = _saved(ctx, watch, tally, part.page, title, export.wiki_json(retired), summary)
        if done and ctx.latest is not None:
            ctx.latest.pop(title, None)
