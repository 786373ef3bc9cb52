"""The data page in numbered parts (contract §6.1): the table's rows as JSON documents that each fit
the wiki's page limit. Pure: rows and a byte budget in, documents and their sizes out.

When the whole document (:func:`bot.export.data_document` plus ``"parts": []``) fits ``budget``
bytes, as MediaWiki stores it (:func:`bot.export.wiki_json`), the data page holds it. When it does
not, the data page holds the same head (``generator``, ``version``, ``columns``, ``pages``,
``complete``) with ``"rows": []`` and ``"parts"``, the titles of its parts in order; part ``n`` of
``k`` holds ``{"generator", "version", "part": n, "of": k, "rows": [...]}``, consecutive rows in the
table's order, packed greedily so that each part fits ``budget``. A part no longer needed holds
:func:`retired_document`.

Part titles (:func:`part_title`): for a data title ending in ``.json``, ``<stem>/<n>.json``
(``Partnership tracker/data/1.json``), else ``<title>/<n>``.

Memory: at 100,000 rows the whole document is some 67 MB of text and several times that as Python
objects, so a split document is never built whole: :func:`plan` serializes one record at a time and
keeps only its size (the size of a document is computed exactly from its rows' sizes, see
:func:`item_bytes`), and :func:`part_document` builds one part's records when it is wanted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot import export
from bot.export import TableRow
from bot.split import size

#: Stands for a part's number and count when the size of a part's own keys is reserved (no wiki
#: holds a million parts).
_MOST = 999_999


def part_title(data_title: str, n: int) -> str:
    """The title of part ``n`` of the data page ``data_title``: ``<stem>/<n>.json`` for a title
    ending in ``.json``, else ``<title>/<n>``."""
    if data_title.endswith(".json"):
        return f"{data_title[: -len('.json')]}/{n}.json"
    return f"{data_title}/{n}"


def main_document(table: Sequence[TableRow], parts: Sequence[str]) -> dict[str, Any]:
    """The data page: every row and ``"parts": []`` when ``parts`` is empty, else no row and the
    parts' titles."""
    rows = [] if parts else [export.record(row, findings) for row, findings in table]
    return {**export.head(table), "rows": rows, "parts": list(parts)}


def part_document(table: Sequence[TableRow], span: range, n: int, of: int) -> dict[str, Any]:
    """Part ``n`` of ``of``: the rows of ``table`` at the indexes of ``span``."""
    rows = [export.record(*table[i]) for i in span]
    return {"generator": export.GENERATOR, "version": export.VERSION, "part": n, "of": of, "rows": rows}


def retired_document() -> dict[str, Any]:
    """What a part no longer needed holds (it is kept, not deleted: the bot deletes no page)."""
    return {"generator": export.GENERATOR, "version": export.VERSION, "retired": True, "rows": []}


def item_bytes(record: dict[str, Any]) -> int:
    """Bytes one record takes as an item of a top-level ``rows`` list in :func:`bot.export.wiki_json`
    (its own text indented by two tabs on every line)."""
    text = export.wiki_json(record)
    return size(text) + 2 * (text.count("\n") + 1)


def document_bytes(empty: int, items: Iterable[int]) -> int:
    """Bytes of a document whose text with ``"rows": []`` is ``empty`` bytes, once its rows list holds
    items of these sizes: ``[]`` becomes ``[\\n`` + the items joined by ``,\\n`` + ``\\n\\t]``."""
    sizes = list(items)
    return empty + (3 + sum(sizes) + 2 * (len(sizes) - 1) if sizes else 0)


@dataclass(frozen=True)
class Plan:
    """Where the rows go: ``spans``, the row indexes of each part (empty: the whole document fits the
    data page); ``oversized``: the index of a row whose part alone would not fit (None when every
    part fits)."""

    spans: tuple[range, ...]
    oversized: int | None = None


def plan(table: Sequence[TableRow], budget: int) -> Plan:
    """Pack the rows for a ``budget`` of bytes per page: no part when the whole document fits, else
    consecutive rows greedily into parts that each fit. A row too large for a part on its own gets a
    part of its own and is named in ``oversized`` (the caller saves nothing then)."""
    sizes = [item_bytes(export.record(row, findings)) for row, findings in table]
    whole = size(export.wiki_json({**export.head(table), "rows": [], "parts": []}))
    if document_bytes(whole, sizes) <= budget:
        return Plan(())
    empty = size(export.wiki_json(part_document((), range(0), _MOST, _MOST)))
    spans: list[range] = []
    start, used, oversized = 0, empty + 3, None  # used: the part's bytes with the rows so far
    for i, item in enumerate(sizes):
        grown = used + item + (2 if i > start else 0)
        if grown > budget and i > start:
            spans.append(range(start, i))
            start, grown = i, empty + 3 + item
        if grown > budget and oversized is None:
            oversized = i
        used = grown
    spans.append(range(start, len(sizes)))
    return Plan(tuple(spans), oversized)


def part_number(data_title: str, title: str) -> int | None:
    """The number of ``title`` as a part of the data page ``data_title`` (:func:`part_title`), or None."""
    stem, suffix = (data_title[: -len(".json")], ".json") if data_title.endswith(".json") else (data_title, "")
    number = title[len(stem) + 1 : len(title) - len(suffix)] if title.startswith(stem + "/") else ""
    if not title.endswith(suffix) or not number.isascii() or not number.isdigit() or number.startswith("0"):
        return None
    return int(number)


def listed_parts(data_title: str, document: Any) -> list[str]:
    """The part titles a data page's ``document`` (parsed JSON) lists that are titles of its parts
    (:func:`part_title`); a person's other titles there are ignored (the bot writes only its parts' titles)."""
    listed = document.get("parts") if isinstance(document, dict) else None
    if not isinstance(listed, list):
        return []
    ours = {part_title(data_title, n) for n in range(1, len(listed) + 1)}
    return [t for t in listed if isinstance(t, str) and t in ours]
