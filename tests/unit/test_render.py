"""The summary table (bot/render.py): rows from results, exact rendering (with the overview,
bot/overview.py) against expected-output files (tests/data/render/<id>.wiki, one in French),
display names and invalid values, escaping of hostile values, the markers, and property tests.

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
from bot.display import default_display
from bot.errors import SafetyStop
from bot.model import Finding, PageResult
from bot.overview import PassFigures, render_overview, trend
from bot.render import (
    CELL_CHARS,
    END_MARKER,
    OVERVIEW_CLOSE,
    OVERVIEW_OPEN,
    START_MARKER,
    Row,
    build_rows,
    count_rows,
    current_inner,
    differs_beyond_stamp,
    escape,
    linked_titles,
    render_row,
    render_table,
    replace_between_markers,
    shorten,
    sortable_table,
)
from bot.rules import Rules
from tests.conftest import AS_OF, EXAMPLES, ROOT

GOLDEN = ROOT / "tests" / "data" / "render"
T1 = dt.datetime(2026, 11, 25, 12, 0)
T2 = dt.datetime(2026, 11, 26, 3, 7, tzinfo=dt.UTC)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
STR_FIELDS = ("title", "partner", "model", "goals", "status", "start", "end", "last_reviewed", "agreement")
HISTORY = [
    PassFigures(dt.datetime(2026, 9, 3, 4, 0), 2, 0),
    PassFigures(dt.datetime(2026, 9, 30, 23, 0), 3, 1),
    PassFigures(dt.datetime(2026, 10, 31, 6, 0), 3, 1),
    PassFigures(dt.datetime(2026, 11, 2, 6, 0), 9, 9),  # this month: the table's own figures replace it
]
Q = "'" * 3  # wikitext bold
INVALID = '<span class="ptracker-invalid" style="color:#d33">{}</span> <small>(invalid)</small>'


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
        agreement="email",
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
            agreement="TBD",
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
            agreement="",
        ),
        row(
            "Museum of Nowhere",
            partner="Museum of Nowhere",
            model="Cultural",
            goals="free-content, world peace",
            status="ongoing",
            complete=False,
            missing=("metrics",),
            invalid=("goals", "status", "last_reviewed"),
            last_reviewed="2019-13",
            agreement="MOU",
        ),
    ],
    "hostile": [row(f"Title {value}", **{f: value for f in STR_FIELDS[1:]}) for value in HOSTILE],
}


# --- golden files ---------------------------------------------------------------------------------

#: (row set, language) of each expected file: tests/data/render/<set>[-<lang>].wiki
GOLDEN_CASES = [(name, "en") for name in sorted(ROW_SETS)] + [("three-pages", "fr")]


def main_page(rows: list[Row], as_of: dt.datetime = T1, lang: str = "en") -> str:
    """The main page's text between the markers: stamp, overview (with :data:`HISTORY`), table."""
    display = default_display(lang)
    months = trend(HISTORY, as_of, len(rows), sum(r.complete for r in rows))
    return render_table(rows, as_of, display, render_overview(rows, display, months))


@pytest.mark.parametrize(("name", "lang"), GOLDEN_CASES)
def test_render_matches_expected_file(name: str, lang: str) -> None:
    text = main_page(ROW_SETS[name], lang=lang)
    path = GOLDEN / (f"{name}.wiki" if lang == "en" else f"{name}-{lang}.wiki")
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
    assert count_rows(text) == len(ROW_SETS[name])


def test_render_layout_basics() -> None:
    rows = ROW_SETS["three-pages"]
    text = main_page(rows)
    assert text.startswith('\n<span class="ptracker-stamp">Data as of 2026-11-25 12:00 UTC.</span>\n')
    assert text.endswith("\n|}\n")
    assert '{| class="wikitable sortable"' in text
    assert "! Partner !! Model !! Goals !! Status !! Agreement !! Start !! End !! Complete !! Missing fields" in text
    assert "'''4 partnership pages''', 3 incomplete." in text and "1 of 4 complete (25%)" in text
    assert "| [[:Airtel Africa zero-rating|Airtel Africa]]\n" in text  # the partner links to its page
    assert "| [[:Google Summer of Code mentoring]]\n" in text  # no partner: the title
    assert "\n| Distribution\n" in text and "\n| Active\n" in text and "\n| Email\n" in text  # display names
    assert "\n| Dissemination, Global reach\n" in text
    assert "\n| TBD\n" in text  # a placeholder (listed as missing) is shown as written, not marked
    assert f"\n| Free content, {INVALID.format('world peace')}\n" in text  # only the bad item of a list
    assert f"\n| {INVALID.format('ongoing')}\n" in text
    assert "\n| Cultural\n" in text and "\n| Memorandum of understanding (MOU)\n" in text  # compared folded
    assert "| multiple infoboxes\n" in text
    assert f"\n| {INVALID.format('2019-13')}\n" in text  # a date the tag lists as invalid: marked too
    assert "\n| goals, status, last_reviewed\n" in text  # the field lists are never marked
    assert render_table([], T2).startswith('\n<span class="ptracker-stamp">Data as of 2026-11-26 03:07 UTC.</span>\n')
    assert linked_titles(text) == [r.title for r in rows]


