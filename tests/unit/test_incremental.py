"""Incremental passes against the in-memory wiki and a real SQLite state database: only changed
pages are read, pages that left leave the table, a moved page keeps its record, an interrupted pass
stores nothing and the next one completes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from bot.config import Config
from bot.errors import Interrupted
from bot.model import RunReport
from bot.pipeline.one_pass import Pass
from bot.state import StateStore
from tests.fakes import FakeWiki
from tests.passes import COMPLETE, INCOMPLETE, NOW, wiki_with


def run(wiki: FakeWiki, config: Config, store: StateStore, kind: str = "incremental", **kw: object) -> RunReport:
    return Pass(wiki, config, lambda: NOW, store, kind=kind, **kw).run()  # type: ignore[arg-type]


def test_without_state_an_incremental_pass_is_a_full_sweep(config: Config, store: StateStore) -> None:
    wiki = wiki_with({"A": INCOMPLETE, "B": COMPLETE})
    report = run(wiki, config, store)
    assert report.kind == "full" and report.pages_read == 2 and report.tagged == 1


def test_no_change_pass_over_10000_pages_makes_3_requests_and_no_edit(config: Config, store: StateStore) -> None:
    wiki = wiki_with({f"Org {i:05}": COMPLETE for i in range(10_000)})
    wiki.tick(dt.timedelta(hours=1))  # the pages were made before the overlap of the first pass's mark
    run(wiki, config, store, kind="full")
    saves = len(wiki.saves)
    report = run(wiki, config, store)
    assert report.kind == "incremental"
    assert report.api_requests <= 3, report
    assert report.pages_read == 0 and report.pages_seen == 10_000
    assert len(wiki.saves) == saves and report.edits == 0


def test_only_the_edited_page_is_read_and_retagged(config: Config, store: StateStore) -> None:
    wiki = wiki_with({"A": INCOMPLETE, "B": COMPLETE, "C": COMPLETE})
    run(wiki, config, store, kind="full")
    wiki.put("C", INCOMPLETE)
    report = run(wiki, config, store)
    assert report.pages_read == 1 and report.tagged == 1
    assert wiki.pages["C"].text.startswith("{{Partnership incomplete|missing=metrics}}\n")
    assert report.pages_seen == 3


def test_the_bots_own_edits_do_not_count_as_changes(config: Config, store: StateStore) -> None:
    wiki = wiki_with({"A": INCOMPLETE})
    run(wiki, config, store, kind="full")  # tags A: a new revision by the bot
    assert run(wiki, config, store).pages_read == 0


def test_deleted_page_leaves_the_table(config: Config, store: StateStore) -> None:
    wiki = wiki_with({"Gone": COMPLETE, "Stays": COMPLETE})
    run(wiki, config, store, kind="full")
    assert "[[:Gone|" in wiki.pages["Partnership tracker"].text
    wiki.delete("Gone")
    report = run(wiki, config, store)
    assert report.pages_seen == 1 and report.summary_saved
    assert "[[:Gone|" not in wiki.pages["Partnership tracker"].text
    assert "Gone" not in {r.title for r in store.pages().values()}


def test_page_no_longer_using_the_infobox_leaves_the_table(config: Config, store: StateStore) -> None:
    wiki = wiki_with({"Was": COMPLETE, "Stays": COMPLETE})
    run(wiki, config, store, kind="full")
    wiki.put("Was", "Now an ordinary page.")
    report = run(wiki, config, store)
    assert report.pages_seen == 1 and "[[:Was|" not in wiki.pages["Partnership tracker"].text


def test_moved_page_keeps_its_history(config: Config, store: StateStore) -> None:
    wiki = wiki_with({"Old name": INCOMPLETE})
    run(wiki, config, store, kind="full")
    pageid = wiki.pages["Old name"].pageid
    wiki.put("Old name", INCOMPLETE, "Person", when=NOW)  # a person removes the tag
    run(wiki, config, store)
    assert store.pages()[pageid].memory.removed_at is not None
    wiki.move("Old name", "New name")
    report = run(wiki, config, store)
    record = store.pages()[pageid]
    assert record.title == "New name" and record.memory.removed_at is not None  # still not re-tagged
    assert report.tagged == 0 and "[[:New name|" in wiki.pages["Partnership tracker"].text


def test_interrupted_pass_stores_nothing_and_the_next_completes(config: Config, store: StateStore) -> None:
    wiki = wiki_with({f"Org {i}": INCOMPLETE for i in range(6)})
    calls = iter(range(100))
    with pytest.raises(Interrupted):
        run(wiki, config, store, kind="full", should_stop=lambda: next(calls) >= 3)
    assert store.pages() == {} and store.consecutive_failures() == 0
    report = run(wiki, config, store, kind="full")
    assert report.tagged + sum(p.text.startswith("{{Partnership incomplete") for p in wiki.pages.values()) >= 6
    assert all(wiki.pages[f"Org {i}"].text.startswith("{{Partnership incomplete") for i in range(6))
    assert run(wiki, config, store).edits == 0


def test_interrupt_during_saves_leaves_pages_whole(config: Config, store: StateStore) -> None:
    wiki = wiki_with({f"Org {i}": INCOMPLETE for i in range(6)})
    polls = iter(range(100))
    with pytest.raises(Interrupted):  # 6 polls while reading, then stop after 2 saves
        run(wiki, config, store, kind="full", should_stop=lambda: next(polls) >= 8)
    tagged = [t for t, p in wiki.pages.items() if p.text.startswith("{{Partnership incomplete")]
    assert len(tagged) == 2
    for i in range(6):
        assert wiki.pages[f"Org {i}"].text.removeprefix("{{Partnership incomplete|missing=metrics}}\n") == INCOMPLETE
    run(wiki, config, store, kind="full")
    assert all(wiki.pages[f"Org {i}"].text.startswith("{{Partnership incomplete") for i in range(6))


def test_skipped_pages_stay_listed_without_edits(config: Config, store: StateStore) -> None:
    wiki = wiki_with({"Excluded": "{{nobots}}\n" + INCOMPLETE, "Other": COMPLETE})
    first = run(wiki, config, store, kind="full")
    assert [s.title for s in first.skipped] == ["Excluded"]
    again = run(wiki, config, store)
    assert [s.title for s in again.skipped] == ["Excluded"] and again.edits == 0


def test_stale_dates_need_the_full_sweep(config: Config, store: StateStore) -> None:
    active = COMPLETE.replace("status = proposed", "status = active | start = 2020 | agreement = mou").replace(
        "}}", "| feedback = [[Talk:X]] | last_reviewed = 2025-11-01\n}}", 1
    )
    wiki = wiki_with({"A": active})
    run(wiki, config, store, kind="full")
    later = NOW + dt.timedelta(days=60)
    full = Pass(wiki, config, lambda: later, store, kind="full").run()
    # the full sweep re-validates every page against the new date, from its stored reading
    assert full.pages_read == 0 and full.pages_seen == 1
    assert [f.code for r in store.pages().values() for f in r.result.findings] == ["stale"]


# -- rows of pages another state database knows (issue 11, item 8) ---------------------------------


def two_states(config: Config, tmp_path: Path, extra: dict[str, str]) -> tuple[FakeWiki, StateStore]:
    """Two state databases on one wiki, as two bot set-ups (or tests) have: ``mine`` saw the wiki
    before the ``extra`` pages came, and recent changes do not show them to it (their entries are
    left out of the fake's log: a state restored from an old copy, pages made under the bot's account
    by a tool that is not the bot); the ``other`` then wrote the table with them. Returns the wiki
    and ``mine``."""
    wiki = wiki_with({"A": COMPLETE, "B": INCOMPLETE})
    wiki.tick(dt.timedelta(hours=1))
    mine = StateStore(tmp_path / "mine.sqlite")
    run(wiki, config, mine, kind="full")
    for title, text in extra.items():
        wiki.put(title, text, "PartnershipBot")  # e.g. `seed` with the other set-up's config
    wiki.log = [entry for entry in wiki.log if entry[2].title not in extra]
    with StateStore(tmp_path / "other.sqlite") as other:
        run(wiki, config, other, kind="full")
    wiki.tick(dt.timedelta(hours=1))
    return wiki, mine


def test_rows_of_pages_the_state_does_not_know_are_kept(config: Config, tmp_path: Path) -> None:
    """Any unrelated edit makes the pass rebuild the table from what this state knows: the rows of
    C and D stay, because the wiki says their pages use the infobox (one request for both), and
    they are read and validated like changed pages."""
    wiki, mine = two_states(config, tmp_path, {"C": INCOMPLETE, "D": COMPLETE})
    assert all(f"[[:{t}|" in wiki.pages["Partnership tracker"].text for t in "ABCD")
    wiki.put("A", COMPLETE + "\nMore prose.")
    before = wiki.requests
    with mine:
        report = run(wiki, config, mine)
        assert {r.title for r in mine.pages().values()} == set("ABCD")
    table = wiki.pages["Partnership tracker"].text
    assert report.source == "recent changes" and report.pages_seen == 4 and report.pages_read == 3
    assert all(f"[[:{t}|" in table for t in "ABCD")
    # the special pages, recent changes (and the clock), members of A, members of C and D (one
    # request), reading A, C and D; the table and the status stay as the other set-up left them
    assert wiki.requests - before == 1 + 1 + 1 + 1 + 1 and report.edits == 0


def test_rows_of_pages_gone_unseen_go_once_the_wiki_says_so(config: Config, tmp_path: Path) -> None:
    wiki, mine = two_states(config, tmp_path, {"C": COMPLETE, "D": COMPLETE})
    wiki.put("C", "No infobox any more.", "PartnershipBot")
    del wiki.pages["D"]  # deleted without a log entry this state could see
    wiki.put("A", COMPLETE + "\nMore prose.")
    with mine:
        report = run(wiki, config, mine)
    table = wiki.pages["Partnership tracker"].text
    assert report.pages_seen == 2 and "[[:C|" not in table and "[[:D|" not in table


def test_rows_on_the_parts_of_a_split_table_are_asked_about_too(config: Config, tmp_path: Path) -> None:
    small = dataclasses.replace(config, max_page_bytes=10_000, max_row_drop=1000)
    extra = {f"Extra {i:03}": COMPLETE for i in range(100)}
    wiki = wiki_with({"A": COMPLETE})
    wiki.tick(dt.timedelta(hours=1))
    with StateStore(tmp_path / "mine.sqlite") as mine:
        run(wiki, small, mine, kind="full")
        for title, text in extra.items():
            wiki.put(title, text, "PartnershipBot")
        with StateStore(tmp_path / "other.sqlite") as other:
            run(wiki, small, other, kind="full")
        assert "[[Partnership tracker/2|" in wiki.pages["Partnership tracker"].text
        wiki.tick(dt.timedelta(hours=1))
        wiki.put("A", COMPLETE + "\nMore prose.")
        report = run(wiki, small, mine)
    assert report.pages_seen == 101
    parts = [p.text for t, p in wiki.pages.items() if t.startswith("Partnership tracker/")]
    assert all(any(f"[[:{t}|" in part for part in parts) for t in extra)
