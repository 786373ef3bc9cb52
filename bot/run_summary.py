"""The run summary: the one line printed after every pass, in a language (``ptracker-run-*``
messages), and the progress line's words. Pure.

The CLI prints it in the wiki's language (``[site] language``): the operator of a French wiki reads
the pass's figures in French. :meth:`bot.model.RunReport.line` is the English line, which the
scheduler logs (log lines are English, like error lines, whatever the wiki's language).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.i18n import messages

if TYPE_CHECKING:
    from bot.model import RunReport

_MODES = {
    ("full", False): "ptracker-run-full-pass",
    ("full", True): "ptracker-run-full-dry-run",
    ("incremental", False): "ptracker-run-incremental-pass",
    ("incremental", True): "ptracker-run-incremental-dry-run",
}
_SOURCES = {
    "every page": "ptracker-run-source-every-page",
    "listing": "ptracker-run-source-listing",
    "recent changes": "ptracker-run-source-recent-changes",
    "recent changes, quiet": "ptracker-run-source-recent-changes-quiet",
}


def run_line(report: RunReport, lang: str = "en") -> str:
    """``full pass: 43 pages (40 complete, 3 incomplete); tagged 3, …; 5 edits, 0 errors, 12 API
    requests (+3 set-up), 1.2 s``. An incremental pass names how it found its pages; a kind or
    source this module does not know is shown as it is."""
    from babel.numbers import format_decimal  # here: without Babel the CLI gives its advice

    m = messages(lang)
    mode_key = _MODES.get((report.kind, report.dry_run))
    mode = m.text(mode_key) if mode_key else f"{report.kind} {'dry run' if report.dry_run else 'pass'}"
    if report.kind == "incremental" and report.source:
        source_key = _SOURCES.get(report.source)
        mode += f" ({m.text(source_key) if source_key else report.source})"
    pages = m.text("ptracker-run-pages", report.pages_seen, report.complete, report.incomplete)
    tags = m.text("ptracker-run-tags", report.tagged, report.untagged, report.updated, len(report.skipped))
    seconds = str(format_decimal(report.seconds, format="0.0", locale=lang))
    cost = m.text(
        "ptracker-run-cost", report.edits, len(report.errors), report.api_requests, report.setup_requests, seconds
    )
    return m.text("ptracker-run-line", mode, pages, tags, cost)


def progress_text(lang: str = "en") -> str:
    """The progress line's text before the count (``pages read: ``)."""
    return messages(lang).raw("ptracker-run-progress").split("$1")[0]