def test_the_french_page_has_no_english_word() -> None:
    text = main_page(ROW_SETS["three-pages"], lang="fr")
    # (the rules' labels, "Active", "end date", are plain strings on the shipped rules page: every language)
    for word in ("Data as of", "! Partner", "Missing", "complete", "By status", "(invalid)", "| yes", "| no\n"):
        assert word not in text, word
    assert "Données au 2026-11-25 12:00 UTC." in text and "! Partenaire !! Modèle" in text
    assert "1 sur 4 complète (25 %)" in text and "<small>(invalide)</small>" in text
    assert "| plusieurs infobox\n" in text


# --- build_rows -----------------------------------------------------------------------------------


def test_build_rows_takes_values_and_tag_lists_and_sorts() -> None:
    results = [
        PageResult("Zed page", (Finding("metrics", "missing", "error", "m"),), {"partner": "beta", "status": "active"}),
        PageResult("alpha page", (Finding(None, "no_infobox", "error", "m"),)),
        PageResult("Other", (Finding("end", "date_order", "error", "m"),), {"partner": "Alpha", "end": "2019"}),
        PageResult(
            "Complete", (Finding("x", "unknown_param", "warning", "m"),), {"partner": "Beta", "agreement": "mou"}
        ),
    ]
    rows = build_rows(results)
    assert [r.title for r in rows] == ["Other", "alpha page", "Complete", "Zed page"]
    other, alpha, complete, zed = rows
    assert other.invalid == ("end",) and other.end == "2019" and not other.complete
    assert alpha.problem == "no_infobox" and alpha.partner == ""
    assert complete.complete and complete.missing == () and complete.invalid == () and complete.agreement == "mou"
    assert zed.missing == ("metrics",) and zed.status == "active"


def test_rows_from_example_corpus(rules: Rules) -> None:
    pages = sorted(EXAMPLES.glob("*.wiki"))
    results = [check_text(p.stem, p.read_text(encoding="utf-8"), rules, AS_OF) for p in pages]
    rows = build_rows(results)
    inner = main_page(rows)
    assert len(pages) == 49
    assert count_rows(inner) == 49
    assert sortable_table(inner).count("[[:") == 49
    assert sorted(linked_titles(inner)) == sorted(p.stem for p in pages)
    complete = sum(r.complete for r in results)
    assert f"'''49 partnership pages''', {49 - complete} incomplete." in inner
    assert f"{complete} of 49 complete ({100 * complete // 49}%)" in inner
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


_INVALID_PARTS = re.compile(r'<span class="ptracker-invalid" style="color:#d33">|</span> <small>\(invalid\)</small>')
_SEE_PAGE = re.compile(r"… \(\[\[:[^\[\]{}|<>\n]*\|see the page\]\]\)$")
_PARTNER = re.compile(r"\| \[\[:[^\[\]{}|<>\n]*(?:\|[^\[\]{}|<>\n]+)?\]\]")


