"""Frozen records that travel between the rooms of the bot. No behaviour beyond small accessors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]

#: Page-level problems of :func:`bot.parse.find_infobox`.
NO_INFOBOX = "no_infobox"
MULTIPLE_INFOBOXES = "multiple_infoboxes"


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Param:
    """One parameter as written: ``name`` and ``value`` with comments removed and whitespace
    trimmed (MediaWiki trims named parameters; positional values are trimmed here too, since
    only their presence matters). ``positional`` is true for ``{{X|value}}`` parameters, whose
    name is their number."""

    name: str
    value: str
    positional: bool = False


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class ParseOutcome:
    """What :func:`bot.parse.find_infobox` saw: exactly one infobox, or a page-level problem
    (``no_infobox`` / ``multiple_infoboxes``) with ``count`` infoboxes seen."""

    infobox: Infobox | None
    problem: str | None
    count: int


@dataclass(frozen=True)
class PageSnapshot:
    """A page as read from the wiki (or a file: ``revid`` 0, ``timestamp`` None)."""

    title: str
    revid: int
    timestamp: dt.datetime | None
    text: str


@dataclass(frozen=True)
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
