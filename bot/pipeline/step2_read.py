"""Stage 2, reading: every page stage 1 found is read (lazily, 500 per request) and decided at
once (stage 3); the pass keeps what it found (:class:`~bot.pipeline.tally.Tally`), never the
text. Pages an incremental pass did not need to read keep their stored results. In a dry run each
planned edit is shown as a diff as it is decided. ``should_stop`` is polled between pages.

A sweep from stored readings (stage 1's ``listed``) first re-validates, in the wiki's order, every
listed page whose stored record and reading are of its latest revision and title, whose reading
was made by this pass's reader (:func:`~bot.pipeline.step3_decide.reader_fingerprint`) and whose
last decision was settled, and that no earlier pass left to be read again: its stored infobox is
checked against the pass's date and rules. When the tag that result asks for is the one its stored
result asked for, the decision is the stored one (same revision, same text, same wanted tag: no
edit, the same text-only skip, the same tag memory) and the page is not read. Every other page —
new, edited, moved, read by another reader, last decided with an edit or a skip that depends on
more than its text (grace period, re-tag hold, ``{{bots}}``, protection), or whose tag would
change — is read and decided from its text, 500 per request, after the re-validated ones.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Iterable

from bot.diff import unified_diff
from bot.errors import Interrupted, StateError
from bot.model import TABLE_FIELDS, PageRecord, PageResult, PageSnapshot, Skip, decode_reading
from bot.pipeline.context import PassContext
from bot.pipeline.step1_find import Selection
from bot.pipeline.step3_decide import Judge, validator_fingerprint
from bot.pipeline.tally import Tally, Unchanged
from bot.plan import Decision
from bot.rules import Rules
from bot.state import VALIDATION_KEY
from bot.tagging import tag_for
from bot.validate import check_page
from bot.values import fold_enum, parse_date

log = logging.getLogger(__name__)

#: Listed pages whose stored readings are fetched from the state database together.
CHUNK = 500


def read_pages(ctx: PassContext, judge: Judge, sel: Selection) -> Tally:
    """Read and decide the selected pages; the tally holds the kept and removed stored pages too.
    Raises ``Interrupted`` (nothing saved) when ``should_stop`` turns true."""
    tally = Tally(kept=[r.result for r in sel.kept], removed=sel.removed)
    tally.skipped += [Skip(r.title, r.skip) for r in sel.kept if r.skip]
    pages: Iterable[PageSnapshot] = sel.pages
    if sel.listed is not None:
        to_read = _revalidate(ctx, judge, sel, tally)
        log.info("stored readings: %d pages re-validated, %d to read", sel.revalidated, len(to_read))
        pages = ctx.gw.read_pages(to_read) if to_read else ()
    for page in pages:
        result, decision = judge.decide(page)
        tally.record(page, result, decision)
        log.debug(
            "read %s: %s", page.title, "complete" if result.complete else "incomplete", extra={"page": page.title}
        )
        if ctx.dry_run and decision.edit is not None:  # shown as decided: no text is kept
            ctx.on_diff(unified_diff(page.title, page.text, decision.edit.text))
        _progress(ctx, tally)
    judge.readings.flush()
    return tally


def _progress(ctx: PassContext, tally: Tally) -> None:
    ctx.on_progress(tally.decided())
    if ctx.should_stop():
        raise Interrupted(f"stopped after reading {tally.decided()} pages; nothing was saved")


def _revalidate(ctx: PassContext, judge: Judge, sel: Selection, tally: Tally) -> list[int]:
    """Decide the listed pages that need no reading from their stored readings (see the module's
    text); returns the ids of the pages to read, in the wiki's order. Stored records are fetched
    500 at a time and not kept: a page to read keeps its tag memory (in the judge's ``memory``), a
    page re-validated to another result (with the same tag) gets a new record, and a page
    re-validated to its stored result stays as its id alone (:meth:`Tally.same`) until
    :func:`restore`."""
    assert sel.listed is not None and ctx.store is not None
    listed, to_read = list(sel.listed.items()), []
    fp, rules, today = judge.fingerprint, ctx.cfg.rules, ctx.now.date()
    same_rules = ctx.store.get(VALIDATION_KEY) == validator_fingerprint(ctx.cfg)
    for i in range(0, len(listed), CHUNK):
        chunk = listed[i : i + CHUNK]
        records = ctx.store.records([pid for pid, _ in chunk], ())
        usable = [pid for pid, item in chunk if _may_reuse(records.get(pid), item, fp, sel.recheck)]
        readings = ctx.store.readings(usable) if usable else {}
        for pid, (title, revid) in chunk:
            stored, reading = records.get(pid), readings.get(pid)
            result = _result(ctx, title, stored, reading, (revid, fp), same_rules, rules, today)
            if stored is None or result is None or tag_for(result) != tag_for(stored.result):
                to_read.append(pid)
                if stored is not None:
                    judge.memory[pid] = stored.memory
                continue
            if result == stored.result:
                tally.same(stored)
            else:
                page = PageSnapshot(title, revid, None, "", pageid=pid)
                tally.record(page, result, Decision(None, stored.skip, stored.memory))
                judge.settled[pid] = revid
            sel.revalidated += 1
            _progress(ctx, tally)
    return to_read


def _result(
    ctx: PassContext,
    title: str,
    stored: PageRecord | None,
    reading: tuple[int, int, bytes] | None,
    latest: tuple[int, int],
    same_rules: bool,
    rules: Rules,
    today: dt.date,
) -> PageResult | None:
    """A listed page's result from its stored reading (None: it must be read). ``latest``: its
    latest revision and this pass's reader fingerprint, which the reading must be of."""
    if stored is None or reading is None or reading[:2] != latest:
        return None
    if same_rules and not _dated(stored.result, rules, today):
        return stored.result  # the same reading, rules and validator, and no date involved
    try:
        return check_page(title, decode_reading(reading[2]), rules, today, ctx.cfg.site.language)
    except ValueError:
        return None


def restore(ctx: PassContext, judge: Judge, tally: Tally) -> None:
    """Put the records of the pages a sweep decided as stored (:meth:`Tally.same`) back in the
    tally before the table is built from every record (the table and the data sort their rows, so
    the records' order is of no matter): they are the stored ones (read 500 at a time; nothing else
    wrote them since), their decision settled. Nothing to do after any other kind of pass."""
    ids = tally.unchanged.ids
    if not ids:
        return
    assert ctx.store is not None
    records: dict[int, PageRecord] = {}
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK].tolist()
        for pid, record in ctx.store.records(chunk, ()).items():
            records[pid] = dataclasses.replace(record, settled=0)
            judge.settled[pid] = record.revid
    missing = len(ids) - len(records)
    if missing:  # the state database changed under the pass (another process): read them next time
        raise StateError(f"{missing} stored page records went during the pass; run again")
    tally.records.update(records)
    tally.unchanged = Unchanged()


def _dated(result: PageResult, rules: Rules, today: dt.date) -> bool:
    """Whether a page's result may read otherwise on ``today`` than when it was made: only the
    ``stale`` warning depends on the date, and only for a status the rules name with a date in the
    field they name (read from the result's table values; a field the table does not keep counts
    as dated). The warning's message does not name the day, so a result stays as it is while the
    page is on the same side of ``stale_days`` as when it was judged."""
    if rules.stale_field not in TABLE_FIELDS or "status" not in TABLE_FIELDS:
        return True
    status = fold_enum(result.values.get("status", ""))
    reviewed = parse_date(result.values.get(rules.stale_field, ""))
    if status not in rules.stale_status or reviewed is None:
        return False
    stale_now = (today - reviewed.last_day()).days > rules.stale_days
    return any(f.code == "stale" for f in result.findings) != stale_now


def _may_reuse(record: PageRecord | None, item: tuple[str, int], fp: int, recheck: set[int]) -> bool:
    """Whether a listed page's stored record allows re-validating its stored reading."""
    if record is None or record.pageid in recheck:
        return False
    title, revid = item
    return record.revid == revid and record.title == title and record.settled == fp
