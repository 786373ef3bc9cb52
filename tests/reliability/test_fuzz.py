"""Issue 6, part 3: fuzzing (Hypothesis) over parsing, validation, tagging and rendering, seeded
from the example corpus, and the rendered table parsed by the real wiki (``action=parse``).

Already covered elsewhere and not repeated: tag/untag round trips on hand-made fragments
(tests/unit/test_tagging.py), escaping of a fixed hostile list and table layout
(tests/unit/test_render.py), parse determinism (tests/unit/test_properties.py), a bot pass over
hostile values (tests/wiki/test_bot_run.py). Here the whole pipeline runs on mutated real pages,
and arbitrary Unicode goes through the real parser.

Atheris is not used: the pipeline is pure Python with no native parser to instrument, and
Hypothesis' structured generation (seeded from the corpus) reaches the interesting inputs sooner
than byte-level mutation would."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import unicodedata
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.model import PageSnapshot
from bot.parse import find_infobox, name_set
from bot.plan import Policy, decide
from bot.render import END_MARKER, START_MARKER, Row, build_rows, count_rows, render_table
from bot.rules import Rules, load_rules
from bot.tagging import find_tag, retag, tag_for
from bot.validate import check_page
from bot.values import fold_enum
from tests.conftest import EXAMPLES
from tests.wiki.api import WikiApi

from . import counters
from .tag_calls import tag_calls_only_change

FULL = os.environ.get("RELIABILITY_FULL") == "1"
T = "Partnership incomplete"
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
BOT = "PartnershipBot"
RULES: Rules = load_rules()
NAMES = name_set((RULES.infobox_name, *RULES.aliases))
POLICY = Policy(T, BOT, 30, "User:PartnershipBot/Shutoff")
PIPELINE = settings(
    max_examples=3000 if FULL else 150,
    deadline=None,
    derandomize=not FULL,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ON_WIKI = settings(
    max_examples=300 if FULL else 20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)

EXAMPLE_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.wiki"))]
FIELDS = [*RULES.params, "Metrics", "1", "unknown field", "partner "]
HOSTILE = [
    "{{", "}}", "[[", "]]", "|", "=", "{|", "|}", "|-", "!", "<!--", "-->", "<nowiki>", "</nowiki>", "<pre>",
    "<ref>", "</ref>", "\n", "\r\n", "\t", " ", "\x00", "\u200f", "\u2028", "\ufeff", "é", "😀", "TBD", "None known",
    "[[Category:Injected]]", "{{Partnership incomplete|missing=goals}}", "\n{{Partnership incomplete}}\n",
    "{{Partnership infobox", START_MARKER, END_MARKER, "__NOTOC__", "~~~~", "ISBN 0-306-40615-2", "RFC 1234",
    "http://example.org", "[http://x.org y]", "'''", "<script>", "&amp;", "&#124;", "{{!}}", "#REDIRECT [[X]]",
    "{{nobots}}", "{{bots|deny=all}}", "-{zh:x}-", "<includeonly>", "</noinclude>", "{{{1}}}",
]  # fmt: skip
hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=8)), max_size=12).map("".join)
values = st.one_of(st.text(max_size=40), hostile_text)


@st.composite
def mutated_pages(draw: st.DrawFn) -> str:
    """An example page with some infobox values replaced or added, and hostile text spliced in."""
    text = draw(st.sampled_from(EXAMPLE_TEXTS))
    for _ in range(draw(st.integers(0, 3))):
        field, value = draw(st.sampled_from(FIELDS)), draw(values)
        line = re.compile(rf"^\|\s*{re.escape(field)}\s*=.*$", re.MULTILINE)
        if line.search(text) and draw(st.booleans()):
            replacement = f"| {field} = {value}"
            text = line.sub(lambda _m: replacement, text, count=1)  # noqa: B023 (used at once)
        else:
            at = text.find("{{Partnership infobox")
            at = text.find("\n", at) if at >= 0 else -1
            if at >= 0:
                text = text[: at + 1] + f"| {field} = {value}\n" + text[at + 1 :]
    for _ in range(draw(st.integers(0, 2))):
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(hostile_text) + text[cut:]
    return text


def snapshot(text: str, user: str = "Editor") -> PageSnapshot:
    return PageSnapshot("Fuzzed page", 100, NOW - dt.timedelta(days=400), text, user, False, 1)


def assert_pipeline(text: str) -> None:
    counters.add("fuzz_cases")
    result = check_page("Fuzzed page", find_infobox(text, NAMES), RULES, NOW.date())
    assert result == check_page("Fuzzed page", find_infobox(text, NAMES), RULES, NOW.date())
    assert result.complete == (tag_for(result) is None)
    decision = decide(snapshot(text), result, POLICY, None, False, NOW)
    found = find_tag(text, T)
    wanted = tag_for(result)
    if found is None and wanted is not None:
        # tag-then-untag gives the original back, byte for byte
        assert retag(retag(text, wanted, T), None, T) == text
    if decision.edit is not None and wanted is not None:
        after = find_tag(decision.edit.text, T)
        assert after is not None and after.tag == wanted and (found is None or after.start <= found.start)
    # Pass after pass, the bot changes tag calls and nothing else, and soon has nothing to do (a
    # tag removed from an infobox value can change the findings once).
    steps, limit = 0, 1 + text.count("{{Partnership incomplete")
    while decision.edit is not None:
        new, steps = decision.edit.text, steps + 1
        problem = tag_calls_only_change(text, new)
        assert problem is None, problem
        assert steps <= limit, "the bot does not converge"
        text = new
        result = check_page("Fuzzed page", find_infobox(text, NAMES), RULES, NOW.date())
        decision = decide(snapshot(text, BOT), result, POLICY, decision.memory, False, NOW)
    inner = render_table(build_rows([result]), NOW)
    assert count_rows(inner) == 1


@PIPELINE
@given(text=mutated_pages())
def test_pipeline_on_mutated_example_pages(text: str) -> None:
    assert_pipeline(text)


@PIPELINE
@given(text=st.text(max_size=300), prefix=st.sampled_from(["", "{{Partnership infobox|partner=", "| metrics = "]))
def test_pipeline_on_any_unicode(text: str, prefix: str) -> None:
    assert_pipeline(prefix + text)


# --- the real wiki's parser ----------------------------------------------------------------------

TITLE_CHARS = st.characters(categories=("L", "N"), exclude_characters="ªºˆ˜") | st.sampled_from(
    list("-.,!?'()&=+@$*^\"é")
)
NAMESPACES = ["", "Help:", "Category:", "File:", "Template:", "User:", "Dev Wiki:"]


@st.composite
def titles(draw: st.DrawFn) -> str:
    """A title as the wiki gives it: canonical form (capital first letter, single spaces, NFC),
    none of the characters a title may not hold (no ``;``: ``&x;`` is not a valid title)."""
    words = draw(st.lists(st.text(TITLE_CHARS, min_size=1, max_size=8), min_size=1, max_size=3))
    name = " ".join(words)
    first = draw(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return unicodedata.normalize("NFC", draw(st.sampled_from(NAMESPACES)) + first + name)


field_lists = st.lists(st.one_of(st.text(max_size=10), st.sampled_from(HOSTILE)), max_size=3).map(tuple)
rows_strategy = st.lists(
    st.builds(
        Row,
        title=titles(),
        partner=values,
        model=values,
        goals=values,
        status=values,
        start=values,
        end=values,
        complete=st.booleans(),
        missing=field_lists,
        invalid=field_lists,
        problem=st.one_of(st.none(), values),
        last_reviewed=values,
        agreement=st.one_of(values, st.sampled_from(["email", "MOU", " Project plan ", "tbd"])),
    ),
    min_size=1,
    max_size=5,
    unique_by=lambda r: r.title,
)


class TableReader(HTMLParser):
    """Rows and cell texts of every table in the parser's HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables = 0
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables += 1
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")
_NONCHAR = re.compile("[\ufffe\uffff\U0001fffe\U0001ffff\U0010fffe\U0010ffff]")


