"""A summary too large for one page, split into numbered subpages (``Partnership tracker/1``, …)
with an index on the main page. Pure: rows and a byte budget in, texts out.

MediaWiki refuses pages over ``$wgMaxArticleSize`` (2 MiB by default; the limit counts bytes of
UTF-8). Rows are packed greedily, in table order, into chunks whose rendered text stays within
``max_bytes`` (a budget below the wiki's limit leaves room for the text around the markers). A
single row larger than the budget still gets a chunk of its own. Each subpage holds a complete
sortable table of its rows between the same markers; the main page's markers then hold the stamp,
the overall counts and a list linking each subpage with the partners it covers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.render import END_MARKER, START_MARKER, Row, escape, render_row, render_table, summary_lines

#: The whole page text of a subpage the bot creates (it owns every byte of it).
SUBPAGE_HEAD = (
    "<!-- Written by the partnership tracker bot: part {n} of the table on [[{main}]]. "
    "Edits here are overwritten. -->\n"
)


def chunk_rows(rows: Sequence[Row], as_of: dt.datetime, max_bytes: int) -> list[list[Row]]:
    """Rows split into runs whose whole subpage fits ``max_bytes`` (one run when the table fits).

    Each chunk is packed greedily with the subpage's head, the table's header and room for the
    counts line reserved, then measured whole; the counts line grows with the rows a chunk holds
    (invalid values are counted one by one), so a chunk still over budget is cut to its longest
    prefix that fits (binary search) and packing resumes after it. A single row larger than the
    budget gets a chunk of its own.

    The whole table is rendered only when it might fit: the sum of its rows' sizes is a lower
    bound (less the empty table's "none" counts, which a one-letter value undercuts), and at 100,000
    rows a table rendered in vain was the pass's peak memory (~85 MB)."""
    sizes = [_row_size(row) for row in rows]
    bound = sum(sizes) + _size(render_table([], as_of)) - 2 * len("none")
    if bound <= max_bytes and _size(render_table(rows, as_of)) <= max_bytes:
        return [list(rows)]
    overhead = _size(render_subpage([], "x" * 255, 999, as_of)) + min(COUNTS_ROOM, max_bytes // 10)

    def fits(chunk: Sequence[Row]) -> bool:
        return _size(render_subpage(chunk, "x" * 255, 999, as_of)) <= max_bytes

    out: list[list[Row]] = []
    start = 0
    while start < len(rows):
        end, used = start + 1, overhead + sizes[start]
        while end < len(rows) and used + (size := sizes[end]) <= max_bytes:
            used += size
            end += 1
        if end - start > 1 and not fits(rows[start:end]):
            low, high = start + 1, end - 1  # the longest prefix that fits ends in [low, high]
            while low < high:
                mid = (low + high + 1) // 2
                if fits(rows[start:mid]):
                    low = mid
                else:
                    high = mid - 1
            end = low
        out.append(list(rows[start:end]))
        start = end
    return out


#: Bytes kept free on each subpage for its counts line (page, status and model counts).
COUNTS_ROOM = 2_000


def _row_size(row: Row) -> int:
    return _size("\n".join(render_row(row))) + 1


def subpage_title(main: str, n: int) -> str:
    return f"{main}/{n}"


def render_index(chunks: Sequence[Sequence[Row]], main: str, as_of: dt.datetime) -> str:
    """The main page's text between the markers when the table is split."""
    rows = [r for chunk in chunks for r in chunk]
    lines = ["", *summary_lines(rows, as_of), "", "The table is too large for one page; it continues on these pages:"]
    for n, chunk in enumerate(chunks, 1):
        first, last = _label(chunk[0]), _label(chunk[-1])
        lines.append(f"* [[{subpage_title(main, n)}|Part {n}]]: {len(chunk)} pages, {first} – {last}")
    lines.append("")
    return "\n".join(lines)


def render_subpage(chunk: Sequence[Row], main: str, n: int, as_of: dt.datetime) -> str:
    """The whole text of subpage ``n``."""
    head = SUBPAGE_HEAD.format(n=n, main=main)
    return f"{head}{START_MARKER}{render_table(chunk, as_of)}{END_MARKER}"


def retired_subpage(main: str, n: int) -> str:
    """The text left on a subpage no longer needed (the table became smaller)."""
    return f"{SUBPAGE_HEAD.format(n=n, main=main)}{START_MARKER}\nNo longer used: see [[{main}]].\n{END_MARKER}"


def _label(row: Row) -> str:
    return escape(row.partner or row.title)


def _size(text: str) -> int:
    """Bytes of UTF-8 (without a copy when the text is ASCII)."""
    return len(text) if text.isascii() else len(text.encode("utf-8"))
