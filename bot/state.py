"""The bot's memory between passes, in SQLite: per page (keyed by page id, so a moved page keeps
its record) the revision last seen, its validation result, whether the bot's tag stood on it and
when a person removed it; the infobox's redirects; a record of every pass.

Why: an incremental pass reads only pages whose revision changed and builds the summary from the
stored results of the others; a tag that a person removed must not come back for
``retag_after_days``, and only memory of "the tag was there last time" tells a removal from a page
that never had one. A missing or new database means nothing is remembered: the pass then behaves
as a first full sweep.

Writes happen in one transaction at the end of a completed pass, after its wiki edits, so a pass
that fails or is stopped never leaves stored state ahead of the wiki; the next pass redoes the work.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from bot.errors import ConfigError, StateError
from bot.model import PageRecord, PageResult, Skip, finding, table_values, tag_memory

#: The keys of the ``meta`` table, every one the bot stores (a pass, ``seed`` and ``install-templates``).
#: The mark the next incremental pass reads recent changes from (ISO 8601; "" forgets it).
MARK_KEY = "changes_mark"
#: Set while a pass saves tags (its start, ISO 8601); left set when the pass died or a tag save failed.
SAVING_KEY = "saving_since"
#: "1" when the summary table on the wiki matches the stored results, "0" when the next pass must rebuild it.
SUMMARY_KEY = "summary_current"
#: What the stored pages and table depend on besides the pages (see the pass's ``fingerprint``).
FINGERPRINT_KEY = "settings_fingerprint"
#: Page ids (a JSON list) the next pass reads whatever recent changes say (see ``Tally.recheck``).
RECHECK_KEY = "recheck_pages"
#: The infobox's names (a JSON list: its name, aliases and redirects), asked once per full pass.
NAMES_KEY = "infobox_names"
#: The rules page's revision the last completed pass applied: JSON {"revid": N, "text": "…"} (the
#: pass falls back to it while the page is invalid or missing).
RULES_KEY = "rules_revision"
#: The tag template's names (JSON: template → names), asked once per full pass.
TAG_NAMES_KEY = "tag_names"
#: What the stored results were validated with (rules and validator code), set by a full pass;
#: "" once an incremental pass validated with something else (see ``step3_decide.validator_fingerprint``).
VALIDATION_KEY = "validation_fingerprint"
#: The revision ids (a JSON list) of the bot's own saves that a later pass's recent changes may
#: still show: those changes are left out, every other edit under the bot's account is not.
SAVED_KEY = "saved_revisions"
#: The bot's published pages as the last completed pass that built the table left them, when it
#: had no error: JSON {"month": "YYYY-MM", "pages": {title: revision id}} ("" when unknown).
PUBLISHED_KEY = "published_pages"

SCHEMA_VERSION = 5
_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    pageid INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    revid INTEGER NOT NULL,
    result TEXT NOT NULL,             -- the PageResult as JSON
    complete INTEGER NOT NULL,        -- 1 when the result has no error (counted without the JSON)
    tagged INTEGER NOT NULL,          -- 1 when the bot's tag was on the page at the last look
    removed_at TEXT,                  -- when a person removed the tag (ISO UTC), else NULL
    skip TEXT,                        -- why a due edit was not made at the last look, else NULL
    settled INTEGER NOT NULL DEFAULT 0 -- the reader fingerprint under which revision revid needed
                                      -- no edit (or only a skip its text alone decides); 0: not so
);
-- The infobox as read from one revision of a page (a cache of facts about an immutable revision,
-- so written as pages are read, not only when a pass completes): a full sweep re-validates it
-- instead of reading the page again while the revision and the reader fingerprint are the same.
CREATE TABLE IF NOT EXISTS readings (
    pageid INTEGER PRIMARY KEY,
    revid INTEGER NOT NULL,
    reader INTEGER NOT NULL,          -- the reader fingerprint (see bot.pipeline.step3_decide)
    infobox BLOB NOT NULL             -- zlib-compressed JSON, see encode_reading
);
CREATE INDEX IF NOT EXISTS pages_title ON pages (title);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started TEXT NOT NULL,
    kind TEXT NOT NULL,               -- full | incremental
    ok INTEGER NOT NULL DEFAULT 1,    -- 0: the pass failed (error in the report)
    report TEXT NOT NULL              -- the run report as JSON
);
"""


P = ParamSpec("P")
R = TypeVar("R")


