"""The status page (bot/status_page.py, saved by bot/pipeline/step5_status.py): the bot writes only between its real
markers, saves only when a figure changed (or the heartbeat is due), migrates the old format once,
honours {{bots}}/{{nobots}}, bounds its lists, shows the shutoff live and publishes no file path."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import Config
from bot.errors import WikiError
from bot.markers import END_MARKER, START_MARKER, between
from bot.pipeline.one_pass import Pass
from bot.status_page import (
    HEAD,
    MAX_ERRORS,
    OLD_HEADER,
    needs_save,
    redact_paths,
    render_status,
    shutoff_line,
    status_page,
)
from tests.fakes import FakeWiki
from tests.passes import INCOMPLETE, NOW, wiki_with

STATUS = "User:PartnershipBot/Status"
SHUTOFF = "User:PartnershipBot/Shutoff"
MINE = "A person's note above.\n[[Category:Bot status pages]]\n"
BELOW = "\n== Talk ==\nA person's line below. ~~~~"


def run(wiki: FakeWiki, config: Config, when: dt.datetime = NOW) -> list[str]:
    return list(Pass(wiki, config, lambda: when).run().errors)


def status_text(wiki: FakeWiki) -> str:
    return wiki.pages[STATUS].text


def figures(**kw: object) -> str:
    args: dict[str, object] = dict(
        now=NOW, pages=3, complete=1, tagged_pages=2, skipped=[], errors=[], shutoff_page=SHUTOFF, summary_page="S"
    )
    return render_status(**(args | kw))  # type: ignore[arg-type]


# --- the page around the figures ------------------------------------------------------------------


def test_created_whole_with_markers_and_an_explanation(config: Config) -> None:
    wiki = wiki_with({"Org": INCOMPLETE})
    run(wiki, config)
    text = status_text(wiki)
    assert text.startswith(HEAD + START_MARKER) and text.endswith(END_MARKER)
    assert "; Pages: 1 (0 complete, 1 incomplete)" in (between(text) or "")


def test_a_persons_lines_outside_the_markers_survive_byte_for_byte(config: Config) -> None:
    wiki = wiki_with({"Org": INCOMPLETE})
    run(wiki, config)
    inner = between(status_text(wiki)) or ""
    wiki.put(STATUS, MINE + START_MARKER + inner + END_MARKER + BELOW, "Editor")
    saves = len(wiki.saves)
    run(wiki, config, NOW + dt.timedelta(hours=1))  # no figure changed: no edit at all
    assert len(wiki.saves) == saves
    wiki.put("Org 2", INCOMPLETE)  # a figure changes
    run(wiki, config, NOW + dt.timedelta(hours=2))
    text = status_text(wiki)
    assert text.startswith(MINE + START_MARKER) and text.endswith(END_MARKER + BELOW)
    assert "; Pages: 2 " in (between(text) or "")
    run(wiki, config, NOW + dt.timedelta(days=1, hours=2))  # the daily heartbeat: still between the markers
    assert wiki.saves[-1].title == STATUS and wiki.pages[STATUS].text.endswith(END_MARKER + BELOW)


def test_the_old_format_is_replaced_whole_once(config: Config) -> None:
    wiki = wiki_with({"Org": INCOMPLETE})
    wiki.put(STATUS, OLD_HEADER + "\n; Checked: 2026-11-25 11:00 UTC\n; Pages: 1", "PartnershipBot")
    run(wiki, config)
    assert status_text(wiki).startswith(HEAD + START_MARKER)
    assert OLD_HEADER not in status_text(wiki)


def test_the_old_format_keeps_what_a_person_wrote_below_it(config: Config) -> None:
    """The old block ended with its ``; Shutoff:`` line: what follows is a person's and stays."""
    wiki = wiki_with({"Org": INCOMPLETE})
    below = "\n\n== Notes ==\nA person's note. ~~~~\n[[Category:Bot status pages]]"
    old = OLD_HEADER + "\n; Checked: 2026-11-25 11:00 UTC\n; Pages: 1\n; Shutoff: not engaged. To stop the bot, …"
    wiki.put(STATUS, old + below, "PartnershipBot")
    run(wiki, config)
    text = status_text(wiki)
    assert text.startswith(HEAD + START_MARKER) and OLD_HEADER not in text
    assert text.endswith(END_MARKER + below.rstrip())


