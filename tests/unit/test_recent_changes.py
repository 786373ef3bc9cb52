"""Incremental passes that read the wiki's recent changes (``bot.pipeline.step1_find``) against the in-memory
wiki, whose change log has its own clock: quiet passes read nothing and leave the summary alone,
changes anywhere else cost no page read, and the pass falls back to listing every page when the
mark cannot be trusted."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

import pytest

from bot.config import Config
from bot.errors import Interrupted, WikiError
from bot.model import Change, RunReport
from bot.pipeline.one_pass import Pass
from bot.pipeline.step1_find import select
from bot.state import MARK_KEY, SAVING_KEY, SUMMARY_KEY, StateStore
from tests.fakes import FakeWiki
from tests.passes import COMPLETE, INCOMPLETE, NOW, wiki_with


def run(
    wiki: FakeWiki, config: Config, store: StateStore, kind: str = "incremental", now: dt.datetime = NOW, **kw: object
) -> RunReport:
    return Pass(wiki, config, lambda: now, store, kind=kind, **kw).run()  # type: ignore[arg-type]


def settled(pages: dict[str, str], config: Config, store: StateStore) -> FakeWiki:
    """A wiki after a completed full pass an hour after its pages were made, and an hour later
    (each past the overlap)."""
    wiki = wiki_with(pages)
    wiki.tick(dt.timedelta(hours=1))
    run(wiki, config, store, kind="full")
    wiki.tick(dt.timedelta(hours=1))
    return wiki


def test_a_quiet_pass_reads_no_page_and_saves_nothing(config: Config, store: StateStore) -> None:
    wiki = settled({f"Org {i:04}": COMPLETE if i % 50 else INCOMPLETE for i in range(3000)}, config, store)
    saves = len(wiki.saves)
    report = run(wiki, config, store)
    assert report.kind == "incremental" and report.pages_read == 0 and report.edits == 0
    assert report.api_requests == 2  # the special pages, the recent changes
    assert report.source == "recent changes, quiet" and "(recent changes, quiet)" in report.line()
    assert (report.pages_seen, report.complete, report.incomplete) == (3000, 2940, 60)
    assert len(wiki.saves) == saves


def test_edits_to_other_pages_cost_one_request_and_no_read(config: Config, store: StateStore) -> None:
    wiki = settled({"A": COMPLETE}, config, store)
    for n in range(20):
        wiki.put(f"Unrelated {n}", "Prose without the infobox.")
    report = run(wiki, config, store)
    assert report.pages_read == 0 and report.api_requests == 3 and report.edits == 0


def test_a_new_partnership_page_is_read_tagged_and_listed(config: Config, store: StateStore) -> None:
    wiki = settled({"A": COMPLETE}, config, store)
    wiki.put("Newcomer", INCOMPLETE)
    report = run(wiki, config, store)
    assert report.pages_read == 1 and report.tagged == 1 and report.pages_seen == 2
    assert report.source == "recent changes" and report.as_dict()["source"] == "recent changes"
    assert "[[:Newcomer|" in wiki.pages["Partnership tracker"].text


def test_a_person_editing_the_summary_table_gets_it_rebuilt(config: Config, store: StateStore) -> None:
    wiki = settled({"A": COMPLETE}, config, store)
    table = wiki.pages["Partnership tracker"].text
    wiki.put("Partnership tracker", table.replace("[[:A|", "[[:Vandalised|"), "Vandal")
    report = run(wiki, config, store)
    assert report.pages_read == 0 and report.summary_saved
    text = wiki.pages["Partnership tracker"].text
    assert "[[:Vandalised|" not in text and "[[:A|" in text


def test_pages_moved_out_and_in_leave_and_join_the_table(config: Config, store: StateStore) -> None:
    wiki = settled({"Leaves": COMPLETE, "Stays": COMPLETE}, config, store)
    wiki.put("Draft:Joins", COMPLETE)
    wiki.move("Leaves", "Draft:Leaves")
    wiki.move("Draft:Joins", "Joins")
    report = run(wiki, config, store)
    text = wiki.pages["Partnership tracker"].text
    assert "[[:Leaves|" not in text and "[[:Joins|" in text and report.pages_seen == 2
    assert {r.title for r in store.pages().values()} == {"Stays", "Joins"}


def test_a_deleted_page_leaves_the_table_without_a_read(config: Config, store: StateStore) -> None:
    wiki = settled({"Gone": COMPLETE, "Stays": INCOMPLETE}, config, store)
    wiki.delete("Gone")
    report = run(wiki, config, store)
    assert report.pages_read == 0 and report.pages_seen == 1 and report.summary_saved
    assert "[[:Gone|" not in wiki.pages["Partnership tracker"].text


def test_a_change_just_before_the_last_pass_is_seen_again(config: Config, store: StateStore) -> None:
    """The overlap: a change stamped before the mark but committed after the pass read the page."""
    wiki = settled({"A": COMPLETE}, config, store)
    mark = dt.datetime.fromisoformat(str(store.get(MARK_KEY)))
    page = wiki.pages["A"]
    wiki.pages["A"] = dataclasses.replace(page, text=INCOMPLETE, revid=9999)
    wiki.log.append((mark - dt.timedelta(minutes=5), "Late", Change("edit", "A", 0, page.pageid)))
    assert run(wiki, config, store).tagged == 1


def test_the_mark_is_taken_when_the_pass_starts(config: Config, store: StateStore) -> None:
    """A person's edit during a long pass is seen by the next one."""
    wiki = settled({"A": INCOMPLETE, "B": COMPLETE}, config, store)
    wiki.put("A", INCOMPLETE + "\nMore prose.")

    def during(title: str) -> None:
        wiki.put("B", INCOMPLETE, "Person")
        wiki.tick(dt.timedelta(hours=1))

    wiki.before_save = during
    run(wiki, config, store)
    wiki.tick(dt.timedelta(hours=1))
    assert run(wiki, config, store).tagged == 1 and wiki.pages["B"].text.startswith("{{Partnership incomplete")


