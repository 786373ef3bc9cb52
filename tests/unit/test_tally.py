"""The pass's working record (:class:`bot.pipeline.tally.Tally`): pages decided as stored are
held as ids alone and counted, and no table is built before their records are restored."""

from __future__ import annotations

import pytest

from bot.model import Finding, PageRecord, PageResult, TagMemory, table_values
from bot.pipeline.tally import Tally


def record(pid: int, *, complete: bool, tagged: bool, skip: str | None = None) -> PageRecord:
    findings = () if complete else (Finding("goals", "missing", "error", "goals is missing"),)
    result = PageResult(f"Page {pid}", findings, table_values({}))
    return PageRecord(pid, f"Page {pid}", 10 + pid, result, TagMemory(tagged, None), skip)


def test_pages_decided_as_stored_are_counted_without_their_records() -> None:
    tally = Tally()
    tally.same(record(1, complete=True, tagged=False))
    tally.same(record(2, complete=False, tagged=True, skip="protected"))
    tally.same(record(3, complete=False, tagged=False))
    assert not tally.records and list(tally.unchanged.ids) == [1, 2, 3]
    assert (tally.decided(), tally.unchanged.complete, tally.tagged()) == (3, 1, 1)
    assert [(s.title, s.reason) for s in tally.skipped] == [("Page 2", "protected")]
    with pytest.raises(AssertionError, match="not restored"):
        tally.results()
