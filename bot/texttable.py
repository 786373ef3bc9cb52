"""A plain-text rendering of the summary rows for a terminal (``run --print-table``): the columns a
reader scans first, each cut to a fixed width so a line fits a terminal."""

from __future__ import annotations

from collections.abc import Sequence

from bot.render import Row

_COLUMNS = (("Partner", 30), ("Model", 12), ("Status", 10), ("Complete", 8), ("Missing / invalid", 40))


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def text_table(rows: Sequence[Row]) -> str:
    lines = ["  ".join(name.ljust(width) for name, width in _COLUMNS).rstrip()]
    lines.append("  ".join("-" * width for _, width in _COLUMNS))
    for row in rows:
        problems = ", ".join(
            [*row.missing, *(f"{f} (invalid)" for f in row.invalid)] + ([row.problem] if row.problem else [])
        )
        cells = (row.partner or row.title, row.model, row.status, "yes" if row.complete else "no", problems)
        lines.append("  ".join(_cut(c, w).ljust(w) for c, (_, w) in zip(cells, _COLUMNS, strict=True)).rstrip())
    complete = sum(r.complete for r in rows)
    lines.append(f"{len(rows)} pages, {complete} complete, {len(rows) - complete} incomplete")
    return "\n".join(lines)
