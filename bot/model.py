"""Frozen records that travel between the rooms of the bot. No behaviour beyond small accessors."""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]

#: Page-level problems of :func:`bot.parse.find_infobox`.
NO_INFOBOX = "no_infobox"
MULTIPLE_INFOBOXES = "multiple_infoboxes"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem on a page. ``field`` is the canonical parameter name, the name as written for
    ``unknown_param``, and ``None`` for page-level codes."""

    field: str | None
    code: str
    severity: Severity
    message: str

    @property
    def sort_key(self) -> tuple[str, str]:
        """The contract's order within a page: (field or "", code)."""
        return (self.field or "", self.code)


@functools.lru_cache(maxsize=4096)
def finding(field: str | None, code: str, severity: Severity, message: str) -> Finding:
    """The :class:`Finding`, one object per distinct finding while it recurs (most do: "metrics is
    missing" on thousands of pages; a pass over 100,000 pages holds every page's findings)."""
    return Finding(field, code, severity, message)


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter as written: ``name`` and ``value`` with comments removed and whitespace
    trimmed (MediaWiki trims named parameters; positional values are trimmed here too, since
    only their presence matters). ``positional`` is true for ``{{X|value}}`` parameters, whose
    name is their number."""

    name: str
    value: str
    positional: bool = False


@dataclass(frozen=True, slots=True)
class Infobox:
    """The infobox found on a page: its parameters in written order, duplicates included."""

    params: tuple[Param, ...]
    start: int = 0
    end: int = 0

    @property
    def values(self) -> Mapping[str, str]:
        """Name → value, the last of duplicate parameters winning, as in MediaWiki."""
        return {p.name: p.value for p in self.params}

    @property
    def duplicates(self) -> tuple[str, ...]:
        """Names given more than once, in order of first appearance."""
        seen: dict[str, int] = {}
        for p in self.params:
            seen[p.name] = seen.get(p.name, 0) + 1
        return tuple(name for name, n in seen.items() if n > 1)


@dataclass(frozen=True, slots=True)
class ParseOutcome:
    """What :func:`bot.parse.find_infobox` saw: exactly one infobox, or a page-level problem
    (``no_infobox`` / ``multiple_infoboxes``) with ``count`` infoboxes seen."""

    infobox: Infobox | None
    problem: str | None
    count: int


@dataclass(frozen=True, slots=True)
class PageSnapshot:
    """A page as read from the wiki (or a file: ``revid`` 0, ``timestamp`` None).

    ``user`` is the author of revision ``revid`` (empty when unknown or hidden); ``protected`` is
    true when an edit protection forbids the reading account to edit the page; ``namespace`` is
    the page's namespace number as the wiki reports it (None when not known)."""

    title: str
    revid: int
    timestamp: dt.datetime | None
    text: str
    user: str = ""
    protected: bool = False
    pageid: int = 0
    namespace: int | None = None


#: The infobox parameters the summary table shows; a result keeps only these (100,000 results
#: with every parameter held ~230 MB at 100,000 pages).
TABLE_FIELDS = ("partner", "model", "goals", "status", "agreement", "start", "end", "last_reviewed")


_FIELD_INDEX = {name: i for i, name in enumerate(TABLE_FIELDS)}


class TableValues(Mapping[str, str]):
    """The values of ``TABLE_FIELDS`` a page gives, as a read-only mapping held in one tuple
    (``None``: not given), its strings interned: the same models, statuses and dates recur on
    thousands of pages. A dict per page was the largest share of a sweep's memory (about 460 bytes
    a page; this is about 150). Equal to any mapping with the same items."""

    __slots__ = ("_items",)

    def __init__(self, values: Mapping[str, str]) -> None:
        self._items = tuple(sys.intern(values[k]) if k in values else None for k in TABLE_FIELDS)

    def __getitem__(self, key: str) -> str:
        i = _FIELD_INDEX.get(key)
        value = None if i is None else self._items[i]
        if value is None:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator[str]:
        return (k for k, v in zip(TABLE_FIELDS, self._items, strict=True) if v is not None)

    def __len__(self) -> int:
        return sum(v is not None for v in self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TableValues):
            return self._items == other._items
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]  # (a mapping: unhashable, as the dict it replaces)

    def __repr__(self) -> str:
        return f"TableValues({dict(self)!r})"


def table_values(values: Mapping[str, str]) -> TableValues:
    """The values of ``TABLE_FIELDS`` found in ``values`` (:class:`TableValues`)."""
    return TableValues(values)


