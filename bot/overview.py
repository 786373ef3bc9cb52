"""The overview above the summary table (main page only): how many pages, then four small tables
side by side — pages and completeness by status and by model, the fields most often missing or
invalid (each linked to its help), and pages and completeness by month. Pure: rows, a
:class:`bot.display.Display` and the pass history in, wikitext out; no wiki, no SQLite.

Completeness bars are plain wikitext with inline CSS (a grey box holding a blue one ``width:N%``),
so no extension or site CSS is needed (Meta-Wiki renders it as is); the bar is hidden from screen
readers (``aria-hidden``) and the same figure is written beside it ("12 of 19 complete (63%)").
Percentages are rounded down, so 100% means every page.

Counts by status and by model list the rules' values in the rules page's order, those with pages
only; a page whose value is empty, a placeholder (the tag lists it as missing) or not allowed falls
in one last row, "Not given or invalid", so the rows always add up to the table's.

The trend (:func:`trend`) holds, for each month, the figures of the last completed pass in that month
(from the state's run reports, read by :mod:`bot.pipeline.step5_summary`) and, for the current
month, the table's own figures: so the overview changes only when the table does, or once when a
month begins. At most :data:`MONTHS` months, oldest first.

Everything is deterministic: the same rows, history and month give the same text.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.display import Display
from bot.render import OVERVIEW_CLOSE, OVERVIEW_OPEN, Row, escape, link
from bot.values import fold_enum

#: Months the trend shows at most (the current one included).
MONTHS = 12
#: Fields the "most often missing or invalid" table lists at most.
TOP_FIELDS = 8
#: The overview's tables: side by side while the window is wide enough, then one below the other.
BOX_STYLE = "display:inline-table;vertical-align:top;margin:0 1em 1em 0;font-size:88%"
BAR_OUTER = "display:inline-block;width:4em;height:.7em;border:1px solid #a2a9b1;background:#eaecf0"
BAR_INNER = "height:100%;background:#36c"


@dataclass(frozen=True)
class PassFigures:
    """One completed pass of the history: when it started, its pages and complete pages."""

    started: dt.datetime
    pages: int
    complete: int


@dataclass(frozen=True)
class Month:
    """One month of the trend: ``YYYY-MM``, pages and complete pages."""

    month: str
    pages: int
    complete: int


def _month(when: dt.datetime) -> str:
    utc = when if when.tzinfo is None else when.astimezone(dt.UTC)
    return f"{utc:%Y-%m}"


def trend(history: Iterable[PassFigures], as_of: dt.datetime, pages: int, complete: int) -> list[Month]:
    """The months to show: the last pass of each month before ``as_of``'s (passes in the order
    they ran; a later one of the same month replaces an earlier one; passes dated in the current
    month or after it are left out), then the current month with ``pages`` and ``complete`` (the
    table's). At most :data:`MONTHS`, oldest first."""
    now = _month(as_of)
    last: dict[str, Month] = {}
    for p in history:
        key = _month(p.started)
        if key < now:
            last[key] = Month(key, p.pages, p.complete)
    months = [last[k] for k in sorted(last)] + [Month(now, pages, complete)]
    return months[-MONTHS:]


def bar(display: Display, complete: int, total: int) -> str:
    """A completeness bar with its figure beside it: "12 of 19 complete (63%)"."""
    percent = 100 * complete // total if total else 0
    box = (
        f'<span class="ptracker-bar" style="{BAR_OUTER}" aria-hidden="true">'
        f'<span style="display:block;width:{percent}%;{BAR_INNER}"></span></span>'
    )
    return f"{box} {display.text('complete-of', complete, total, percent)}"


def _category(row: Row, field: str, display: Display) -> str | None:
    """The row's value of ``field`` (folded) when it is one of the rules' values and the page's tag
    does not list the field as missing or invalid; else None."""
    value: str = getattr(row, field)
    if field in row.invalid or field in row.missing or not value.strip():
        return None
    folded = fold_enum(value)
    return folded if display.name(field, value) is not None else None


def counts_table(rows: Sequence[Row], field: str, display: Display) -> list[str]:
    """Pages and completeness for each value of ``field`` (rules order), then "not given or invalid"."""
    pages: Counter[str | None] = Counter()
    complete: Counter[str | None] = Counter()
    for row in rows:
        key = _category(row, field, display)
        pages[key] += 1
        complete[key] += row.complete
    lines = [
        f'{{| class="wikitable ptracker-counts" style="{BOX_STYLE}"',
        f"|+ {display.text(f'by-{field}')}",
        f"! {display.text(f'col-{field}')} !! {display.text('col-pages')} !! {display.text('col-completeness')}",
    ]
    keys: list[str | None] = [k for k in display.order.get(field, ()) if pages[k]]
    if pages[None]:
        keys.append(None)
    for key in keys:
        name = escape(display.names[field][key]) if key is not None else display.text("not-given")
        lines += ["|-", f"| {name} || {display.number(pages[key])} || {bar(display, complete[key], pages[key])}"]
    if not keys:
        lines += ["|-", f'| colspan="3" | {display.text("no-pages")}']
    lines.append("|}")
    return lines


def field_problems(rows: Iterable[Row]) -> list[tuple[str, int, int]]:
    """(field, pages missing it, pages where it is invalid), most pages first, then by name; at most
    :data:`TOP_FIELDS`."""
    missing: Counter[str] = Counter()
    invalid: Counter[str] = Counter()
    for row in rows:
        missing.update(set(row.missing))
        invalid.update(set(row.invalid))
    names = set(missing) | set(invalid)
    ranked = sorted(names, key=lambda f: (-(missing[f] + invalid[f]), f))
    return [(f, missing[f], invalid[f]) for f in ranked[:TOP_FIELDS]]


def _field_name(field: str, display: Display) -> str:
    """The field's label linked to its help, with its parameter name when that differs."""
    text = escape(display.labels.get(field, field))
    target = display.help.get(field)
    shown = link(target, text) if target else text
    return shown if display.labels.get(field, field) == field else f"{shown} <small>({escape(field)})</small>"


def fields_table(rows: Sequence[Row], display: Display) -> list[str]:
    lines = [
        f'{{| class="wikitable ptracker-fields" style="{BOX_STYLE}"',
        f"|+ {display.text('fields-heading')}",
        f"! {display.text('col-field')} !! {display.text('col-missing-count')} !! {display.text('col-invalid-count')}",
    ]
    problems = field_problems(rows)
    for field, missing, invalid in problems:
        lines += ["|-", f"| {_field_name(field, display)} || {display.number(missing)} || {display.number(invalid)}"]
    if not problems:
        lines += ["|-", f'| colspan="3" | {display.text("no-problems")}']
    lines.append("|}")
    return lines


def trend_table(months: Sequence[Month], display: Display) -> list[str]:
    lines = [
        f'{{| class="wikitable ptracker-trend" style="{BOX_STYLE}"',
        f"|+ {display.text('trend-heading')}",
        f"! {display.text('col-month')} !! {display.text('col-pages')} !! {display.text('col-completeness')}",
    ]
    for m in months:
        lines += ["|-", f"| {m.month} || {display.number(m.pages)} || {bar(display, m.complete, m.pages)}"]
    lines.append("|}")
    return lines


def render_overview(rows: Sequence[Row], display: Display, months: Sequence[Month], compact: bool = False) -> str:
    """The overview's wikitext (no leading or trailing newline): a line with the totals and the
    whole table's bar, then (unless ``compact``) the four tables, in one ``ptracker-overview``
    block."""
    complete = sum(r.complete for r in rows)
    total = display.text("total", len(rows), len(rows) - complete)
    tables = [
        *counts_table(rows, "status", display),
        *counts_table(rows, "model", display),
        *fields_table(rows, display),
        *trend_table(months, display),
    ]
    lines = [
        OVERVIEW_OPEN,
        f"{total} {bar(display, complete, len(rows))}",
        *([] if compact else tables),
        OVERVIEW_CLOSE,
    ]
    return "\n".join(lines)


#: The overview takes at most this share of the room between the main page's markers; past it
#: (a tiny ``max_page_bytes``, or a page whose own text leaves little room) only its first line is
#: shown, so the table or its index still fits.
ROOM_SHARE = 4


def fitting_overview(rows: Sequence[Row], display: Display, months: Sequence[Month], room: int) -> str:
    """:func:`render_overview`, compact when the full one takes more than 1/:data:`ROOM_SHARE` of
    ``room`` (bytes of UTF-8)."""
    full = render_overview(rows, display, months)
    return full if len(full.encode()) * ROOM_SHARE <= room else render_overview(rows, display, months, compact=True)
