"""Make an example page minimal: drop lines (then characters at line ends) as long as the same kind of
difference remains. Each try is one oracle reading (one or two requests), so ``./scripts/oracle``
shrinks one example per kind, and the seeded sample in ``./scripts/test`` does not shrink at all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.rules import Rules
from tests.oracle import ours
from tests.oracle.compare import differences
from tests.oracle.reading import read
from tests.oracle.wiki import OracleWiki


def still(wiki: OracleWiki, key: tuple[str, str], rules: Rules, as_of: dt.date) -> Callable[[str], bool]:
    """A test: does the page still show a difference of that (level, kind)?"""

    def test(text: str) -> bool:
        found = differences(read(wiki, text), ours.read(text), rules, as_of, text)
        return any((d.level, d.kind) == key for d in found)

    return test


def shrink(text: str, test: Callable[[str], bool], *, budget: int = 60) -> str:
    """A shorter text for which ``test`` still holds: delta debugging over lines, then over the
    pieces between pipes (parameters on one line), ``budget`` tries each."""
    for separator in ("\n", "|"):
        text = _ddmin(text.split(separator), separator, test, budget)
    return text


def _ddmin(pieces: list[str], separator: str, test: Callable[[str], bool], budget: int) -> str:
    tries = 0
    chunk = max(1, len(pieces) // 2)
    while chunk >= 1 and tries < budget:
        i, removed = 0, False
        while i < len(pieces) and tries < budget:
            candidate = pieces[:i] + pieces[i + chunk :]
            tries += 1
            if candidate and test(separator.join(candidate)):
                pieces, removed = candidate, True
            else:
                i += chunk
        if not removed:
            chunk //= 2
    return separator.join(pieces)
