"""One pass of the bot: discover → read → validate → plan tags → safety checks → save tags →
summary page → status page → remember. The wiki is reached only through a ``Gateway``; the clock
comes in as an argument.

Two kinds of pass:

* ``full``: every page transcluding the infobox is read (about one request per 500 pages);
* ``incremental``: the latest revision id of every such page is listed (one request per 5000),
  only pages whose revision or title changed since the stored pass are read, pages that left
  (deleted, moved out of the namespaces, no longer using the infobox) leave the table, and the
  table is rebuilt from stored results. With no stored state it is a full pass. What it cannot see
  (a date passing ``stale``, the end of a re-tag hold, a changed redirect) the full sweep catches.

Order matters for safety: every check that can stop the pass (shutoff page, summary markers, too
many new tags, too many rows lost) runs before the first write. While saving, the shutoff page is
read again every ``shutoff_check_seconds``. An edit conflict re-reads the page once and decides
again from the fresh text; a second conflict skips the page, so a person's edit is never
overwritten. ``should_stop`` is polled between pages: when it turns true the pass finishes the page
in hand and raises ``Interrupted``. Stored state is written only when a pass completes.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable, Iterator

from bot import publish, safety
from bot.config import Config
from bot.diff import unified_diff
from bot.errors import (
    EditConflict,
    Interrupted,
    LoginFailed,
    PageProtected,
    SafetyStop,
    ShutoffEngaged,
    WikiError,
    WikiUnavailable,
)
from bot.model import PageResult, PageSnapshot, RunReport, Skip
from bot.parse import find_infobox, name_set
from bot.plan import Decision, Edit, Planned, Policy, decide, translation_page
from bot.render import Row
from bot.state import PageRecord, StateStore, TagMemory
from bot.tally import Tally, is_changed, skip
from bot.validate import check_page
from bot.wiki import Gateway

log = logging.getLogger("bot.job")

Clock = Callable[[], dt.datetime]
NAMES_KEY = "infobox_names"
#: Planned edits whose pages are read again together before saving (the API's limit for a bot).
SAVE_BATCH = 500


class Pass:
    """A single pass over the wiki. ``on_diff`` receives unified diffs in a dry run;
    ``on_progress`` the number of pages read so far."""

    def __init__(
        self,
        gateway: Gateway,
        config: Config,
        clock: Clock,
        store: StateStore | None = None,
        *,
        kind: str = "full",
        dry_run: bool = False,
        on_diff: Callable[[str], None] | None = None,
        on_progress: Callable[[int], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        setup_requests: int = 0,
        next_run: dt.datetime | None = None,
    ) -> None:
        self.gw, self.cfg, self.clock, self.store = gateway, config, clock, store
        self.kind, self.dry_run = kind, dry_run
        self.on_diff = on_diff or (lambda _d: None)
        self.on_progress = on_progress or (lambda _n: None)
        self.should_stop = should_stop or (lambda: False)
        self.setup_requests, self.next_run = setup_requests, next_run
        self._last_shutoff_check = 0.0
        self._created: frozenset[str] | None = None
        self.rows: list[Row] = []
        """The summary table's rows, after :meth:`run`."""

    def run(self) -> RunReport:
        t0, now, req0 = time.monotonic(), self.clock(), self.gw.requests
        pages = self.cfg.pages
        special = self.gw.read([pages.summary, pages.status, pages.shutoff])
        self._check_shutoff(special[pages.shutoff])
        stored = self.store.pages() if self.store else {}
        cached_names = self.store.get(NAMES_KEY) if self.store else None
        incremental = self.kind == "incremental" and bool(stored) and cached_names is not None
        if self.kind == "incremental" and not incremental:
            log.info("incremental pass: nothing stored yet (%d pages remembered): a full sweep instead", len(stored))
        infobox = f"Template:{self.cfg.rules.infobox_name}"
        if incremental and cached_names is not None:
            names = frozenset(json.loads(cached_names))
        else:
            rules = self.cfg.rules
            names = name_set((rules.infobox_name, *rules.aliases, *self.gw.redirects_to(infobox)))
        policy = Policy(pages.tag_template, self.gw.user, self.cfg.tagging.retag_after_days, pages.shutoff)
        memory = {pid: r.memory for pid, r in stored.items()}
        self.kind = "incremental" if incremental else "full"
        tally = Tally()
        for page in self._pages(incremental, infobox, stored, tally):
            result, decision = self._decide(page, names, policy, memory, now)
            self._record(tally, page, result, decision)
            if self.dry_run and decision.edit is not None:  # shown as decided: no text is kept
                self.on_diff(unified_diff(page.title, page.text, decision.edit.text))
            self.on_progress(len(tally.records))
            if self.should_stop():
                raise Interrupted(f"stopped after reading {len(tally.records)} pages; nothing was saved")
        results = tally.results()
        summary_page, status_page = special[pages.summary], special[pages.status]
        try:
            self.rows, writes = publish.plan_summary(self.cfg, summary_page, results, now, self.gw.read)
            if not self.dry_run:
                safety.check_caps(tally.edits, self.cfg)
                if summary_page is not None and summary_page.protected:
                    raise SafetyStop(
                        f"the summary page [[{summary_page.title}]] is protected and the bot may not edit it: "
                        "unprotect it or give the bot the right, then run again"
                    )
        except SafetyStop as exc:
            self._publish_stop(exc, status_page, results, tally, now)
            raise
        if self.dry_run:
            self._show(tally, writes)
            safety.check_caps(tally.edits, self.cfg, dry_run=True)
        else:
            try:
                self._save_edits(tally, names, policy, memory, now)
                if writes:
                    self._recheck_shutoff()
                    errors = publish.save_summary(self.gw, self.cfg, writes, results)
                    tally.errors += errors
                    tally.saves += len(writes) - len(errors)
            except BaseException:
                self._remember_saved(tally)
                raise
        status_saved = not self.dry_run and publish.save_status(
            self.gw,
            self.cfg,
            status_page,
            now,
            results=results,
            tagged_pages=self._tagged_pages(tally, stored),
            skipped=tally.skipped,
            errors=tally.errors,
            next_run=self.next_run,
            before_write=self._recheck_shutoff,
        )
        tally.saves += status_saved
        report = tally.report(
            started=now,
            dry_run=self.dry_run,
            kind=self.kind,
            results=results,
            seconds=time.monotonic() - t0,
            api_requests=self.gw.requests - req0,
            setup_requests=self.setup_requests,
            summary_saved=bool(writes) and not self.dry_run,
            status_saved=status_saved,
            summary_title=self.cfg.pages.summary,
        )
        if self.store and not self.dry_run:
            self.store.save_pass(
                tally.records.values(),
                self.kind,
                now,
                report.as_dict(),
                replace_all=not incremental,
                removed=tally.removed,
                meta={NAMES_KEY: json.dumps(sorted(names))},
            )
        return report

    # -- reading and deciding ---------------------------------------------------------------------

    def _pages(
        self, incremental: bool, infobox: str, stored: dict[int, PageRecord], tally: Tally
    ) -> Iterator[PageSnapshot]:
        namespaces = self.cfg.site.namespaces
        if not incremental:
            yield from (p for p in self.gw.transcluding_pages(infobox, namespaces) if not translation_page(p.title))
            return
        listing = {
            pid: item
            for pid, item in self.gw.list_revisions(infobox, namespaces).items()
            if not translation_page(item[0])
        }
        changed = sorted(pid for pid, (title, revid) in listing.items() if is_changed(stored.get(pid), title, revid))
        tally.removed = sorted(pid for pid in stored if pid not in listing)
        unchanged = [stored[pid] for pid in sorted(listing) if pid in stored and pid not in set(changed)]
        tally.kept = [r.result for r in unchanged]
        tally.skipped += [Skip(r.title, r.skip) for r in unchanged if r.skip]
        log.info("incremental: %d pages listed, %d changed, %d gone", len(listing), len(changed), len(tally.removed))
        yield from self.gw.read_pages(changed)

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
        result = check_page(page.title, find_infobox(page.text, names), self.cfg.rules, now.date())
        remembered = memory.get(page.pageid)
        decision = decide(page, result, policy, remembered, False, now)
        if decision.edit is not None and decision.edit.kind == "tag" and self._young(page.title, now):
            decision = decide(page, result, policy, remembered, True, now)
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

    def _tagged_pages(self, tally: Tally, stored: dict[int, PageRecord]) -> int:
        kept = (r for pid, r in stored.items() if pid not in tally.records and pid not in tally.removed)
        return sum(r.memory.tagged for r in tally.records.values()) + sum(r.memory.tagged for r in kept)

    def _remember_saved(self, tally: Tally) -> None:
        """A pass failed after some saves: store what those saves did (they are on the wiki), so
        the next pass knows the tags it put there. Nothing else is stored."""
        if self.store and tally.saved:
            self.store.save_pages([tally.records[pid] for pid in tally.saved if pid in tally.records])

    def _publish_stop(
        self, exc: SafetyStop, page: PageSnapshot | None, results: list[PageResult], tally: Tally, now: dt.datetime
    ) -> None:
        """Say on the status page that a safety check stopped the pass (best effort; no write in a
        dry run)."""
        if self.dry_run:
            return
        try:
            publish.save_status(
                self.gw,
                self.cfg,
                page,
                now,
                results=results,
                tagged_pages=sum(r.memory.tagged for r in tally.records.values()),
                skipped=tally.skipped,
                errors=[f"the last pass stopped before writing: {exc}"],
                next_run=self.next_run,
                before_write=self._recheck_shutoff,
            )
        except WikiError as err:
            log.warning("could not save the status page: %s", err)

    # -- safety -----------------------------------------------------------------------------------

    def _check_shutoff(self, page: PageSnapshot | None) -> None:
        self._last_shutoff_check = time.monotonic()
        safety.check_shutoff(page)

    def _recheck_shutoff(self) -> None:
        if time.monotonic() - self._last_shutoff_check >= self.cfg.run.shutoff_check_seconds:
            shutoff = self.cfg.pages.shutoff
            self._check_shutoff(self.gw.read([shutoff])[shutoff])

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
                self._recheck_shutoff()
                page = fresh.get(plan.pageid or plan.title)
                edit = self._redecide(tally, plan, page, names, policy, memory, now)
                if edit is None:
                    continue
                try:
                    self._save_with_retry(tally, plan, edit, names, policy, memory, now)
                except (WikiUnavailable, LoginFailed, ShutoffEngaged):
                    raise
                except WikiError as exc:
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
        never counted it) is left for the next pass."""
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
        page = edit.base
        for attempt in (1, 2):
            try:
                revid = self.gw.save(page.title, edit.text, edit.base, edit.summary)
            except PageProtected:
                skip(tally, page, "protected: the bot may not edit it")
                return
            except EditConflict:
                if attempt == 2:
                    skip(tally, page, "edit conflict: the page changed again during the pass")
                    return
                log.info("edit conflict on %s: reading it again", page.title, extra={"page": page.title})
                fresh = next(iter(self.gw.read_pages([page.pageid])), None) if page.pageid else None
                again = self._redecide(
                    tally, plan, fresh or self.gw.read([page.title])[page.title], names, policy, memory, now
                )
                if again is None:
                    return
                edit, page = again, again.base
                continue
            record = tally.records[page.pageid]
            mem = TagMemory(tagged=edit.new is not None, removed_at=None)
            tally.records[page.pageid] = PageRecord(record.pageid, record.title, revid, record.result, mem)
            tally.saved.append(page.pageid)
            tally.done[edit.kind] += 1
            tally.saves += 1
            log.info("%s %s", edit.kind, page.title, extra={"page": page.title, "action": edit.kind})
            return

    # -- report -----------------------------------------------------------------------------------

    def _show(self, tally: Tally, writes: list[publish.PageWrite]) -> None:
        for write in writes:
            self.on_diff(unified_diff(write.title, write.base.text if write.base else "", write.text))
