"""One pass of the bot: discover → read → validate → plan tags → safety checks → save tags →
summary page → status page → remember. The wiki is reached only through a ``Gateway``; the clock
comes in as an argument.

Two kinds of pass (how each finds its pages: :mod:`bot.selection`):

* ``full``: every page transcluding the infobox is read (about one request per 500 pages);
* ``incremental``: only pages the wiki's recent changes touched since the last completed pass are
  looked at, and those whose revision or title changed are read; pages that left (deleted, moved
  out of the namespaces, no longer using the infobox) leave the table, which is rebuilt from stored
  results. When nothing changed, the pass is quiet: it reads no page, leaves the summary alone and
  counts the status page's figures in SQL. With no stored state it is a full pass. What it cannot
  see (a date passing ``stale``, the end of a re-tag hold, a changed redirect) the full sweep
  catches.

Order matters for safety: every check that can stop the pass (shutoff page, summary markers, too
many new tags, too many rows lost) runs before the first write. While saving, the shutoff page is
read again every ``shutoff_check_edits`` edits or ``shutoff_check_seconds``, whichever comes first,
and right before the summary and status writes. An edit conflict, or a save the wiki merged into
a person's later revision, re-reads the page once and decides again from the fresh text; a second
surprise skips the page and the next pass reads it again, so a person's edit is never overwritten
and no merged text stands undecided. ``should_stop`` is polled between pages: when it turns true
the pass finishes the page in hand and raises ``Interrupted``. Stored state is written only when a
pass completes (what its saves did, also when it fails).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable

from bot import publish, safety, selection
from bot.config import Config
from bot.diff import unified_diff
from bot.errors import (
    Interrupted,
    SafetyStop,
    WikiError,
)
from bot.model import PageRecord, PageSnapshot, RunReport, Skip
from bot.parse import name_set
from bot.plan import Policy
from bot.render import Row
from bot.saving import SavePhase
from bot.state import (
    FINGERPRINT_KEY,
    MARK_KEY,
    NAMES_KEY,
    RECHECK_KEY,
    SAVING_KEY,
    SUMMARY_KEY,
    TAG_NAMES_KEY,
    StateStore,
)
from bot.tagging import tag_names
from bot.tally import Tally
from bot.wiki import Gateway

log = logging.getLogger("bot.job")

Clock = Callable[[], dt.datetime]


class Pass(SavePhase):
    """A single pass over the wiki. ``on_diff`` receives unified diffs in a dry run;
    ``on_progress`` the number of pages read so far. ``keep_quiet``: an incremental pass that
    finds nothing changed may leave the summary alone without rebuilding its rows (false when the
    caller wants :attr:`rows`). ``timer``: seconds from any start, for the shutoff's cadence."""

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
        keep_quiet: bool = True,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self.gw, self.cfg, self.clock, self.store = gateway, config, clock, store
        self.kind, self.dry_run = kind, dry_run
        self.on_diff = on_diff or (lambda _d: None)
        self.on_progress = on_progress or (lambda _n: None)
        self.should_stop = should_stop or (lambda: False)
        self.setup_requests, self.next_run = setup_requests, next_run
        self.may_be_quiet = keep_quiet and not dry_run
        self.timer, self._shutoff_read_at, self._edits_since_shutoff = timer, 0.0, 0
        self._created: frozenset[str] | None = None
        self.tags = config.site.extension_tags
        self.rows: list[Row] = []
        """The summary table's rows, after :meth:`run`."""

    def run(self) -> RunReport:
        t0, now, req0 = time.monotonic(), self.clock(), self.gw.requests
        pages = self.cfg.pages
        site = self.gw.read_site([pages.summary, pages.status, pages.shutoff])
        special, self.tags = site.pages, site.extension_tags or self.cfg.site.extension_tags
        self._check_shutoff(special[pages.shutoff])
        fingerprint = selection.fingerprint(self.cfg)  # once: a deploy during the pass is seen next time
        same = self.store is not None and self.store.get(FINGERPRINT_KEY) == fingerprint
        cached_names = self.store.get(NAMES_KEY) if self.store and same else None
        incremental = (
            self.kind == "incremental"
            and self.store is not None
            and cached_names is not None
            and self.store.counts()[0] > 0
        )
        if self.kind == "incremental" and not incremental:
            why = "the infobox's names or the settings changed" if self.store and not same else "nothing stored yet"
            log.info("incremental pass: %s: a full sweep instead", why)
        infobox = f"Template:{self.cfg.rules.infobox_name}"
        if incremental and cached_names is not None:
            names = frozenset(json.loads(cached_names))
        else:
            rules = self.cfg.rules
            names = name_set((rules.infobox_name, *rules.aliases), self.gw.redirects_to(infobox))
        summary_page = special[pages.summary]
        sel = selection.select(
            self.gw,
            self.cfg,
            self.store,
            incremental=incremental,
            now=now,
            may_be_quiet=self.may_be_quiet,
            summary_title=summary_page.title if summary_page else pages.summary,
            summary=summary_page,
        )
        self.kind = sel.kind
        if sel.quiet:
            return self._quiet(sel, special[pages.status], now, t0, req0)
        stored = sel.stored
        cached_tag = json.loads(self.store.get(TAG_NAMES_KEY) or "{}") if incremental and self.store else {}
        tag_template = f"Template:{pages.tag_template}"  # redirects asked once per full pass, like the infobox's
        tags = cached_tag.get(tag_template) or tag_names(pages.tag_template, self.gw.redirects_to(tag_template))
        policy = Policy(
            pages.tag_template, self.gw.user, self.cfg.tagging.retag_after_days, pages.shutoff, frozenset(tags)
        )
        memory = {pid: r.memory for pid, r in stored.items()}
        tally = Tally(kept=[r.result for r in sel.kept], removed=sel.removed)
        tally.skipped += [Skip(r.title, r.skip) for r in sel.kept if r.skip]
        for page in sel.pages:
            result, decision = self._decide(page, names, policy, memory, now)
            self._record(tally, page, result, decision)
            if self.dry_run and decision.edit is not None:  # shown as decided: no text is kept
                self.on_diff(unified_diff(page.title, page.text, decision.edit.text))
            self.on_progress(len(tally.records))
            if self.should_stop():
                raise Interrupted(f"stopped after reading {len(tally.records)} pages; nothing was saved")
        results = tally.results()
        seen, complete = len(results), sum(r.complete for r in results)
        summary_page, status_page = special[pages.summary], special[pages.status]
        try:
            plan = publish.plan_summary(self.cfg, summary_page, results, now, self.gw.read, self.gw.user)
            self.rows, writes = plan.rows, plan.writes
            tally.errors += plan.errors
            if not self.dry_run:
                safety.check_caps(tally.edits, self.cfg)
                if summary_page is not None and summary_page.protected:
                    raise SafetyStop(
                        f"the summary page [[{summary_page.title}]] is protected and the bot may not edit it: "
                        "unprotect it or give the bot the right, then run again"
                    )
        except SafetyStop as exc:
            self._publish_stop(exc, status_page, seen, complete, tally, now)
            raise
        if self.dry_run:
            self._show(tally, writes)
            safety.check_caps(tally.edits, self.cfg, dry_run=True)
        else:
            try:
                if self.store and tally.edits:  # until this pass completes, its tags are not remembered
                    self.store.set_meta(SAVING_KEY, now.isoformat())
                self._save_edits(tally, names, policy, memory, now)
                if writes:  # the shutoff is read again before each summary page is written
                    saved = publish.save_summary(
                        self.gw,
                        self.cfg,
                        writes,
                        seen,
                        complete,
                        before_write=lambda n: self._recheck_shutoff(tally.saves + n, force=True),
                    )
                    tally.errors += saved.errors
                    tally.saves += saved.saved
            except BaseException:
                self._remember_saved(tally)
                raise
        figures = (seen, complete, self._tagged_pages(tally, stored))
        try:
            report = self._status_and_report(tally, status_page, now, (t0, req0), figures, sel.how, bool(writes))
        except BaseException:  # e.g. the shutoff engaged right before the status write
            self._remember_saved(tally)
            raise
        if self.store and not self.dry_run:
            meta = {
                NAMES_KEY: json.dumps(sorted(names)),
                TAG_NAMES_KEY: json.dumps({tag_template: sorted(policy.tag_names)}),
                MARK_KEY: sel.mark.isoformat(),
                FINGERPRINT_KEY: fingerprint,
                # a page read again while saving came out otherwise than in the table just written:
                # the next pass rebuilds the table (it is not quiet) from the stored, fresh results
                SUMMARY_KEY: "0" if tally.summary_failed(pages.summary) or tally.results() != results else "1",
                RECHECK_KEY: json.dumps(sorted(tally.recheck)),
            }
            if not tally.tag_save_failed:  # else kept: a failed save may have reached the wiki (the next pass lists)
                meta[SAVING_KEY] = ""
            self.store.save_pass(
                tally.records.values(),
                self.kind,
                now,
                report.as_dict(),
                replace_all=sel.kind == "full",
                removed=tally.removed,
                meta=meta,
            )
        return report

    def _quiet(
        self, sel: selection.Selection, status_page: PageSnapshot | None, now: dt.datetime, t0: float, req0: int
    ) -> RunReport:
        """Nothing changed since the last pass: no page is read and the summary stays as it is; the
        status page (its heartbeat) gets the stored figures, counted in SQL."""
        assert self.store is not None
        tally = Tally(skipped=self.store.skips())
        figures = self.store.counts()
        report = self._status_and_report(tally, status_page, now, (t0, req0), figures, f"{sel.how}, quiet", False)
        self.store.save_pass(
            (), sel.kind, now, report.as_dict(), replace_all=False, meta={MARK_KEY: sel.mark.isoformat()}
        )
        return report

    def _status_and_report(
        self,
        tally: Tally,
        status_page: PageSnapshot | None,
        now: dt.datetime,
        started: tuple[float, int],
        figures: tuple[int, int, int],
        source: str,
        summary_written: bool,
    ) -> RunReport:
        """Save the status page (not in a dry run) with ``figures`` (pages, complete, tagged) and
        make the pass's report; ``started`` is (monotonic time, request count) at the start;
        ``summary_written``: summary pages were to be saved."""
        pages, complete, tagged = figures
        status = (
            publish.Outcome()
            if self.dry_run
            else publish.save_status(
                self.gw,
                self.cfg,
                status_page,
                now,
                pages=pages,
                complete=complete,
                tagged_pages=tagged,
                skipped=tally.skipped,
                errors=tally.errors,
                next_run=self.next_run,
                before_write=lambda: self._recheck_shutoff(tally.saves, force=True),
            )
        )
        tally.errors += status.errors  # the status page's own problem: in the run report and log
        status_saved = status.saved > 0
        tally.saves += status_saved
        return tally.report(
            started=now,
            dry_run=self.dry_run,
            kind=self.kind,
            pages=pages,
            complete=complete,
            seconds=time.monotonic() - started[0],
            api_requests=self.gw.requests - started[1],
            setup_requests=self.setup_requests,
            summary_saved=summary_written and not self.dry_run,
            status_saved=status_saved,
            summary_title=self.cfg.pages.summary,
            source=source,
        )

    def _tagged_pages(self, tally: Tally, stored: dict[int, PageRecord]) -> int:
        kept = (r for pid, r in stored.items() if pid not in tally.records and pid not in tally.removed)
        return sum(r.memory.tagged for r in tally.records.values()) + sum(r.memory.tagged for r in kept)

    def _remember_saved(self, tally: Tally) -> None:
        """A pass failed after some saves: store what those saves did (they are on the wiki), so
        the next pass knows the tags it put there, and add the pages it left to be read again to
        those an earlier pass left. Nothing else is stored."""
        if self.store and tally.saved:
            self.store.save_pages([tally.records[pid] for pid in tally.saved if pid in tally.records])
        if self.store and tally.recheck:
            recheck = selection.stored_recheck(self.store) | tally.recheck
            self.store.set_meta(RECHECK_KEY, json.dumps(sorted(recheck)))

    def _publish_stop(
        self, exc: SafetyStop, page: PageSnapshot | None, seen: int, complete: int, tally: Tally, now: dt.datetime
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
                pages=seen,
                complete=complete,
                tagged_pages=sum(r.memory.tagged for r in tally.records.values()),
                skipped=tally.skipped,
                errors=[f"the last pass stopped before writing: {exc}"],
                next_run=self.next_run,
                before_write=lambda: self._recheck_shutoff(tally.saves, force=True),
            )
        except WikiError as err:
            log.warning("could not save the status page: %s", err)

    # -- report -----------------------------------------------------------------------------------

    def _show(self, tally: Tally, writes: list[publish.PageWrite]) -> None:
        for write in writes:
            self.on_diff(unified_diff(write.title, write.base.text if write.base else "", write.text))
