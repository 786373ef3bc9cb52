"""The data page in numbered parts (bot.data_parts, bot.pipeline.step5_data) on an in-memory wiki:
with a small ``max_page_bytes`` the rows go to parts that each fit, in the table's order, and the
data page lists them; a pass saves only the parts whose rows changed (the data page only when its
head changed), retires parts no longer needed, and saves no data page at all when a part it needs
cannot be written. For any rows and budget, the parts fit and hold the rows in order."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import data_parts, export
from bot.config import Config
from bot.errors import EditConflict
from bot.model import Finding, PageResult
from bot.split import size
from bot.state import StateStore
from tests.fakes import FakeWiki
from tests.passes import COMPLETE, INCOMPLETE, run
from tests.unit.test_data_stage import DATA, installed

BUDGET = 2_000


def part(n: int) -> str:
    return f"Partnership tracker/data/{n}.json"


def org(i: int, text: str = COMPLETE) -> str:
    return text.replace("Example Org", f"Org {i:02d}")


def pages(count: int) -> dict[str, str]:
    """``count`` complete pages in the table's order (``Org 00``, ``Org 01``, …), the last incomplete."""
    out = {f"Org {i:02d}": org(i) for i in range(count - 1)}
    out[f"Org {count - 1:02d}"] = org(count - 1, INCOMPLETE)
    return out


def small(config: Config) -> Config:
    return dataclasses.replace(config, max_page_bytes=BUDGET)


def doc(wiki: FakeWiki, title: str = DATA) -> Any:
    """The JSON value a page holds."""
    return json.loads(wiki.pages[title].text)


def saved_titles(wiki: FakeWiki) -> list[str]:
    return [s.title for s in wiki.saves if s.title == DATA or s.title.startswith("Partnership tracker/data/")]


def all_rows(wiki: FakeWiki) -> list[Any]:
    """The rows of the data page, its parts followed."""
    main = doc(wiki)
    rows: list[Any] = main["rows"]
    for title in main["parts"]:
        rows += doc(wiki, title)["rows"]
    return rows


@pytest.fixture
def split_wiki(config: Config) -> FakeWiki:
    """A wiki after one pass with a small budget (its data in at least three parts)."""
    wiki = installed(pages(14))
    report = run(wiki, small(config))
    assert not [e for e in report.errors if "data" in e]
    return wiki


def test_a_small_budget_puts_the_rows_in_parts_that_each_fit(config: Config, split_wiki: FakeWiki) -> None:
    whole = installed(pages(14))
    run(whole, config)
    unsplit = doc(whole)
    main = doc(split_wiki)
    k = len(main["parts"])
    assert k >= 3 and main["parts"] == [part(n) for n in range(1, k + 1)]
    assert main["rows"] == [] and {**main, "rows": unsplit["rows"], "parts": []} == unsplit, "the same head"
    for n in range(1, k + 1):
        text = split_wiki.pages[part(n)].text
        assert size(text) <= BUDGET and split_wiki.models[part(n)] == "json"
        assert {key: doc(split_wiki, part(n))[key] for key in ("generator", "version", "part", "of")} == {
            "generator": "partnership-tracker", "version": 1, "part": n, "of": k,
        }  # fmt: skip
    assert all_rows(split_wiki) == unsplit["rows"], "the parts' rows, in order, are the whole document's"
    first = [s for s in split_wiki.saves if s.title.startswith("Partnership tracker/data")]
    assert [s.title for s in first] == [*(part(n) for n in range(1, k + 1)), DATA], "parts first, then the page"
    assert all(s.base_revid is None for s in first[:-1]), "the pass creates the parts"
    split_wiki.saves.clear()
    run(split_wiki, small(config))
    assert not saved_titles(split_wiki), "nothing changed: no data page saved"


def test_a_changed_row_saves_only_its_part_and_the_page_only_when_its_head_changes(
    config: Config, split_wiki: FakeWiki
) -> None:
    k = len(doc(split_wiki)["parts"])
    title = doc(split_wiki, part(2))["rows"][-1]["title"]
    split_wiki.saves.clear()
    split_wiki.put(title, org(int(title[-2:])).replace("free-content", "global-reach"))  # same length: no row moves
    run(split_wiki, small(config))
    assert saved_titles(split_wiki) == [part(2)]
    split_wiki.saves.clear()
    split_wiki.put("Org 13", org(13))  # the last row becomes complete: the page's count changes
    run(split_wiki, small(config))
    assert saved_titles(split_wiki) == [part(k), DATA] and doc(split_wiki)["complete"] == 14


