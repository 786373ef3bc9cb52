"""Wikitext → the page's partnership infobox, with MediaWiki's semantics (contract §1).

:func:`find_infobox` is the fast path: a linear scan (:mod:`bot.wikitext`) finds every closed
template whose name is the infobox or an alias, and mwparserfromhell parses only that region.
:func:`find_infobox_full` is the straightforward way (mwparserfromhell over the whole page), kept
as the reference for differential tests and the benchmark's baseline.

Edge cases, as MediaWiki treats them:

* names compare with the first letter case-insensitive, ``_`` equal to space, whitespace runs
  folded, an optional ``Template:`` prefix; comments inside the name are ignored;
* templates inside comments, ``<nowiki>``, ``<pre>`` (and other unparsed tags) do not count;
* an infobox never closed is not an infobox (``no_infobox``); one nested in another template's
  parameter counts; two or more anywhere give ``multiple_infoboxes``;
* parameter names and values lose comments and surrounding whitespace; positional parameters are
  named by their number; every occurrence is kept in order so duplicates can be reported.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

import mwparserfromhell
from mwparserfromhell.nodes import Template

from bot.model import MULTIPLE_INFOBOXES, NO_INFOBOX, Infobox, Param, ParseOutcome
from bot.wikitext import MASK, mask, template_spans

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_PREFIX = re.compile(r"^template\s*:\s*", re.IGNORECASE)
#: Infobox regions larger than this (bytes) are split by our own linear splitter rather than
#: mwparserfromhell, whose tokenizer costs ~50 µs per link on multi-megabyte regions.
MWPFH_REGION_LIMIT = 64_000
_NAME_HEAD = re.compile(r"[^|{}]{0,300}(?=\||\}\})")


def normalize_name(name: str) -> str:
    """A template name as MediaWiki resolves it: comments gone, ``_`` = space, whitespace folded,
    ``Template:`` dropped, first letter upper-cased. ``':X'`` (main namespace) stays distinct."""
    name = _COMMENT.sub("", name).replace(MASK, "").replace("_", " ")
    name = " ".join(name.split())
    name = _PREFIX.sub("", name).strip()
    return name[:1].upper() + name[1:]


def name_set(names: Iterable[str]) -> frozenset[str]:
    """The normalised forms of the infobox's name and aliases."""
    return frozenset(normalize_name(n) for n in names if n.strip())


def find_infobox(text: str, names: frozenset[str]) -> ParseOutcome:
    """Find the one infobox of a page in time linear in its size. ``names`` from :func:`name_set`."""
    masked = mask(text)
    found = []
    for span in template_spans(masked):
        head = _NAME_HEAD.match(masked, span.start + 2, span.end)
        if head and normalize_name(head.group(0)) in names:
            found.append(span)
    if len(found) != 1:
        return ParseOutcome(None, NO_INFOBOX if not found else MULTIPLE_INFOBOXES, len(found))
    span = found[0]
    if span.end - span.start > MWPFH_REGION_LIMIT:
        return ParseOutcome(_infobox_from_split(text, masked, span.start, span.end), None, 1)
    nodes = mwparserfromhell.parse(text[span.start : span.end]).nodes
    if len(nodes) != 1 or not isinstance(nodes[0], Template):
        # mwparserfromhell reads the region differently from MediaWiki's preprocessor (rare:
        # stray brackets); fall back to splitting it ourselves at depth 0.
        return ParseOutcome(_infobox_from_split(text, masked, span.start, span.end), None, 1)
    return ParseOutcome(_infobox_from_template(nodes[0], span.start, span.end), None, 1)


def find_infobox_full(text: str, names: frozenset[str]) -> ParseOutcome:
    """The straightforward way: parse the whole page with mwparserfromhell, then its templates.
    Quadratic on pathological input; for reference and benchmarks only."""
    templates = [
        t for t in mwparserfromhell.parse(text).filter_templates(recursive=True) if normalize_name(str(t.name)) in names
    ]
    if len(templates) != 1:
        return ParseOutcome(None, NO_INFOBOX if not templates else MULTIPLE_INFOBOXES, len(templates))
    return ParseOutcome(_infobox_from_template(templates[0], 0, 0), None, 1)


def _clean(value: str) -> str:
    return _COMMENT.sub("", value).strip()


def _infobox_from_template(template: Template, start: int, end: int) -> Infobox:
    params = tuple(
        Param(name=_clean(str(p.name)), value=_clean(str(p.value)), positional=not p.showkey) for p in template.params
    )
    return Infobox(params=params, start=start, end=end)


_SPLIT_RUNS = re.compile(r"\{\{|\}\}|\[\[|\]\]|\|")


def _infobox_from_split(text: str, masked: str, start: int, end: int) -> Infobox:
    """Split ``text[start+2:end-2]`` at ``|`` outside nested braces and links (masked regions
    ignored), then each part at its first ``=``; parts without ``=`` are numbered positionally."""
    bounds, depth = [start + 2], 0
    for m in _SPLIT_RUNS.finditer(masked, start + 2, end - 2):
        tok = m.group(0)
        if tok in ("{{", "[["):
            depth += 1
        elif tok in ("}}", "]]"):
            depth = max(0, depth - 1)
        elif depth == 0:
            bounds.append(m.start())
    bounds.append(end - 2)
    params, number = [], 0
    for a, b in itertools.pairwise(bounds[1:]):
        part, mpart = text[a + 1 : b], masked[a + 1 : b]
        eq = mpart.find("=")
        if eq < 0:
            number += 1
            params.append(Param(str(number), _clean(part), positional=True))
        else:
            params.append(Param(_clean(part[:eq]), _clean(part[eq + 1 :])))
    return Infobox(params=tuple(params), start=start, end=end)
