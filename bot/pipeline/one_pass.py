"""One pass of the bot, its stages in order (each a module of this package):

1. find the pages (:mod:`~bot.pipeline.step1_find`): the shutoff page, the infobox's names, which
   pages to read, or none (a quiet incremental pass);
2. read them (:mod:`~bot.pipeline.step2_read`), deciding each at once
3. (:mod:`~bot.pipeline.step3_decide`: validate, plan the tag edit);
   then, before any write, the summary is planned and every cap checked (stage 5's plan);
4. save the tags (:mod:`~bot.pipeline.step4_save_tags`), each page read again just before;
5. publish the summary table (:mod:`~bot.pipeline.step5_summary`), its data page
   (:mod:`~bot.pipeline.step5_data`) and the status page (:mod:`~bot.pipeline.step5_status`);
6. remember the pass in the state database (:mod:`~bot.pipeline.step6_remember`).

The wiki is reached only through a ``Gateway``; the clock is asked once (the pass's ``now``).
Two kinds of pass (how each finds its pages: stage 1): ``full`` looks at every page transcluding
the infobox: with ``reread`` (or nothing stored) it reads every page (about one request per 500
pages), else it lists every page's latest revision (one request per 5,000) and re-validates the
stored readings of unchanged pages against the pass's date and rules, reading only the others
(and those whose tag would change); ``incremental`` looks only at pages the wiki's recent
changes touched since the last completed pass and reads those whose revision or title changed;
pages that left (deleted, moved out of the namespaces, no longer using the infobox) leave the
table, which is rebuilt from stored results. When nothing changed, the pass is quiet: it reads no
page, leaves the summary alone and counts the status page's figures in SQL. With no stored state it
is a full pass. What it cannot see (a date passing ``stale``, the end of a re-tag hold) the
full sweep catches, from stored readings too. Every save goes through
:class:`~bot.pipeline.own_saves.OwnSaves`: later passes leave out exactly those revisions from
recent changes.

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

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable

from bot import safety
from bot.config import Config
from bot.diff import unified_diff
from bot.errors import SafetyStop, WikiError
from bot.model import PageSnapshot, RunReport
from bot.pipeline import (
    settled,
    step1_find,
    step1_rules,
    step2_read,
    step3_decide,
    step4_save_tags,
    step5_data,
    step5_status,
    step5_summary,
)
from bot.pipeline import step6_remember as remember
from bot.pipeline.context import Clock, PassContext, next_run
from bot.pipeline.own_saves import OwnSaves
from bot.pipeline.shutoff import ShutoffWatch
from bot.pipeline.step5_templatedata import doc_title
from bot.pipeline.step5_templatedata import keep_in_step as keep_templatedata_in_step
from bot.pipeline.tally import Tally
from bot.render import Row
from bot.state import StateStore
from bot.wiki import Gateway

log = logging.getLogger(__name__)


class Pass:
    """A single pass over the wiki. ``on_diff`` receives unified diffs in a dry run;
    ``on_progress`` the number of pages decided so far (read or re-validated). ``keep_quiet``: an
    incremental pass that finds nothing changed may leave the summary alone without rebuilding its
    rows (false when the caller wants :attr:`rows`). ``next_run``: the next scheduled pass, for the status page (None:
    taken from the config's ``[schedule]`` and the pass's time). ``timer``: seconds from any
    start, for the shutoff's cadence. ``reread``: a full pass reads every page's text instead of
    re-validating the stored readings of unchanged pages (see :mod:`bot.pipeline.step1_find`)."""

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
        reread: bool = False,
    ) -> None:
        self._gw, self._cfg, self._clock, self._store = gateway, config, clock, store
        self._dry_run, self._setup_requests, self._next_run, self._timer = dry_run, setup_requests, next_run, timer
        self._reread = reread
        self._may_be_quiet = keep_quiet and not dry_run
        self._on_diff = on_diff or (lambda _d: None)
        self._on_progress = on_progress or (lambda _n: None)
        self._should_stop = should_stop or (lambda: False)
        self.kind = kind
        """The kind of pass it turned out to be (after :meth:`run`)."""
        self.rows: list[Row] = []
        """The summary table's rows, after :meth:`run`."""

    def _context(self) -> PassContext:
        """The pass's shared values, made once when it starts: the clock is asked here alone."""
        now, saved, latest = self._clock(), set[int](), dict[str, int]()
        return PassContext(
            gw=OwnSaves(self._gw, saved, latest),
            saved=saved,
            latest=latest,
            cfg=self._cfg,
            store=self._store,
            now=now,
            kind=self.kind,
            dry_run=self._dry_run,
            may_be_quiet=self._may_be_quiet,
            setup_requests=self._setup_requests,
            next_run=self._next_run or _scheduled(self._cfg, now),
            on_diff=self._on_diff,
            on_progress=self._on_progress,
            should_stop=self._should_stop,
            timer=self._timer,
            started=time.monotonic(),
            requests=self._gw.requests,
            reread=self._reread,
        )

    def run(self) -> RunReport:
        ctx = self._context()
        cfg, pages = ctx.cfg, ctx.cfg.pages
        site = ctx.gw.read_site(
            [pages.summary, pages.status, pages.shutoff, pages.rules, doc_title(cfg.rules.infobox_name), pages.data]
        )
        special, tags = site.pages, site.extension_tags or cfg.site.extension_tags
        summary_page, status_page = special[pages.summary], special[pages.status]
        watch = ShutoffWatch(ctx)
        watch.check(special[pages.shutoff])
        ctx = step1_rules.apply(ctx, special[pages.rules])
        cfg = ctx.cfg
        # 1. find
        sel = step1_find.find(ctx, summary_page)
        self.kind = sel.kind
        if sel.quiet:
            return self._quiet(ctx, watch, sel, status_page)
        # 2. read, deciding each page (3.)
        memory = {pid: r.memory for pid, r in sel.stored.items()}
        judge = step3_decide.make_judge(ctx, tags, sel.names, memory, sel.kind == "incremental", sel.tag_redirects)
        tally = step2_read.read_pages(ctx, judge, sel)
        if sel.listed is not None and ctx.may_be_quiet and ctx.store is not None:
            why = settled.why_rebuild(cfg, ctx.store, sel, tally, ctx.now, ctx.latest or {}, special)
            if not why:
                return self._settled(ctx, watch, sel, judge, tally, status_page, special)
            log.info("full sweep: the table is rebuilt: %s", why)
        step2_read.restore(ctx, judge, tally)
        results = tally.results()
        seen, complete = len(results), sum(r.complete for r in results)
        # 5. planned before any write: the summary's checks and the caps can stop the pass here
        try:
            plan = step5_summary.plan_summary(
                cfg, summary_page, results, ctx.now, ctx.gw.read, ctx.gw.user, sel.summary_parts, ctx.store
            )
            self.rows, writes = plan.rows, plan.writes
            tally.errors += plan.errors
            summary_written = bool(writes)
            del plan  # (its pages' texts go with ``writes`` once saved)
            if not ctx.dry_run:
                safety.check_caps(tally.edits, cfg)
                if summary_page is not None and summary_page.protected:
                    raise SafetyStop(
                        f"the summary page [[{summary_page.title}]] is protected and the bot may not edit it: "
                        "unprotect it or give the bot the right, then run again"
                    )
        except SafetyStop as exc:
            self._publish_stop(ctx, watch, exc, status_page, seen, complete, tally)
            raise
        if ctx.dry_run:
            for write in writes:
                ctx.on_diff(unified_diff(write.title, write.base.text if write.base else "", write.text))
            safety.check_caps(tally.edits, cfg, dry_run=True)
        else:
            try:
                # 4. save tags
                remember.saving_started(ctx, tally)
                step4_save_tags.save_tags(ctx, judge, watch, tally)
                # 5. publish the summary (the shutoff is read again before each of its pages)
                if writes:
                    saved = step5_summary.save_summary(
                        ctx.gw,
                        cfg,
                        writes,
                        seen,
                        complete,
                        before_write=lambda n: watch.recheck(tally.saves + n, force=True),
                    )
                    tally.errors += saved.errors
                    tally.saves += saved.saved
                writes = []  # the summary's texts are let go before the data's are made
                keep_templatedata_in_step(ctx, watch, tally, special)
                step5_data.keep_in_step(ctx, watch, tally, special, results, self.rows)
            except BaseException:
                remember.remember_saved(ctx, tally)
                raise
        # 5. publish the status page, and make the report
        figures = (seen, complete, _tagged_pages(tally, sel))
        try:
            report = self._status_and_report(ctx, watch, tally, status_page, figures, sel.how, summary_written)
        except BaseException:  # e.g. the shutoff engaged right before the status write
            remember.remember_saved(ctx, tally)
            raise
        # 6. remember
        if sel.revalidated:
            report = dataclasses.replace(report, pages_read=report.pages_read - sel.revalidated)
        remember.remember(ctx, sel, judge, tally, report, results)
        return report

    def _settled(
        self,
        ctx: PassContext,
        watch: ShutoffWatch,
        sel: step1_find.Selection,
        judge: step3_decide.Judge,
        tally: Tally,
        status_page: PageSnapshot | None,
        special: dict[str, PageSnapshot | None],
    ) -> RunReport:
        """A sweep from stored readings found nothing changed (:mod:`bot.pipeline.settled`): the
        summary and data pages stay as they are; the TemplateData and the status page are kept in
        step as in every pass."""
        assert not tally.records and not tally.kept  # every page is as stored (tally.unchanged)
        figures = (tally.decided(), tally.unchanged.complete, tally.unchanged.tagged)
        try:
            keep_templatedata_in_step(ctx, watch, tally, special)
            report = self._status_and_report(ctx, watch, tally, status_page, figures, f"{sel.how}, settled", False)
        except BaseException:  # e.g. the shutoff engaged right before the status write
            remember.remember_saved(ctx, tally)
            raise
        report = dataclasses.replace(report, pages_read=report.pages_read - sel.revalidated)
        remember.remember_settled(ctx, sel, judge, report)
        return report

    def _quiet(
        self, ctx: PassContext, watch: ShutoffWatch, sel: step1_find.Selection, status_page: PageSnapshot | None
    ) -> RunReport:
        """Nothing changed since the last pass: no page is read and the summary stays as it is; the
        status page (its heartbeat) gets the stored figures, counted in SQL."""
        assert ctx.store is not None
        tally = Tally(skipped=ctx.store.skips())
        figures = ctx.store.counts()
        report = self._status_and_report(ctx, watch, tally, status_page, figures, f"{sel.how}, quiet", False)
        remember.remember_quiet(ctx, sel, report)
        return report

    def _status_and_report(
        self,
        ctx: PassContext,
        watch: ShutoffWatch,
        tally: Tally,
        status_page: PageSnapshot | None,
        figures: tuple[int, int, int],
        source: str,
        summary_written: bool,
    ) -> RunReport:
        """Save the status page (not in a dry run) with ``figures`` (pages, complete, tagged) and
        make the pass's report; ``summary_written``: summary pages were to be saved."""
        pages, complete, tagged = figures
        status = (
            step5_summary.Outcome()
            if ctx.dry_run
            else step5_status.save_status(
                ctx.gw,
                ctx.cfg,
                status_page,
                ctx.now,
                pages=pages,
                complete=complete,
                tagged_pages=tagged,
                skipped=tally.skipped,
                errors=tally.errors,
                next_run=ctx.next_run,
                before_write=lambda: watch.recheck(tally.saves, force=True),
                rules_problem=ctx.rules_problem,
            )
        )
        tally.errors += status.errors  # the status page's own problem: in the run report and log
        status_saved = status.saved > 0
        tally.saves += status_saved
        return tally.report(
            started=ctx.now,
            dry_run=ctx.dry_run,
            kind=self.kind,
            pages=pages,
            complete=complete,
            seconds=time.monotonic() - ctx.started,
            api_requests=ctx.gw.requests - ctx.requests,
            setup_requests=ctx.setup_requests,
            summary_saved=summary_written and not ctx.dry_run,
            status_saved=status_saved,
            summary_title=ctx.cfg.pages.summary,
            source=source,
        )

    def _publish_stop(
        self,
        ctx: PassContext,
        watch: ShutoffWatch,
        exc: SafetyStop,
        page: PageSnapshot | None,
        seen: int,
        complete: int,
        tally: Tally,
    ) -> None:
        """Say on the status page that a safety check stopped the pass (best effort; no write in a
        dry run)."""
        if ctx.dry_run:
            return
        try:
            step5_status.save_status(
                ctx.gw,
                ctx.cfg,
                page,
                ctx.now,
                pages=seen,
                complete=complete,
                tagged_pages=tally.tagged(),
                skipped=tally.skipped,
                errors=[f"the last pass stopped before writing: {exc}"],
                next_run=ctx.next_run,
                before_write=lambda: watch.recheck(tally.saves, force=True),
                rules_problem=ctx.rules_problem,
            )
        except WikiError as err:
            log.warning("could not save the status page: %s", err)


def _scheduled(cfg: Config, now: dt.datetime) -> dt.datetime | None:
    """The next scheduled run by the config's ``[schedule]`` (an unusable expression leaves it
    out: the configuration check reports it)."""
    try:
        return next_run(cfg, now)
    except ValueError:
        return None


def _tagged_pages(tally: Tally, sel: step1_find.Selection) -> int:
    """Pages carrying the bot's tag after the pass: those read in it, and the stored ones it kept
    (none in a full pass: it decides every page, and a stored page it did not find is gone)."""
    if sel.kind == "full":
        return tally.tagged()
    kept = (r for pid, r in sel.stored.items() if pid not in tally.records and pid not in tally.removed)
    return tally.tagged() + sum(r.memory.tagged for r in kept)
