"""The save phase: planned edits are held without text, their pages read again in batches just
before saving, and each edit decided afresh from that text (bot/pipeline/step4_save_tags.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from bot.config import Config
from bot.errors import WikiError, WikiUnavailable
from bot.model import PageSnapshot
from bot.pipeline.one_pass import Pass
from bot.state import RECHECK_KEY, StateStore
from tests.fakes import FakeWiki
from tests.passes import COMPLETE, INCOMPLETE, NOW, wiki_with

TAG = "{{Partnership incomplete|missing=metrics}}\n"
STALE = "{{Partnership incomplete|missing=goals}}\n" + INCOMPLETE  # a tag whose list is out of date


def once(action: Callable[[], object]) -> Callable[[int], None]:
    """An ``on_progress`` callback that runs ``action`` after the first page is read."""
    done: list[bool] = []

    def hook(_n: int) -> None:
        if not done:
            done.append(True)
            action()

    return hook


def test_planned_edits_are_decided_again_from_the_text_read_before_saving(config: Config) -> None:
    """Edits are planned while reading and held without text; each page is read again (one request
    per 500 planned edits) just before saving, and a person's edit in between is honoured."""
    wiki = wiki_with({"Fixed meanwhile": INCOMPLETE, "Nobots meanwhile": INCOMPLETE, "Deleted": INCOMPLETE})
    wiki.put("Still incomplete", INCOMPLETE)

    def after_reading(n: int) -> None:
        if n == 4:  # every page read, nothing saved yet
            wiki.put("Fixed meanwhile", COMPLETE)
            wiki.put("Nobots meanwhile", "{{nobots}}\n" + INCOMPLETE)
            del wiki.pages["Deleted"]

    before = wiki.requests
    report = Pass(wiki, config, lambda: NOW, None, kind="full", on_progress=after_reading).run()
    assert [s.title for s in wiki.saves if s.title != "User:PartnershipBot/Status"][:1] == ["Still incomplete"]
    assert wiki.pages["Fixed meanwhile"].text == COMPLETE
    assert wiki.pages["Nobots meanwhile"].text == "{{nobots}}\n" + INCOMPLETE
    assert {s.title: s.reason for s in report.skipped} == {
        "Nobots meanwhile": "excluded by {{bots}}/{{nobots}}",
        "Deleted": "deleted during the pass",
    }
    # the summary table is built from the first reading (it is checked before any write); the
    # stored records hold the fresh results, so the next pass's table shows them
    assert report.tagged == 1 and report.pages_seen == 4 and report.pages_read == 3
    saves = len(wiki.saves)
    # special pages, redirects (infobox, tag template), 1 listing batch, 1 re-read batch, the saves
    # (tag, summary, status), the shutoff page read again right before the summary and the status writes
    assert wiki.requests - before <= 2 + 2 + 1 + saves + 1 + 2


def test_a_tag_removed_between_reading_and_saving_is_not_added_back(config: Config) -> None:
    """The planned edit was an update of the tag; a person removed the tag before the save. A new
    tag would not have been counted by max_tags_per_run, and would undo the person: skipped."""
    stale = "{{Partnership incomplete|missing=goals}}\n" + INCOMPLETE
    wiki = wiki_with({"Org": stale})

    def after_reading(n: int) -> None:
        if n == 1:
            wiki.put("Org", INCOMPLETE)

    report = Pass(wiki, config, lambda: NOW, None, kind="full", on_progress=after_reading).run()
    assert wiki.pages["Org"].text == INCOMPLETE
    assert [s.reason for s in report.skipped] == ["changed during the pass: its tag is decided again next pass"]


@pytest.mark.parametrize("person_edits_meanwhile", [False, True])
def test_a_tag_save_that_fails_is_not_remembered_as_a_tag(
    config: Config, tmp_path: Path, person_edits_meanwhile: bool
) -> None:
    """Until a save succeeds the page is remembered as it is: otherwise the next pass would take
    the missing tag for one an editor removed, and hold it back for retag_after_days."""
    wiki = wiki_with({"Org": INCOMPLETE})

    def refuse(title: str) -> None:
        if title == "Org":
            raise WikiError("saving [[Org]]: the wiki refused the edit (abusefilter-disallowed)")

    def person() -> None:
        if person_edits_meanwhile:
            wiki.put("Org", INCOMPLETE + "\nA sentence a person added.", "Person", when=NOW)

    wiki.before_save = refuse
    with StateStore(tmp_path / "state.sqlite") as store:
        first = Pass(wiki, config, lambda: NOW, store, on_progress=once(person)).run()
        assert first.errors and not wiki.pages["Org"].text.startswith(TAG)
        (record,) = [r for r in store.pages().values() if r.title == "Org"]
        assert record.memory.tagged is False
        second = Pass(wiki, config, lambda: NOW + dt.timedelta(days=1), store).run()
    assert second.tagged == 1, second.skipped


