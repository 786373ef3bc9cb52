"""MediaWiki's reading against ours: differences in infobox count, parameters and findings, by kind.

Levels, from worst: ``count`` (0, 1 or many infoboxes), ``findings`` (what the editor would see:
``check_page`` on both readings), ``param`` (the parameters of the one infobox: the last-wins map and
the ordered list with duplicates; positional values compared trimmed, as the contract reads them,
though MediaWiki passes them untrimmed). Parameter-level differences that helper F decides to keep
are listed in ``known_differences.json`` beside this file (kind, optional text the detail contains,
and the reason); counts and findings never have exceptions.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from bot.model import Param, ParseOutcome
from bot.rules import Rules
from bot.validate import check_page
from tests.oracle.reading import OracleReading

Level = Literal["count", "findings", "param"]
LEVELS: tuple[Level, ...] = ("count", "findings", "param")
KNOWN_DIFFERENCES = Path(__file__).with_name("known_differences.json")
TITLE = "Oracle page"


@dataclass(frozen=True)
class Difference:
    level: Level
    kind: str
    detail: str


def _bucket(count: int) -> str:
    return str(count) if count < 2 else "many"


def _short(text: str, limit: int = 80) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def param_differences(mediawiki: tuple[Param, ...], ours: tuple[Param, ...]) -> list[Difference]:
    """Differences between two parameter lists of the one infobox."""
    diffs = []
    mw_map, our_map = {p.name: p for p in mediawiki}, {p.name: p for p in ours}
    for name in mw_map.keys() - our_map.keys():
        diffs.append(
            Difference(
                "param", "parameter only in MediaWiki's reading", f"{_short(name)} = {_short(mw_map[name].value)}"
            )
        )
    for name in our_map.keys() - mw_map.keys():
        diffs.append(Difference("param", "parameter only in ours", f"{_short(name)} = {_short(our_map[name].value)}"))
    for name in mw_map.keys() & our_map.keys():
        mw, us = mw_map[name], our_map[name]
        if mw.value != us.value:
            diffs.append(
                Difference(
                    "param", "value differs", f"{_short(name)}: MediaWiki {_short(mw.value)}, ours {_short(us.value)}"
                )
            )
        if mw.positional != us.positional:
            diffs.append(
                Difference(
                    "param", "positional or named differs", f"{_short(name)}: MediaWiki positional={mw.positional}"
                )
            )
    if not diffs and [(p.name, p.value) for p in mediawiki] != [(p.name, p.value) for p in ours]:
        names = ", ".join(p.name for p in mediawiki)
        diffs.append(Difference("param", "order or duplicates differ", f"MediaWiki: {_short(names)}"))
    return sorted(diffs, key=lambda d: (d.kind, d.detail))


def _our_name(text: str, ours: ParseOutcome) -> str:
    """The name of the infobox our reader found, as written (``{{NAME|…}}``)."""
    if ours.infobox is None or ours.infobox.end <= ours.infobox.start:
        return ""
    inner = text[ours.infobox.start + 2 : ours.infobox.end - 2]
    return " " + _short(inner.split("|", 1)[0], 60)


def differences(
    mediawiki: OracleReading, ours: ParseOutcome, rules: Rules, as_of: dt.date, text: str = ""
) -> list[Difference]:
    """Every difference between MediaWiki's reading of a page and ours (``text``: the page, to name
    the template our reader took for the infobox)."""
    diffs = []
    if _bucket(mediawiki.count) != _bucket(ours.count):
        kind = f"infobox count: MediaWiki {_bucket(mediawiki.count)}, ours {_bucket(ours.count)}"
        names = ", ".join(_short(n, 60) for n in mediawiki.names)
        detail = f"MediaWiki {mediawiki.count}{' ' + names if names else ''}; ours {ours.count}{_our_name(text, ours)}"
        diffs.append(Difference("count", kind, detail))
    theirs = mediawiki.outcome()
    if theirs.infobox is not None and ours.infobox is not None:
        diffs.extend(param_differences(theirs.infobox.params, ours.infobox.params))
    mw_findings = {(f.field, f.code, f.message) for f in check_page(TITLE, theirs, rules, as_of).findings}
    our_findings = {(f.field, f.code, f.message) for f in check_page(TITLE, ours, rules, as_of).findings}
    for side, only in (("MediaWiki's reading", mw_findings - our_findings), ("ours", our_findings - mw_findings)):
        for fld, code, message in sorted(only, key=str):
            diffs.append(Difference("findings", f"finding {code} only in {side}", f"{fld}: {_short(message, 120)}"))
    return diffs


@dataclass(frozen=True)
class Allowance:
    """A parameter-level difference F keeps on purpose (known_differences.json)."""

    kind: str
    contains: str
    reason: str

    def covers(self, diff: Difference) -> bool:
        return diff.level == "param" and diff.kind == self.kind and self.contains in diff.detail


def known_differences(path: Path = KNOWN_DIFFERENCES) -> list[Allowance]:
    """The allowed parameter-level differences: ``"allowed"`` of the JSON file, a list of
    ``{"kind": …, "contains": … (optional), "reason": …}``."""
    entries = json.loads(path.read_text(encoding="utf-8"))["allowed"]
    return [Allowance(str(e["kind"]), str(e.get("contains", "")), str(e["reason"])) for e in entries]


@dataclass
class Example:
    origin: str
    text: str
    detail: str


@dataclass
class Tally:
    """Differences over many pages: pages per level and per kind, and for each kind the shortest page
    of each distinct detail (``examples`` of them are shown)."""

    allowances: list[Allowance] = field(default_factory=list)
    pages: int = 0
    pages_with: Counter[str] = field(default_factory=Counter)
    kinds: Counter[tuple[str, str]] = field(default_factory=Counter)
    details: dict[tuple[str, str], dict[str, Example]] = field(default_factory=dict)
    allowed: int = 0
    origins: Counter[str] = field(default_factory=Counter)

    def add(self, origin: str, text: str, diffs: list[Difference]) -> None:
        self.pages += 1
        self.origins[origin.split(":", 1)[0]] += 1
        kept = [d for d in diffs if not any(a.covers(d) for a in self.allowances)]
        self.allowed += len(diffs) - len(kept)
        for level in {d.level for d in kept}:
            self.pages_with[level] += 1
        for key in {(d.level, d.kind) for d in kept}:
            self.kinds[key] += 1
            detail = next(d.detail for d in kept if (d.level, d.kind) == key)
            seen = self.details.setdefault(key, {})
            if detail not in seen or len(text) < len(seen[detail].text):
                seen[detail] = Example(origin, text, detail)

    def examples(self, key: tuple[str, str], limit: int) -> list[Example]:
        """The shortest pages of that kind, one per distinct detail."""
        return sorted(self.details[key].values(), key=lambda e: (len(e.text), e.detail))[:limit]

    def failures(self) -> int:
        """Pages whose count or findings differ, or with a parameter difference not allowed."""
        return sum(self.pages_with[level] for level in LEVELS)

    def render(self, *, examples: int = 3, example_chars: int = 600) -> str:
        lines = [
            f"pages compared: {self.pages} ({', '.join(f'{k} {v}' for k, v in sorted(self.origins.items()))})",
            f"pages with an infobox count difference: {self.pages_with['count']}",
            f"pages with a findings difference: {self.pages_with['findings']}",
            f"pages with a parameter difference: {self.pages_with['param']}"
            + (f" (and {self.allowed} allowed by known_differences.json)" if self.allowed else ""),
        ]
        for level in LEVELS:
            keys = sorted((k for k in self.kinds if k[0] == level), key=lambda k: (-self.kinds[k], k[1]))
            if keys:
                lines.append(f"\n{level} differences by kind (pages, shortest example):")
            for key in keys:
                lines.append(f"  {self.kinds[key]:5}  {key[1]}")
                for ex in self.examples(key, examples):
                    text = ex.text if len(ex.text) <= example_chars else ex.text[:example_chars] + "…"
                    lines.append(f"           {ex.detail}\n             [{ex.origin}] {text!r}")
        return "\n".join(lines)

    def to_json(self, *, examples: int = 3) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "origins": dict(self.origins),
            "pages_with": {level: self.pages_with[level] for level in LEVELS},
            "allowed": self.allowed,
            "kinds": [
                {"level": k[0], "kind": k[1], "pages": n, "examples": [vars(e) for e in self.examples(k, examples)]}
                for k, n in sorted(self.kinds.items(), key=lambda kv: (LEVELS.index(kv[0][0]), -kv[1]))
            ],
        }