@dataclass(frozen=True, slots=True)
class PageResult:
    """The outcome of validating one page: its findings (contract order) and the infobox values
    the summary table shows."""

    title: str
    findings: tuple[Finding, ...]
    values: Mapping[str, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Complete means no finding of severity ``error``."""
        return not any(f.severity == "error" for f in self.findings)


@dataclass(frozen=True, slots=True)
class Skip:
    """A page whose due edit was not made, and why."""

    title: str
    reason: str


@dataclass(frozen=True, slots=True)
class RunReport:
    """The outcome of one pass (``--report-json`` writes :meth:`as_dict`).

    ``api_requests`` counts the HTTP requests of the pass itself; ``setup_requests`` those of the
    login and site information before it. ``edits`` counts saves that changed a page (tags, the
    summary, the status page); in a dry run nothing is saved and ``edits`` is 0."""

    started: str
    dry_run: bool
    pages_seen: int
    pages_read: int
    complete: int
    incomplete: int
    tagged: int
    untagged: int
    updated: int
    skipped: tuple[Skip, ...]
    api_requests: int
    setup_requests: int
    edits: int
    seconds: float
    summary_saved: bool
    status_saved: bool
    kind: str = "full"
    errors: tuple[str, ...] = ()
    """Pages or pages of the bot's own that could not be saved (the pass went on)."""
    source: str = ""
    """How the pass found its pages: ``every page``, ``listing``, ``recent changes`` or
    ``recent changes, quiet`` (see :mod:`bot.pipeline.step1_find`)."""

    def as_dict(self) -> dict[str, object]:
        return {
            "started": self.started,
            "kind": self.kind,
            "source": self.source,
            "dry_run": self.dry_run,
            "pages_seen": self.pages_seen,
            "pages_read": self.pages_read,
            "complete": self.complete,
            "incomplete": self.incomplete,
            "tagged": self.tagged,
            "untagged": self.untagged,
            "updated": self.updated,
            "skipped": [{"title": s.title, "reason": s.reason} for s in self.skipped],
            "api_requests": self.api_requests,
            "setup_requests": self.setup_requests,
            "edits": self.edits,
            "seconds": round(self.seconds, 3),
            "summary_saved": self.summary_saved,
            "status_saved": self.status_saved,
            "errors": list(self.errors),
        }

    def line(self) -> str:
        """The one-line summary of the pass, in English (the CLI prints it in the wiki's language:
        :func:`bot.run_summary.run_line`)."""
        from bot.run_summary import run_line  # the words live in the catalogs

        return run_line(self)


@dataclass(frozen=True, slots=True)
class TagMemory:
    """What the store knows of one page's tag."""

    tagged: bool
    removed_at: dt.datetime | None


#: The two tag memories without a removal date, shared by every record that has one of them.
_MEMORY = {True: TagMemory(True, None), False: TagMemory(False, None)}


def tag_memory(tagged: bool, removed_at: dt.datetime | None = None) -> TagMemory:
    """The :class:`TagMemory`; without a removal date one of two shared objects."""
    return TagMemory(tagged, removed_at) if removed_at is not None else _MEMORY[tagged]


@dataclass(frozen=True, slots=True)
class PageRecord:
    """One page as the last completed pass left it."""

    pageid: int
    title: str
    revid: int
    result: PageResult
    memory: TagMemory
    skip: str | None = None
    settled: int = 0
    """The reader fingerprint under which revision ``revid`` needed no edit, or only a skip its
    text alone decides (a full sweep may then re-validate its stored reading instead of reading
    it); 0: the next full sweep reads the page."""


@dataclass(frozen=True, slots=True)
class Listing:
    """Every page using a template, without content: page id → (title, latest revision id), and
    the wiki's clock when it answered (asked in the listing's first request)."""

    now: dt.datetime
    pages: Mapping[int, tuple[str, int]]


# -- what the wiki's recent changes say (read by bot/wiki, sorted by an incremental pass) ----------


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of the wiki's recent changes. ``kind`` is ``edit`` (an edit or a creation) or the
    log type (``move``, ``delete``, ...); ``title`` is the page's title at the time (for a move, the
    old one, and ``target`` the new one). ``pageid`` is 0 when the wiki gives none; ``revid`` is
    the revision an edit made (0 for a log action without one)."""

    kind: str
    title: str
    namespace: int
    pageid: int = 0
    target: str | None = None
    target_namespace: int | None = None
    revid: int = 0


@dataclass(frozen=True, slots=True)
class RecentChanges:
    """The changes since a time, and the wiki's clock when it answered (the next pass's mark).
    ``complete`` is false when the answer was cut at a maximum number of changes. ``redirects``:
    the titles of the redirects to the template asked about in the same request (None: not asked)."""

    now: dt.datetime
    changes: tuple[Change, ...]
    complete: bool = True
    redirects: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Touched:
    """What a set of changes touched in the configured namespaces: page ids; the titles of log
    actions (stored pages under them are looked at too); of those, the titles whose entry gave no
    page id (the wiki is asked about them by title); and whether the summary page or one of its
    subpages changed."""

    pageids: frozenset[int]
    titles: frozenset[str]
    unknown: frozenset[str]
    summary: bool


def encode_reading(outcome: ParseOutcome) -> bytes:
    """A page's reading, compactly: zlib-compressed JSON ``[count, problem, params]``, each
    parameter ``[name, value]`` or ``[name, value, 1]`` when positional, in written order
    (duplicates kept). The infobox's offsets in the text are not kept (nothing re-validated
    needs them)."""
    params = (
        [[p.name, p.value, 1] if p.positional else [p.name, p.value] for p in outcome.infobox.params]
        if outcome.infobox
        else None
    )
    doc = [outcome.count, outcome.problem, params]
    return zlib.compress(json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode(), 6)


def decode_reading(blob: bytes) -> ParseOutcome:
    """The reading :func:`encode_reading` stored (raises ``ValueError`` on a damaged one)."""
    try:
        count, problem, params = json.loads(zlib.decompress(blob))
    except (zlib.error, TypeError) as exc:
        raise ValueError(f"damaged reading: {exc}") from None
    if params is None:
        return ParseOutcome(None, problem, count)
    return ParseOutcome(Infobox(tuple(Param(p[0], p[1], len(p) > 2) for p in params)), problem, count)