def test_a_tag_removed_during_an_edit_conflict_is_not_put_back(config: Config) -> None:
    """The same rule as above when the person's edit shows as an edit conflict on saving."""
    wiki = wiki_with({"Org": STALE})

    def person_removes_the_tag(title: str) -> None:
        if title == "Org":
            wiki.put("Org", INCOMPLETE, "Person", when=NOW)

    wiki.before_save = person_removes_the_tag
    report = Pass(wiki, config, lambda: NOW).run()
    assert wiki.pages["Org"].text == INCOMPLETE
    assert report.tagged == 0 and [s.title for s in report.skipped] == ["Org"]


def test_a_page_moved_out_of_the_namespaces_before_saving_is_not_edited(config: Config) -> None:
    wiki = wiki_with({"Org": INCOMPLETE})
    report = Pass(wiki, config, lambda: NOW, on_progress=once(lambda: wiki.move("Org", "Draft:Org"))).run()
    assert [s.title for s in wiki.saves if "Org" in s.title] == []
    assert [(s.title, s.reason) for s in report.skipped] == [
        ("Draft:Org", "moved out of the namespaces during the pass")
    ]


def test_a_skip_found_on_reading_again_is_reported_even_without_a_new_revision(config: Config) -> None:
    """Protection can change without a revision (cascading protection, a right lost)."""
    wiki = wiki_with({"Org": INCOMPLETE})

    def protect() -> None:
        wiki.pages["Org"] = dataclasses.replace(wiki.pages["Org"], protected=True)

    report = Pass(wiki, config, lambda: NOW, on_progress=once(protect)).run()
    assert [(s.title, s.reason) for s in report.skipped] == [("Org", "protected: the bot may not edit it")]
    assert not wiki.pages["Org"].text.startswith(TAG)


def test_the_summary_shows_the_first_reading_and_the_store_the_fresh_one(config: Config, tmp_path: Path) -> None:
    """Known limit: the table is built (and checked) before any write, so a page completed while
    the pass saves is shown incomplete until the next pass; the stored result is already fresh.
    That next pass is not quiet, though nothing changed since: it rebuilds the table."""
    wiki = wiki_with({"Org": INCOMPLETE})
    wiki.tick(dt.timedelta(hours=1))
    with StateStore(tmp_path / "state.sqlite") as store:
        report = Pass(wiki, config, lambda: NOW, store, on_progress=once(lambda: wiki.put("Org", COMPLETE))).run()
        (record,) = [r for r in store.pages().values() if r.title == "Org"]
        assert report.complete == 0 and record.result.complete
        assert "'''1 partnership page''', 1 incomplete" in wiki.pages["Partnership tracker"].text
        wiki.tick(dt.timedelta(hours=1))
        later = Pass(wiki, config, lambda: NOW, store, kind="incremental").run()
    assert later.source == "recent changes" and later.pages_read == 0 and later.summary_saved
    assert "'''1 partnership page''', 0 incomplete" in wiki.pages["Partnership tracker"].text


# -- a save the wiki merged into a person's revision (issue 11, item 7) ------------------------------

PERSON_LINE = "A sentence a person added."


def person_each_save(wiki: FakeWiki, title: str, edits: list[Callable[[str], str]]) -> None:
    """Before each of the bot's next saves of ``title``, a person applies the next of ``edits`` to
    the page's text (lines apart from the tag: MediaWiki merges the bot's save into it)."""

    def hook(saving: str) -> None:
        if saving == title and edits:
            wiki.put(title, edits.pop(0)(wiki.pages[title].text), "Person", when=NOW)
        if edits:
            wiki.before_save = hook

    wiki.before_save = hook


def test_a_merged_save_is_read_again_and_decided_from_the_merged_text(config: Config, store: StateStore) -> None:
    """The person completes the page while the bot tags it: the merged revision carries a tag the
    bot never decided on. It is read again at once and the tag removed; what is stored is the
    decision on the page as it is, so the next incremental pass only rebuilds the table (written
    from the first reading) and the one after is quiet."""
    wiki = wiki_with({"Org": INCOMPLETE})
    wiki.tick(dt.timedelta(hours=1))
    person_each_save(wiki, "Org", [lambda text: text.replace(INCOMPLETE, COMPLETE)])
    report = Pass(wiki, config, lambda: NOW, store).run()
    assert wiki.pages["Org"].text == COMPLETE and (report.tagged, report.untagged) == (1, 1)
    (record,) = [r for r in store.pages().values() if r.title == "Org"]
    assert record.revid == wiki.pages["Org"].revid and record.result.complete and not record.memory.tagged
    assert store.get(RECHECK_KEY) == "[]"
    wiki.tick(dt.timedelta(hours=1))
    later = Pass(wiki, config, lambda: NOW, store, kind="incremental").run()
    assert later.source == "recent changes" and later.pages_read == 0 and later.summary_saved
    assert (
        later.tagged + later.untagged == 0
        and "'''1 partnership page''', 0 incomplete" in wiki.pages["Partnership tracker"].text
    )
    assert Pass(wiki, config, lambda: NOW, store, kind="incremental").run().source == "recent changes, quiet"