def test_fewer_rows_retire_the_parts_no_longer_needed(config: Config, split_wiki: FakeWiki) -> None:
    k = len(doc(split_wiki)["parts"])
    for i in range(8, 14):
        split_wiki.delete(f"Org {i:02d}")
    split_wiki.saves.clear()
    run(split_wiki, small(config))
    fewer = len(doc(split_wiki)["parts"])
    assert 2 <= fewer < k and [r["title"] for r in all_rows(split_wiki)] == [f"Org {i:02d}" for i in range(8)]
    retired = {"generator": "partnership-tracker", "version": 1, "retired": True, "rows": []}
    assert all(doc(split_wiki, part(n)) == retired for n in range(fewer + 1, k + 1)), "kept, emptied"
    assert saved_titles(split_wiki)[-(k - fewer) :] == [part(n) for n in range(fewer + 1, k + 1)], "retired last"
    run(split_wiki, config)  # the whole document fits the page again
    assert doc(split_wiki)["parts"] == [] and len(doc(split_wiki)["rows"]) == 8
    assert all(doc(split_wiki, part(n)) == retired for n in range(1, k + 1))
    split_wiki.saves.clear()
    run(split_wiki, config)
    assert not saved_titles(split_wiki), "retired parts stay as they are"


@pytest.mark.parametrize(
    ("text", "protected", "why"),
    [(None, True, "protected"), ('{"nobots": true}', False, "does not hold the bot's data document")],
)
def test_a_part_the_bot_may_not_write_blocks_every_data_save(
    config: Config, split_wiki: FakeWiki, text: str | None, protected: bool, why: str
) -> None:
    before = {t: p.text for t, p in split_wiki.pages.items() if t.startswith("Partnership tracker/data")}
    split_wiki.put(part(2), text or split_wiki.pages[part(2)].text, "Admin", protected=protected)
    split_wiki.put("Org 00", org(0, INCOMPLETE))  # rows of parts 1 and the main page's count change
    split_wiki.saves.clear()
    report = run(split_wiki, small(config))
    assert not saved_titles(split_wiki), "all or nothing"
    (line,) = [e for e in report.errors if "data" in e]
    assert (
        line.startswith(f"{part(2)}: part 2 of the data cannot be written, so no data page was saved") and why in line
    )
    assert doc(split_wiki) == json.loads(before[DATA]) and doc(split_wiki, part(1)) == json.loads(before[part(1)])


def test_part_titles() -> None:
    assert data_parts.part_title("Partnership tracker/data.json", 3) == "Partnership tracker/data/3.json"
    assert data_parts.part_title("Project:Tracker data", 12) == "Project:Tracker data/12"
    listed = {"parts": [part(1), "Main Page", part(3), 7]}
    assert data_parts.listed_parts(DATA, listed) == [part(1), part(3)], "only titles of its parts"
    assert data_parts.listed_parts(DATA, [1]) == data_parts.listed_parts(DATA, {"parts": "x"}) == []


def test_a_row_too_large_for_any_part_is_named() -> None:
    results = [PageResult(f"Page {i}", (), {"partner": "x" * (500 if i != 1 else 5_000)}) for i in range(3)]
    table = export.table_rows(results)
    layout = data_parts.plan(table, 4_000)
    assert layout.oversized is not None and table[layout.oversized][0].title == "Page 1"


FINDING = st.builds(
    Finding,
    st.sampled_from(["metrics", "goals", None]),
    st.sampled_from(["missing", "invalid"]),
    st.sampled_from(["error", "warning"]),
    st.text(max_size=80),
)
RESULTS = st.lists(
    st.builds(
        PageResult,
        st.text(min_size=1, max_size=30),
        st.lists(FINDING, max_size=3).map(tuple),
        st.fixed_dictionaries({"partner": st.text(max_size=300), "status": st.sampled_from(["active", "<&>"])}),
    ),
    max_size=40,
    unique_by=lambda r: r.title,
)


@settings(max_examples=60, deadline=None)
@given(RESULTS, st.integers(min_value=600, max_value=20_000))
def test_parts_fit_and_hold_the_rows_in_order(results: list[PageResult], budget: int) -> None:
    table = export.table_rows(results)
    layout = data_parts.plan(table, budget)
    whole = export.data_document(results)
    if not layout.spans:
        assert size(export.wiki_json(data_parts.main_document(table, []))) <= budget
        assert data_parts.main_document(table, []) == {**whole, "parts": []}
        return
    assert [i for span in layout.spans for i in span] == list(range(len(table))), "consecutive, every row once"
    k, rows = len(layout.spans), []
    for n, span in enumerate(layout.spans, 1):
        document = data_parts.part_document(table, span, n, k)
        fits = size(export.wiki_json(document)) <= budget
        assert fits or (len(span) == 1 and layout.oversized is not None and layout.oversized <= span[0])
        rows += document["rows"]
    assert rows == whole["rows"]
    assert size(export.wiki_json(data_parts.main_document(table, []))) > budget, "split only when needed"


