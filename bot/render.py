"""The summary page's table (contract §4 "Summary page"): results → rows → wikitext → (saved by
:mod:`bot.pipeline.step5_summary`). Pure: the as-of time comes in as an argument; every word comes
from the catalogs (``ptracker-summary-*``) in the wiki's language, through a
:class:`bot.display.Display`.

Three steps, as in openzim/wp1's ``tables.py``: :func:`build_rows` (data), :func:`render_table`
(wikitext), and :func:`replace_between_markers` (the page around it). Every value taken from a
partnership page is escaped by :func:`escape` so that no value can end the table or a cell,
transclude a template, add a link or category, inject HTML, expand a signature, trigger a magic
word or a magic link, or start a list, heading or indentation. A cell shows at most
:data:`CELL_CHARS` (500) characters of a value, cut before escaping, then "… (see the page)"
linking the partnership page; so a row has a bounded size whatever the page holds.

The rendered text between the markers looks like (the overview, :mod:`bot.overview`, only on the
main page)::

    <newline>
    <span class="ptracker-stamp">Data as of 2026-11-25 12:00 UTC.</span>
    <div class="ptracker-overview">…counts, bars, fields, trend…</div>
    {| class="wikitable sortable"
    ! Partner !! Model !! … !! Last reviewed
    |-
    | [[:Kiwix offline distribution|Kiwix]]
    | Distribution
    …
    |}
    <newline>

The partner's name links to its page (the title when there is no partner). Model, goals, status
and agreement show by their display names (:meth:`bot.display.Display.value`); a value that is not
allowed shows as written, marked invalid. Each data row starts with a line ``|-``; the header row
has none, so :func:`count_rows` counts data rows by the ``|-`` lines that are followed by a data
cell, in the sortable table only.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot import markers
from bot.display import Display, default_display
from bot.errors import SafetyStop
from bot.markers import END_MARKER as END_MARKER  # re-exported for this module's callers
from bot.markers import START_MARKER as START_MARKER
from bot.model import PageResult
from bot.tagging import tag_for

#: The table's columns, in order: each header is the message ``ptracker-summary-col-<name>``.
COLUMNS = (
    "partner", "model", "goals", "status", "agreement", "start", "end", "complete", "missing", "invalid",
    "reviewed",
)  # fmt: skip
#: The columns whose cells are ISO dates (the browser tests sort them by date).
DATE_COLUMNS = ("start", "end", "reviewed")

#: The lines that open and close the overview (:mod:`bot.overview`) between the markers.
OVERVIEW_OPEN = '<div class="ptracker-overview">'
OVERVIEW_CLOSE = "</div><!-- ptracker-overview -->"
#: The one line that changes with the clock; :func:`differs_beyond_stamp` ignores it (in any
#: language: the message is inside this span; the English line of earlier versions too).
STAMP_OPEN = '<span class="ptracker-stamp">'
STAMP_LINE = re.compile(
    r'^(?:<span class="ptracker-stamp">[^\n<>]*</span>|Data as of \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\.)$', re.MULTILINE
)


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
    agreement: str = ""


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
                agreement=v.get("agreement", ""),
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
#: The same bound for a part's label in the index of a split table.
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


def link(title: str, label: str = "") -> str:
    """``[[:Title]]`` (``[[:Title|label]]``) with the title escaped (MediaWiki decodes entities in
    link targets; a title that cannot exist then shows as plain text). ``:`` stays so namespaces
    still resolve."""
    target = _CONTROL.sub(" ", title).strip()
    target = _SPECIAL.sub(lambda m: m.group(0) if m.group(0) == ":" else _entity(m), target)
    return f"[[:{target}|{label}]]" if label else f"[[:{target}]]"


def _cell(row: Row, name: str, display: Display, value: str | None = None) -> str:
    """One cell of field ``name``: the value (the row's, else ``value``, a list of field names) cut
    to :data:`CELL_CHARS` with a link to the row's page, escaped, shown by its display name and
    marked when invalid (:meth:`bot.display.Display.value`)."""
    own = value is None  # the row's own value: shown by its display name, marked when invalid
    raw: str = getattr(row, name) if value is None else value
    short, cut = shorten(raw, CELL_CHARS)
    text = display.value(name, short, escape, missing=own and name in row.missing, invalid=own and name in row.invalid)
    if cut:
        text += f"{ELLIPSIS} ({link(row.title, display.text('see-page'))})"
    return f"| {text}" if text else "|"


def _partner_cell(row: Row) -> str:
    """The partner's name (the title when there is none) as a link to the row's page; a long name
    is cut to :data:`CELL_CHARS` with an ellipsis inside the link."""
    text = label(row.partner, CELL_CHARS)  # "" when the partner is blank: never ``[[:Title|]]``
    return f"| {link(row.title, text)}" if text else f"| {link(row.title)}"


def _fields(display: Display, fields: Sequence[str], problem: str | None = None) -> str:
    """The field names, and a page-level problem by its message (its code, spaced, when unknown)."""
    items = list(fields)
    if problem:
        key = f"ptracker-summary-problem-{problem}"
        known = key in display.messages.catalogs.by_lang["en"]
        items.append(display.messages.text(key) if known else problem.replace("_", " "))
    return ", ".join(items)


# --- rendering ------------------------------------------------------------------------------------


def _utc(as_of: dt.datetime) -> dt.datetime:
    """Naive datetimes are taken as UTC; aware ones are converted."""
    return as_of if as_of.tzinfo is None else as_of.astimezone(dt.UTC).replace(tzinfo=None)


def stamp_line(as_of: dt.datetime, display: Display) -> str:
    """The line that says when the data was read (ignored by :func:`differs_beyond_stamp`)."""
    return f"{STAMP_OPEN}{display.text('stamp', f'{_utc(as_of):%Y-%m-%d %H:%M} UTC')}</span>"


def column_names(display: Display) -> list[str]:
    """The headers of :data:`COLUMNS` in the display's language."""
    return [display.text(f"col-{name}") for name in COLUMNS]


def render_row(row: Row, display: Display | None = None) -> list[str]:
    """The lines of one data row, starting with ``|-``; one cell per line, each value cut to
    :data:`CELL_CHARS` characters (:func:`shorten`)."""
    d = display or default_display()
    yes = f'data-sort-value="1" | {d.text("yes")}' if row.complete else f'data-sort-value="0" | {d.text("no")}'
    return [
        "|-",
        _partner_cell(row),
        _cell(row, "model", d),
        _cell(row, "goals", d),
        _cell(row, "status", d),
        _cell(row, "agreement", d),
        _cell(row, "start", d),
        _cell(row, "end", d),
        f"| {yes}",
        _cell(row, "missing", d, _fields(d, row.missing)),
        _cell(row, "invalid", d, _fields(d, row.invalid, row.problem)),
        _cell(row, "last_reviewed", d),
    ]


def render_table(rows: Sequence[Row], as_of: dt.datetime, display: Display | None = None, overview: str = "") -> str:
    """The text that goes between the markers: starts and ends with ``\\n``; the stamp line, the
    ``overview`` (lines of :func:`bot.overview.render_overview`, main page only; "" for none), then
    the sortable table with one data row per row, in the order given. A page-level problem shows in
    the "Invalid fields" column (``multiple infoboxes``)."""
    d = display or default_display()
    lines = ["", stamp_line(as_of, d)]
    if overview:
        lines.append(overview)
    lines += ['{| class="wikitable sortable"', "! " + " !! ".join(column_names(d))]
    for row in rows:
        lines.extend(render_row(row, d))
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


def sortable_table(inner: str) -> str:
    """The part of ``inner`` from its first sortable table's opening line (``{|`` with ``sortable``)
    to the first ``|}`` line after it (the rest of the text when there is none). The overview's
    block (:data:`OVERVIEW_OPEN` to :data:`OVERVIEW_CLOSE`, lines no value can write) is left out
    first; a text without a sortable table is returned whole, less that block."""
    lines = inner.split("\n")
    if OVERVIEW_OPEN in lines:  # the overview's own tables (render_table writes it before the table)
        start = lines.index(OVERVIEW_OPEN)
        end = lines.index(OVERVIEW_CLOSE, start) if OVERVIEW_CLOSE in lines[start:] else len(lines) - 1
        lines = lines[:start] + lines[end + 1 :]
    for i, line in enumerate(lines):
        if line.lstrip().startswith("{|") and "sortable" in line:
            for j in range(i + 1, len(lines)):
                if lines[j].strip().startswith("|}"):
                    return "\n".join(lines[i : j + 1])
            return "\n".join(lines[i:])
    return "\n".join(lines)


def count_rows(inner: str) -> int:
    """Data rows of the sortable table in ``inner`` (:func:`sortable_table`): ``|-`` lines (leading
    blanks and row attributes allowed) whose next non-blank line is a data cell (``|`` but not
    ``|-``/``|}``/``|+``), so header rows are not counted whether or not a ``|-`` precedes them.
    Works on tables from earlier versions."""
    lines = [line.strip() for line in sortable_table(inner).splitlines()]
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

#: A cell that is one link to a page, on a line of its own: the Partner cell as :func:`render_row`
#: writes it (``| [[:Title|Partner]]``, ``| [[:Title]]`` without a partner) and the Page column of
#: earlier versions (``| [[:Title]]``). No other cell starts with ``[[``: :func:`escape` turns
#: brackets into entities, and a cut value's "(see the page)" link follows its text.
_PAGE_CELL = re.compile(r"^[ \t]*\|[ \t]*\[\[:([^\[\]|\n]+)(?:\|[^\[\]\n]*)?\]\][ \t]*$", re.MULTILINE)


def linked_titles(inner: str) -> list[str]:
    """The titles the rows of a table :func:`render_table` wrote link to, in table order (the
    sortable table only): the inverse of :func:`link` (its entities decoded). A row a person wrote in
    the same form counts too: an incremental pass asks the wiki about every title before its row may go."""
    return [html.unescape(m.group(1)).strip() for m in _PAGE_CELL.finditer(sortable_table(inner))]