def test_a_merged_save_that_needs_nothing_more_is_kept(config: Config, store: StateStore) -> None:
    """The person's edit leaves the page incomplete: the merged tag is right and stays."""
    wiki = wiki_with({"Org": INCOMPLETE})
    person_each_save(wiki, "Org", [lambda text: text + "\n" + PERSON_LINE])
    report = Pass(wiki, config, lambda: NOW, store).run()
    assert wiki.pages["Org"].text == TAG + INCOMPLETE + "\n" + PERSON_LINE
    assert (report.tagged, report.untagged, report.skipped, report.edits) == (1, 0, (), 3)


def test_a_second_surprise_skips_the_page_and_the_next_pass_decides_it(config: Config, store: StateStore) -> None:
    """Merged twice in a row: the person completes the page while the bot tags it, then undoes that
    while the bot removes the tag again. The page is skipped without a tag, and although the bot's
    own edit is its latest revision (recent changes leave it out, the stored revision matches),
    the next incremental pass reads it again and tags it."""
    wiki = wiki_with({"Org": INCOMPLETE})
    wiki.tick(dt.timedelta(hours=1))
    metrics = "| metrics = 100 files a month"
    person_each_save(wiki, "Org", [lambda t: t.replace(INCOMPLETE, COMPLETE), lambda t: t.replace(metrics, "")])
    first = Pass(wiki, config, lambda: NOW, store).run()
    assert [(s.title, s.reason) for s in first.skipped] == [
        ("Org", "merged with another edit again during the pass: decided again next pass")
    ]
    assert wiki.pages["Org"].text == INCOMPLETE and wiki.pages["Org"].user == "PartnershipBot"
    assert store.get(RECHECK_KEY) == json.dumps([wiki.pages["Org"].pageid])
    (record,) = [r for r in store.pages().values() if r.title == "Org"]
    assert record.revid < wiki.pages["Org"].revid and record.memory.tagged  # the merged revision is not stored
    wiki.tick(dt.timedelta(hours=1))
    second = Pass(wiki, config, lambda: NOW, store, kind="incremental").run()
    assert second.source == "recent changes" and second.pages_read == 1 and second.tagged == 1
    assert wiki.pages["Org"].text == TAG + INCOMPLETE and store.get(RECHECK_KEY) == "[]"
    assert Pass(wiki, config, lambda: NOW, store, kind="incremental").run().source == "recent changes, quiet"


def test_a_page_left_for_the_next_pass_is_read_again_and_no_pass_is_quiet_before(
    config: Config, store: StateStore
) -> None:
    """A tag that appears only on reading again waits for the next pass. The person's edit is older
    than the revision stored, so recent changes alone would find nothing changed: a quiet pass, and
    the page never tagged until the full sweep."""
    wiki = wiki_with({"Org": STALE})
    wiki.tick(dt.timedelta(hours=1))
    first = Pass(wiki, config, lambda: NOW, store, on_progress=once(lambda: wiki.put("Org", INCOMPLETE))).run()
    assert [s.reason for s in first.skipped] == ["changed during the pass: its tag is decided again next pass"]
    (record,) = [r for r in store.pages().values() if r.title == "Org"]
    assert record.revid == wiki.pages["Org"].revid  # the stored revision is the latest
    wiki.tick(dt.timedelta(hours=1))
    second = Pass(wiki, config, lambda: NOW, store, kind="incremental").run()
    assert second.source == "recent changes" and second.pages_read == 1 and second.tagged == 1
    assert wiki.pages["Org"].text == TAG + INCOMPLETE


def test_pages_to_read_again_survive_a_pass_that_fails(config: Config, store: StateStore) -> None:
    """A merged save, then the wiki goes away before the page is read again: the failed pass
    remembers the page to read again, and the next pass (which lists) decides it."""
    wiki = wiki_with({"Org": INCOMPLETE, "Other": INCOMPLETE})
    real_read_pages = wiki.read_pages
    calls: list[int] = []

    def read_pages(pageids: Sequence[int]) -> Iterator[PageSnapshot]:
        calls.append(len(pageids))
        if len(calls) == 2:  # the read after the merged save
            raise WikiUnavailable("the wiki went away")
        return real_read_pages(pageids)

    wiki.read_pages = read_pages  # type: ignore[method-assign]
    person_each_save(wiki, "Org", [lambda t: t.replace(INCOMPLETE, COMPLETE)])
    with pytest.raises(WikiUnavailable):
        Pass(wiki, config, lambda: NOW, store).run()
    assert store.get(RECHECK_KEY) == json.dumps([wiki.pages["Org"].pageid])
    wiki.read_pages = real_read_pages  # type: ignore[method-assign]
    report = Pass(wiki, config, lambda: NOW, store, kind="incremental").run()
    assert report.untagged == 1 and wiki.pages["Org"].text == COMPLETE