def test_a_quiet_pass_moves_the_mark_and_a_dry_run_stores_nothing(config: Config, store: StateStore) -> None:
    wiki = settled({"A": COMPLETE}, config, store)
    first = store.get(MARK_KEY)
    run(wiki, config, store)
    second = store.get(MARK_KEY)
    assert first and second and second > first
    wiki.put("A", INCOMPLETE)
    wiki.tick(dt.timedelta(hours=1))
    meta = {k: store.get(k) for k in (MARK_KEY, SAVING_KEY, SUMMARY_KEY)}
    runs = len(store.runs(100))
    assert run(wiki, config, store, dry_run=True).pages_read == 1
    assert {k: store.get(k) for k in meta} == meta and len(store.runs(100)) == runs


def test_a_summary_not_saved_last_time_is_not_left_alone(config: Config, store: StateStore) -> None:
    wiki = settled({"A": COMPLETE}, config, store)
    page = wiki.pages["Partnership tracker"]
    wiki.pages[page.title] = dataclasses.replace(page, text=page.text.replace("[[:A|", "[[:B|"))  # no log entry
    store.set_meta(SUMMARY_KEY, "0")  # as after a failed summary save
    report = run(wiki, config, store)
    assert report.summary_saved and "[[:A|" in wiki.pages["Partnership tracker"].text


def test_a_deletion_logged_without_a_page_id_finds_the_stored_page_by_title(config: Config, store: StateStore) -> None:
    wiki = settled({"Gone": COMPLETE, "Stays": COMPLETE}, config, store)
    del wiki.pages["Gone"]
    wiki.log.append((wiki.time, "Admin", Change("delete", "Gone", 0)))
    report = run(wiki, config, store)
    assert report.pages_seen == 1 and "[[:Gone|" not in wiki.pages["Partnership tracker"].text


def test_translation_subpages_touched_stay_out(config: Config, store: StateStore) -> None:
    wiki = settled({"Org": COMPLETE}, config, store)
    wiki.put("Org/de", INCOMPLETE)
    report = run(wiki, config, store)
    assert report.pages_seen == 1 and report.tagged == 0 and "Org/de" not in wiki.pages["Partnership tracker"].text


def test_too_many_changes_or_a_mark_ahead_of_the_wiki_mean_a_listing(config: Config, store: StateStore) -> None:
    wiki = settled({"A": COMPLETE}, config, store)
    wiki.rc_batch = 2
    for n in range(7):
        wiki.put(f"Other {n}", "Prose.")
    kw = {"incremental": True, "now": NOW, "may_be_quiet": True, "summary_title": "Partnership tracker"}
    assert select(wiki, config, store, max_changes=4, **kw).how == "listing"  # type: ignore[arg-type]
    # the 7 edits and the full pass's 2 saves (the summary and the status page): the bot's own count too
    assert select(wiki, config, store, max_changes=9, **kw).how == "recent changes"  # type: ignore[arg-type]
    store.set_meta(MARK_KEY, (wiki.time + dt.timedelta(hours=1)).isoformat())
    assert select(wiki, config, store, **kw).how == "listing"  # type: ignore[arg-type]


def test_changed_settings_mean_a_full_sweep(
    config: Config, store: StateStore, caplog: pytest.LogCaptureFixture
) -> None:
    """The namespaces, the infobox's name or aliases, the summary's settings or the table's code:
    the stored names and results may not hold, so the pass reads every page and asks the names."""
    wiki = settled({"A": COMPLETE}, config, store)
    for changed in (
        dataclasses.replace(config, max_page_bytes=1_000_000),
        dataclasses.replace(config, rules=dataclasses.replace(config.rules, aliases=("Partnership box",))),
    ):
        with caplog.at_level(logging.INFO, logger="bot.pipeline"):
            report = run(wiki, changed, store)
        assert report.kind == "full" and "the infobox's names or the settings changed" in caplog.text
        caplog.clear()
        assert run(wiki, changed, store).source == "recent changes, quiet"