@pytest.mark.parametrize(
    "text",
    [
        "A person's own status page, no markers.",
        f"<nowiki>{START_MARKER}</nowiki>\n; Pages: 1\n<nowiki>{END_MARKER}</nowiki>",
        "Note first.\n" + OLD_HEADER + "\n; Pages: 1",  # the old header, but not as its first line
    ],
)
def test_a_page_without_real_markers_is_not_saved_and_that_is_reported(config: Config, text: str) -> None:
    wiki = wiki_with({"Org": INCOMPLETE})
    wiki.put(STATUS, text, "Editor")
    errors = run(wiki, config)
    assert status_text(wiki) == text
    assert any(e.startswith(f"{STATUS}: the status page was not saved") and "marker" in e for e in errors)


@pytest.mark.parametrize("exclusion", ["{{nobots}}", "{{bots|deny=PartnershipBot}}"])
def test_exclusion_on_the_status_page_is_honoured_and_reported(config: Config, exclusion: str) -> None:
    wiki = wiki_with({"Org": INCOMPLETE})
    text = f"{exclusion}\n{START_MARKER}\nold\n{END_MARKER}"
    wiki.put(STATUS, text, "Editor")
    errors = run(wiki, config)
    assert status_text(wiki) == text
    assert any(STATUS in e and "excludes PartnershipBot" in e for e in errors)


def test_a_protected_status_page_is_reported(config: Config) -> None:
    wiki = wiki_with({"Org": INCOMPLETE})
    wiki.put(STATUS, f"{START_MARKER}\nold\n{END_MARKER}", "Admin", protected=True)
    errors = run(wiki, config)
    assert any(STATUS in e and "protected" in e for e in errors)


def test_a_status_page_that_would_not_fit_is_not_saved(config: Config) -> None:
    small = dataclasses.replace(config, max_page_bytes=10_000)
    wiki = wiki_with({"Org": INCOMPLETE})
    text = "x" * 9_900 + f"\n{START_MARKER}\nold\n{END_MARKER}"
    wiki.put(STATUS, text, "Editor")
    errors = run(wiki, small)
    assert status_text(wiki) == text and any("max_page_bytes" in e for e in errors)


def test_a_wiki_error_on_the_status_save_is_reported_not_raised(config: Config) -> None:
    wiki = wiki_with({"Org": INCOMPLETE})

    def refuse(title: str) -> None:
        if title == STATUS:
            raise WikiError("saving [[Status]]: the wiki refused the edit (contenttoobig)")
        wiki.before_save = refuse

    wiki.before_save = refuse
    errors = run(wiki, config)
    assert any("contenttoobig" in e for e in errors)


# --- the figures ----------------------------------------------------------------------------------


def test_errors_and_skips_are_bounded_with_and_n_more() -> None:
    errors = [f"Page {i}: the wiki refused the edit " + "x" * 1000 for i in range(MAX_ERRORS + 5)]
    skipped = [(f"Title {i}", f"reason {i % 30}: detail") for i in range(300)]
    text = figures(errors=errors, skipped=skipped)
    assert f"; Errors: {MAX_ERRORS + 5}" in text and "* and 5 more (in the bot's log and run report)" in text
    assert text.count("\n* <nowiki>Page ") == MAX_ERRORS
    assert max(len(line) for line in text.splitlines()) < 2_000
    assert "; Skipped: 300" in text and "and 10 more reasons" in text
    assert len(figures(errors=errors, skipped=skipped, max_bytes=3_000).encode()) <= 3_000


