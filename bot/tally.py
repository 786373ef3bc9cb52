"""What one pass gathers as it goes (the job's working record), and small helpers over it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from bot.model import PageRecord, PageResult, PageSnapshot, RunReport, Skip
from bot.plan import Planned


@dataclass
class Tally:
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

    def results(self) -> list[PageResult]:
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
            pages_read=len(self.records),
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


def skip(tally: Tally, page: PageSnapshot, reason: str) -> None:
    tally.skipped.append(Skip(page.title, reason))
    record = tally.records.get(page.pageid)
    if record is not None:
        tally.records[page.pageid] = dataclasses.replace(record, skip=reason)


def is_changed(record: PageRecord | None, title: str, revid: int) -> bool:
    return record is None or record.revid != revid or record.title != title
