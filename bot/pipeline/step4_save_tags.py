"""Stage 4, saving tags: read the planned pages again in batches, decide afresh from that text
(stage 3) and save, with one retry after an edit conflict or a merged save.

The save phase never writes from a stale reading: a planned edit holds no text, only the page's
id, title, revision and the kind of edit; the page is read again just before saving (one request
per ``SAVE_BATCH`` planned edits) and a person's edit in between is judged as it is now. A page
gone or moved out of the configured namespaces meanwhile is dropped; a tag that appears only on
reading again (the cap never counted it) waits for the next pass. The shutoff page is read again
on its cadence (:class:`~bot.pipeline.shutoff.ShutoffWatch`) before each save.
"""

from __future__ import annotations

import dataclasses
import logging

from bot.errors import FATAL, EditConflict, Interrupted, PageProtected, WikiError
from bot.model import PageSnapshot, Skip, tag_memory
from bot.pipeline.context import PassContext
from bot.pipeline.shutoff import ShutoffWatch
from bot.pipeline.step3_decide import Judge
from bot.pipeline.tally import Tally
from bot.plan import Decision, Edit, Planned
from bot.wiki import Saved

log = logging.getLogger(__name__)

#: Planned edits whose pages are read again together before saving (the API's limit for a bot).
SAVE_BATCH = 500


def save_tags(ctx: PassContext, judge: Judge, watch: ShutoffWatch, tally: Tally) -> None:
    """Save the planned edits (``tally.edits``), recording what each save did in ``tally``."""
    TagSaver(ctx, judge, watch, tally).save_all()


