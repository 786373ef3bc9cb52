"""The summary's overview (bot/overview.py) and its history: the monthly trend from the state's
pass reports (bot/state.py ``monthly_figures``), the fields most often missing with their help
links, and whole passes on the in-memory wiki: the summary is saved only when a figure changes,
once more when a month begins, and the overview stays on the main page of a split table."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import Config, load_config
from bot.display import default_display, display_for
from bot.overview import MONTHS, PassFigures, bar, field_problems, fitting_overview, render_overview, trend
from bot.pipeline import step5_summary
from bot.pipeline.one_pass import Pass
from bot.render import OVERVIEW_OPEN, Row, count_rows, current_inner
from bot.rules import Rules
from bot.rules import text as pick
from bot.state import StateStore
from tests.conftest import ROOT
from tests.fakes import FakeWiki
from tests.passes import COMPLETE, INCOMPLETE, NOW, run, wiki_with

EN = default_display("en")


def row(title: str, **kw: object) -> Row:
    base = Row(title, title, "content", "free-content", "active", "", "", True, (), (), None, "", "email")
    return dataclasses.replace(base, **kw)  # type: ignore[arg-type]


@pytest.fixture
def config() -> Config:
    return load_config(ROOT / "config" / "devwiki.toml")


# --- the trend ------------------------------------------------------------------------------------


def test_trend_takes_the_last_pass_of_each_month_and_the_tables_figures_for_this_one() -> None:
    history = [
        PassFigures(dt.datetime(2026, 9, 1, tzinfo=dt.UTC), 10, 1),
        PassFigures(dt.datetime(2026, 9, 30, 23, 59, tzinfo=dt.UTC), 12, 3),
        PassFigures(dt.datetime(2026, 11, 1, 0, 30, tzinfo=dt.UTC), 99, 99),  # this month: replaced
        PassFigures(dt.datetime(2026, 12, 1, tzinfo=dt.UTC), 98, 98),  # ahead of the clock: left out
    ]
    months = trend(history, NOW, 14, 5)
    assert [(m.month, m.pages, m.complete) for m in months] == [("2026-09", 12, 3), ("2026-11", 14, 5)]
    # a pass stored with another offset counts in its UTC month
    east = PassFigures(dt.datetime(2026, 10, 1, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))), 7, 7)
    assert trend([east], NOW, 1, 1)[0].month == "2026-09"


@settings(max_examples=60, deadline=None)
@given(
    passes=st.lists(
        st.tuples(st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2027, 1, 1)), st.integers(0, 999)), max_size=40
    ),
    pages=st.integers(0, 500),
)
def test_trend_is_bounded_ordered_and_ends_with_the_table(passes: list[tuple[dt.datetime, int]], pages: int) -> None:
    history = [PassFigures(when, n, n // 2) for when, n in passes]
    months = trend(history, NOW, pages, pages // 3)
    assert 1 <= len(months) <= MONTHS
    assert [m.month for m in months] == sorted({m.month for m in months})
    assert months[-1] == dataclasses.replace(months[-1], month="2026-11", pages=pages, complete=pages // 3)
    assert trend(history, NOW, pages, pages // 3) == months  # deterministic


def test_bar_says_its_figure_in_words() -> None:
    text = bar(EN, 12, 19)
    assert 'style="display:block;width:63%;' in text and text.endswith(" 12 of 19 complete (63%)")
    assert 'aria-hidden="true"' in text
    assert bar(EN, 0, 0).endswith("0 of 0 complete (0%)")
    assert "199 of 200 complete (99%)" in bar(EN, 199, 200)  # rounded down: 100% means all
    assert "1\u202f234 sur 2\u202f000 complètes (61 %)" in bar(default_display("fr"), 1234, 2000)


# --- the fields most often missing ------------------------------------------------------------------


def test_fields_most_often_missing_are_counted_once_per_page_and_linked_to_their_help(rules: Rules) -> None:
    rows = [
        row("A", missing=("metrics", "end"), complete=False),
        row("B", missing=("metrics",), invalid=("status",), complete=False),
        row("C", invalid=("status", "status"), complete=False),
    ]
    assert field_problems(rows) == [("metrics", 2, 0), ("status", 0, 2), ("end", 1, 0)]
    text = render_overview(rows, display_for(rules, "en"), trend([], NOW, 3, 0))
    guide = "Wikimedia Foundation partnership reflections#Advance the Wikimedia mission"
    assert f"| [[:{guide}" in text and "|specific goals or metrics]] <small>(metrics)</small> || 2 || 0" in text
    assert (
        "| [[:Wikimedia Foundation partnership reflections#Tips for constructing a partnership|status]] || 0 || 2"
        in text
    )
    assert "| [[:Template:Partnership infobox/doc|end date]] <small>(end)</small> || 1 || 0" in text  # no section
    assert "No field is missing or invalid." in render_overview([row("A")], EN, [])


def test_labels_may_be_language_maps(rules: Rules) -> None:
    assert pick({"en": "Goals", "fr": "Objectifs"}, "fr") == "Objectifs"
    assert pick({"en": "Goals", "fr": "Objectifs"}, "es") == "Goals"
    assert pick({"de": "Ziele"}, "fr") == "Ziele" and pick("Goals", "fr") == "Goals"
    status = rules.params["status"]
    labels = tuple((v, {"en": t, "fr": f"fr:{t}"}) for v, t in status.value_labels)
    mapped_status = dataclasses.replace(status, value_label_text=labels)
    mapped = dataclasses.replace(rules, params={**rules.params, "status": mapped_status})
    assert display_for(mapped, "fr").name("status", "Active") == "fr:Active"
    assert display_for(rules, "fr").name("status", "Active") == "Actif"  # the shipped rules page's French
    assert display_for(mapped, "en").name("status", " ACTIVE ") == "Active"


def test_a_small_room_gets_the_overviews_first_line_only() -> None:
    rows = [row(f"P{i}") for i in range(30)]
    full = render_overview(rows, EN, [])
    assert fitting_overview(rows, EN, [], 4 * len(full.encode())) == full
    small = fitting_overview(rows, EN, [], 4 * len(full.encode()) - 1)
    assert small.startswith(OVERVIEW_OPEN) and "30 of 30 complete (100%)" in small and "By status" not in small


# --- the history in the state database ------------------------------------------------------------


def test_monthly_figures_keep_the_last_completed_pass_of_each_month(tmp_path: Path) -> None:
    with StateStore(tmp_path / "s.sqlite") as store:
        for when, pages in (("2026-09-02T10:00:00+00:00", 4), ("2026-09-29T10:00:00+00:00", 5),
                            ("2026-10-03T10:00:00+00:00", 6)):  # fmt: skip
            store.save_pass([], "full", dt.datetime.fromisoformat(when), {"pages_seen": pages, "complete": 2},
                            replace_all=False)  # fmt: skip
        store.record_failure("full", dt.datetime(2026, 10, 30, tzinfo=dt.UTC), "wiki down")
        figures = store.monthly_figures()
    assert [(w.month, p, c) for w, p, c in figures] == [(9, 5, 2), (10, 6, 2)]
    assert step5_summary.history(None) == []


# --- whole passes -----------------------------------------------------------------------------------


def summary_saves(wiki: FakeWiki) -> int:
    return sum(s.title == "Partnership tracker" for s in wiki.saves)


def run_at(wiki: FakeWiki, config: Config, store: StateStore, now: dt.datetime) -> None:
    """A full pass at ``now`` (the wiki's clock moved there first)."""
    wiki.tick(now - wiki.time)
    Pass(wiki, config, lambda: now, store, kind="full").run()


def test_the_summary_is_saved_only_when_a_figure_changes_and_once_a_month(config: Config, tmp_path: Path) -> None:
    wiki = wiki_with({"A": COMPLETE, "B": INCOMPLETE})
    with StateStore(tmp_path / "s.sqlite") as store:
        run(wiki, config, store)
        assert summary_saves(wiki) == 1
        inner = current_inner(wiki.pages["Partnership tracker"].text) or ""
        assert "| 2026-11 || 2 || " in inner and "1 of 2 complete (50%)" in inner
        for hours in (1, 30, 100):  # later passes in the same month: nothing but the stamp would change
            run_at(wiki, config, store, NOW + dt.timedelta(hours=hours))
        assert summary_saves(wiki) == 1
        december = dt.datetime(2026, 12, 1, 0, 5, tzinfo=dt.UTC)
        run_at(wiki, config, store, december)
        assert summary_saves(wiki) == 2
        inner = current_inner(wiki.pages["Partnership tracker"].text) or ""
        assert "| 2026-11 || 2 || " in inner and "| 2026-12 || 2 || " in inner
        run_at(wiki, config, store, december + dt.timedelta(hours=1))
        assert summary_saves(wiki) == 2


def test_a_split_table_keeps_the_overview_on_its_main_page(config: Config) -> None:
    small = dataclasses.replace(config, max_page_bytes=10_000, max_row_drop=1000)
    pages = {
        f"Org {i:03}": (INCOMPLETE if i % 3 else COMPLETE).replace("Example Org", f"Org {i:03}") for i in range(150)
    }
    wiki = wiki_with(pages)
    run(wiki, small)
    main = current_inner(wiki.pages["Partnership tracker"].text) or ""
    parts = [current_inner(p.text) or "" for t, p in wiki.pages.items() if t.startswith("Partnership tracker/")]
    assert len(parts) >= 2 and OVERVIEW_OPEN in main and "By status" in main and count_rows(main) == 0
    assert "'''150 partnership pages''', 100 incomplete." in main
    assert all(OVERVIEW_OPEN not in p for p in parts) and sum(count_rows(p) for p in parts) == 150
    assert "[[Partnership tracker/1|Part 1]]: " in main


def test_the_french_wiki_gets_a_french_summary(config: Config) -> None:
    french = dataclasses.replace(config, site=dataclasses.replace(config.site, language="fr"))
    wiki = wiki_with({"A": COMPLETE, "B": INCOMPLETE})
    run(wiki, french)
    inner = current_inner(wiki.pages["Partnership tracker"].text) or ""
    assert "Données au 2026-11-25 12:00 UTC." in inner and "! Partenaire !! Modèle !!" in inner
    assert "'''2 pages de partenariat''', dont 1 incomplète." in inner and "| non\n" in inner
