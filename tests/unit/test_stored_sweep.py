"""The full sweep from stored readings (issue 16): the state keeps each page's reading, a full
sweep lists every page's latest revision and reads only what changed, re-validating the rest; tags
and table come out as if every page had been read (checked against ``reread`` passes on a twin
wiki, also for random sequences of edits, moves, deletions, rules changes and time passing)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import Config
from bot.model import Infobox, Param, ParseOutcome, RunReport, decode_reading, encode_reading
from bot.pipeline.one_pass import Pass
from bot.pipeline.step3_decide import READER_VERSION
from bot.state import StateStore
from tests.fakes import RULES_PAGE, FakeWiki
from tests.passes import COMPLETE, INCOMPLETE, NOW, wiki_with

TAG = "{{Partnership incomplete|missing=metrics}}\n"
ACTIVE = COMPLETE.replace("status = proposed", "status = active | start = 2020 | agreement = mou").replace(
    "}}", "| feedback = [[Talk:X]] | last_reviewed = 2025-11-01\n}}", 1
)
VARIANTS = {
    "complete": COMPLETE,
    "incomplete": INCOMPLETE,
    "active": ACTIVE,  # goes stale with time (a warning), and needs more fields when rules say so
    "two": COMPLETE + "\n" + COMPLETE,
    "nobots": "{{nobots}}\n" + INCOMPLETE,
    "wrong tag": "{{Partnership incomplete|missing=goals}}\n" + COMPLETE,
    "duplicates": COMPLETE.replace("| model = content", "| model = content | model = content | extra"),
    "nested": "{{Box|1=" + INCOMPLETE + "}}",
}


def sweep(wiki: FakeWiki, config: Config, store: StateStore, now: dt.datetime, **kw: object) -> RunReport:
    return Pass(wiki, config, lambda: now, store, **kw).run()  # type: ignore[arg-type]


def texts(wiki: FakeWiki) -> dict[str, str]:
    return {t: p.text for t, p in wiki.pages.items()}


# -- the reading as stored ---------------------------------------------------------------------


def test_a_reading_is_stored_whole_and_compactly() -> None:
    box = Infobox((Param("partner", "Ünïcode Org"), Param("1", "x", True), Param("partner", "again"), Param("", "")))
    for outcome in (
        ParseOutcome(box, None, 1),
        ParseOutcome(None, "multiple_infoboxes", 3),
        ParseOutcome(None, "no_infobox", 0),
    ):
        assert decode_reading(encode_reading(outcome)) == outcome
    assert len(encode_reading(ParseOutcome(box, None, 1))) < 80


def test_the_reader_version_is_a_constant_to_bump() -> None:
    assert isinstance(READER_VERSION, int) and READER_VERSION >= 1


# -- what a sweep reads --------------------------------------------------------------------------


def test_a_sweep_with_nothing_changed_reads_no_page(config: Config, store: StateStore) -> None:
    wiki = wiki_with({f"Org {i}": (COMPLETE if i % 2 else INCOMPLETE) for i in range(12)})
    first = sweep(wiki, config, store, NOW)
    assert first.pages_read == 12 and first.source == "every page"
    before, requests = texts(wiki), wiki.requests
    again = sweep(wiki, config, store, NOW + dt.timedelta(hours=1))
    assert again.pages_read == 0 and again.pages_seen == 12 and again.source == "stored readings, settled"
    assert again.edits == 0 and texts(wiki) == before
    # the site's pages, the infobox's and the tag's redirects with the published parts' revisions,
    # the listing, the status page's save
    assert wiki.requests - requests == again.api_requests <= math.ceil(12 / 5000) + 3
    dry = sweep(wiki, config, store, NOW + dt.timedelta(hours=2), dry_run=True)
    assert dry.pages_read == 0 and dry.api_requests <= math.ceil(12 / 5000) + 3


def test_only_changed_pages_and_pages_whose_tag_changes_are_read(config: Config, store: StateStore) -> None:
    wiki = wiki_with({"A": COMPLETE, "B": COMPLETE, "C": INCOMPLETE, "D": ACTIVE})
    sweep(wiki, config, store, NOW)
    wiki.put("A", INCOMPLETE)  # a new revision: read
    later = NOW + dt.timedelta(days=400)  # D goes stale: a warning, its tag stays none: not read
    report = sweep(wiki, config, store, later)
    assert report.pages_read == 1 and report.tagged == 1
    assert wiki.pages["A"].text.startswith(TAG) and not wiki.pages["D"].text.startswith("{{Partnership incomplete")
    assert "stale" in {f.code for r in store.pages().values() for f in r.result.findings}


def test_a_rules_change_is_applied_without_reading_unless_a_tag_changes(config: Config, store: StateStore) -> None:
    wiki = wiki_with(
        {"A": COMPLETE, "B": COMPLETE.replace("| partner = Example Org", "| partner = X | partner_url = https://x.org")}
    )
    sweep(wiki, config, store, NOW)
    rules = json.loads(wiki.pages[RULES_PAGE].text)
    rules["params"]["partner_url"]["required"] = True
    wiki.put(RULES_PAGE, json.dumps(rules), "Admin")
    report = sweep(wiki, config, store, NOW + dt.timedelta(hours=1))
    assert report.pages_read == 1 and report.tagged == 1  # A now lacks partner_url: read to be tagged
    assert wiki.pages["A"].text.startswith("{{Partnership incomplete|missing=partner_url}}")
    assert not wiki.pages["B"].text.startswith("{{Partnership incomplete")


def test_pages_left_undecided_are_read(config: Config, store: StateStore) -> None:
    """A page skipped for a reason its text alone does not decide ({{nobots}} here), a page saved
    by the pass (its stored revision is the bot's, of which no reading exists yet), and a page
    another reader read are read again."""
    wiki = wiki_with({"Excluded": "{{nobots}}\n" + INCOMPLETE, "Tagged": INCOMPLETE, "Fine": COMPLETE})
    sweep(wiki, config, store, NOW)
    second = sweep(wiki, config, store, NOW + dt.timedelta(hours=1))
    assert second.pages_read == 1  # Excluded (a skip); Tagged, saved by the first pass, is settled
    assert [s.title for s in second.skipped] == ["Excluded"]
    with store._db:  # another reader's readings: read again
        store._db.execute("UPDATE readings SET reader = reader + 1")
    assert sweep(wiki, config, store, NOW + dt.timedelta(hours=3)).pages_read == 3


def test_reread_reads_every_page(config: Config, store: StateStore) -> None:
    wiki = wiki_with({"A": COMPLETE, "B": INCOMPLETE})
    sweep(wiki, config, store, NOW)
    report = sweep(wiki, config, store, NOW + dt.timedelta(hours=1), reread=True)
    assert report.pages_read == 2 and report.source == "every page"


def test_a_removed_tag_is_held_then_put_back_as_by_a_full_read(config: Config, tmp_path: Path) -> None:
    """The re-tag hold ends with time: the stored-reading sweep puts the tag back on the same day
    as a sweep that reads every page."""
    twins = [wiki_with({"A": INCOMPLETE}) for _ in range(2)]
    with StateStore(tmp_path / "a.sqlite") as a, StateStore(tmp_path / "b.sqlite") as b:
        for days in (0, 1, 5, 29, 31, 32):
            when = NOW + dt.timedelta(days=days)
            if days == 1:
                for wiki in twins:
                    wiki.put("A", INCOMPLETE, "Editor")  # a person removes the tag
            sweep(twins[0], config, a, when)
            sweep(twins[1], config, b, when, reread=True)
            assert texts(twins[0]) == texts(twins[1]), days
    assert twins[0].pages["A"].text.startswith(TAG)


# -- the same tags and table as a full read, for any sequence of changes ----------------------------

OPS = st.lists(
    st.one_of(
        st.tuples(st.just("edit"), st.integers(0, 4), st.sampled_from(sorted(VARIANTS))),
        st.tuples(st.just("untag"), st.integers(0, 4), st.just("")),
        st.tuples(st.just("move"), st.integers(0, 4), st.just("")),
        st.tuples(st.just("delete"), st.integers(0, 4), st.just("")),
        st.tuples(st.just("rules"), st.integers(0, 1), st.just("")),
        st.tuples(st.just("days"), st.integers(1, 400), st.just("")),
        st.tuples(st.just("pass"), st.integers(0, 2), st.just("")),
    ),
    max_size=14,
)


def _apply(wiki: FakeWiki, op: tuple[str, int, str], when: dt.datetime) -> None:
    kind, n, variant = op
    titles = sorted(t for t in wiki.pages if t.startswith("Org "))
    if kind == "edit":
        wiki.put(f"Org {n}", VARIANTS[variant], when=when)
    elif kind == "rules":
        rules = json.loads(wiki.pages[RULES_PAGE].text)
        rules["params"]["partner_url"]["required"] = bool(n)
        wiki.put(RULES_PAGE, json.dumps(rules), "Admin", when=when)
    elif titles and kind in ("untag", "move", "delete"):
        title = titles[n % len(titles)]
        if kind == "untag":
            wiki.put(
                title,
                wiki.pages[title].text.split("}}\n", 1)[-1]
                if wiki.pages[title].text.startswith("{{Partnership incomplete")
                else wiki.pages[title].text,
                when=when,
            )
        elif kind == "move":
            wiki.move(title, title + "m")
        else:
            wiki.delete(title)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_any_sequence_leaves_the_same_tags_and_table_as_reading_every_page(
    config: Config, tmp_path_factory: object, ops: list[tuple[str, int, str]]
) -> None:
    cfg = dataclasses.replace(config, tagging=dataclasses.replace(config.tagging, grace_days=3))
    folder = Path(tmp_path_factory.mktemp("twins"))  # type: ignore[attr-defined]
    twins = [wiki_with({"Org 0": INCOMPLETE, "Org 1": COMPLETE, "Org 2": ACTIVE}) for _ in range(2)]
    now, aged = NOW, False  # aged: time passed since the last full sweep (an incremental pass's blind spot)
    with StateStore(folder / "stored.sqlite") as stored, StateStore(folder / "reread.sqlite") as reread:
        for op in [*ops, ("pass", 0, "")]:
            if op[0] == "days":
                now, aged = now + dt.timedelta(days=op[1]), True
                continue
            if op[0] != "pass":
                for wiki in twins:
                    _apply(wiki, op, now)
                continue
            kind = "incremental" if op[1] == 2 and not aged else "full"
            aged = aged and kind == "incremental"
            first = sweep(twins[0], cfg, stored, now, kind=kind)
            second = sweep(twins[1], cfg, reread, now, reread=True)
            assert texts(twins[0]) == texts(twins[1]), (ops, first.line(), second.line())
            if kind == "full":
                assert sorted(first.skipped, key=str) == sorted(second.skipped, key=str)


def test_a_save_that_changes_the_infobox_is_read_again(config: Config, store: StateStore) -> None:
    """A tag nested in the infobox is removed by the bot's save: the infobox as read changed, so
    the next sweep reads the page (its stored result was made from the text before the save)."""
    nested = INCOMPLETE.replace(
        "| partner = Example Org", "| partner = Example Org {{Partnership incomplete|missing=goals}}"
    )
    wiki = wiki_with({"Nested": nested, "Plain": INCOMPLETE})
    first = sweep(wiki, config, store, NOW)
    assert first.tagged + first.updated == 2
    assert "{{Partnership incomplete|missing=goals}}" not in wiki.pages["Nested"].text
    assert sweep(wiki, config, store, NOW + dt.timedelta(hours=1)).pages_read == 1
    assert sweep(wiki, config, store, NOW + dt.timedelta(hours=2)).pages_read == 0


def test_table_values_are_a_compact_mapping_equal_to_the_dict_they_replace() -> None:
    from bot.model import TABLE_FIELDS, TableValues, table_values

    given = {"status": "active", "partner": "Ünï Org", "unknown": "x", "end": ""}
    values = table_values(given)
    assert isinstance(values, TableValues) and values == {"partner": "Ünï Org", "status": "active", "end": ""}
    assert values == {"partner": "Ünï Org", "status": "active", "end": ""} and values != {"partner": "Ünï Org"}
    assert list(values) == [k for k in TABLE_FIELDS if k in given] and len(values) == 3
    assert values.get("model", "-") == "-" and values["end"] == "" and "unknown" not in values
    assert values == table_values(dict(values)) and dict(values) == {k: given[k] for k in values}
    with pytest.raises(TypeError):
        hash(values)
