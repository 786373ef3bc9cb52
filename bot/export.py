"""The summary table's data for reuse (contract §4 "Data export"): results → the table's rows with
their findings → CSV or JSON text. Pure: no wiki, no clock, no I/O.

The rows are :func:`bot.render.build_rows` of the same results, in the same order, so the export,
the data page and the summary table cannot disagree: one record per row of the table. Each record
holds the row's values as written on the page (unescaped, not cut), its tag's missing and invalid
fields and page-level problem, and every finding of the page (errors and warnings, in the
contract's order) as codes and as readable text.

Deterministic: no timestamp, keys and columns in a fixed order, the same results give the same
bytes. :func:`data_document` is the one JSON document both the ``export --format json`` command
and the data page (:mod:`bot.pipeline.step5_data`) hold; :func:`wiki_json` writes it as MediaWiki
stores a JSON page (pretty-printed, ``<``, ``>`` and ``&`` escaped), so its size is the size the
wiki will check against its limit.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bot.model import Finding, PageResult
from bot.render import Row, build_rows

#: The document's ``generator``: the data page holds the bot's document only when it says so.
GENERATOR = "partnership-tracker"
#: The document's ``version``: raised when a key changes meaning or goes.
VERSION = 1
#: The CSV's columns, in order (the JSON records have the same keys, with lists and booleans).
COLUMNS = (
    "title", "partner", "model", "goals", "status", "start", "end", "complete", "missing", "invalid",
    "problem", "last_reviewed", "finding_codes", "findings",
)  # fmt: skip
#: Joins the items of a list in one CSV cell (field names and codes hold none of it).
SEPARATOR = "; "

#: A row of the summary table with its page's findings (:func:`table_rows`).
TableRow = tuple[Row, tuple[Finding, ...]]


def finding_code(finding: Finding) -> str:
    """``field:code`` (``metrics:missing``), or the code alone for a page-level finding."""
    return f"{finding.field}:{finding.code}" if finding.field is not None else finding.code


def finding_text(finding: Finding) -> str:
    """The finding's message, ``warning: `` in front of a warning."""
    return finding.message if finding.severity == "error" else f"warning: {finding.message}"


def records(results: Iterable[PageResult]) -> list[dict[str, Any]]:
    """One record per row of the summary table, in the table's order (:data:`COLUMNS` as keys, plus
    ``findings`` as a list of objects: field, code, severity, message)."""
    return [record(row, findings) for row, findings in table_rows(results)]


def table_rows(results: Iterable[PageResult], rows: Sequence[Row] | None = None) -> list[TableRow]:
    """The summary table's rows (:func:`bot.render.build_rows`), each with its page's findings.
    ``rows``: those rows as already built from the same results (the summary's plan), shared
    rather than built again (100,000 rows are some 30 MB)."""
    results = list(results)
    findings = {r.title: r.findings for r in results}
    return [(row, findings.get(row.title, ())) for row in (build_rows(results) if rows is None else rows)]


def record(row: Row, findings: Sequence[Finding]) -> dict[str, Any]:
    return {
        "title": row.title,
        "partner": row.partner,
        "model": row.model,
        "goals": row.goals,
        "status": row.status,
        "start": row.start,
        "end": row.end,
        "complete": row.complete,
        "missing": list(row.missing),
        "invalid": list(row.invalid),
        "problem": row.problem,
        "last_reviewed": row.last_reviewed,
        "finding_codes": [finding_code(f) for f in findings],
        "findings": [
            {"field": f.field, "code": f.code, "severity": f.severity, "message": f.message} for f in findings
        ],
    }


def head(table: Sequence[TableRow]) -> dict[str, Any]:
    """The document's keys before ``rows``: ``generator``, ``version``, ``columns``, ``pages`` and
    ``complete`` (counts of ``table``, :func:`table_rows`)."""
    return {
        "generator": GENERATOR,
        "version": VERSION,
        "columns": list(COLUMNS),
        "pages": len(table),
        "complete": sum(row.complete for row, _ in table),
    }


def data_document(results: Iterable[PageResult]) -> dict[str, Any]:
    """The JSON document of the export: :func:`head` and ``rows`` (:func:`records`). The data page
    holds it with ``"parts": []`` added, or in parts (:mod:`bot.data_parts`); the export has no
    ``parts`` key: it is always the whole document."""
    table = table_rows(results)
    return {**head(table), "rows": [record(row, findings) for row, findings in table]}


def to_json(document: Mapping[str, Any]) -> str:
    """The document as the export writes it: indented by one space, non-ASCII kept, a final newline."""
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def wiki_json(document: Mapping[str, Any]) -> str:
    """The document as MediaWiki 1.43 stores a JSON page (``JsonContent::beautifyJSON``: tab indent, ``": "``,
    non-ASCII kept, ``<``, ``>`` and ``&`` as ``\\u003C``, ``\\u003E``, ``\\u0026``). Those three
    characters occur only inside strings in JSON text, so replacing them keeps the value."""
    text = json.dumps(document, ensure_ascii=False, indent="\t")
    return text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")


def to_csv(results: Iterable[PageResult]) -> str:
    """The rows as CSV (RFC 4180, ``\\r\\n`` line ends, a header line of :data:`COLUMNS`): lists
    joined by ``"; "``, ``complete`` as ``yes``/``no``, no problem as an empty cell; the findings
    column holds the messages (``warning: `` before a warning), the codes column ``field:code``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row, findings in table_rows(results):
        cells = record(row, findings)
        cells["complete"] = "yes" if row.complete else "no"
        cells["problem"] = row.problem or ""
        cells["findings"] = SEPARATOR.join(finding_text(f) for f in findings)
        for key in ("missing", "invalid", "finding_codes"):
            cells[key] = SEPARATOR.join(cells[key])
        writer.writerow([cells[c] for c in COLUMNS])
    return out.getvalue()


def parsed(wiki_text: str) -> Any:
    """The wiki's JSON text as Python values; None when it is not JSON."""
    try:
        return json.loads(wiki_text)
    except ValueError:
        return None


def same_data(wiki_text: str, document: Mapping[str, Any]) -> bool:
    """Whether the wiki's JSON text holds ``document`` (compared by value: MediaWiki re-formats
    JSON on save); False when the text is not JSON."""
    return bool(parsed(wiki_text) == document)


def is_ours(wiki_text: str) -> bool:
    """Whether the text is a JSON object the bot wrote (its ``generator`` is :data:`GENERATOR`)."""
    doc = parsed(wiki_text)
    return isinstance(doc, dict) and doc.get("generator") == GENERATOR