def assert_only_our_markup(inner: str, rows: list[Row]) -> None:
    """Every line is ours: the stamp, the overview's block (when there is one), the table frame,
    ``|-`` row starts, cells ``| …``, the partner links; the invalid marks and "see the page" links
    are the only other markup; no ``{{``, ``__``, ``~~~``, ``<`` anywhere else and ``[[`` only in
    our links."""
    lines = inner.split("\n")
    assert lines[0] == "" and lines[-1] == ""
    assert re.fullmatch(r'<span class="ptracker-stamp">Data as of [-0-9: ]+ UTC\.</span>', lines[1]), lines[1]
    start = 2
    if lines[2] == OVERVIEW_OPEN:
        start = lines.index(OVERVIEW_CLOSE) + 1
    assert lines[start] == '{| class="wikitable sortable"' and lines[start + 1].startswith("! Partner !! ")
    body = lines[start + 2 : -2]
    assert lines[-2] == "|}"
    assert len(body) == 12 * len(rows)
    values = []
    for i, line in enumerate(body):
        if i % 12 == 0:
            assert line == "|-"
        elif i % 12 == 1:
            assert _PARTNER.fullmatch(line), line
            values.append(re.sub(r"^\| \[\[:[^|\]]*\|?|\]\]$", "", line))
        else:
            assert line == "|" or (line.startswith("| ") and not line.startswith("| -")), line
            cell = line[2:]
            if i % 12 == 8:
                assert cell in ('data-sort-value="1" | yes', 'data-sort-value="0" | no')
            else:
                cell = _SEE_PAGE.sub("", _INVALID_PARTS.sub("", cell))
                assert "|" not in cell and "!" not in cell and "[" not in cell, line
                values.append(cell)
    text = "\n".join([lines[1].removeprefix('<span class="ptracker-stamp">').removesuffix("</span>"), *values])
    for token in ("{{", "}}", "__", "~~~", "<", ">", "''", "{|", "|}", "[[", "]]"):
        assert token not in text, token
    assert sortable_table(inner).count("{|") == 1 and inner.count("|}") == inner.count("{|")
    # URL schemes only inside our [[:…]] link targets, where they are page titles, never free links
    outside_links = re.sub(r"\[\[:[^\n|\]]*", "", inner)
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
    older = "\nData as of 2026-11-25 12:00 UTC.\n" + old.replace("| 1 || 2", "| [[:Kiwix offline distribution]]")
    assert linked_titles(older) == ["Kiwix offline distribution"]  # the Page column of earlier versions


def test_count_rows_and_links_leave_the_overview_out() -> None:
    rows = ROW_SETS["three-pages"]
    inner = main_page(rows)
    assert inner.count("\n|-\n") > len(rows)  # the overview's tables have rows too
    assert count_rows(inner) == len(rows) and linked_titles(inner) == [r.title for r in rows]
    index = inner.split('{| class="wikitable sortable"')[0]  # a split table's main page: no table
    assert count_rows(index) == 0 and linked_titles(index) == []


def test_differs_beyond_stamp() -> None:
    rows = ROW_SETS["three-pages"]
    assert not differs_beyond_stamp(main_page(rows, T1), main_page(rows, T2))
    assert not differs_beyond_stamp(main_page(rows, T1, "fr"), main_page(rows, T2, "fr"))
    changed = [dataclasses.replace(rows[0], status="completed"), *rows[1:]]
    assert differs_beyond_stamp(main_page(rows, T1), main_page(changed, T1))
    assert differs_beyond_stamp(main_page(rows, T1), main_page(rows[:2], T2))
    old = "\nData as of 2026-11-20 08:00 UTC.\nX\n"  # the stamp line of earlier versions
    assert not differs_beyond_stamp(old, old.replace("20 08:00", "25 12:00"))
    assert differs_beyond_stamp(main_page(rows, T1), main_page(rows, dt.datetime(2026, 12, 1)))  # a new month


# --- properties -----------------------------------------------------------------------------------