@settings(max_examples=50, deadline=None)
@given(n_errors=st.integers(0, 200), n_skips=st.integers(0, 2000), length=st.integers(0, 3000))
def test_the_figures_fit_any_budget_that_holds_the_counts(n_errors: int, n_skips: int, length: int) -> None:
    errors = ["e" * length] * n_errors
    skipped = [(f"T{i}" + "t" * 200, f"r{i % 40}" + "r" * length) for i in range(n_skips)]
    bare = len(figures(errors=["x"] * n_errors, skipped=[("T", f"r{i}") for i in range(min(n_skips, 40))]))
    budget = bare + 2_000
    assert len(figures(errors=errors, skipped=skipped, max_bytes=budget).encode()) <= budget + 3 * 300


def test_needs_save_ignores_the_stamp_only() -> None:
    old = figures(now=NOW)
    assert not needs_save(old, figures(now=NOW + dt.timedelta(hours=1)), NOW + dt.timedelta(hours=1), dt.timedelta(1))
    assert needs_save(old, figures(now=NOW + dt.timedelta(days=1)), NOW + dt.timedelta(days=1), dt.timedelta(1))
    assert needs_save(old, figures(complete=2), NOW, dt.timedelta(1))
    assert needs_save(None, old, NOW, dt.timedelta(1))


def test_shutoff_line_is_live() -> None:
    line = shutoff_line(SHUTOFF)
    assert line == (
        "; Shutoff: {{#if:{{#ifexist:User:PartnershipBot/Shutoff|{{:User:PartnershipBot/Shutoff}}}}"
        "|'''engaged''': the bot makes no edit until the text on [[User:PartnershipBot/Shutoff]] is removed."
        "|not engaged. To stop the bot, write anything on [[User:PartnershipBot/Shutoff]].}}"
    )
    assert line in figures() and "not engaged" not in figures().replace(line, "")
    assert status_page("\nX\n") == f"{HEAD}{START_MARKER}\nX\n{END_MARKER}"


# --- no file paths on the public page --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("more than max_row_drop = 20 (/srv/bot/config/bot.toml): nothing", "(bot.toml): nothing"),
        ("/home/op/.config/bot/bot.toml: [summary] max_page_bytes: bad", "bot.toml: [summary]"),
        ("state ~/bot/state.sqlite is locked", "state state.sqlite is"),
        (r"C:\Users\op\bot.toml: bad", "bot.toml: bad"),
    ],
)
def test_paths_are_shown_by_file_name(text: str, shown: str) -> None:
    assert shown in redact_paths(text)
    assert "/srv" not in figures(errors=[text]) and "/home" not in figures(errors=[text])


@pytest.mark.parametrize(
    "text", ["see https://meta.wikimedia.org/wiki/A/B", "Partnership tracker/1: part 1", "ratio 1/2/3", "[[/Sub/page]]"]
)
def test_urls_and_titles_are_not_paths(text: str) -> None:
    assert redact_paths(text) == text


def test_the_checked_line_names_the_next_scheduled_run_from_the_config(config: Config) -> None:
    """A pass not started by the scheduler (``run``) still shows when the next one is due: the
    earliest of the config's ``[schedule]`` after the pass's time; none when nothing is scheduled."""
    wiki = wiki_with({"Org": INCOMPLETE})
    schedule = dataclasses.replace(config.schedule, full="0 3 * * *", incremental="*/10 * * * *")
    run(wiki, dataclasses.replace(config, schedule=schedule))
    assert "; Checked: 2026-11-25 12:00 UTC; next run: 2026-11-25 12:10 UTC" in status_text(wiki)
    wiki = wiki_with({"Org": INCOMPLETE})
    run(wiki, dataclasses.replace(config, schedule=dataclasses.replace(schedule, full="", incremental="", reread="")))
    assert "; Checked: 2026-11-25 12:00 UTC (" in status_text(wiki)