def test_a_failed_or_stopped_save_phase_leaves_the_next_pass_listing(config: Config, store: StateStore) -> None:
    wiki = settled({"A": COMPLETE, "B": COMPLETE}, config, store)
    wiki.put("A", INCOMPLETE)
    wiki.put("B", INCOMPLETE)
    assert_failed_save_keeps_the_marker(wiki, config, store)
    wiki.put("A", INCOMPLETE + "\nMore.")
    polls = iter(range(100))
    with pytest.raises(Interrupted):
        run(wiki, config, store, should_stop=lambda: next(polls) >= 1)
    assert store.get(SAVING_KEY)
    run(wiki, config, store)
    assert store.get(SAVING_KEY) == "" and all(
        wiki.pages[t].text.startswith("{{Partnership incomplete") for t in ("A", "B")
    )


def test_after_a_pass_died_while_saving_the_next_lists_every_page(
    config: Config, store: StateStore, caplog: pytest.LogCaptureFixture
) -> None:
    """Its saves are the bot's own edits, which recent changes leave out."""
    wiki = settled({"A": INCOMPLETE, "B": COMPLETE}, config, store)
    store.set_meta(SAVING_KEY, NOW.isoformat())  # as a killed pass leaves it
    with caplog.at_level(logging.INFO, logger="bot.pipeline"):
        report = run(wiki, config, store)
    assert "the last pass died or failed while saving" in caplog.text and report.kind == "incremental"
    assert report.source == "listing"
    assert store.get(SAVING_KEY) == ""
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="bot.pipeline"):
        run(wiki, config, store)
    assert "listing every page" not in caplog.text


def test_a_mark_older_than_a_week_is_not_trusted(
    config: Config, store: StateStore, caplog: pytest.LogCaptureFixture
) -> None:
    wiki = settled({"A": COMPLETE}, config, store)
    wiki.tick(dt.timedelta(days=8))
    with caplog.at_level(logging.INFO, logger="bot.pipeline"):
        report = run(wiki, config, store)
    assert "too old" in caplog.text and report.pages_seen == 1


def test_a_pass_that_saves_tags_marks_itself_until_it_completes(config: Config, store: StateStore) -> None:
    wiki = settled({"A": COMPLETE}, config, store)
    seen: list[str | None] = []
    wiki.put("A", INCOMPLETE)
    wiki.before_save = lambda title: seen.append(store.get(SAVING_KEY))
    run(wiki, config, store)
    assert seen and seen[0] and store.get(SAVING_KEY) == ""


def test_the_quiet_status_heartbeat_counts_what_the_full_pass_counted(config: Config, store: StateStore) -> None:
    wiki = settled({"A": COMPLETE, "B": INCOMPLETE, "C": "{{nobots}}\n" + INCOMPLETE}, config, store)
    before = wiki.pages["User:PartnershipBot/Status"].text
    report = run(wiki, config, store, now=NOW + dt.timedelta(days=2))
    after = wiki.pages["User:PartnershipBot/Status"].text
    assert report.status_saved and report.pages_read == 0 and [s.title for s in report.skipped] == ["C"]
    stamp = NOW.strftime("%Y-%m-%d")
    assert (
        before.count(stamp)
        and after.replace((NOW + dt.timedelta(days=2)).strftime("%Y-%m-%d"), stamp).splitlines()[1:]
        == before.splitlines()[1:]
    )


def test_a_dry_run_or_a_printed_table_is_never_quiet(config: Config, store: StateStore) -> None:
    wiki = settled({"A": COMPLETE}, config, store)
    dry = Pass(wiki, config, lambda: NOW, store, kind="incremental", dry_run=True)
    dry.run()
    assert [r.title for r in dry.rows] == ["A"]
    printed = Pass(wiki, config, lambda: NOW, store, kind="incremental", keep_quiet=False)
    printed.run()
    assert [r.title for r in printed.rows] == ["A"]


def test_a_failed_tag_save_on_a_page_named_like_the_summary_still_counts(config: Config, store: StateStore) -> None:
    """Tag saves that fail are flagged where they fail, not told apart from the summary's by title."""
    wiki = settled({"Partnership tracker/Archive partner": COMPLETE}, config, store)
    wiki.put("Partnership tracker/Archive partner", INCOMPLETE)
    assert_failed_save_keeps_the_marker(wiki, config, store)


def assert_failed_save_keeps_the_marker(wiki: FakeWiki, config: Config, store: StateStore) -> None:
    """The next save is refused; the pass completes with an error and leaves ``saving_since`` set."""

    def refuse(title: str) -> None:
        raise WikiError(f"saving [[{title}]]: the wiki refused the edit (test)")

    wiki.before_save = refuse
    report = run(wiki, config, store)
    assert report.errors and store.get(SAVING_KEY)
