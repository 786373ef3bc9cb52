"""A summary too large for one page, split into numbered subpages (``Partnership tracker/1``, …)
with an index on the main page. Pure: rows and a byte budget in, texts out.

MediaWiki refuses pages over ``$wgMaxArticleSize`` (2 MiB by default; the limit counts bytes of
UTF-8). Rows are packed greedily, in table order, into chunks whose whole subpage stays within
``max_bytes``; the main page's table must fit what its own text outside the markers leaves
(``single_bytes``). Cells are bounded (:data:`bot.render.CELL_CHARS`), so a row is at most about
45 KB (nine cells of 500 escaped characters and a link, each at most 6 bytes a character) and any
budget of 50,000 bytes or more holds every row; a row larger than the budget would
still get a chunk of its own, and :mod:`bot.pipeline.step5_summary` then saves nothing over the limit. Each
subpage holds the stamp and a complete sortable table of its rows between the same markers; the
main page's markers then hold the stamp, the overview (:mod:`bot.overview`, of every row) and a
list linking each subpage with the partners it covers (labels cut to
:data:`bot.render.LABEL_CHARS`, left out when the list would not fit). Every word is the
display's (:class:`bot.display.Display`, the wiki's language).

The bot creates a subpage that does not exist (the whole text below); on an existing one it
writes only between its real markers (:mod:`bot.markers`), so a person's notes and categories
around them stay. A part no longer needed gets :func:`retired_inner` between its markers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from bot.display import Display, default_display
from bot.render import END_MARKER, START_MARKER, Row, label, render_row, render_table, stamp_line

#: The text above the markers of a subpage the bot creates (text outside the markers is kept).
SUBPAGE_HEAD = (
    "<!-- Written by the partnership tracker bot: part {n} of the table on [[{main}]]. "
    "The bot changes only the text between the two partnership-tracker markers. -->\n"
)

#: Bytes of a subpage's own text outside its markers that chunking reserves (the head for a main
#: page title of 255 bytes and part 999, and the two markers).
HEAD_ROOM = len(SUBPAGE_HEAD.format(n=999, main="x" * 255)) + len(START_MARKER) + len(END_MARKER)


def chunk_rows(
    rows: Sequence[Row],
    as_of: dt.datetime,
    max_bytes: int,
    single_bytes: int | None = None,
    display: Display | None = None,
    overview: str = "",
) -> list[list[Row]]:
    """Rows split into runs whose whole subpage fits ``max_bytes`` (one run when the table with
    the ``overview`` fits ``single_bytes``, the room between the main page's markers; ``max_bytes``
    when not given).

    Each chunk is packed greedily with the subpage's head, the table's header and some spare room
    reserved, then measured whole; a chunk still over budget is cut to its longest prefix that fits
    (binary search) and packing resumes after it. A single row larger than the budget gets a chunk
    of its own.

    The whole table is rendered only when it might fit: the sum of its rows' sizes is a lower
    bound, and at 100,000 rows a table rendered in vain was the pass's peak memory (~85 MB)."""
    d = display or default_display()
    single = max_bytes if single_bytes is None else single_bytes
    sizes = [_row_size(row, d) for row in rows]
    bound = sum(sizes) + size(render_table([], as_of, d, overview))
    if bound <= single and size(render_table(rows, as_of, d, overview)) <= single:
        return [list(rows)]
    overhead = size(render_subpage([], "x" * 255, 999, as_of, d)) + min(COUNTS_ROOM, max_bytes // 10)

    def fits(chunk: Sequence[Row]) -> bool:
        return size(render_subpage(chunk, "x" * 255, 999, as_of, d)) <= max_bytes

    out: list[list[Row]] = []
    start = 0
    while start < len(rows):
        end, used = start + 1, overhead + sizes[start]
        while end < len(rows) and used + (row_bytes := sizes[end]) <= max_bytes:
            used += row_bytes
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


#: Bytes kept free on each subpage beyond its rows, head and header (packing's margin).
COUNTS_ROOM = 2_000


def _row_size(row: Row, display: Display) -> int:
    return size("\n".join(render_row(row, display))) + 1


def subpage_title(main: str, n: int) -> str:
    return f"{main}/{n}"


def parts_listed(inner: str, main: str) -> int:
    """How many numbered parts the index between the main page's markers lists: the highest part
    it links (``[[Main/3|Part 3]]``); 0 when the table is not split."""
    numbers = [int(n) for n in re.findall(r"\[\[" + re.escape(main) + r"/(\d+)\|", inner)]
    return max(numbers, default=0)


def render_index(
    chunks: Sequence[Sequence[Row]],
    main: str,
    as_of: dt.datetime,
    labels: bool = True,
    display: Display | None = None,
    overview: str = "",
) -> str:
    """The main page's text between the markers when the table is split: the stamp, the
    ``overview``, then one line per part naming its first and last partner (cut to
    :data:`bot.render.LABEL_CHARS`) unless ``labels`` is false."""
    d = display or default_display()
    lines = ["", stamp_line(as_of, d), *([overview] if overview else []), "", d.text("index-intro")]
    for n, chunk in enumerate(chunks, 1):
        line = f"* [[{subpage_title(main, n)}|{d.text('index-part', n)}]]: {d.text('index-pages', len(chunk))}"
        lines.append(f"{line}, {_label(chunk[0])} – {_label(chunk[-1])}" if labels else line)
    lines.append("")
    return "\n".join(lines)


def render_subpage(chunk: Sequence[Row], main: str, n: int, as_of: dt.datetime, display: Display | None = None) -> str:
    """The whole text of subpage ``n`` as the bot creates it."""
    head = SUBPAGE_HEAD.format(n=n, main=main)
    return f"{head}{START_MARKER}{render_table(chunk, as_of, display)}{END_MARKER}"


def retired_inner(main: str, display: Display | None = None) -> str:
    """What goes between the markers of a subpage no longer needed (the table became smaller)."""
    return f"\n{(display or default_display()).text('retired', main)}\n"


def _label(row: Row) -> str:
    return label(row.partner or row.title)


def size(text: str) -> int:
    """Bytes of UTF-8 (without a copy when the text is ASCII)."""
    return len(text) if text.isascii() else len(text.encode("utf-8"))
