"""One pass of the bot: discover → read → validate → plan tags → safety checks → save tags →
summary page → status page → remember. The wiki is reached only through a ``Gateway``; the clock
comes in as an argument.

Order matters for safety: every check that can stop the pass (shutoff page, missing summary
markers, too many new tags, too many rows lost) runs before the first write. While saving, the
shutoff page is read again every ``shutoff_check_seconds``. An edit conflict re-reads the page once
and decides again from the fresh text; a second conflict skips the page, so a person's edit is never
overwritten. Stored state is written only after a pass completes: a pass that fails or is stopped
leaves the store as it was, and the next pass simply redoes the work.
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot import render
from bot.config import Config
from bot.errors import (
    EditConflict,
    LoginFailed,
    PageProtected,
    SafetyStop,
    ShutoffEngaged,
    WikiError,
    WikiUnavailable,
)
from bot.model import PageResult, PageSnapshot, RunReport, Skip
from bot.parse import find_infobox, name_set
from bot.plan import Decision, Edit, Policy, decide
from bot.state import StateStore, TagMemory
from bot.status import needs_save, render_status, status_summary
from bot.validate import check_page
from bot.wiki import Gateway
from bot.wikitext import has_text_outside_comments

log = logging.getLogger("bot.job")

Clock = Callable[[], dt.datetime]


@dataclass
class _Tally:
    results: list[PageResult] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    memory: dict[str, TagMemory] = field(default_factory=dict)
    done: dict[str, int] = field(default_factory=lambda: {"tag": 0, "untag": 0, "update": 0})
    saves: int = 0


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
        dry_run: bool = False,
        on_diff: Callable[[str], None] | None = None,
        on_progress: Callable[[int], None] | None = None,
        setup_requests: int = 0,
    ) -> None:
        self.gw, self.cfg, self.clock, self.store = gateway, config, clock, store
        self.dry_run = dry_run
        self.on_diff = on_diff or (lambda _d: None)
        self.on_progress = on_progress or (lambda _n: None)
        self.setup_requests = setup_requests
        self._last_shutoff_check = 0.0
        self.rows: list[render.Row] = []
        """The summary table's rows, after :meth:`run`."""

    def run(self) -> RunReport:
        t0, now, req0 = time.monotonic(), self.clock(), self.gw.requests
        pages = self.cfg.pages
        special = self.gw.read([pages.summary, pages.status, pages.shutoff])
        self._check_shutoff(special[pages.shutoff])
        rules = self.cfg.rules
        infobox = f"Template:{rules.infobox_name}"
        names = name_set((rules.infobox_name, *rules.aliases, *self.gw.redirects_to(infobox)))
        grace = self.cfg.tagging.grace_days
        young = (
            self.gw.created_since(self.cfg.site.namespaces, now - dt.timedelta(days=grace)) if grace else frozenset()
        )
        memory = self.store.tag_memory() if self.store else {}
        policy = Policy(pages.tag_template, self.gw.user, self.cfg.tagging.retag_after_days, pages.shutoff)
        tally = _Tally()
        for page in self.gw.transcluding_pages(infobox, self.cfg.site.namespaces):
            decision = self._decide(page, names, policy, memory.get(page.title), page.title in young, now)
            tally.results.append(decision[0])
            self._record(tally, page.title, decision[1])
            self.on_progress(len(tally.results))
        summary = self._plan_summary(special[pages.summary], tally.results, now)
        self._check_caps(tally)
        if self.dry_run:
            self._show(tally, summary, special[pages.summary])
        else:
            self._save_edits(tally, names, policy, memory, young, now)
        summary_saved = self._save_summary(tally, summary, special[pages.summary])
        status_saved = self._save_status(tally, special[pages.status], now)
        report = self._report(tally, now, t0, req0, summary_saved, status_saved)
        if self.store and not self.dry_run:
            self.store.save_pass(tally.memory, "full", now, report.as_dict())
        return report

    # -- deciding ---------------------------------------------------------------------------------

    def _decide(
        self,
        page: PageSnapshot,
        names: frozenset[str],
        policy: Policy,
        memory: TagMemory | None,
        young: bool,
        now: dt.datetime,
    ) -> tuple[PageResult, Decision]:
        result = check_page(page.title, find_infobox(page.text, names), self.cfg.rules, now.date())
        return result, decide(page, result, policy, memory, young, now)

    def _record(self, tally: _Tally, title: str, decision: Decision) -> None:
        if decision.edit is not None:
            tally.edits.append(decision.edit)
            # Until the edit is saved, remember the page as it is now.
            tally.memory[title] = TagMemory(tagged=decision.edit.old is not None, removed_at=None)
        else:
            tally.memory[title] = decision.memory
        if decision.skip:
            tally.skipped.append(Skip(title, decision.skip))

    # -- safety -----------------------------------------------------------------------------------

    def _check_shutoff(self, page: PageSnapshot | None) -> None:
        self._last_shutoff_check = time.monotonic()
        if page is not None and has_text_outside_comments(page.text):
            raise ShutoffEngaged(
                f"the shutoff page [[{page.title}]] holds text outside comments (revision {page.revid} by "
                f"{page.user or 'unknown'}): the bot stops without writing. Empty that page (keep only the "
                "comment) to let the bot run again."
            )

    def _recheck_shutoff(self) -> None:
        if time.monotonic() - self._last_shutoff_check >= self.cfg.run.shutoff_check_seconds:
            shutoff = self.cfg.pages.shutoff
            self._check_shutoff(self.gw.read([shutoff])[shutoff])

    def _check_caps(self, tally: _Tally) -> None:
        new_tags = sum(e.kind == "tag" for e in tally.edits)
        cap = self.cfg.tagging.max_tags_per_run
        if new_tags > cap:
            raise SafetyStop(
                f"this pass would tag {new_tags} pages, more than max_tags_per_run = {cap} "
                f"({self.cfg.path}): nothing was saved. Check a few pages with --dry-run; if the tags are right, "
                "raise the cap for one run."
            )

    # -- tags -------------------------------------------------------------------------------------

    def _save_edits(
        self,
        tally: _Tally,
        names: frozenset[str],
        policy: Policy,
        memory: dict[str, TagMemory],
        young: frozenset[str],
        now: dt.datetime,
    ) -> None:
        for edit in tally.edits:
            self._recheck_shutoff()
            title = edit.base.title
            try:
                self._save_one(edit)
            except EditConflict:
                log.info("edit conflict on %s: reading it again", title, extra={"page": title})
                fresh = self.gw.read([title])[title]
                if fresh is None:
                    tally.skipped.append(Skip(title, "deleted during the pass"))
                    continue
                _result, again = self._decide(fresh, names, policy, memory.get(title), title in young, now)
                if again.edit is None:
                    tally.memory[title] = again.memory
                    if again.skip:
                        tally.skipped.append(Skip(title, again.skip))
                    continue
                try:
                    self._save_one(again.edit)
                except EditConflict:
                    tally.skipped.append(Skip(title, "edit conflict: the page changed again during the pass"))
                    continue
                except PageProtected:
                    tally.skipped.append(Skip(title, "protected: the bot may not edit it"))
                    continue
                edit = again.edit
            except PageProtected:
                tally.skipped.append(Skip(title, "protected: the bot may not edit it"))
                continue
            except (WikiUnavailable, LoginFailed):
                raise
            except WikiError as exc:
                tally.errors.append(f"{title}: {exc}")
                log.warning("could not save %s: %s", title, exc, extra={"page": title})
                continue
            tally.memory[title] = TagMemory(tagged=edit.new is not None, removed_at=None)
            tally.done[edit.kind] += 1
            tally.saves += 1
            log.info("%s %s", edit.kind, title, extra={"page": title, "action": edit.kind})

    def _save_one(self, edit: Edit) -> None:
        self.gw.save(edit.base.title, edit.text, edit.base, edit.summary)

    # -- summary ----------------------------------------------------------------------------------

    def _plan_summary(self, page: PageSnapshot | None, results: list[PageResult], now: dt.datetime) -> str | None:
        """The summary page's new text, or None when only the stamp would change. Raises
        ``SafetyStop`` when the page or its markers are missing or too many rows would go."""
        title = self.cfg.pages.summary
        if page is None:
            raise SafetyStop(
                f"the summary page [[{title}]] does not exist: create it with `python -m bot install-templates` "
                "(it needs the two partnership-tracker markers), then run again"
            )
        rows = self.rows = render.build_rows(results)
        inner = render.render_table(rows, now)
        try:
            text = render.replace_between_markers(page.text, inner)
        except SafetyStop as exc:
            raise SafetyStop(f"summary page [[{title}]]: {exc}") from None
        current = render.current_inner(page.text) or ""
        before = render.count_rows(current)
        if before - len(rows) > self.cfg.max_row_drop:
            raise SafetyStop(
                f"the summary table would shrink from {before} to {len(rows)} rows, more than max_row_drop = "
                f"{self.cfg.max_row_drop} ({self.cfg.path}): nothing was saved. If pages really left, raise the "
                "cap for one run; otherwise check why the wiki lists fewer pages."
            )
        return text if render.differs_beyond_stamp(current, inner) else None

    def _save_summary(self, tally: _Tally, text: str | None, page: PageSnapshot | None) -> bool:
        if text is None or page is None or self.dry_run:
            return False
        self._recheck_shutoff()
        complete = sum(r.complete for r in tally.results)
        summary = (
            f"Bot: update partnership table: {len(tally.results)} pages, {complete} complete "
            f"([[{self.cfg.pages.shutoff}|stop the bot]])"
        )
        try:
            self.gw.save(page.title, text, page, summary)
        except EditConflict:
            fresh = self.gw.read([page.title])[page.title]
            inner = render.current_inner(text)
            if fresh is None or inner is None:
                tally.errors.append(f"{page.title}: deleted or changed during the pass; the table was not saved")
                return False
            try:
                self.gw.save(page.title, render.replace_between_markers(fresh.text, inner), fresh, summary)
            except (EditConflict, SafetyStop) as exc:
                tally.errors.append(f"{page.title}: not saved after an edit conflict: {exc}")
                return False
        tally.saves += 1
        return True

    # -- status and report ------------------------------------------------------------------------

    def _save_status(self, tally: _Tally, page: PageSnapshot | None, now: dt.datetime) -> bool:
        text = render_status(
            now=now,
            pages=len(tally.results),
            complete=sum(r.complete for r in tally.results),
            tagged_pages=sum(m.tagged for m in tally.memory.values()),
            skipped=[(s.title, s.reason) for s in tally.skipped],
            errors=tally.errors,
            shutoff_page=self.cfg.pages.shutoff,
            summary_page=self.cfg.pages.summary,
        )
        heartbeat = dt.timedelta(hours=self.cfg.run.status_heartbeat_hours)
        if self.dry_run or not needs_save(page.text if page else None, text, now, heartbeat):
            return False
        self._recheck_shutoff()
        try:
            self.gw.save(self.cfg.pages.status, text, page, status_summary(_counts(tally)))
        except (EditConflict, PageProtected) as exc:
            log.warning("status page not saved: %s", exc)
            return False
        tally.saves += 1
        return True

    def _show(self, tally: _Tally, summary: str | None, summary_page: PageSnapshot | None) -> None:
        for edit in tally.edits:
            self.on_diff(_diff(edit.base.title, edit.base.text, edit.text))
        if summary is not None and summary_page is not None:
            self.on_diff(_diff(summary_page.title, summary_page.text, summary))

    def _report(
        self, tally: _Tally, now: dt.datetime, t0: float, req0: int, summary_saved: bool, status_saved: bool
    ) -> RunReport:
        counts = _counts(tally)
        return RunReport(
            started=now.isoformat(),
            dry_run=self.dry_run,
            pages_seen=len(tally.results),
            pages_read=len(tally.results),
            complete=counts["complete"],
            incomplete=counts["incomplete"],
            tagged=tally.done["tag"],
            untagged=tally.done["untag"],
            updated=tally.done["update"],
            skipped=tuple(tally.skipped),
            api_requests=self.gw.requests - req0,
            setup_requests=self.setup_requests,
            edits=tally.saves,
            seconds=time.monotonic() - t0,
            summary_saved=summary_saved,
            status_saved=status_saved,
        )


def _counts(tally: _Tally) -> dict[str, int]:
    complete = sum(r.complete for r in tally.results)
    return {"complete": complete, "incomplete": len(tally.results) - complete}


def _diff(title: str, old: str, new: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), f"{title} (current)", f"{title} (bot)"
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
