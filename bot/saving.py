"""Deciding and saving, the half of a pass that acts on single pages: validate a page and decide its
tag edit, then, in the save phase, read the planned pages again in batches, decide afresh from
that text and save with one retry after an edit conflict or a merged save. :class:`bot.job.Pass`
builds on it.

The save phase never writes from a stale reading: a planned edit holds no text, only the page's
id, title, revision and the kind of edit; the page is read again just before saving (one request
per ``SAVE_BATCH`` planned edits) and a person's edit in between is judged as it is now. A page
gone or moved out of the configured namespaces meanwhile is dropped; a tag that appears only on
reading again (the cap never counted it) waits for the next pass.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from bot import safety
from bot.config import Config
from bot.errors import (
    FATAL,
    EditConflict,
    Interrupted,
    PageProtected,
    ShutoffEngaged,
    WikiError,
)
from bot.model import PageRecord, PageResult, PageSnapshot, Skip, TagMemory
from bot.parse import find_infobox
from bot.plan import Decision, Edit, Planned, Policy, decide
from bot.tally import Tally, skip
from bot.validate import check_page
from bot.wiki import Gateway, Saved
from bot.wikitext import read

log = logging.getLogger("bot.job")

#: Planned edits whose pages are read again together before saving (the API's limit for a bot).
SAVE_BATCH = 500


class SavePhase:
    """Per-page deciding and the save phase; the state they share with the pass."""

    gw: Gateway
    cfg: Config
    should_stop: Callable[[], bool]
    timer: Callable[[], float]
    """Seconds from any start (``time.monotonic``; tests pass their own)."""
    _shutoff_read_at: float
    _edits_since_shutoff: int
    _created: frozenset[str] | None
    tags: frozenset[str]
    """The wiki's extension tags, read once per pass (``meta=siteinfo``): how every page is read."""

    # -- reading and deciding ---------------------------------------------------------------------

    def _young(self, title: str, now: dt.datetime) -> bool:
        """Whether the page was created within ``grace_days`` (asked of the wiki once, and only
        when a pass is about to add a tag)."""
        grace = self.cfg.tagging.grace_days
        if not grace:
            return False
        if self._created is None:
            self._created = self.gw.created_since(self.cfg.site.namespaces, now - dt.timedelta(days=grace))
        return title in self._created

    def _decide(
        self, page: PageSnapshot, names: frozenset[str], policy: Policy, memory: dict[int, TagMemory], now: dt.datetime
    ) -> tuple[PageResult, Decision]:
        view = read(page.text, self.tags)  # the one reading of the page: infobox, tag and {{bots}}
        result = check_page(page.title, find_infobox(view, names), self.cfg.rules, now.date())
        remembered = memory.get(page.pageid)
        decision = decide(page, result, policy, remembered, False, now, view=view)
        if decision.edit is not None and decision.edit.kind == "tag" and self._young(page.title, now):
            decision = decide(page, result, policy, remembered, True, now, view=view)
        return result, decision

    def _record(self, tally: Tally, page: PageSnapshot, result: PageResult, decision: Decision) -> None:
        if decision.edit is not None:
            tally.edits.append(Planned.of(decision.edit))
            # Until the edit is saved, remember the page as it is now.
            memory = TagMemory(tagged=decision.edit.old is not None, removed_at=None)
        else:
            memory = decision.memory
        tally.records[page.pageid] = PageRecord(page.pageid, page.title, page.revid, result, memory, decision.skip)
        if decision.skip:
            tally.skipped.append(Skip(page.title, decision.skip))

    # -- safety -----------------------------------------------------------------------------------

    def _check_shutoff(self, page: PageSnapshot | None, edits: int = 0) -> None:
        """Raise ``ShutoffEngaged`` when the shutoff page is engaged; ``edits``: saved so far in
        this pass (the message says how many, and the log too)."""
        self._shutoff_read_at, self._edits_since_shutoff = self.timer(), 0
        try:
            safety.check_shutoff(page, edits)
        except ShutoffEngaged:
            if edits:
                log.warning("the shutoff page is engaged: stopping after %d edits of this pass", edits)
            raise

    def _recheck_shutoff(self, edits: int, *, force: bool = False) -> None:
        """Read the shutoff page again when ``force`` (right before the summary and status writes)
        or when due: ``shutoff_check_edits`` saves or ``shutoff_check_seconds`` since the last
        read, whichever comes first (so at most that many edits follow a shutoff)."""
        run = self.cfg.run
        due = (
            self._edits_since_shutoff >= run.shutoff_check_edits
            or self.timer() - self._shutoff_read_at >= run.shutoff_check_seconds
        )
        if force or due:
            title = self.cfg.pages.shutoff
            self._check_shutoff(self.gw.read([title])[title], edits)

    # -- saving tags ------------------------------------------------------------------------------

    def _save_edits(
        self, tally: Tally, names: frozenset[str], policy: Policy, memory: dict[int, TagMemory], now: dt.datetime
    ) -> None:
        """Save the planned edits, reading their pages again in batches (one request per 500)
        just before: the edit is decided afresh from that text, so a page edited since it was
        first read is judged as it is now."""
        planned = tally.edits
        for i in range(0, len(planned), SAVE_BATCH):
            chunk = planned[i : i + SAVE_BATCH]
            fresh = self._read_again(chunk)
            for plan in chunk:
                if self.should_stop():
                    raise Interrupted(f"stopped after {tally.saves} edits; run again to finish (nothing is lost)")
                page = fresh.get(plan.pageid or plan.title)
                edit = self._redecide(tally, plan, page, names, policy, memory, now)
                if edit is None:
                    continue
                try:
                    self._save_with_retry(tally, plan, edit, names, policy, memory, now)
                except FATAL:
                    raise
                except WikiError as exc:
                    tally.tag_save_failed = True  # it may have reached the wiki: the next pass lists
                    tally.errors.append(f"{edit.base.title}: {exc}")
                    log.warning("could not save %s: %s", edit.base.title, exc, extra={"page": edit.base.title})

    def _read_again(self, chunk: list[Planned]) -> dict[int | str, PageSnapshot]:
        """Current snapshots of the planned pages: by page id, or by title for a page without one."""
        out: dict[int | str, PageSnapshot] = {}
        ids = [p.pageid for p in chunk if p.pageid]
        for page in self.gw.read_pages(ids) if ids else ():
            out[page.pageid] = page
        titles = [p.title for p in chunk if not p.pageid]
        for title, snapshot in (self.gw.read(titles) if titles else {}).items():
            if snapshot is not None:
                out[title] = snapshot
        return out

    def _read_one(self, page: PageSnapshot) -> PageSnapshot | None:
        """The page as it is now (by id, else by title), or None when it is gone."""
        fresh = next(iter(self.gw.read_pages([page.pageid])), None) if page.pageid else None
        return fresh or self.gw.read([page.title])[page.title]

    def _redecide(
        self,
        tally: Tally,
        plan: Planned,
        page: PageSnapshot | None,
        names: frozenset[str],
        policy: Policy,
        memory: dict[int, TagMemory],
        now: dt.datetime,
    ) -> Edit | None:
        """Decide again from a page read in the save phase and record what was found; returns the
        edit to save. Until it is saved the page is remembered as it is now. A page gone or moved
        out of the configured namespaces is dropped; a new tag where none was planned (so the cap
        never counted it) is left for the next pass, which reads the page again whatever recent
        changes say (``tally.recheck``)."""
        tally.recheck.discard(plan.pageid)
        if page is None or (page.namespace is not None and page.namespace not in self.cfg.site.namespaces):
            reason = "deleted during the pass" if page is None else "moved out of the namespaces during the pass"
            tally.skipped.append(Skip(page.title if page else plan.title, reason))
            tally.records.pop(plan.pageid, None)
            tally.removed.append(plan.pageid)
            return None
        result, decision = self._decide(page, names, policy, memory, now)
        edit, why, mem = decision.edit, decision.skip, decision.memory
        if edit is not None:
            mem = TagMemory(tagged=edit.old is not None, removed_at=None)
            if edit.kind == "tag" and plan.kind != "tag":
                edit, why = None, "changed during the pass: its tag is decided again next pass"
                tally.recheck.add(page.pageid)
        self._record(tally, page, result, Decision(None, why, mem))
        return edit

    def _save_with_retry(
        self,
        tally: Tally,
        plan: Planned,
        edit: Edit,
        names: frozenset[str],
        policy: Policy,
        memory: dict[int, TagMemory],
        now: dt.datetime,
    ) -> None:
        """Save one edit. A surprise — an edit conflict, or a save the wiki merged into a revision
        someone saved after the base (:attr:`bot.wiki.Saved.merged`: that text was never decided
        on, e.g. a page a person just completed now carries the tag) — reads the page again at
        once and decides afresh (which may remove or update the tag just written); a second
        surprise skips the page, and the next pass reads it again."""
        page = edit.base
        for attempt in (1, 2):
            self._recheck_shutoff(tally.saves)
            self._edits_since_shutoff += 1
            try:
                saved = self.gw.save(page.title, edit.text, edit.base, edit.summary)
            except PageProtected:
                skip(tally, page, "protected: the bot may not edit it")
                return
            except EditConflict:
                if attempt == 2:
                    self._next_pass(tally, page, "edit conflict: the page changed again during the pass")
                    return
                log.info("edit conflict on %s: reading it again", page.title, extra={"page": page.title})
            else:
                self._saved(tally, page, edit, saved)
                if not saved.merged:
                    return
                tally.recheck.add(page.pageid)  # until decided from the merged text
                if attempt == 2:
                    self._next_pass(tally, page, "merged with another edit again during the pass")
                    return
                log.info(
                    "the wiki merged the edit of %s into revision %d by someone else: reading it again",
                    page.title,
                    saved.applied_on,
                    extra={"page": page.title},
                )
            again = self._redecide(tally, plan, self._read_one(page), names, policy, memory, now)
            if again is None:
                return
            edit, page = again, again.base

    def _saved(self, tally: Tally, page: PageSnapshot, edit: Edit, saved: Saved) -> None:
        """Count a save and record its revision as decided. A merged revision is not recorded:
        it holds text the bot never decided on (the record stays the page as read before, behind
        the wiki, never ahead), and the page is read again, now or by the next pass."""
        tally.saved.append(page.pageid)
        tally.done[edit.kind] += 1
        tally.saves += 1
        log.info("%s %s", edit.kind, page.title, extra={"page": page.title, "action": edit.kind})
        if not saved.merged:
            record = tally.records[page.pageid]
            mem = TagMemory(tagged=edit.new is not None, removed_at=None)
            tally.records[page.pageid] = PageRecord(record.pageid, record.title, saved.revid, record.result, mem)

    def _next_pass(self, tally: Tally, page: PageSnapshot, reason: str) -> None:
        """Skip the page in this pass; the next one reads it again (recent changes may not show it:
        the revision the bot stored may be the latest)."""
        skip(tally, page, f"{reason}: decided again next pass")
        tally.recheck.add(page.pageid)
