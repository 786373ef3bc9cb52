"""Sorting the wiki's recent changes into what an incremental pass looks at (``bot.pipeline.step1_recent_changes``)."""

from __future__ import annotations

import datetime as dt

from bot.model import Change
from bot.pipeline.step1_recent_changes import MAX_MARK_AGE, mark_usable, others, parse_mark, touched

NS = (0,)
SUMMARY = "Partnership tracker"
T = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def test_edits_touch_their_page_ids_in_the_configured_namespaces_only() -> None:
    got = touched([Change("edit", "A", 0, 1), Change("edit", "User:B", 2, 2), Change("edit", "C", 0, 0)], NS, SUMMARY)
    assert got.pageids == {1} and got.titles == set() and got.unknown == set() and not got.summary


def test_a_move_touches_the_page_and_both_titles_when_each_is_in_a_namespace() -> None:
    into = Change("move", "Draft:X", 118, 7, "X", 0)
    out = Change("move", "Y", 0, 8, "Draft:Y", 118)
    elsewhere = Change("move", "Draft:Z", 118, 9, "User:Z", 2)
    got = touched([into, out, elsewhere], NS, SUMMARY)
    assert got.pageids == {7, 8} and got.titles == {"X", "Y"} and got.unknown == set()


def test_log_entries_without_a_page_id_are_looked_up_by_title() -> None:
    got = touched([Change("delete", "Gone", 0), Change("import", "Draft:Other", 118)], NS, SUMMARY)
    assert got.pageids == set() and got.titles == {"Gone"} and got.unknown == {"Gone"}


def test_changes_to_the_summary_or_its_subpages_are_noticed_in_any_namespace() -> None:
    assert touched([Change("edit", f"{SUMMARY}/3", 0, 5)], NS, SUMMARY).summary
    assert touched([Change("delete", SUMMARY, 0, 4)], NS, SUMMARY).summary
    assert touched([Change("move", "Elsewhere", 4, 6, SUMMARY, 0)], NS, SUMMARY).summary
    assert not touched([Change("edit", f"{SUMMARY} (old)", 0, 5)], NS, SUMMARY).summary
    assert touched([Change("edit", f"{SUMMARY}/2", 0, 5)], NS, "partnership_tracker").summary  # as configured


def test_a_mark_is_usable_when_present_young_and_no_pass_died_saving() -> None:
    assert mark_usable(T, T + MAX_MARK_AGE - dt.timedelta(seconds=1), saving=False)
    assert not mark_usable(T, T + MAX_MARK_AGE, saving=False)
    assert not mark_usable(T, T, saving=True)
    assert not mark_usable(None, T, saving=False)
    assert mark_usable(T, T - dt.timedelta(minutes=5), saving=False)  # the wiki's clock a little behind
    assert not mark_usable(T, T - dt.timedelta(hours=1), saving=False)  # a mark from the future


def test_stored_marks_are_read_leniently() -> None:
    assert parse_mark("2026-11-25T12:00:00+00:00") == T
    assert parse_mark("2026-11-25T12:00:00") == T  # no zone: UTC
    assert parse_mark("") is None and parse_mark(None) is None and parse_mark("yesterday") is None


def test_the_gateways_answers_become_changes_and_are_cut_only_when_more_remain() -> None:
    """``bot.wiki.changes.recent_changes`` over canned API answers (formatversion 2, as MediaWiki
    1.39 gives them on the dev wiki): edits with their revision ids, a move with its target, a deletion
    with its page id; nobody's changes left out (the bot's own are told by revision id); the
    infobox's redirects asked in the same request."""
    from collections.abc import Iterator
    from typing import Any

    from bot.wiki.changes import recent_changes

    entries = [
        {"type": "new", "ns": 0, "title": "A", "pageid": 1, "revid": 10},
        {
            "type": "log",
            "ns": 0,
            "title": "B",
            "pageid": 2,
            "logtype": "move",
            "logparams": {"target_ns": 118, "target_title": "Draft:B"},
        },
        {"type": "log", "ns": 0, "title": "C", "pageid": 3, "logtype": "delete", "logparams": {}},
        {"type": "edit", "ns": 0, "title": "D", "pageid": 4, "revid": 11},
    ]
    asked: list[dict[str, Any]] = []

    def continued(params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        asked.append(params)
        for i in range(0, len(entries), 2):
            more = {"continue": {"rccontinue": str(i + 2)}} if i + 2 < len(entries) else {}
            page = {"pages": [{"title": "Template:I", "redirects": [{"title": "Template:R"}]}]} if i == 0 else {}
            query = {"recentchanges": entries[i : i + 2], **page}
            yield {"curtimestamp": "2026-11-25T12:00:00Z", "query": query, **more}

    got = recent_changes(continued, T, 10, "Template:I")
    assert got.complete and got.now == T and "rcexcludeuser" not in asked[0]
    assert asked[0]["rcstart"] == "2026-11-25T12:00:00Z" and asked[0]["rcdir"] == "newer"
    assert (asked[0]["titles"], asked[0]["prop"], asked[0]["rdlimit"]) == ("Template:I", "redirects", "max")
    assert got.changes == (
        Change("edit", "A", 0, 1, revid=10),
        Change("move", "B", 0, 2, "Draft:B", 118),
        Change("delete", "C", 0, 3),
        Change("edit", "D", 0, 4, revid=11),
    )
    assert got.redirects == ("Template:R",)
    cut = recent_changes(continued, T, 1)
    assert not cut.complete and len(cut.changes) == 2 and cut.redirects is None
    last = recent_changes(continued, T, 3)  # the last answer: nothing remains
    assert last.complete and last.redirects is None and "titles" not in asked[-1]


def test_the_bots_own_saves_and_content_model_log_entries_are_left_out() -> None:
    """Creating a page in the ``json`` model writes a revision (the bot's own, by id) and a
    ``contentmodel`` log entry without one (as MediaWiki 1.43 and 1.39 list them); a person's
    content model change makes a revision too, which stays. Other log entries and edits under the
    bot's account it did not make stay."""
    created = Change("edit", "Partnership tracker/data/1.json", 0, 5, revid=50)
    logged = Change("contentmodel", "Partnership tracker/data/1.json", 0, 5)
    person = Change("edit", "Partnership tracker/data/1.json", 0, 5, revid=51)
    moved = Change("move", "A", 0, 6, "B", 0)
    assert others([created, logged, person, moved], {50}) == (person, moved)
