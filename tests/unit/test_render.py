"""The summary table (bot/render.py): rows from results, exact rendering against expected-output files
(tests/data/render/<id>.wiki), escaping of hostile values, the markers, and property tests.

Regenerate the expected files after a deliberate layout change with
``UPDATE_GOLDEN=1 .venv/bin/pytest tests/unit/test_render.py`` and review the diff."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import markers
from bot.check import check_text
from bot.errors import SafetyStop
from bot.model import Finding, PageResult
from bot.render import (
    CELL_CHARS,
    END_MARKER,
    LABEL_CHARS,
    START_MARKER,
    Row,
    build_rows,
    count_rows,
    current_inner,
    differs_beyond_stamp,
    escape,
    render_row,
    render_table,
    replace_between_markers,
    shorten,
    summary_lines,
)
from bot.rules import Rules
from tests.conftest import AS_OF, EXAMPLES, ROOT

GOLDEN = ROOT / "tests" / "data" / "render"
T1 = dt.datetime(2026, 11, 25, 12, 0)
T2 = dt.datetime(2026, 11, 26, 3, 7, tzinfo=dt.UTC)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
STR_FIELDS = ("title", "partner", "model", "goals", "status", "start", "end", "last_reviewed")


def row(title: str = "Kiwix offline distribution", **kw: object) -> Row:
    base = Row(
        title=title,
        partner="Kiwix",
        model="distribution",
        goals="dissemination, global-reach",
        status="active",
        start="2012-05",
        end="",
        complete=True,
        missing=(),
        invalid=(),
        problem=None,
        last_reviewed="2026-06-14",
    )
    return dataclasses.replace(base, **kw)  # type: ignore[arg-type]


HOSTILE = [
    "|}", "{{", "}}", "[[Category:X]]", "<script>alert(1)</script>", "__NOTOC__", "~~~~", "{{!}}", "</nowiki>",
    "{|", "!", "-", "'''bold'''", "<ref>x</ref>", "http://evil.example", "ISBN 978-3-16-148410-0",
    "a\nb", "* list", "= heading =", "&amp;", "RFC 1234", "PMID 12345", "mailto:x@example.org", "___x___",
]  # fmt: skip

ROW_SETS: dict[str, list[Row]] = {
    "empty": [],
    "three-pages": [
        row(),
        row(
            "Airtel Africa zero-rating",
            partner="Airtel Africa",
            model="mobile",
            goals="global-reach",
            status="terminated",
            start="2013-03",
            complete=False,
            missing=("agreement", "end", "lessons"),
            last_reviewed="",
        ),
        row(
            "Google Summer of Code mentoring",
            partner="",
            model="",
            goals="",
            status="",
            start="",
            complete=False,
            problem="multiple_infoboxes",
            last_reviewed="",
        ),
    ],
    "hostile": [row(f"Title {value}", **{f: value for f in STR_FIELDS[1:]}) for value in HOSTILE],
}


# --- golden files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ROW_SETS))
def test_render_matches_expected_file(name: str) -> None:
    text = render_table(ROW_SETS[name], T1)
    path = GOLDEN / f"{name}.wiki"
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
    assert count_rows(text) == len(ROW_SETS[name])


def test_render_layout_basics() -> None:
    text = render_table(ROW_SETS["three-pages"], T1)
    assert text.startswith("\nData as of 2026-11-25 12:00 UTC.\n")
    assert text.endswith("\n|}\n")
    assert '{| class="wikitable sortable"' in text
    assert "Pages: 3 (1 complete, 2 incomplete). By status: active 1, terminated 1, not given or invalid 1." in text
    assert "By model: distribution 1, mobile 1, not given or invalid 1." in text
    assert "[[:Airtel Africa zero-rating]]" in text
    assert render_table([], T2).startswith("\nData as of 2026-11-26 03:07 UTC.\n")


# --- build_rows -----------------------------------------------------------------------------------


def test_build_rows_takes_values_and_tag_lists_and_sorts() -> None:
    results = [
        PageResult("Zed page", (Finding("metrics", "missing", "error", "m"),), {"partner": "beta", "status": "active"}),
        PageResult("alpha page", (Finding(None, "no_infobox", "error", "m"),)),
        PageResult("Other", (Finding("end", "date_order", "error", "m"),), {"partner": "Alpha", "end": "2019"}),
        PageResult("Complete", (Finding("x", "unknown_param", "warning", "m"),), {"partner": "Beta"}),
    ]
    rows = build_rows(results)
    assert [r.title for r in rows] == ["Other", "alpha page", "Complete", "Zed page"]
    other, alpha, complete, zed = rows
    assert other.invalid == ("end",) and other.end == "2019" and not other.complete
    assert alpha.problem == "no_infobox" and alpha.partner == ""
    assert complete.complete and complete.missing == () and complete.invalid == ()
    assert zed.missing == ("metrics",) and zed.status == "active"


def test_rows_from_example_corpus(rules: Rules) -> None:
    pages = sorted(EXAMPLES.glob("*.wiki"))
    results = [check_text(p.stem, p.read_text(encoding="utf-8"), rules, AS_OF) for p in pages]
    rows = build_rows(results)
    inner = render_table(rows, T1)
    assert len(pages) == 49
    assert count_rows(inner) == 49
    assert inner.count("[[:") == 49
    complete = sum(r.complete for r in results)
    assert f"Pages: 49 ({complete} complete, {49 - complete} incomplete)." in inner
    page = f"Intro\n{START_MARKER}\nold\n{END_MARKER}\nOutro\n"
    assert current_inner(replace_between_markers(page, inner)) == inner


# --- escaping -------------------------------------------------------------------------------------

DANGER = re.compile(r"\{\{|\}\}|\[\[|\]\]|__|~~~|<|>|''|\{\||\|\}|https?:|ISBN|RFC|PMID|\n")


@pytest.mark.parametrize("value", HOSTILE)
def test_escape_makes_values_inert(value: str) -> None:
    out = escape(value)
    assert not DANGER.search(out), out
    assert "|" not in out and "!" not in out and "=" not in out
    assert not out.startswith(("-", "*", "#", ":", ";", " "))


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("field", STR_FIELDS)
def test_hostile_value_in_every_field_renders_harmlessly(field: str, value: str) -> None:
    rows = [row(**{field: value}), row("Second page")]
    inner = render_table(rows, T1)
    assert count_rows(inner) == 2
    assert_only_our_markup(inner, rows)


def test_hostile_values_in_field_lists() -> None:
    rows = [row(missing=("a|b", "}}"), invalid=("[[x]]",), problem="__NOTOC__", complete=False)]
    inner = render_table(rows, T1)
    assert count_rows(inner) == 1
    assert_only_our_markup(inner, rows)


def assert_only_our_markup(inner: str, rows: list[Row]) -> None:
    """Every line is ours: the stamp, counts, table frame, ``|-`` row starts, cells ``| …``, and
    the page links; no ``{{``, ``__``, ``~~~``, ``<`` anywhere and ``[[`` only in our links."""
    lines = inner.split("\n")
    assert lines[0] == "" and lines[-1] == ""
    assert lines[1].startswith("Data as of ") and lines[2].startswith("Pages: ")
    assert lines[3] == '{| class="wikitable sortable"' and lines[4].startswith("! Partner !! ")
    body = lines[5:-2]
    assert lines[-2] == "|}"
    assert len(body) == 12 * len(rows)
    for i, line in enumerate(body):
        if i % 12 == 0:
            assert line == "|-"
        elif i % 12 == 11:
            assert re.fullmatch(r"\| \[\[:[^\[\]{}|<>\n]*\]\]", line), line
        else:
            assert line == "|" or (line.startswith("| ") and not line.startswith("| -")), line
            cell = line[2:]
            if i % 12 == 7:
                assert cell in ('data-sort-value="1" | yes', 'data-sort-value="0" | no')
            else:
                assert "|" not in cell and "!" not in cell
    values = "\n".join([*lines[1:3], *body])
    for token in ("{{", "}}", "__", "~~~", "<", ">", "''", "{|", "|}"):
        assert token not in values, token
    assert inner.count("{|") == 1 and inner.count("|}") == 1
    assert inner.count("[[") == len(rows) == inner.count("]]")
    # URL schemes only inside our [[:…]] links, where they are page titles, never free links
    outside_links = re.sub(r"\[\[:[^\n]*\]\]", "", inner)
    assert not re.search(r"(?:https?|mailto):", outside_links)


# --- markers --------------------------------------------------------------------------------------

PAGE = f"Intro text\n{START_MARKER}\nold table\n{END_MARKER}\n[[Category:Kept]]\n"


def test_replace_between_markers_keeps_outside_text() -> None:
    out = replace_between_markers(PAGE, "\nNEW\n")
    assert out == f"Intro text\n{START_MARKER}\nNEW\n{END_MARKER}\n[[Category:Kept]]\n"
    assert current_inner(out) == "\nNEW\n"
    assert current_inner(PAGE) == "\nold table\n"


@pytest.mark.parametrize(
    ("page", "words"),
    [
        ("No markers at all", ["start marker", "missing", "end marker", "restore"]),
        (f"{START_MARKER}\ntable\n", ["end marker", "missing", "restore"]),
        (f"table\n{END_MARKER}\n", ["start marker", "missing"]),
        (f"{START_MARKER}\n{START_MARKER}\n{END_MARKER}", ["start marker", "2 times"]),
        (f"{START_MARKER}\n{END_MARKER}\n{END_MARKER}", ["end marker", "2 times"]),
        (f"{END_MARKER}\ntable\n{START_MARKER}\n", ["comes before", "start marker"]),
    ],
)
def test_broken_markers_stop_safely(page: str, words: list[str]) -> None:
    with pytest.raises(SafetyStop) as info:
        replace_between_markers(page, "\nx\n")
    for word in words:
        assert word in str(info.value)
    assert "nothing was saved" in str(info.value)
    assert current_inner(page) is None


def test_empty_inner_and_adjacent_markers() -> None:
    page = f"a{START_MARKER}{END_MARKER}b"
    assert current_inner(page) == ""
    assert replace_between_markers(page, "\nT\n") == f"a{START_MARKER}\nT\n{END_MARKER}b"


# --- count_rows and differs_beyond_stamp ----------------------------------------------------------


def test_count_rows_on_a_hand_edited_older_table() -> None:
    old = '\n{| class="wikitable sortable"\n|-\n! A !! B\n|- style="x"\n| 1 || 2\n|-\n|3\n| 4\n|-\n|}\n'
    assert count_rows(old) == 2
    assert count_rows("") == 0


def test_differs_beyond_stamp() -> None:
    rows = ROW_SETS["three-pages"]
    assert not differs_beyond_stamp(render_table(rows, T1), render_table(rows, T2))
    changed = [dataclasses.replace(rows[0], status="completed"), *rows[1:]]
    assert differs_beyond_stamp(render_table(rows, T1), render_table(changed, T1))
    assert differs_beyond_stamp(render_table(rows, T1), render_table(rows[:2], T2))


# --- properties -----------------------------------------------------------------------------------

field_lists = st.lists(st.text(max_size=10), max_size=3).map(tuple)
rows_strategy = st.lists(
    st.builds(
        Row,
        title=st.text(max_size=20),
        partner=st.text(max_size=20),
        model=st.text(max_size=10),
        goals=st.text(max_size=20),
        status=st.text(max_size=10),
        start=st.text(max_size=10),
        end=st.text(max_size=10),
        complete=st.booleans(),
        missing=field_lists,
        invalid=field_lists,
        problem=st.one_of(st.none(), st.text(max_size=10)),
        last_reviewed=st.text(max_size=10),
    ),
    max_size=6,
)


@SETTINGS
@given(rows=rows_strategy)
def test_any_text_in_any_field_stays_inside_its_cell(rows: list[Row]) -> None:
    inner = render_table(rows, T1)
    assert count_rows(inner) == len(rows)
    assert inner.count("\n|-\n") == len(rows)
    assert_only_our_markup(inner, rows)


@SETTINGS
@given(rows=rows_strategy, before=st.text(max_size=50), after=st.text(max_size=50), old=st.text(max_size=50))
def test_replace_keeps_outside_text_identical(rows: list[Row], before: str, after: str, old: str) -> None:
    for part in (before, after, old):
        if START_MARKER in part or END_MARKER in part:
            return
    page = before + START_MARKER + old + END_MARKER + after
    inner = render_table(rows, T1)
    if markers.find(page).span is None:  # e.g. old = "<!--": the end marker is inside a comment
        with pytest.raises(SafetyStop):
            replace_between_markers(page, inner)
        return
    out = replace_between_markers(page, inner)
    assert out == before + START_MARKER + inner + END_MARKER + after
    assert current_inner(out) == inner
    assert replace_between_markers(out, inner) == out


@SETTINGS
@given(rows=rows_strategy.filter(bool), value=st.text(min_size=1, max_size=10))
def test_only_a_row_change_counts_as_a_difference(rows: list[Row], value: str) -> None:
    assert not differs_beyond_stamp(render_table(rows, T1), render_table(rows, T2))
    changed = [dataclasses.replace(rows[0], partner=rows[0].partner + "x" + value), *rows[1:]]
    assert differs_beyond_stamp(render_table(rows, T1), render_table(changed, T2))


def test_golden_directory_holds_only_known_sets() -> None:
    assert {p.stem for p in Path(GOLDEN).glob("*.wiki")} == set(ROW_SETS)


# --- bounded cells --------------------------------------------------------------------------------


def test_a_long_value_is_cut_with_an_ellipsis_and_a_link_to_its_page() -> None:
    long = "Org " + "x" * 100_000
    lines = render_row(row("Huge & page", partner=long, goals="{" * 600))
    partner, goals = lines[1], lines[3]
    assert partner == f"| Org {'x' * (CELL_CHARS - 4)}… (see [[:Huge &amp; page|the page]])"
    # cut before escaping: 500 whole entities, never half of one
    assert goals == "| " + "&#123;" * CELL_CHARS + "… (see [[:Huge &amp; page|the page]])"
    assert render_row(row(partner="y" * CELL_CHARS))[1] == "| " + "y" * CELL_CHARS  # at the bound: whole


def test_cut_keeps_combining_marks_with_their_base() -> None:
    value = "e" * (CELL_CHARS - 1) + "e\u0301" + "tail"
    text, cut = shorten(value, CELL_CHARS)
    assert cut and text == "e" * (CELL_CHARS - 1)


@SETTINGS
@given(value=st.text(min_size=0, max_size=1500), title=st.text(min_size=1, max_size=40))
def test_every_cell_is_bounded(value: str, title: str) -> None:
    lines = render_row(row(title, partner=value, goals=value))
    for cell in (lines[1], lines[3]):
        link = len("… (see [[:|the page]])".encode()) + 6 * len(title.encode())  # an escaped title
        assert len(cell.encode()) <= 2 + 6 * CELL_CHARS + link
        assert "\n" not in cell


def test_counts_line_values_are_bounded() -> None:
    rows = [row(f"T{i}", status="s" * 10_000 + str(i)) for i in range(3)]
    counts = render_table(rows, T1).split("\n")[2]
    assert len(counts) < 3 * (LABEL_CHARS + 10) + 200


def test_a_placeholder_or_invalid_value_is_no_category_of_its_own() -> None:
    """``tbd`` (a placeholder: the tag lists it as missing), an invalid value and an empty one are
    counted once together, never as a status or model named after the value."""
    rows = [
        row("A", status="active"),
        row("B", status="tbd", model="", missing=("status",), complete=False),
        row("C", status="invalid-value", model="nonsense", invalid=("model", "status"), complete=False),
        row("D", status=""),
    ]
    counts = summary_lines(rows, T1)[1]
    assert "By status: active 1, not given or invalid 3." in counts
    assert "By model: distribution 2, not given or invalid 2." in counts
    assert "tbd" not in counts and "invalid-value" not in counts and "nonsense" not in counts