def shown(value: str) -> str:
    """What a reader should see in the cell: the value itself, as MediaWiki stores any input
    (NFC, non-characters replaced), with line breaks and control characters as spaces."""
    value = _NONCHAR.sub("\ufffd", unicodedata.normalize("NFC", value))
    return " ".join(_CONTROL.sub(" ", value).split())


def visible(cell: str) -> str:
    """A cell's text as shown (the HTML parser already decoded character references)."""
    return " ".join(cell.split())


#: The display names of the enumerated fields, by folded value (the rules' value labels).
NAMES_SHOWN = {
    name: {fold_enum(v): text for v, text in RULES.params[name].value_labels}
    for name in ("model", "goals", "status", "agreement")
}


def _enum_cell(row: Row, name: str) -> str:
    """An enumerated value as the table shows it: its display name, else as written and "(invalid)";
    as written when the tag lists the field as missing; each item of ``goals`` alone."""
    value: str = getattr(row, name)
    if name in row.missing or not shown(value):
        return shown(value)
    items = [i for i in _CONTROL.sub(" ", value).split(",") if i.strip()] if name == "goals" else [value]
    out = []
    for item in items:
        known = NAMES_SHOWN[name].get(fold_enum(_CONTROL.sub(" ", item)))
        invalid = name in row.invalid and name != "goals"
        out.append(known if known is not None and not invalid else f"{shown(item)} (invalid)")
    return ", ".join(out)