FIELD_NAMES = ("model", "goals", "status", "agreement", "metrics", "end")
field_lists = st.lists(st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=10)), max_size=3).map(tuple)
#: Values the rules allow (in any case and spacing) and any text.
enum_text = st.one_of(
    st.sampled_from(["active", "Completed", " proposed ", "content", "Free_content", "mou", "tbd", ""]),
    st.text(max_size=10),
)
rows_strategy = st.lists(
    st.builds(
        Row,
        title=st.text(max_size=20),
        partner=st.text(max_size=20),
        model=enum_text,
        goals=st.one_of(enum_text, st.text(max_size=20)),
        status=enum_text,
        agreement=enum_text,
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
    inner = main_page(rows)
    assert count_rows(inner) == len(rows)
    assert sortable_table(inner).count("\n|-\n") == len(rows)
    assert_only_our_markup(inner, rows)


@SETTINGS
@given(rows=rows_strategy, before=st.text(max_size=50), after=st.text(max_size=50), old=st.text(max_size=50))
def test_replace_keeps_outside_text_identical(rows: list[Row], before: str, after: str, old: str) -> None:
    for part in (before, after, old):
        if START_MARKER in part or END_MARKER in part:
            return
    page = before + START_MARKER + old + END_MARKER + after
    inner = main_page(rows)
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
    assert not differs_beyond_stamp(main_page(rows, T1), main_page(rows, T2))
    changed = [dataclasses.replace(rows[0], partner=rows[0].partner + "x" + value), *rows[1:]]
    assert differs_beyond_stamp(main_page(rows, T1), main_page(changed, T2))


def _count_column(inner: str, caption: str) -> list[int]:
    """The "Pages" figures of the overview's table with this caption."""
    table = inner.split(f"|+ {caption}\n", 1)[1].split("\n|}", 1)[0]
    return [
        int(line.split(" || ")[1].replace(",", ""))
        for line in table.split("\n")
        if line.startswith("| ") and " || " in line
    ]


@SETTINGS
@given(rows=rows_strategy)
def test_overview_counts_add_up_to_the_tables_rows(rows: list[Row]) -> None:
    inner = main_page(rows)
    for caption in ("By status", "By model"):
        assert sum(_count_column(inner, caption)) == len(rows), caption
    complete = sum(r.complete for r in rows)
    assert f"{Q}{len(rows)} partnership page" in inner
    assert f"{complete} of {len(rows)} complete" in inner
    assert count_rows(inner) == len(rows)


def test_golden_directory_holds_only_known_sets() -> None:
    expected = {name if lang == "en" else f"{name}-{lang}" for name, lang in GOLDEN_CASES}
    assert {p.stem for p in Path(GOLDEN).glob("*.wiki")} == expected


# --- bounded cells --------------------------------------------------------------------------------


def test_a_long_value_is_cut_with_an_ellipsis_and_a_link_to_its_page() -> None:
    long = "Org " + "x" * 100_000
    lines = render_row(row("Huge & page", partner=long, start="{" * 600))
    partner, start = lines[1], lines[6]
    assert partner == f"| [[:Huge &amp; page|Org {'x' * (CELL_CHARS - 4)}…]]"  # the link's label is cut
    # cut before escaping: 500 whole entities, never half of one
    assert start == "| " + "&#123;" * CELL_CHARS + "… ([[:Huge &amp; page|see the page]])"
    assert render_row(row(partner="y" * CELL_CHARS))[1] == f"| [[:Kiwix offline distribution|{'y' * CELL_CHARS}]]"


def test_cut_keeps_combining_marks_with_their_base() -> None:
    value = "e" * (CELL_CHARS - 1) + "e\u0301" + "tail"
    text, cut = shorten(value, CELL_CHARS)
    assert cut and text == "e" * (CELL_CHARS - 1)


@SETTINGS
@given(value=st.text(min_size=0, max_size=1500), title=st.text(min_size=1, max_size=40))
def test_every_cell_is_bounded(value: str, title: str) -> None:
    lines = render_row(row(title, partner=value, goals=value, start=value))
    invalid = len(INVALID.format("").encode())
    for cell in (lines[1], lines[3], lines[6]):
        link = len("… ([[:|see the page]])".encode()) + 6 * len(title.encode())  # an escaped title
        assert len(cell.encode()) <= 2 + 6 * CELL_CHARS + link + invalid * (value.count(",") + 1)
        assert "\n" not in cell


def test_a_placeholder_or_invalid_value_is_no_category_of_its_own() -> None:
    """``tbd`` (a placeholder: the tag lists it as missing), an invalid value and an empty one are
    counted once together, never as a status or model named after the value."""
    rows = [
        row("A", status="active"),
        row("B", status="tbd", model="", missing=("status",), complete=False),
        row("C", status="invalid-value", model="nonsense", invalid=("model", "status"), complete=False),
        row("D", status=""),
    ]
    inner = main_page(rows)
    overview = inner.split(OVERVIEW_OPEN)[1].split(OVERVIEW_CLOSE)[0]
    assert "\n| Active || 1 || " in overview and "\n| Not given or invalid || 3 || " in overview
    assert "\n| Distribution || 2 || " in overview and "\n| Not given or invalid || 2 || " in overview
    assert "tbd" not in overview and "invalid-value" not in overview and "nonsense" not in overview
    assert INVALID.format("invalid-value") in inner and INVALID.format("nonsense") in inner  # in the table