def test_parts_are_read_6_mib_of_text_a_request_and_kept_without_their_text() -> None:
    """At 2 MiB a part, three parts a request (MediaWiki answers 8 MiB at most); a part keeps no text,
    and holds a document compared by value (MediaWiki re-formats JSON on save)."""
    from bot.pipeline.step5_data import Part, read_parts

    wiki = FakeWiki()
    doc = {"generator": export.GENERATOR, "version": 1, "part": 1, "of": 9, "rows": [{"title": "A <&>"}]}
    titles = [part(n) for n in range(1, 10)]
    for title in titles[:8]:
        wiki.put(title, json.dumps(doc, indent=4))
    before = wiki.requests
    read = read_parts(wiki, titles, 2 * 2**20)
    assert wiki.requests - before == 3 and read[titles[8]] is None
    first = read[titles[0]]
    assert isinstance(first, Part) and first.page.text == "" and first.ours and first.page.revid
    assert first.holds(json.loads(export.wiki_json(doc))) and not first.holds({**doc, "of": 10})
    wiki.put(titles[0], "not json")
    again = read_parts(wiki, titles[:1], 2 * 2**20)[titles[0]]
    assert again is not None and not again.ours and again.value is None and again.refusal("fix")


def test_a_part_the_wiki_will_not_create_changes_no_existing_part(config: Config, split_wiki: FakeWiki) -> None:
    """Parts to create are saved first: when the wiki refuses one (create protection, a missing
    right), no existing part has changed yet and the data page still lists the parts it held."""
    from bot.errors import PageProtected

    before = {t: p.text for t, p in split_wiki.pages.items() if t.startswith("Partnership tracker/data")}
    refused: list[str] = []
    save = split_wiki.save

    def refusing(title: str, text: str, base: Any, summary: str, *, content_model: str | None = None) -> Any:
        if base is None and title.startswith("Partnership tracker/data/"):
            refused.append(title)
            raise PageProtected(f"{title}: create-protected")
        return save(title, text, base, summary, content_model=content_model)

    split_wiki.save = refusing  # type: ignore[method-assign]
    for i in range(14, 40):  # more rows: more parts
        split_wiki.put(f"Org {i:02d}", org(i))
    run(split_wiki, small(config))
    assert refused
    after = {t: p.text for t, p in split_wiki.pages.items() if t.startswith("Partnership tracker/data")}
    assert after == before


def test_a_part_whose_retiring_save_conflicted_is_retired_by_the_next_pass(config: Config, tmp_path: Any) -> None:
    """The data page no longer lists a part once it is saved; a part whose retiring save then met
    an edit conflict still holds rows. The state remembers the parts the last build left, so the
    next pass retires it."""

    class Conflicting(FakeWiki):
        refuse: frozenset[str] = frozenset()

        def save(self, title: str, text: str, base: Any, summary: str, *, content_model: str | None = None) -> Any:
            if title in self.refuse:  # a person saved the page since the pass read it
                self.refuse -= {title}
                self.put(title, self.pages[title].text + " ", "Person")
                raise EditConflict(f"{title}: changed since revision {base.revid if base else 0}")
            return super().save(title, text, base, summary, content_model=content_model)

    wiki = Conflicting()
    for title, text in installed(pages(14)).pages.items():
        wiki.put(title, text.text, "Admin")
    with StateStore(tmp_path / "s.sqlite") as store:
        run(wiki, small(config), store)
        k = len(doc(wiki)["parts"])
        for i in range(8, 14):
            wiki.delete(f"Org {i:02d}")
        wiki.refuse = frozenset({part(k)})
        run(wiki, small(config), store)
        fewer = len(doc(wiki)["parts"])
        assert fewer < k and doc(wiki, part(k))["rows"], "its retiring save conflicted: rows left, no longer listed"
        run(wiki, small(config), store)
        assert doc(wiki, part(k)) == data_parts.retired_document()
        entry = store.published()
        assert entry is not None and part(k) not in entry[2], "retired: no longer the bot's, forgotten"
        wiki.saves.clear()
        run(wiki, small(config), store)
        assert not saved_titles(wiki)
        wiki.put(part(k), '{"nobots": true}', "Person")  # a person's page now: none of the bot's business
        wiki.put("Org 00", org(0).replace("free-content", "global-reach"))
        report = run(wiki, small(config), store)
        assert not report.errors and doc(wiki, part(k)) == {"nobots": True}


@given(st.sampled_from(["Partnership tracker/data.json", "Data", "X/y.json"]), st.integers(1, 10**6))
def test_a_parts_number_is_read_back_from_its_title(data: str, n: int) -> None:
    assert data_parts.part_number(data, data_parts.part_title(data, n)) == n
    for other in (data, f"{data}/0{n}", f"{data}/{n}/x", f"Other/{n}.json"):
        assert data_parts.part_number(data, other) is None
