"""Stage 6, remembering: what a completed pass stores, in one transaction after its wiki edits
(the page records, the pass's report, the next mark, the names asked of the wiki, whether the
table on the wiki is current, the pages to read again). A pass that fails after some saves stores
only what those saves did (:func:`remember_saved`), so stored state never runs ahead of the wiki.
"""

from __future__ import annotations

import json

from bot.model import PageResult, RunReport
from bot.pipeline import settled
from bot.pipeline.context import PassContext
from bot.pipeline.step1_find import Selection, stored_recheck
from bot.pipeline.step1_recent_changes import own_to_remember
from bot.pipeline.step3_decide import Judge, validator_fingerprint
from bot.pipeline.tally import Tally
from bot.state import (
    FINGERPRINT_KEY,
    MARK_KEY,
    NAMES_KEY,
    PUBLISHED_KEY,
    RECHECK_KEY,
    RULES_KEY,
    SAVED_KEY,
    SAVING_KEY,
    SUMMARY_KEY,
    TAG_NAMES_KEY,
    VALIDATION_KEY,
)


def remember(
    ctx: PassContext, sel: Selection, judge: Judge, tally: Tally, report: RunReport, planned: list[PageResult]
) -> None:
    """Store the completed pass (not in a dry run, nor without a state database). ``planned``:
    the results the summary table was planned from; a page read again while saving that came out
    otherwise makes the next pass rebuild the table (it is then not quiet) from the stored, fresh
    results. A record is stored as settled (its next full sweep may re-validate its stored
    reading) only when the judge's last decision on it was settled for the very revision stored
    and no later pass must read it again; a page saved in this pass is stored at its new
    revision, which no reading describes yet, so the next full sweep reads it."""
    if ctx.store is None or ctx.dry_run:
        return
    judge.readings.flush()
    policy, fp, settled_at = judge.policy, judge.fingerprint, judge.settled
    summary_current = not tally.summary_failed(ctx.cfg.pages.summary) and tally.results() == planned
    meta = {
        NAMES_KEY: json.dumps(sorted(sel.names)),
        TAG_NAMES_KEY: json.dumps({f"Template:{ctx.cfg.pages.tag_template}": sorted(policy.tag_names)}),
        MARK_KEY: sel.mark.isoformat(),
        FINGERPRINT_KEY: sel.fingerprint,
        SUMMARY_KEY: "1" if summary_current else "0",
        RECHECK_KEY: json.dumps(sorted(tally.recheck)),
        SAVED_KEY: json.dumps(own_to_remember(sel.own, ctx.saved)),
        PUBLISHED_KEY: settled.published(ctx.cfg, ctx.latest or {}, ctx.now)
        if summary_current and not tally.errors
        else "",
    }
    if ctx.rules_entry:
        meta[RULES_KEY] = ctx.rules_entry
    validated = validator_fingerprint(ctx.cfg)
    if sel.kind == "full":  # every stored result was made now
        meta[VALIDATION_KEY] = validated
    elif ctx.store.get(VALIDATION_KEY) != validated:  # kept results were made otherwise
        meta[VALIDATION_KEY] = ""
    if not tally.tag_save_failed:  # else kept: a failed save may have reached the wiki (the next pass lists)
        meta[SAVING_KEY] = ""
    ctx.store.save_pass(
        tally.records.values(),
        sel.kind,
        ctx.now,
        report.as_dict(),
        replace_all=sel.kind == "full",
        removed=tally.removed,
        meta=meta,
        settled=lambda r: fp if settled_at.get(r.pageid) == r.revid and r.pageid not in tally.recheck else 0,
    )


def remember_quiet(ctx: PassContext, sel: Selection, report: RunReport, extra: dict[str, str] | None = None) -> None:
    """Store a quiet pass: its report, the next mark, its own saves and a new revision of the same
    rules (same content, so nothing else changes), and ``extra`` entries; no page record."""
    assert ctx.store is not None
    ctx.store.save_pass(
        (),
        sel.kind,
        ctx.now,
        report.as_dict(),
        replace_all=False,
        meta={
            MARK_KEY: sel.mark.isoformat(),
            SAVED_KEY: json.dumps(own_to_remember(sel.own, ctx.saved)),
            **({RULES_KEY: ctx.rules_entry} if ctx.rules_entry else {}),
            **(extra or {}),
        },
    )


def remember_settled(ctx: PassContext, sel: Selection, judge: Judge, report: RunReport) -> None:
    """Store a sweep that found nothing changed (:mod:`bot.pipeline.settled`) as a quiet pass, and
    that every stored result was validated now; the page records and the published pages' entry
    stay as they are (they are the same)."""
    judge.readings.flush()
    remember_quiet(ctx, sel, report, {VALIDATION_KEY: validator_fingerprint(ctx.cfg), SAVING_KEY: ""})


def remember_saved(ctx: PassContext, tally: Tally) -> None:
    """A pass failed after some saves: store what those saves did (they are on the wiki), so
    the next pass knows the tags it put there, and add the pages it left to be read again to
    those an earlier pass left. Nothing else is stored."""
    store = ctx.store
    if store and tally.saved:
        store.save_pages([tally.records[pid] for pid in tally.saved if pid in tally.records])
    if store and tally.recheck:
        recheck = stored_recheck(store) | tally.recheck
        store.set_meta(RECHECK_KEY, json.dumps(sorted(recheck)))
    if store and ctx.saved:  # the mark stays: the next pass reads these saves' changes again
        store.set_meta(SAVED_KEY, json.dumps(own_to_remember(store.saved_revisions(), ctx.saved)))


def saving_started(ctx: PassContext, tally: Tally) -> None:
    """Mark that tags are being saved (until this pass completes, its tags are not remembered: a
    pass that dies now makes the next one list every page)."""
    if ctx.store and tally.edits:
        ctx.store.set_meta(SAVING_KEY, ctx.now.isoformat())
