"""What one pass gathers as it goes, stage after stage: one record (:class:`Tally`), filled by
reading and deciding (``records``, ``edits``), saving tags (``saved``, ``done``, ``recheck``) and
publishing (``errors``, ``saves``), and turned into the pass's report at the end."""

from __future__ import annotations

import dataclasses
import datetime as dt
from array import array
from dataclasses import dataclass, field

from bot.model import PageRecord, PageResult, PageSnapshot, RunReport, Skip, tag_memory
from bot.plan import Decision, Planned


@dataclass
class Unchanged:
    """Pages a sweep from stored readings re-validated to the very result, skip and memory stored
    for them, held as their ids alone (in the wiki's order) with how many are complete and tagged:
    their records are the stored ones, so the sweep keeps none until it must rebuild the table
    (:func:`bot.pipeline.step2_read.restore`). At 100,000 pages a record each was about 100 MB."""

    ids: array[int] = field(default_factory=lambda: array("q"))
    complete: int = 0
    tagged: int = 0

    def add(self, record: PageRecord) -> None:
        self.ids.append(record.pageid)
        self.complete += record.result.complete
        self.tagged += record.memory.tagged


@dataclass
class Tally:
    """The pass's working record (mutable: the stages add to it as they go)."""

    records: dict[int, PageRecord] = field(default_factory=dict)
    """Pages read in this pass, by page id (title as key when the id is unknown: id 0)."""
    kept: list[PageResult] = field(default_factory=list)
    """Stored results of pages an incremental pass did not need to read."""
    removed: list[int] = field(default_factory=list)
    edits: list[Planned] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    done: dict[str, int] = field(default_factory=lambda: {"tag": 0, "untag": 0, "update": 0})
    saves: int = 0
    saved: list[int] = field(default_factory=list)
    """Page ids whose tag edit was saved in this pass."""
    tag_save_failed: bool = False
    """A tag save raised an error (the edit may still have reached the wiki)."""
    recheck: set[int] = field(default_factory=set)
    """Page ids the next pass must read again whatever recent changes say: a save skipped after a
    second edit conflict or merge, a tag left for the next pass, a merged save not yet decided again."""
    unchanged: Unchanged = field(default_factory=Unchanged)
    """Pages decided as stored, not (yet) in ``records`` (a sweep from stored readings)."""

    def record(self, page: PageSnapshot, result: PageResult, decision: Decision) -> None:
        """Record a page as read and decided: its planned edit, if any (until it is saved the
        page is remembered as it is now), or the memory the decision keeps, and its skip."""
        if decision.edit is not None:
            self.edits.append(Planned.of(decision.edit))
            memory = tag_memory(decision.edit.old is not None)
        else:
            memory = decision.memory
        self.records[page.pageid] = PageRecord(page.pageid, page.title, page.revid, result, memory, decision.skip)
        if decision.skip:
            self.skipped.append(Skip(page.title, decision.skip))

    def skip(self, page: PageSnapshot, reason: str) -> None:
        """A due edit of ``page`` was not made: list it, and keep the reason on its record."""
        self.skipped.append(Skip(page.title, reason))
        record = self.records.get(page.pageid)
        if record is not None:
            self.records[page.pageid] = dataclasses.replace(record, skip=reason)

    def same(self, record: PageRecord) -> None:
        """A page decided as its stored ``record`` says: its id is kept (:class:`Unchanged`), and
        its skip listed."""
        self.unchanged.add(record)
        if record.skip:
            self.skipped.append(Skip(record.title, record.skip))

    def decided(self) -> int:
        """Pages decided so far, read or not."""
        return len(self.records) + len(self.unchanged.ids)

    def tagged(self) -> int:
        """Decided pages carrying the bot's tag (as remembered)."""
        return sum(r.memory.tagged for r in self.records.values()) + self.unchanged.tagged

    def results(self) -> list[PageResult]:
        """Every page's result: the kept ones, then the records'. The unchanged pages' records
        must be restored first (:func:`bot.pipeline.step2_read.restore`)."""
        assert not self.unchanged.ids, "the unchanged pages' records were not restored"
        return self.kept + [r.result for r in self.records.values()]

    def summary_failed(self, summary_title: str) -> bool:
        """Whether a save of the summary page or one of its subpages failed."""
        return any(e.startswith((summary_title + ":", summary_title + "/")) for e in self.errors)

    def report(
        self,
        *,
        started: dt.datetime,
        dry_run: bool,
        kind: str,
        pages: int,
        complete: int,
        seconds: float,
        api_requests: int,
        setup_requests: int,
        summary_saved: bool,
        status_saved: bool,
        summary_title: str,
        source: str = "",
    ) -> RunReport:
        """The pass's report. The summary counts as saved only when no save of it (or of one of
        its subpages) failed."""
        return RunReport(
            started=started.isoformat(),
            dry_run=dry_run,
            pages_seen=pages,
            pages_read=self.decided(),
            complete=complete,
            incomplete=pages - complete,
            tagged=self.done["tag"],
            untagged=self.done["untag"],
            updated=self.done["update"],
            skipped=tuple(self.skipped),
            api_requests=api_requests,
            setup_requests=setup_requests,
            edits=self.saves,
            seconds=seconds,
            summary_saved=summary_saved and not self.summary_failed(summary_title),
            status_saved=status_saved,
            kind=kind,
            errors=tuple(self.errors),
            source=source,
        )
