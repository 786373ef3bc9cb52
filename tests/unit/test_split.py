"""A summary table over the page-size budget is split into numbered subpages with an index."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.check import check_text
from bot.config import Config, load_config
from bot.job import Pass
from bot.render import Row, build_rows, count_rows, current_inner, render_table
from bot.split import chunk_rows, render_subpage
from tests.conftest import ROOT
from tests.fakes import FakeWiki
from tests.unit.test_job import COMPLETE, INCOMPLETE, NOW, wiki_with

MAIN = "Partnership tracker"


@pytest.fixture
def config() -> Config:
    base = load_config(ROOT / "config" / "devwiki.toml")
    return dataclasses.replace(base, max_page_bytes=10_000, max_row_drop=1000)


def many(n: int) -> dict[str, str]:
    return {f"Org {i:03}": (INCOMPLETE if i % 3 else COMPLETE).replace("Example Org", f"Org {i:03}") for i in range(n)}


def parts(wiki: FakeWiki) -> dict[str, str]:
    return {t: p.text for t, p in wiki.pages.items() if t.startswith(MAIN + "/")}


def test_large_table_is_split_and_every_part_fits(config: Config) -> None:
    wiki = wiki_with(many(120))
    Pass(wiki, config, lambda: NOW).run()
    subpages = parts(wiki)
    assert len(subpages) >= 2
    assert all(len(t.encode()) < 11_000 for t in subpages.values())
    assert sum(count_rows(current_inner(t) or "") for t in subpages.values()) == 120
    index = current_inner(wiki.pages[MAIN].text) or ""
    assert count_rows(index) == 0 and all(f"[[{t}|" in index for t in subpages)
    assert wiki.pages[MAIN].text.startswith("Intro text.")
    saves = len(wiki.saves)
    assert Pass(wiki, config, lambda: NOW).run().edits == 0 and len(wiki.saves) == saves


def test_shrinking_table_retires_unused_parts(config: Config) -> None:
    wiki = wiki_with(many(120))
    Pass(wiki, config, lambda: NOW).run()
    before = len(parts(wiki))
    for i in range(20, 120):
        del wiki.pages[f"Org {i:03}"]
    Pass(wiki, config, lambda: NOW).run()
    assert count_rows(current_inner(wiki.pages[MAIN].text) or "") == 20  # fits again: one table
    assert len(parts(wiki)) == before and all("No longer used" in t for t in parts(wiki).values())


def test_chunks_keep_order_and_cover_every_row(config: Config) -> None:
    results = [check_text(t, x, config.rules, NOW.date()) for t, x in many(50).items()]
    rows = build_rows(results)
    chunks = chunk_rows(rows, NOW, 4_000)
    assert [r for c in chunks for r in c] == rows and len(chunks) > 1
    assert chunk_rows(rows, NOW, 10**9) == [rows]


def test_every_subpage_but_the_last_is_filled_close_to_the_budget(config: Config) -> None:
    results = [check_text(t, x, config.rules, NOW.date()) for t, x in many(400).items()]
    rows = build_rows(results)
    budget = 20_000
    chunks = chunk_rows(rows, NOW, budget)
    sizes = [len(render_subpage(c, MAIN, n, NOW).encode()) for n, c in enumerate(chunks, 1)]
    assert [r for c in chunks for r in c] == rows
    assert max(sizes) <= budget
    assert min(sizes[:-1]) >= 0.8 * budget, sizes  # not halved: the head is reserved before packing


def test_counts_lines_that_grow_with_every_row_still_pack_well() -> None:
    """Free-text statuses and models are counted one by one, so the counts line grows with each
    row a chunk holds: chunks are cut to fit, never degenerate into one row each."""
    rows = [
        Row(f"Org {i:04}", f"Org {i:04}", f"model {i}", "g", f"status {i}", "2020", "", False, ("goals",), (), None, "")
        for i in range(600)
    ]
    chunks = chunk_rows(rows, NOW, 10_000)
    sizes = [len(render_subpage(c, MAIN, n, NOW).encode()) for n, c in enumerate(chunks, 1)]
    assert [r for c in chunks for r in c] == rows
    assert max(sizes) <= 10_000 and all(len(c) > 1 for c in chunks)


def test_a_subpage_thought_missing_but_holding_the_same_table_is_not_saved_again(config: Config) -> None:
    """A read that missed a subpage (e.g. an answer cut at the API's size limit) plans to create
    it; creating fails because it exists; read again, it already holds this table apart from the
    stamp, so nothing is saved."""
    from bot.publish import PageWrite, save_summary

    results = [check_text(t, x, config.rules, NOW.date()) for t, x in many(30).items()]
    chunk = build_rows(results)
    wiki = FakeWiki()
    earlier = NOW.replace(hour=NOW.hour - 1)
    wiki.put(f"{MAIN}/1", render_subpage(chunk, MAIN, 1, earlier))
    saves = len(wiki.saves)
    write = PageWrite(f"{MAIN}/1", render_subpage(chunk, MAIN, 1, NOW), None)
    errors = save_summary(wiki, config, [write], len(results), sum(r.complete for r in results))
    assert errors == [] and len(wiki.saves) == saves


@given(
    st.lists(
        st.tuples(st.text("ab", min_size=0, max_size=2), st.text("xé", min_size=0, max_size=2), st.booleans()),
        max_size=12,
    )
)
def test_a_table_that_fits_exactly_stays_whole(values: list[tuple[str, str, bool]]) -> None:
    """Rows are measured before the table is rendered: that shortcut must never split a table
    that fits, even one whose one-letter statuses make its counts line shorter than "none"."""
    rows = [
        Row(f"T{i}", f"P{i}", model, "", status, "", "", complete, (), (), None, "")
        for i, (status, model, complete) in enumerate(values)
    ]
    exact = len(render_table(rows, NOW).encode())
    assert chunk_rows(rows, NOW, exact) == [rows]
    if rows:
        assert len(chunk_rows(rows, NOW, exact - 1)) >= 1
