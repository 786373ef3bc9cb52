"""A summary table over the page-size budget is split into numbered subpages with an index."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.check import check_text
from bot.config import Config, load_config
from bot.errors import WikiError
from bot.model import PageSnapshot
from bot.pipeline.one_pass import Pass
from bot.render import END_MARKER, START_MARKER, Row, build_rows, count_rows, current_inner, render_row, render_table
from bot.split import chunk_rows, render_subpage
from bot.state import StateStore
from tests.conftest import ROOT
from tests.fakes import FakeWiki
from tests.passes import COMPLETE, INCOMPLETE, NOW, wiki_with

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
    from bot.pipeline.step5_summary import PageWrite, save_summary

    results = [check_text(t, x, config.rules, NOW.date()) for t, x in many(30).items()]
    chunk = build_rows(results)
    wiki = FakeWiki()
    earlier = NOW.replace(hour=NOW.hour - 1)
    wiki.put(f"{MAIN}/1", render_subpage(chunk, MAIN, 1, earlier))
    saves = len(wiki.saves)
    write = PageWrite(f"{MAIN}/1", render_subpage(chunk, MAIN, 1, NOW), None)
    outcome = save_summary(wiki, config, [write], len(results), sum(r.complete for r in results))
    assert outcome.errors == [] and outcome.saved == 0 and len(wiki.saves) == saves


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


# --- the bot's own subpages: created whole, otherwise written only between their real markers -------

STATUS = "User:PartnershipBot/Status"


def status_errors(wiki: FakeWiki) -> str:
    text = wiki.pages[STATUS].text
    return text[text.index("; Errors:") :]


def split_wiki(config: Config, n: int = 120) -> FakeWiki:
    wiki = wiki_with(many(n))
    Pass(wiki, config, lambda: NOW).run()
    assert len(parts(wiki)) >= 2
    return wiki


def summary_saves(wiki: FakeWiki, since: int) -> list[str]:
    return [s.title for s in wiki.saves[since:] if s.title.startswith(MAIN)]


def test_a_persons_page_where_a_part_goes_is_never_written_and_nothing_of_the_table_is_saved(
    config: Config,
) -> None:
    wiki = wiki_with(many(120))
    mine = "My own notes on the tracker.\n[[Category:Notes]]"
    wiki.put(f"{MAIN}/1", mine)
    main = wiki.pages[MAIN].text
    report = Pass(wiki, config, lambda: NOW).run()
    assert wiki.pages[f"{MAIN}/1"].text == mine and wiki.pages[MAIN].text == main
    assert summary_saves(wiki, 0) == [] and not report.summary_saved
    assert f"{MAIN}/1: part 1 of the table cannot be written" in status_errors(wiki)
    assert "; Errors: 1" in status_errors(wiki) and "marker" in status_errors(wiki)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t.replace(END_MARKER, ""),
        lambda t: "{{nobots}}\n" + t,
        lambda t: t.replace(START_MARKER, f"<nowiki>{START_MARKER}</nowiki>"),
    ],
    ids=["end marker removed", "nobots", "start marker in nowiki"],
)
def test_a_tampered_part_stops_the_whole_table(config: Config, tamper: Callable[[str], str]) -> None:
    wiki = split_wiki(config)
    tampered = tamper(wiki.pages[f"{MAIN}/2"].text)
    wiki.put(f"{MAIN}/2", tampered)
    before = {t: p.text for t, p in wiki.pages.items() if t.startswith(MAIN)}
    for i in range(120, 125):  # new rows: every part and the index would change
        wiki.put(f"Org {i:03}", INCOMPLETE.replace("Example Org", f"Aaa {i}"))
    saves = len(wiki.saves)
    Pass(wiki, config, lambda: NOW).run()
    assert summary_saves(wiki, saves) == []
    assert {t: p.text for t, p in wiki.pages.items() if t.startswith(MAIN)} == before
    assert f"{MAIN}/2: part 2 of the table cannot be written" in status_errors(wiki)


def test_a_persons_text_around_a_parts_markers_survives_update_and_retirement(config: Config) -> None:
    wiki = split_wiki(config)
    part = wiki.pages[f"{MAIN}/1"].text
    above, below = "A note above the table.\n", "\n== Notes ==\nKept.\n[[Category:Kept]]"
    wiki.put(f"{MAIN}/1", above + part + below)
    wiki.put("Org 001", COMPLETE.replace("Example Org", "Aaa first"))  # part 1 changes
    Pass(wiki, config, lambda: NOW).run()
    text = wiki.pages[f"{MAIN}/1"].text
    assert text.startswith(above + part[: part.index(START_MARKER)]) and text.endswith(END_MARKER + below)
    assert "Aaa first" in text
    for i in range(20, 120):
        del wiki.pages[f"Org {i:03}"]
    Pass(wiki, config, lambda: NOW).run()  # the table fits again: the parts are retired
    text = wiki.pages[f"{MAIN}/1"].text
    assert text.endswith(f"{START_MARKER}\nNo longer used: see [[{MAIN}]].\n{END_MARKER}{below}")
    assert text.startswith(above)
    assert count_rows(current_inner(wiki.pages[MAIN].text) or "") == 20


def test_a_persons_page_linked_from_the_index_is_not_retired(config: Config) -> None:
    """Issue 11: a person's page at …/1 (no markers) linked between the main page's markers."""
    wiki = wiki_with(many(5))
    mine = "A person's page.\n[[Category:Mine]]"
    wiki.put(f"{MAIN}/1", mine)
    wiki.put(MAIN, wiki.pages[MAIN].text.replace("(table)", f"* [[{MAIN}/1|Part 1]]"), "Editor")
    report = Pass(wiki, config, lambda: NOW).run()
    assert wiki.pages[f"{MAIN}/1"].text == mine
    assert count_rows(current_inner(wiki.pages[MAIN].text) or "") == 5  # the table itself is saved
    assert any(e.startswith(f"{MAIN}/1: no longer part of the table, left as it is") for e in report.errors)


def test_the_summary_excluded_by_bots_is_not_saved_and_says_so(config: Config) -> None:
    wiki = wiki_with({"Org": INCOMPLETE})
    excluded = "{{bots|deny=PartnershipBot}}\n" + wiki.pages[MAIN].text
    wiki.put(MAIN, excluded, "Admin")
    report = Pass(wiki, config, lambda: NOW).run()
    assert wiki.pages[MAIN].text == excluded and report.tagged == 1
    assert f"{MAIN}: the table was not saved" in status_errors(wiki)
    assert "excludes PartnershipBot" in status_errors(wiki)


def test_a_failed_summary_save_is_on_the_status_page_and_the_pass_goes_on(config: Config) -> None:
    wiki = wiki_with({"Org": INCOMPLETE})

    def refuse(title: str) -> None:
        if title == MAIN:
            raise WikiError(f"saving [[{MAIN}]]: the wiki refused the edit (contenttoobig); the page was left")
        wiki.before_save = refuse

    wiki.before_save = refuse
    report = Pass(wiki, config, lambda: NOW).run()
    assert report.status_saved and not report.summary_saved
    assert "; Errors: 1" in status_errors(wiki) and "contenttoobig" in status_errors(wiki)
    assert any("contenttoobig" in e for e in report.errors)


# --- every page the bot writes fits max_page_bytes ---------------------------------------------------


def written_sizes(wiki: FakeWiki) -> dict[str, int]:
    return {s.title: len(s.text.encode()) for s in wiki.saves if s.title.startswith((MAIN, STATUS))}


def test_huge_values_are_cut_and_every_page_fits(config: Config) -> None:
    """Issue 11: ten pages whose partner is 100,000 characters."""
    pages = {f"Huge {i}": INCOMPLETE.replace("Example Org", f"P{i} " + "é" * 100_000) for i in range(10)}
    wiki = wiki_with(pages)
    report = Pass(wiki, config, lambda: NOW).run()
    assert report.errors == () and report.summary_saved
    assert max(written_sizes(wiki).values()) <= config.max_page_bytes
    texts = [p.text for t, p in wiki.pages.items() if t.startswith(MAIN)]
    assert "".join(texts).count("…]]") == 10 and sum(count_rows(t) for t in texts) == 10
    assert "; Errors: 0" in status_errors(wiki)


def test_a_long_text_around_the_main_pages_markers_leaves_less_room(config: Config) -> None:
    wiki = wiki_with(many(20))
    wiki.put(MAIN, "x" * 8_000 + "\n" + wiki.pages[MAIN].text, "Editor")  # the table alone would fit
    Pass(wiki, config, lambda: NOW).run()
    assert len(parts(wiki)) == 1 and max(written_sizes(wiki).values()) <= config.max_page_bytes
    assert wiki.pages[MAIN].text.startswith("x" * 8_000 + "\nIntro text.")


def test_a_long_note_on_a_part_makes_the_parts_smaller(config: Config) -> None:
    wiki = split_wiki(config)
    note = "\n" + "A long note. " * 400
    wiki.put(f"{MAIN}/1", wiki.pages[f"{MAIN}/1"].text + note)
    wiki.put("Org 000", COMPLETE.replace("Example Org", "Aaa changed"))
    Pass(wiki, config, lambda: NOW).run()
    assert wiki.pages[f"{MAIN}/1"].text.endswith(note.rstrip())
    assert max(len(p.encode()) for p in parts(wiki).values()) <= config.max_page_bytes


def test_nothing_is_saved_over_the_limit_when_the_text_outside_cannot_leave_room(config: Config) -> None:
    wiki = wiki_with(many(5))
    wiki.put(MAIN, "x" * 9_990 + "\n" + wiki.pages[MAIN].text, "Editor")
    report = Pass(wiki, config, lambda: NOW).run()
    assert not any(s.title.startswith(MAIN) for s in wiki.saves)
    assert any("max_page_bytes" in e for e in report.errors)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    n=st.integers(1, 60),
    budget=st.integers(10_000, 30_000),
    outside=st.integers(0, 6_000),
    value=st.integers(0, 3_000),
)
def test_every_page_written_fits(config: Config, n: int, budget: int, outside: int, value: int) -> None:
    small = dataclasses.replace(config, max_page_bytes=budget)
    wiki = wiki_with({f"Org {i}": INCOMPLETE.replace("Example Org", f"O{i} " + "{" * value) for i in range(n)})
    wiki.put(MAIN, "y" * outside + wiki.pages[MAIN].text, "Editor")
    Pass(wiki, small, lambda: NOW).run()
    assert max(written_sizes(wiki).values()) <= budget


def test_the_largest_possible_row_fits_a_part_of_50000_bytes() -> None:
    """Every value and the title at their worst: characters that escape to 5-6 bytes."""
    worst = "~" * 1000
    row = Row("'" * 255, worst, worst, worst, worst, worst, worst, False, (worst,), (worst,), worst, worst)
    part = render_subpage([row], MAIN, 999, NOW)
    assert len("\n".join(render_row(row)).encode()) <= 45_000
    assert len(part.encode()) <= 50_000 and chunk_rows([row, row], NOW, 50_000) == [[row], [row]]


def test_an_incremental_pass_that_rebuilds_a_split_table_reads_its_parts_once(
    config: Config, store: StateStore
) -> None:
    """The parts are read to learn the titles the table lists (stage 1) and reused to plan the
    table (stage 5): one read of each part per pass, not two."""
    reads: list[str] = []

    class CountingWiki(FakeWiki):
        def read(self, titles: Sequence[str]) -> dict[str, PageSnapshot | None]:
            reads.extend(titles)
            return super().read(titles)

    wiki = CountingWiki(redirects={"Template:Partnership infobox": ("Template:Infobox partnership",)})
    for title, page in wiki_with(many(120)).pages.items():
        wiki.put(title, page.text, page.user)
    Pass(wiki, config, lambda: NOW, store).run()
    assert len(parts(wiki)) >= 2
    wiki.put("Org 005", COMPLETE.replace("Example Org", "Org 005 renamed"))
    reads.clear()
    report = Pass(wiki, config, lambda: NOW, store, kind="incremental").run()
    assert report.kind == "incremental" and report.pages_read == 1
    part_reads = [t for t in reads if t.startswith(MAIN + "/")]
    assert part_reads and sorted(part_reads) == sorted(set(part_reads)), reads
