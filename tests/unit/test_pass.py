"""One pass of the job against the in-memory wiki (tests/fakes.py): tags follow the findings,
nothing but the tag line changes, a second pass makes no edit, and every safety rule holds."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from bot.check import check_text
from bot.config import Config
from bot.errors import SafetyStop, ShutoffEngaged, WikiError, WikiUnavailable
from bot.pipeline.one_pass import Pass
from bot.render import END_MARKER, START_MARKER
from bot.state import StateStore
from bot.tagging import find_tag, tag_for
from tests.conftest import EXAMPLES
from tests.fakes import FakeWiki
from tests.passes import COMPLETE, INCOMPLETE, NOW, SUMMARY, TEMPLATE, run, wiki_with


def only_status_saved(wiki: FakeWiki, words: str) -> bool:
    """A safety stop writes nothing but the status page, which says why the pass stopped."""
    return [s.title for s in wiki.saves] == ["User:PartnershipBot/Status"] and words in wiki.saves[0].text


def examples() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.wiki"))}


def test_examples_are_tagged_exactly_per_their_findings(config: Config) -> None:
    pages = examples()
    wiki = wiki_with(pages)
    report = run(wiki, config)
    # A page whose infobox is only in a comment or never closed transcludes nothing: the wiki
    # does not list it, so the bot never sees it.
    listed = {
        t: x
        for t, x in pages.items()
        if "no_infobox" not in {f.code for f in check_text(t, x, config.rules, NOW.date()).findings}
    }
    assert 40 <= report.pages_seen == len(listed)
    for title, text in listed.items():
        result = check_text(title, text, config.rules, NOW.date())
        after = wiki.pages[title].text
        found = find_tag(after, TEMPLATE)
        assert (found.tag if found else None) == tag_for(result), title
        before = find_tag(text.rstrip(), TEMPLATE)
        if found:  # only the tag line changed: the rest is byte-identical (modulo trailing space)
            rest = text.rstrip() if before is None else text[: before.start] + text.rstrip()[before.end :]
            assert after[: found.start] + after[found.end :] == rest, title
    assert report.tagged + report.updated == report.incomplete
    assert report.complete + report.incomplete == len(listed)
    assert report.summary_saved and report.status_saved


def test_second_pass_makes_no_edit(config: Config) -> None:
    wiki = wiki_with(examples())
    run(wiki, config)
    saves = len(wiki.saves)
    later = Pass(wiki, config, lambda: NOW + dt.timedelta(hours=1)).run()
    assert len(wiki.saves) == saves
    assert later.edits == 0 and not later.summary_saved and not later.status_saved


def test_fixed_page_loses_its_tag_and_nothing_else_changes(config: Config) -> None:
    wiki = wiki_with({"Org": INCOMPLETE})
    run(wiki, config)
    tagged = wiki.pages["Org"].text
    assert tagged.startswith("{{Partnership incomplete|missing=metrics}}\n")
    fixed = tagged.replace("| coi_disclosure", "| metrics = 5 events\n| coi_disclosure")
    wiki.put("Org", fixed)
    report = run(wiki, config)
    assert report.untagged == 1
    assert wiki.pages["Org"].text == fixed.removeprefix("{{Partnership incomplete|missing=metrics}}\n")


@pytest.mark.parametrize("marker", ["{{nobots}}", "{{bots|deny=PartnershipBot}}", "{{Bots|allow=OtherBot}}"])
def test_bots_exclusion_is_honoured(config: Config, marker: str) -> None:
    wiki = wiki_with({"Org": f"{marker}\n{INCOMPLETE}"})
    report = run(wiki, config)
    assert wiki.pages["Org"].text == f"{marker}\n{INCOMPLETE}"
    assert [s.title for s in report.skipped] == ["Org"]
    assert "bots" in report.skipped[0].reason


def test_shutoff_page_stops_before_any_write(config: Config) -> None:
    wiki = wiki_with({"Org": INCOMPLETE})
    wiki.put("User:PartnershipBot/Shutoff", "<!-- comment -->\nSTOP please", "Admin")
    with pytest.raises(ShutoffEngaged, match="Shutoff"):
        run(wiki, config)
    assert wiki.saves == []


def test_human_edit_between_read_and_save_is_preserved(config: Config) -> None:
    wiki = wiki_with({"Org": INCOMPLETE})
    human = INCOMPLETE + "\nA sentence a person added."

    def person_edits(title: str) -> None:
        if title == "Org":
            wiki.put("Org", human, "Person")

    wiki.before_save = person_edits
    report = run(wiki, config)
    assert wiki.pages["Org"].text == "{{Partnership incomplete|missing=metrics}}\n" + human
    assert report.tagged == 1


def test_human_edit_that_completes_the_page_while_the_bot_saves_leaves_no_tag(config: Config) -> None:
    """The person's edit (a line in the infobox) and the bot's tag (the first line) lie apart: the
    wiki merges the tag into the person's revision without an edit conflict. The bot sees that the
    save was applied to a revision it never read, reads it again and removes the tag at once."""
    wiki = wiki_with({"Org": INCOMPLETE})

    def person_completes(title: str) -> None:
        if title == "Org":
            wiki.put("Org", COMPLETE, "Person")

    wiki.before_save = person_completes
    report = run(wiki, config)
    assert wiki.pages["Org"].text == COMPLETE
    assert (report.tagged, report.untagged, report.skipped) == (1, 1, ())
    again = run(wiki, config)  # the table, planned from the first reading, shows the page complete now
    assert again.tagged + again.untagged + again.updated == 0


def test_protected_page_is_skipped_and_reported(config: Config) -> None:
    wiki = wiki_with({})
    wiki.put("Org", INCOMPLETE, protected=True)
    report = run(wiki, config)
    assert wiki.pages["Org"].text == INCOMPLETE
    assert [(s.title, s.reason.split(":")[0]) for s in report.skipped] == [("Org", "protected")]


def test_too_many_new_tags_stop_the_pass(config: Config) -> None:
    capped = dataclasses.replace(config, tagging=dataclasses.replace(config.tagging, max_tags_per_run=2))
    wiki = wiki_with({f"Org {i}": INCOMPLETE for i in range(3)})
    with pytest.raises(SafetyStop, match="max_tags_per_run"):
        run(wiki, capped)
    assert only_status_saved(wiki, "max_tags_per_run")
    diffs: list[str] = []
    with pytest.raises(SafetyStop, match="The diffs above show them"):  # a dry run shows what it would do
        run(wiki, capped, dry_run=True, on_diff=diffs.append)
    assert len(diffs) == 4


def test_missing_end_marker_stops_the_pass(config: Config) -> None:
    wiki = wiki_with({"Org": INCOMPLETE})
    wiki.put("Partnership tracker", SUMMARY.replace(END_MARKER, ""), "Admin")
    with pytest.raises(SafetyStop, match="summary page"):
        run(wiki, config)
    assert only_status_saved(wiki, "marker")


def test_large_row_drop_stops_the_pass(config: Config) -> None:
    wiki = wiki_with({f"Org {i}": COMPLETE for i in range(30)})
    run(wiki, config)
    for i in range(25):
        del wiki.pages[f"Org {i}"]
    saves = len(wiki.saves)
    with pytest.raises(SafetyStop, match="max_row_drop"):
        run(wiki, config)
    assert [s.title for s in wiki.saves[saves:]] == ["User:PartnershipBot/Status"]


def test_summary_keeps_text_outside_the_markers(config: Config) -> None:
    wiki = wiki_with({"Org": INCOMPLETE, "Other": COMPLETE})
    run(wiki, config)
    text = wiki.pages["Partnership tracker"].text
    assert text.startswith(f"Intro text.\n{START_MARKER}\n")
    assert text.endswith(f"\n{END_MARKER}\n== See also ==\nOutro.")
    assert "[[:Org|" in text and "[[:Other|" in text


def test_tag_removed_by_a_person_is_not_put_back_for_a_while(config: Config, tmp_path: Path) -> None:
    wiki = wiki_with({"Org": INCOMPLETE})
    with StateStore(tmp_path / "state.sqlite") as store:
        run(wiki, config, store)
        wiki.put("Org", INCOMPLETE, "Person", when=NOW)  # a person removes the tag
        report = run(wiki, config, store)
        assert wiki.pages["Org"].text == INCOMPLETE
        assert report.skipped[0].reason.startswith("tag removed by an editor")
        later = Pass(wiki, config, lambda: NOW + dt.timedelta(days=31), store).run()
        assert later.tagged == 1


def test_new_pages_are_listed_but_not_tagged_in_the_grace_period(config: Config) -> None:
    graced = dataclasses.replace(config, tagging=dataclasses.replace(config.tagging, grace_days=14))
    wiki = wiki_with({})
    wiki.put("Org", INCOMPLETE, when=NOW - dt.timedelta(days=2))
    report = run(wiki, graced)
    assert wiki.pages["Org"].text == INCOMPLETE
    assert report.incomplete == 1 and report.tagged == 0
    assert "[[:Org|" in wiki.pages["Partnership tracker"].text


def test_dry_run_writes_nothing_and_shows_diffs(config: Config) -> None:
    wiki = wiki_with({"Org": INCOMPLETE})
    diffs: list[str] = []
    report = run(wiki, config, dry_run=True, on_diff=diffs.append)
    assert wiki.saves == [] and report.edits == 0
    assert any("+{{Partnership incomplete|missing=metrics}}" in d for d in diffs)


def test_reads_are_batched(config: Config) -> None:
    wiki = wiki_with({f"Org {i}": COMPLETE for i in range(1200)})
    wiki.put("Partnership tracker", SUMMARY, "Admin")
    report = run(wiki, dataclasses.replace(config, max_row_drop=10_000), dry_run=True)
    # 3 content batches (500 each) + special pages + redirects to the infobox + redirects to the
    # tag template + the wiki's clock (the next incremental pass's mark); grace_days = 0: no
    # creation log. Issue 5's bound: 3 + 1 + 3.
    assert report.api_requests == 3 + 4


def test_redirects_and_translation_subpages_are_never_tagged(config: Config) -> None:
    wiki = wiki_with({"Org": INCOMPLETE, "Org/de": INCOMPLETE, "Old": "#REDIRECT [[Org]]\n" + INCOMPLETE})
    report = run(wiki, config)
    assert wiki.pages["Org/de"].text == INCOMPLETE and wiki.pages["Old"].text.startswith("#REDIRECT")
    assert report.tagged == 1 and report.pages_seen == 2  # the translation is not a row
    assert [s.title for s in report.skipped] == ["Old"]


def test_failed_pass_remembers_the_tags_it_saved(config: Config, tmp_path: Path) -> None:
    wiki = wiki_with({"Org": INCOMPLETE})
    wiki.put("Partnership tracker", SUMMARY, "Admin", protected=False)

    def wiki_goes_away(title: str) -> None:
        if title == "Partnership tracker":
            raise WikiUnavailable("gone")
        wiki.before_save = wiki_goes_away

    wiki.before_save = wiki_goes_away
    with StateStore(tmp_path / "state.sqlite") as store:
        with pytest.raises(WikiUnavailable):
            run(wiki, config, store)
        assert wiki.pages["Org"].text.startswith("{{Partnership incomplete")
        (record,) = store.pages().values()
        assert record.memory.tagged and record.revid == wiki.pages["Org"].revid


def test_per_page_save_errors_are_reported(config: Config) -> None:
    wiki = wiki_with({"Org": INCOMPLETE, "Other": INCOMPLETE})

    def refuse(title: str) -> None:
        if title == "Org":
            raise WikiError("saving [[Org]]: the wiki refused the edit (abusefilter-disallowed)")

    wiki.before_save = refuse
    report = run(wiki, config)
    assert report.errors == ("Org: saving [[Org]]: the wiki refused the edit (abusefilter-disallowed)",)
    assert report.tagged == 1
