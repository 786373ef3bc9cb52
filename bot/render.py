"""The summary page's table (contract §4 "Summary page"): results → rows → wikitext → (saved by
:mod:`bot.pipeline.step5_summary`). Pure: the as-of time comes in as an argument.

Three steps, as in openzim/wp1's ``tables.py``: :func:`build_rows` (data), :func:`render_table`
(wikitext), and :func:`replace_between_markers` (the page around it). Every value taken from a
partnership page is escaped by :func:`escape` so that no value can end the table or a cell,
transclude a template, add a link or category, inject HTML, expand a signature, trigger a magic
word or a magic link, or start a list, heading or indentation. A cell shows at most
:data:`CELL_CHARS` (500) characters of a value, cut before escaping, then "… (see the page)"
linking the partnership page; so a row has a bounded size whatever the page holds.

The rendered text between the markers looks like::

    <newline>
    Data as of 2026-11-25 12:00 UTC.
    Pages: 3 (1 complete, 2 incomplete). By status: active 2, proposed 1. By model: distribution 3.
    {| class="wikitable sortable"
    ! Partner !! Model !! … !! Page
    |-
    | Kiwix
    | Distribution
    …
    | [[:Kiwix offline distribution]]
    |}
    <newline>

Each data row starts with a line ``|-``; the header row has none, so :func:`count_rows` counts
data rows by the ``|-`` lines that are followed by a data cell.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot import markers
from bot.errors import SafetyStop
from bot.markers import END_MARKER as END_MARKER  # re-exported for this module's callers
from bot.markers import START_MARKER as START_MARKER
from bot.model import PageResult
from bot.tagging import tag_for
from bot.values import fold_enum

COLUMNS = (
    "Partner", "Model", "Goals", "Status", "Start", "End", "Complete", "Missing fields", "Invalid fields",
    "Last reviewed", "Page",
)  # fmt: skip

#: The one line that changes with the clock; :func:`differs_beyond_stamp` ignores it.
STAMP_LINE = re.compile(r"^Data as of \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\.$", re.MULTILINE)
#: The one bucket of the counts line for a page whose value is not a category: empty, a
#: placeholder (``tbd``) or invalid. Never folded or escaped like a value, and always listed last.
NOT_GIVEN = "not given or invalid"


@dataclass(frozen=True, slots=True)
class Row:
    """One partnership page as the table shows it; values as written on the page (comments gone)."""

    title: str
    partner: str
    model: str
    goals: str
    status: str
    start: str
    end: str
    complete: bool
    missing: tuple[str, ...]
    invalid: tuple[str, ...]
    problem: str | None
    last_reviewed: str


def build_rows(results: Iterable[PageResult]) -> list[Row]:
    """One row per result, ordered by partner (case-insensitive; the title when there is no
    partner), then by title. Missing/invalid fields and the problem are those of the page's tag
    (:func:`bot.tagging.tag_for`), so the table and the tags always agree."""
    rows = []
    for r in results:
        tag = tag_for(r)
        v = r.values
        rows.append(
            Row(
                title=r.title,
                partner=v.get("partner", ""),
                model=v.get("model", ""),
                goals=v.get("goals", ""),
                status=v.get("status", ""),
                start=v.get("start", ""),
                end=v.get("end", ""),
                complete=r.complete,
                missing=tag.missing if tag else (),
                invalid=tag.invalid if tag else (),
                problem=tag.problem if tag else None,
                last_reviewed=v.get("last_reviewed", ""),
            )
        )
    return sorted(rows, key=lambda row: (row.partner.casefold() or row.title.casefold(), row.title))


# --- escaping -------------------------------------------------------------------------------------

#: Characters always written as numeric entities. ``:`` stops free URLs (``http://``, ``mailto:``)
#: and namespace prefixes; ``!``/``|`` cell separators; ``'`` bold/italic; ``~`` signatures;
#: ``=`` headings and parameter names; ``*#;`` and ``-`` at line start are covered below.
_ENTITIES = {ch: f"&#{ord(ch)};" for ch in "&<>[]{}|~'=:!"}
_ENTITIES["&"] = "&amp;"
_ENTITIES["<"] = "&lt;"
_ENTITIES[">"] = "&gt;"
_SPECIAL = re.compile("[" + re.escape("".join(_ENTITIES)) + "]|_(?=_)|ISBN|RFC|PMID")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")
_LINE_START = frozenset("*#;:- +!")


def _entity(m: re.Match[str]) -> str:
    s = m.group(0)
    if s in _ENTITIES:
        return _ENTITIES[s]
    if s == "_":
        return "&#95;"
    return f"&#{ord(s[0])};{s[1:]}"  # ISBN → &#73;SBN: no longer a magic link


def escape(value: str) -> str:
    """``value`` as inert wikitext for one table cell: control characters and line breaks become
    spaces, surrounding whitespace goes, markup characters become entities (``__`` → ``&#95;_``,
    ``ISBN`` → ``&#73;SBN``), and a first character that means something at line start is an
    entity too. The browser shows the original text."""
    value = _CONTROL.sub(" ", value).strip()
    out = _SPECIAL.sub(_entity, value)
    if out and out[0] in _LINE_START:
        out = f"&#{ord(out[0])};{out[1:]}"
    return out


#: A table cell shows at most this many characters (code points) of a value, counted before
#: escaping; a longer value is cut and ends in "… (see the page)", a link to its page. Escaping
#: turns a character into at most 6 bytes (``&#123;``), so a cell holds at most about 3 KB.
CELL_CHARS = 500
#: The same bound for a value named in a counts line or a part's label in the index.
LABEL_CHARS = 100
ELLIPSIS = "…"


def shorten(value: str, limit: int) -> tuple[str, bool]:
    """``value`` (control characters as spaces, trimmed) cut to at most ``limit`` characters, and
    whether it was cut. The cut falls on a character boundary and keeps combining marks with their
    base character (both go); entities are produced only afterwards, by :func:`escape`."""
    value = _CONTROL.sub(" ", value).strip()
    if len(value) <= limit:
        return value, False
    cut = limit
    while cut > 0 and unicodedata.combining(value[cut]):
        cut -= 1
    return value[:cut].rstrip(), True


def label(value: str, limit: int = LABEL_CHARS) -> str:
    """``value`` shortened to ``limit`` characters and escaped, with an ellipsis when cut."""
    text, cut = shorten(value, limit)
    return escape(text) + (ELLIPSIS if cut else "")


def _link(title: str, label: str = "") -> str:
    """``[[:Title]]`` (``[[:Title|label]]``) with the title escaped (MediaWiki decodes entities in
    link targets; a title that cannot exist then shows as plain text). ``:`` stays so namespaces
    still resolve."""
    target = _CONTROL.sub(" ", title).strip()
    target = _SPECIAL.sub(lambda m: m.group(0) if m.group(0) == ":" else _entity(m), target)
    return f"[[:{target}|{label}]]" if label else f"[[:{target}]]"


def _cell(value: str, title: str) -> str:
    """One cell: the value escaped, cut to :data:`CELL_CHARS` with a link to the page ``title``."""
    short, cut = shorten(value, CELL_CHARS)
    text = escape(short)
    if cut:
        text += f"{ELLIPSIS} (see {_link(title, 'the page')})"
    return f"| {text}" if text else "|"


def _fields(fields: Sequence[str], problem: str | None = None) -> str:
    items = list(fields) + ([problem.replace("_", " ")] if problem else [])
    return ", ".join(items)


# --- rendering ------------------------------------------------------------------------------------


def _utc(as_of: dt.datetime) -> dt.datetime:
    """Naive datetimes are taken as UTC; aware ones are converted."""
    return as_of if as_of.tzinfo is None else as_of.astimezone(dt.UTC).replace(tzinfo=None)


def _tally(values: Iterable[str | None]) -> str:
    """``active 2, proposed 1, not given or invalid 1``: the values folded (:func:`fold_enum`) and
    counted, most named first by name; None (no usable value) counts once, in its own bucket."""
    counts = Counter(fold_enum(v) if v is not None else None for v in values)
    named = sorted(k for k in counts if k)
    lines = [f"{label(k)} {counts[k]}" for k in named]
    unusable = counts[None] + counts[""]
    if unusable:
        lines.append(f"{NOT_GIVEN} {unusable}")
    return ", ".join(lines) or "none"


def _valid(row: Row, field: str) -> str | None:
    """The row's value of ``field`` for the counts, or None when it is no category: empty, or
    listed by the page's tag as missing (a placeholder such as ``tbd``) or invalid."""
    value: str = getattr(row, field)
    return None if field in row.invalid or field in row.missing or not value.strip() else value


def summary_lines(rows: Sequence[Row], as_of: dt.datetime) -> list[str]:
    """The stamp line and the counts line above the table."""
    complete = sum(r.complete for r in rows)
    return [
        f"Data as of {_utc(as_of):%Y-%m-%d %H:%M} UTC.",
        f"Pages: {len(rows)} ({complete} complete, {len(rows) - complete} incomplete). "
        f"By status: {_tally(_valid(r, 'status') for r in rows)}. "
        f"By model: {_tally(_valid(r, 'model') for r in rows)}.",
    ]


def render_row(row: Row) -> list[str]:
    """The lines of one data row, starting with ``|-``; one cell per line, each value cut to
    :data:`CELL_CHARS` characters (:func:`shorten`)."""
    yes = 'data-sort-value="1" | yes' if row.complete else 'data-sort-value="0" | no'
    t = row.title
    return [
        "|-",
        _cell(row.partner, t),
        _cell(row.model, t),
        _cell(row.goals, t),
        _cell(row.status, t),
        _cell(row.start, t),
        _cell(row.end, t),
        f"| {yes}",
        _cell(_fields(row.missing), t),
        _cell(_fields(row.invalid, row.problem), t),
        _cell(row.last_reviewed, t),
        f"| {_link(t)}",
    ]


def render_table(rows: Sequence[Row], as_of: dt.datetime) -> str:
    """The text that goes between the markers: starts and ends with ``\\n``; the stamp line, the
    counts line, then the sortable table with one data row per row, in the order given. A page-level
    problem shows in the "Invalid fields" column (``multiple infoboxes``)."""
    lines = ["", *summary_lines(rows, as_of), '{| class="wikitable sortable"', "! " + " !! ".join(COLUMNS)]
    for row in rows:
        lines.extend(render_row(row))
    lines.extend(["|}", ""])
    return "\n".join(lines)


# --- the page around the table --------------------------------------------------------------------


def _marker_positions(page_text: str) -> tuple[int, int]:
    """(end of the start marker, start of the end marker) of the page's real markers
    (:mod:`bot.markers`); :class:`SafetyStop` naming the problem and the fix when they are not usable."""
    found = markers.find(page_text)
    if found.span is None:
        raise SafetyStop(
            f"summary page: {found.problem}; nothing was saved; restore them: {markers.MARKERS_FIX}; run again"
        )
    return found.span


def replace_between_markers(page_text: str, inner: str) -> str:
    """``page_text`` with everything between its real start and end markers (:mod:`bot.markers`)
    replaced by ``inner``; the markers and all text outside them stay byte-identical. Marker text
    that is not a real marker (inside ``<nowiki>``, a template, …) is ordinary text. Raises
    :class:`bot.errors.SafetyStop` (naming the marker and the fix) when a real marker is missing,
    duplicated, or they are out of order, or when ``inner`` would change which markers are real."""
    _marker_positions(page_text)
    out = markers.replace(page_text, inner)
    if out is None:
        raise SafetyStop("summary page: the new text would change the page's markers; nothing was saved")
    return out


def current_inner(page_text: str) -> str | None:
    """The text between the real markers now, or ``None`` when they are not usable."""
    return markers.between(page_text)


def count_rows(inner: str) -> int:
    """Data rows of the table in ``inner``: ``|-`` lines (leading blanks and row attributes allowed)
    whose next non-blank line is a data cell (``|`` but not ``|-``/``|}``/``|+``), so header rows
    are not counted whether or not a ``|-`` precedes them. Works on tables from earlier versions."""
    lines = [line.strip() for line in inner.splitlines()]
    lines = [line for line in lines if line]
    count = 0
    for i, line in enumerate(lines):
        if line.startswith("|-") and i + 1 < len(lines):
            nxt = lines[i + 1]
            if nxt.startswith("|") and not nxt.startswith(("|-", "|}", "|+")):
                count += 1
    return count


def differs_beyond_stamp(old_inner: str, new_inner: str) -> bool:
    """True when the two texts differ in anything but the "Data as of …" line."""
    return STAMP_LINE.sub("", old_inner) != STAMP_LINE.sub("", new_inner)


# --- reading a table back (helper C: issue 11 item 8) ---------------------------------------------

#: A Page cell as :func:`render_row` writes it: ``| [[:Title]]`` on a line of its own (no other
#: cell holds ``[[``: :func:`escape` turns brackets into entities).
_PAGE_CELL = re.compile(r"^[ \t]*\|[ \t]*\[\[:([^\[\]|\n]+)\]\][ \t]*$", re.MULTILINE)


def linked_titles(inner: str) -> list[str]:
    """The titles in the Page column of a table :func:`render_table` wrote, in table order: the
    inverse of :func:`_link` (its entities decoded). A row a person wrote in the same form counts
    too: an incremental pass asks the wiki about every title before its row may go."""
    return [html.unescape(m.group(1)).strip() for m in _PAGE_CELL.finditer(inner)]