class TagSaver:
    """The save phase of one pass: its context, judge, shutoff watch and tally, set once."""

    def __init__(self, ctx: PassContext, judge: Judge, watch: ShutoffWatch, tally: Tally) -> None:
        self.ctx, self.judge, self.watch, self.tally = ctx, judge, watch, tally

    def save_all(self) -> None:
        """Save the planned edits, reading their pages again in batches (one request per 500)
        just before: the edit is decided afresh from that text, so a page edited since it was
        first read is judged as it is now."""
        tally, planned = self.tally, self.tally.edits
        for i in range(0, len(planned), SAVE_BATCH):
            chunk = planned[i : i + SAVE_BATCH]
            fresh = self._read_again(chunk)
            for plan in chunk:
                if self.ctx.should_stop():
                    raise Interrupted(f"stopped after {tally.saves} edits; run again to finish (nothing is lost)")
                edit = self._redecide(plan, fresh.get(plan.pageid or plan.title))
                if edit is None:
                    continue
                try:
                    self._save_with_retry(plan, edit)
                except FATAL:
                    raise
                except WikiError as exc:
                    tally.tag_save_failed = True  # it may have reached the wiki: the next pass lists
                    tally.errors.append(f"{edit.base.title}: {exc}")
                    log.warning("could not save %s: %s", edit.base.title, exc, extra={"page": edit.base.title})

    def _read_again(self, chunk: list[Planned]) -> dict[int | str, PageSnapshot]:
        """Current snapshots of the planned pages: by page id, or by title for a page without one."""
        gw = self.ctx.gw
        out: dict[int | str, PageSnapshot] = {}
        ids = [p.pageid for p in chunk if p.pageid]
        for page in gw.read_pages(ids) if ids else ():
            out[page.pageid] = page
        titles = [p.title for p in chunk if not p.pageid]
        for title, snapshot in (gw.read(titles) if titles else {}).items():
            if snapshot is not None:
                out[title] = snapshot
        return out

    def _read_one(self, page: PageSnapshot) -> PageSnapshot | None:
        """The page as it is now (by id, else by title), or None when it is gone."""
        gw = self.ctx.gw
        fresh = next(iter(gw.read_pages([page.pageid])), None) if page.pageid else None
        return fresh or gw.read([page.title])[page.title]

    def _redecide(self, plan: Planned, page: PageSnapshot | None) -> Edit | None:
        """Decide again from a page read in the save phase and record what was found; returns the
        edit to save. Until it is saved the page is remembered as it is now. A page gone or moved
        out of the configured namespaces is dropped; a new tag where none was planned (so the cap
        never counted it) is left for the next pass, which reads the page again whatever recent
        changes say (``tally.recheck``)."""
        tally = self.tally
        tally.recheck.discard(plan.pageid)
        if page is None or (page.namespace is not None and page.namespace not in self.ctx.cfg.site.namespaces):
            reason = "deleted during the pass" if page is None else "moved out of the namespaces during the pass"
            tally.skipped.append(Skip(page.title if page else plan.title, reason))
            tally.records.pop(plan.pageid, None)
            tally.removed.append(plan.pageid)
            return None
        result, decision = self.judge.decide(page)
        edit, why, mem = decision.edit, decision.skip, decision.memory
        if edit is not None:
            mem = tag_memory(edit.old is not None)
            if edit.kind == "tag" and plan.kind != "tag":
                edit, why = None, "changed during the pass: its tag is decided again next pass"
                tally.recheck.add(page.pageid)
        tally.record(page, result, Decision(None, why, mem))
        return edit

    def _save_with_retry(self, plan: Planned, edit: Edit) -> None:
        """Save one edit. A surprise — an edit conflict, or a save the wiki merged into a revision
        someone saved after the base (:attr:`bot.wiki.Saved.merged`: that text was never decided
        on, e.g. a page a person just completed now carries the tag) — reads the page again at
        once and decides afresh (which may remove or update the tag just written); a second
        surprise skips the page, and the next pass reads it again."""
        tally, page = self.tally, edit.base
        for attempt in (1, 2):
            self.watch.recheck(tally.saves)
            self.watch.edit_made()
            try:
                saved = self.ctx.gw.save(page.title, edit.text, edit.base, edit.summary)
            except PageProtected:
                tally.skip(page, "protected: the bot may not edit it")
                return
            except EditConflict:
                if attempt == 2:
                    self._next_pass(page, "edit conflict: the page changed again during the pass")
                    return
                log.debug("edit conflict on %s: reading it again", page.title, extra={"page": page.title})
            else:
                self._saved(page, edit, saved)
                if not saved.merged:
                    return
                tally.recheck.add(page.pageid)  # until decided from the merged text
                if attempt == 2:
                    self._next_pass(page, "merged with another edit again during the pass")
                    return
                log.debug(
                    "the wiki merged the edit of %s into revision %d by someone else: reading it again",
                    page.title,
                    saved.applied_on,
                    extra={"page": page.title},
                )
            again = self._redecide(plan, self._read_one(page))
            if again is None:
                return
            edit, page = again, again.base

    def _saved(self, page: PageSnapshot, edit: Edit, saved: Saved) -> None:
        """Count a save and record its revision as decided. A merged revision is not recorded:
        it holds text the bot never decided on (the record stays the page as read before, behind
        the wiki, never ahead), and the page is read again, now or by the next pass."""
        tally = self.tally
        tally.saved.append(page.pageid)
        tally.done[edit.kind] += 1
        tally.saves += 1
        log.debug("%s %s", edit.kind, page.title, extra={"page": page.title, "action": edit.kind})
        if not saved.merged:
            self.judge.saved(page, edit.text, saved.revid)
            record = tally.records[page.pageid]
            mem = tag_memory(edit.new is not None)
            tally.records[page.pageid] = dataclasses.replace(record, revid=saved.revid, memory=mem, skip=None)

    def _next_pass(self, page: PageSnapshot, reason: str) -> None:
        """Skip the page in this pass; the next one reads it again (recent changes may not show it:
        the revision the bot stored may be the latest)."""
        self.tally.skip(page, f"{reason}: decided again next pass")
        self.tally.recheck.add(page.pageid)