def _db_errors(method: Callable[P, R]) -> Callable[P, R]:
    """SQLite errors become ``StateError`` with what to do."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as exc:
            raise StateError(
                f"state database: {exc}; nothing was stored. If another process holds it, wait; if it is "
                "damaged, move it aside (the next pass rebuilds it with a full sweep)"
            ) from None

    return wrapper


class StateStore:
    """An open state database. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=30)
            self._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(
                [
                    f"{path}: cannot open the state database ({exc}); check [run] state in the config "
                    "and the folder's permissions (delete the file to start afresh: the next pass is then a full sweep)"
                ]
            ) from None
        self.path = path

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if version != SCHEMA_VERSION and tables:
            with self._db:  # an older layout: what it remembers is rebuilt by the next full sweep
                for table in ("page_tags", "pages", "readings", "meta", "runs"):
                    self._db.execute(f"DROP TABLE IF EXISTS {table}")
        self._db.executescript(_SCHEMA)
        self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    # -- pages ----------------------------------------------------------------------------------

    @_db_errors
    def pages(self) -> dict[int, PageRecord]:
        return {row[0]: _from_row(row) for row in self._db.execute(f"SELECT {_COLUMNS} FROM pages")}

    @_db_errors
    def records(self, pageids: Iterable[int], titles: Iterable[str]) -> dict[int, PageRecord]:
        """The stored pages with these ids or titles (an incremental pass's touched pages)."""
        out: dict[int, PageRecord] = {}
        for column, values in (("pageid", list(pageids)), ("title", list(titles))):
            for i in range(0, len(values), 500):
                chunk = values[i : i + 500]
                marks = ",".join("?" * len(chunk))
                sql = f"SELECT {_COLUMNS} FROM pages WHERE {column} IN ({marks})"
                out.update((row[0], _from_row(row)) for row in self._db.execute(sql, chunk))
        return out

    @_db_errors
    def counts(self) -> tuple[int, int, int]:
        """Stored pages, how many are complete, how many carry the bot's tag (without loading them)."""
        row = self._db.execute("SELECT COUNT(*), SUM(complete), SUM(tagged) FROM pages").fetchone()
        return int(row[0]), int(row[1] or 0), int(row[2] or 0)

    @_db_errors
    def skips(self) -> list[Skip]:
        """Stored pages whose due edit was not made at the last look, by title."""
        rows = self._db.execute("SELECT title, skip FROM pages WHERE skip IS NOT NULL ORDER BY title")
        return [Skip(title, reason) for title, reason in rows]

    @_db_errors
    def set_meta(self, key: str, value: str) -> None:
        """Store one setting at once, outside a pass's final transaction."""
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    @_db_errors
    def get(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    @_db_errors
    def save_pass(
        self,
        records: Iterable[PageRecord],
        kind: str,
        started: dt.datetime,
        report: Mapping[str, Any],
        *,
        replace_all: bool,
        removed: Iterable[int] = (),
        meta: Mapping[str, str] | None = None,
        settled: Callable[[PageRecord], int] = lambda _r: 0,
    ) -> None:
        """Store the pass's page records (all pages when ``replace_all``, else the changed ones,
        dropping ``removed`` page ids) and its report, in one transaction. ``settled`` gives each
        record's settled fingerprint (0: its next full sweep reads it). After a sweep of every
        page, readings of pages no longer stored are dropped."""
        with self._db:
            if replace_all:
                self._db.execute("DELETE FROM pages")
            self._db.executemany("DELETE FROM pages WHERE pageid = ?", [(pid,) for pid in removed])
            self._upsert(records, settled)
            if replace_all:
                self._db.execute("DELETE FROM readings WHERE pageid NOT IN (SELECT pageid FROM pages)")
            for key, value in (meta or {}).items():
                self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
            self._record(kind, started, report, ok=True)

    @_db_errors
    def save_pages(self, records: Iterable[PageRecord]) -> None:
        """Insert or replace these page records alone (after a pass that failed part-way)."""
        with self._db:
            self._upsert(records)

    @_db_errors
    def record_failure(self, kind: str, started: dt.datetime, error: str) -> None:
        """Record a pass that failed; page records stay as they were."""
        with self._db:
            self._record(kind, started, {"error": error}, ok=False)

    def _upsert(self, records: Iterable[PageRecord], settled: Callable[[PageRecord], int] = lambda _r: 0) -> None:
        """Rows are made as SQLite takes them (a generator): 100,000 JSON rows at once would
        add ~60 MB to the pass's peak."""
        self._db.executemany(
            "INSERT OR REPLACE INTO pages (pageid, title, revid, result, complete, tagged, removed_at, skip, settled) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    r.pageid,
                    r.title,
                    r.revid,
                    _result_to_json(r.result),
                    int(r.result.complete),
                    int(r.memory.tagged),
                    r.memory.removed_at.isoformat() if r.memory.removed_at else None,
                    r.skip,
                    settled(r),
                )
                for r in records
            ),
        )

    # -- readings -------------------------------------------------------------------------------

    @_db_errors
    def put_readings(self, rows: Iterable[tuple[int, int, int, bytes]]) -> None:
        """Store readings (page id, revision id, reader fingerprint, :func:`encode_reading`) at
        once, replacing a page's older one."""
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO readings (pageid, revid, reader, infobox) VALUES (?, ?, ?, ?)", rows
            )

    @_db_errors
    def readings(self, pageids: Sequence[int]) -> dict[int, tuple[int, int, bytes]]:
        """The stored readings of these pages: page id → (revision id, reader fingerprint, blob)."""
        out: dict[int, tuple[int, int, bytes]] = {}
        for i in range(0, len(pageids), 500):
            chunk = list(pageids[i : i + 500])
            sql = f"SELECT pageid, revid, reader, infobox FROM readings WHERE pageid IN ({','.join('?' * len(chunk))})"
            out.update((pid, (revid, reader, blob)) for pid, revid, reader, blob in self._db.execute(sql, chunk))
        return out

    def _record(self, kind: str, started: dt.datetime, report: Mapping[str, Any], ok: bool) -> None:
        self._db.execute(
            "INSERT INTO runs (started, kind, ok, report) VALUES (?, ?, ?, ?)",
            (started.isoformat(), kind, int(ok), json.dumps(report, sort_keys=True)),
        )

    # -- runs -----------------------------------------------------------------------------------

    @_db_errors
    def runs(self, limit: int = 10) -> list[dict[str, Any]]:
        """The newest passes first: started, kind, ok, report."""
        rows = self._db.execute(
            "SELECT started, kind, ok, report FROM runs ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
        return [{"started": s, "kind": k, "ok": bool(ok), "report": json.loads(r)} for s, k, ok, r in rows]

    @_db_errors
    def consecutive_failures(self) -> int:
        count = 0
        for (ok,) in self._db.execute("SELECT ok FROM runs ORDER BY id DESC LIMIT 1000"):
            if ok:
                break
            count += 1
        return count

    @_db_errors
    def monthly_figures(self) -> list[tuple[dt.datetime, int, int]]:
        """(started, pages seen, complete) of the last completed pass of each month (by the month
        its start is stored in, UTC), oldest first: the summary's trend. Failed passes are left
        out; dry runs are never stored."""
        rows = self._db.execute(
            "SELECT started, report FROM runs WHERE id IN "
            "(SELECT MAX(id) FROM runs WHERE ok = 1 GROUP BY substr(started, 1, 7)) ORDER BY id"
        ).fetchall()
        out = []
        for started, report in rows:
            doc = json.loads(report)
            out.append((dt.datetime.fromisoformat(started), int(doc.get("pages_seen", 0)), int(doc.get("complete", 0))))
        return out

    # -- the bot's own saves (issue 16) ---------------------------------------------------------

    @_db_errors
    def published(self) -> tuple[str, str, dict[str, int]] | None:
        """The entry of the last table build (:data:`PUBLISHED_KEY`): its month, build fingerprint
        and the revisions its published pages stood at (title → revision); None when unknown or
        unreadable (a revision that is not a number included)."""
        try:
            entry = json.loads(self.get(PUBLISHED_KEY) or "null")
            month, build, pages = entry["month"], entry["build"], entry["pages"]
        except (ValueError, TypeError, KeyError):
            return None
        if not isinstance(month, str) or not isinstance(build, str) or not isinstance(pages, dict):
            return None
        if not all(isinstance(r, int) and not isinstance(r, bool) for r in pages.values()):
            return None
        return month, build, {str(t): r for t, r in pages.items()}

    @_db_errors
    def saved_revisions(self) -> frozenset[int]:
        """The revision ids the bot's passes saved that the next pass's recent changes may still
        show (:data:`SAVED_KEY`; empty when none or unreadable)."""
        try:
            ids = json.loads(self.get(SAVED_KEY) or "[]")
        except ValueError:
            return frozenset()
        return frozenset(i for i in ids if isinstance(i, int)) if isinstance(ids, list) else frozenset()


_COLUMNS = "pageid, title, revid, result, tagged, removed_at, skip, settled"


def _from_row(row: tuple[Any, ...]) -> PageRecord:
    """A stored page. Its title, and the findings and memories that recur across pages, are
    shared objects: 100,000 records are loaded at once by a pass that rebuilds the table."""
    pid, title, revid, result, tagged, removed, skip, settled = row
    page = _result_from_json(result)
    memory = tag_memory(bool(tagged), _parse(removed))
    return PageRecord(pid, page.title if page.title == title else title, revid, page, memory, skip, settled)


def _parse(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _result_to_json(result: PageResult) -> str:
    return json.dumps(
        {
            "title": result.title,
            "findings": [[f.field, f.code, f.severity, f.message] for f in result.findings],
            "values": dict(result.values),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _result_from_json(text: str) -> PageResult:
    doc = json.loads(text)
    findings = tuple(finding(*f) for f in doc["findings"])
    return PageResult(doc["title"], findings, table_values(doc["values"]))
