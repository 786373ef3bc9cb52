"""The bot's memory between passes, in SQLite: per page whether the bot's tag stood on it at the
last look and when a person removed it, plus a record of every pass.

Why it is needed: a tag that a person removed while the page is still incomplete must not come back
for ``retag_after_days``; only memory of "the tag was there last time" tells a removal from a page
that never had one. A missing or new database simply means nothing is remembered: the pass then
behaves as on a first run (no tag is held back). Writes happen in one transaction per pass, after
the wiki edits, so a pass that fails never leaves stored state ahead of the wiki.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.errors import ConfigError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS page_tags (
    title TEXT PRIMARY KEY,
    tagged INTEGER NOT NULL,          -- 1 when the bot's tag was on the page at the last look
    removed_at TEXT                   -- when a person removed the tag (ISO UTC), else NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started TEXT NOT NULL,
    kind TEXT NOT NULL,
    report TEXT NOT NULL              -- the run report as JSON
);
"""


@dataclass(frozen=True)
class TagMemory:
    """What the store knows of one page's tag."""

    tagged: bool
    removed_at: dt.datetime | None


class StateStore:
    """An open state database. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path)
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(
                [
                    f"{path}: cannot open the state database ({exc}); check [run] state in the config and the folder's permissions"
                ]
            ) from None
        self.path = path

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def tag_memory(self) -> dict[str, TagMemory]:
        rows = self._db.execute("SELECT title, tagged, removed_at FROM page_tags").fetchall()
        return {t: TagMemory(bool(tagged), _parse(removed)) for t, tagged, removed in rows}

    def save_pass(
        self, memory: Mapping[str, TagMemory], kind: str, started: dt.datetime, report: Mapping[str, Any]
    ) -> None:
        """Replace the tag memory with ``memory`` and record the pass, in one transaction."""
        with self._db:
            self._db.execute("DELETE FROM page_tags")
            self._db.executemany(
                "INSERT INTO page_tags (title, tagged, removed_at) VALUES (?, ?, ?)",
                [(t, int(m.tagged), m.removed_at.isoformat() if m.removed_at else None) for t, m in memory.items()],
            )
            self._db.execute(
                "INSERT INTO runs (started, kind, report) VALUES (?, ?, ?)",
                (started.isoformat(), kind, json.dumps(report, sort_keys=True)),
            )

    def runs(self, limit: int = 10) -> list[dict[str, Any]]:
        rows: Iterable[tuple[str, str, str]] = self._db.execute(
            "SELECT started, kind, report FROM runs ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
        return [{"started": s, "kind": k, "report": json.loads(r)} for s, k, r in rows]


def _parse(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None
