"""What one pass gathers as it goes (the job's working record), and small helpers over it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from bot.model import PageResult, PageSnapshot, Skip
from bot.plan import Edit
from bot.state import PageRecord


@dataclass
class Tally:
    records: dict[int, PageRecord] = field(default_factory=dict)
    """Pages read in this pass, by page id (title as key when the id is unknown: id 0)."""
    kept: list[PageResult] = field(default_factory=list)
    """Stored results of pages an incremental pass did not need to read."""
    removed: list[int] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    done: dict[str, int] = field(default_factory=lambda: {"tag": 0, "untag": 0, "update": 0})
    saves: int = 0
    saved: list[int] = field(default_factory=list)
    """Page ids whose tag edit was saved in this pass."""

    def results(self) -> list[PageResult]:
        return self.kept + [r.result for r in self.records.values()]


def skip(tally: Tally, page: PageSnapshot, reason: str) -> None:
    tally.skipped.append(Skip(page.title, reason))
    record = tally.records.get(page.pageid)
    if record is not None:
        tally.records[page.pageid] = dataclasses.replace(record, skip=reason)


def is_changed(record: PageRecord | None, title: str, revid: int) -> bool:
    return record is None or record.revid != revid or record.title != title