def _plain_cell(row: Row, name: str) -> str:
    """A value that is not enumerated (a date): as written, with "(invalid)" when the tag lists it so."""
    value = shown(getattr(row, name))
    return f"{value} (invalid)" if value and name in row.invalid and name not in row.missing else value


def expected_cells(row: Row) -> list[str]:
    fields = ", ".join(row.missing)
    invalid = ", ".join([*row.invalid, *([row.problem.replace("_", " ")] if row.problem else [])])
    return [
        shown(row.partner) or shown(row.title),
        _enum_cell(row, "model"),
        _enum_cell(row, "goals"),
        _enum_cell(row, "status"),
        _enum_cell(row, "agreement"),
        _plain_cell(row, "start"),
        _plain_cell(row, "end"),
        "yes" if row.complete else "no",
        shown(fields),
        shown(invalid),
        _plain_cell(row, "last_reviewed"),
    ]


@pytest.fixture(scope="module")
def parse_api(rel_admin: WikiApi) -> WikiApi:
    return rel_admin


@ON_WIKI
@given(rows=rows_strategy)
def test_any_value_renders_into_exactly_the_expected_table(parse_api: WikiApi, rows: list[Row]) -> None:
    """Any Unicode or markup in any field: the wiki's parser sees one table with one header row
    and one row per page, each cell showing the value as written, and no category, template,
    external link, image or interwiki link; the only links are the rows' page links."""
    counters.add("fuzz_cases")
    inner = render_table(rows, NOW)
    page = f"Intro.\n{START_MARKER}{inner}{END_MARKER}\nOutro."
    data = parse_api.parse(
        page, "Partnership tracker", prop="text|categories|templates|links|externallinks|images|iwlinks|langlinks"
    )
    assert data["categories"] == [] and data["templates"] == [] and data["images"] == []
    assert data["externallinks"] == [] and data["iwlinks"] == [] and data["langlinks"] == []
    assert sorted(link["title"] for link in data["links"]) == sorted(r.title for r in rows)
    reader = TableReader()
    reader.feed(data["text"])
    assert reader.tables == 1
    assert len(reader.rows) == len(rows) + 1
    header, body = reader.rows[0], reader.rows[1:]
    assert len(header) == 11
    for row, cells in zip(rows, body, strict=True):
        assert [visible(c) for c in cells] == expected_cells(row)


def test_rows_of_the_examples_parse_on_the_wiki(parse_api: WikiApi) -> None:
    """The 49 example pages' rows (values as real editors write them), in one table."""
    results = [
        check_page(f"Example {i}", find_infobox(text, NAMES), RULES, NOW.date()) for i, text in enumerate(EXAMPLE_TEXTS)
    ]
    rows = [dataclasses.replace(r, title=f"Example {i}") for i, r in enumerate(build_rows(results))]
    inner = render_table(rows, NOW)
    data = parse_api.parse(inner, "Partnership tracker")
    reader = TableReader()
    reader.feed(data["text"])
    assert len(reader.rows) == len(rows) + 1 and data["categories"] == [] and data["templates"] == []
    counters.add("fuzz_cases")
