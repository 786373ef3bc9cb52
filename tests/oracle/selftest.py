"""Checks of the oracle itself: its tree gives back the text MediaWiki parsed, and the parameters it
reads agree with those the wiki really passes to the template (a Lua module dumps
``frame:getParent().args``; values there are expanded, so only parameters whose name and value hold
nothing that expands are compared)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tests.oracle.reading import OracleReading
from tests.oracle.wiki import OracleWiki

#: What the API does to a text parameter before the parser sees it (WebRequest::getText and
#: UtfNormal): CRLF and CR become LF, C0 controls other than tab and LF (and U+FFFE, U+FFFF) become
#: U+FFFD, then NFC.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def api_normalize(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _CONTROLS.sub("\ufffd", text))


def round_trips(reading: OracleReading, sent: str) -> bool:
    """The tree's source is exactly the text MediaWiki received."""
    return reading.text == api_normalize(sent)


@dataclass(frozen=True)
class ArgsCheck:
    expanded: bool
    """False when the page never expands the infobox node (nothing to compare)."""
    compared: int
    """Parameters compared."""
    problems: tuple[str, ...]


def wiki_agrees(wiki: OracleWiki, reading: OracleReading) -> ArgsCheck:
    """Compare the oracle's parameters of the one infobox with the wiki's own argument map."""
    pairs = wiki.wiki_args(reading.root, reading.index)
    if pairs is None:
        return ArgsCheck(False, 0, ())
    wiki_map = dict(pairs)
    last = {p.name: p for p in reading.params}
    problems = []
    compared = 0
    for name, param in last.items():
        if not param.plain:
            continue
        compared += 1
        if name not in wiki_map:
            problems.append(f"{name!r}: not among the wiki's arguments {sorted(wiki_map)!r}")
        elif wiki_map[name] != param.untrimmed:
            problems.append(f"{name!r}: wiki {wiki_map[name]!r}, oracle {param.untrimmed!r}")
    if all(p.plain for p in reading.params) and set(wiki_map) != set(last):
        problems.append(f"names: wiki {sorted(wiki_map)!r}, oracle {sorted(last)!r}")
    return ArgsCheck(True, compared, tuple(problems))
