"""The export (bot.export): the summary table's rows with their findings as CSV and JSON. Checked
against expected-output files (tests/data/export/), and for any results: one record per row of the
table, in its order, the same by both formats, deterministic."""

from __future__ import annotations

import csv
import io
import json
import os

from hypothesis import given
from hypothesis import strategies as st

from bot import export
from bot.model import Finding, PageResult
from bot.render import build_rows
from tests.conftest import ROOT

EXPECTED = ROOT / "tests" / "data" / "export"

RESULTS = [
    PageResult(
        "Kiwix offline distribution",
        (),
        {"partner": "Kiwix", "model": "distribution", "goals": "access, offline", "status": "active",
         "start": "2024-01-01", "last_reviewed": "2026-06-01"},
    ),
    PageResult(
        "Ada & <Friends>",
        (
            Finding("metrics", "missing", "error", "metrics is missing"),
            Finding("start", "invalid_date", "error", 'start "01/02/2024" is not a date (write YYYY-MM-DD)'),
            Finding("status", "placeholder", "error", 'status is a placeholder ("TBD")'),
            Finding("website", "unknown_param", "warning", "website is not a parameter of the infobox"),
        ),
        {"partner": 'Ada "Lovelace", Ltd; <b>', "model": "content", "status": "TBD", "start": "01/02/2024",
         "goals": "línea 1\nline 2"},
    ),
    PageResult("Zebra page", (Finding(None, "multiple_infoboxes", "error", "the page has 2 infoboxes"),), {}),
]  # fmt: skip


def test_csv_matches_the_expected_file() -> None:
    text = export.to_csv(RESULTS)
    expected = EXPECTED / "expected.csv"
    if os.environ.get("REGENERATE_EXPECTED"):
        expected.write_bytes(text.encode("utf-8"))
    assert text == expected.read_bytes().decode("utf-8")


def test_json_matches_the_expected_file() -> None:
    text = export.to_json(export.data_document(RESULTS))
    expected = EXPECTED / "expected.json"
    if os.environ.get("REGENERATE_EXPECTED"):
        expected.write_text(text, encoding="utf-8")
    assert text == expected.read_text(encoding="utf-8")


def test_the_wiki_text_holds_the_same_document_with_markup_escaped() -> None:
    """As MediaWiki stores JSON: tab indent, ``<``, ``>``, ``&`` as ``\\u003C``… (never raw)."""
    doc = export.data_document(RESULTS)
    text = export.wiki_json(doc)
    assert json.loads(text) == doc and export.same_data(text, doc) and export.is_ours(text)
    assert '\n\t"generator": ' in text and not any(c in text for c in "<>&")
    assert "\\u003Cb\\u003E" in text


def test_not_the_bots_document() -> None:
    for text in ("", "not json", "[]", '{"nobots": true}', '{"generator": "someone else"}'):
        assert not export.is_ours(text), text
        assert not export.same_data(text, export.data_document([]))


findings = st.lists(
    st.builds(
        Finding,
        st.one_of(st.none(), st.sampled_from(["metrics", "goals", "start", "status"])),
        st.sampled_from(["missing", "invalid_value", "placeholder", "stale"]),
        st.sampled_from(["error", "warning"]),
        st.text(max_size=20),
    ),
    max_size=4,
).map(tuple)
values = st.dictionaries(st.sampled_from(["partner", "model", "status", "goals", "start"]), st.text(max_size=12))
results_st = st.lists(st.builds(PageResult, st.text(min_size=1, max_size=12), findings, values), max_size=8).map(
    lambda rs: list({r.title: r for r in rs}.values())  # titles are unique on a wiki
)


@given(results_st)
def test_one_record_per_table_row_in_the_tables_order(results: list[PageResult]) -> None:
    rows = build_rows(results)
    doc = export.data_document(results)
    assert [r["title"] for r in doc["rows"]] == [row.title for row in rows]
    assert doc["pages"] == len(rows) and doc["complete"] == sum(row.complete for row in rows)
    table = list(csv.reader(io.StringIO(export.to_csv(results), newline="")))
    assert table[0] == list(export.COLUMNS)
    assert [line[0] for line in table[1:]] == [row.title for row in rows]
    assert [line[7] for line in table[1:]] == ["yes" if row.complete else "no" for row in rows]
    by_title = {r.title: r for r in results}
    for record in doc["rows"]:
        assert record["finding_codes"] == [export.finding_code(f) for f in by_title[record["title"]].findings]
    assert export.to_csv(list(reversed(results))) == export.to_csv(results), "deterministic, whatever the order"
    assert json.loads(export.to_json(doc)) == doc
    assert export.table_rows(results, rows) == export.table_rows(results), "the plan's rows shared, the same table"
