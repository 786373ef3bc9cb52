"""Wikitext → the page's partnership infobox, with MediaWiki's semantics (contract §1).

:func:`find_infobox` is the fast path: the openings named like the infobox are found with one
regular-expression pass over the masked page (:mod:`bot.wikitext`), each is closed by pairing
brackets from there on with MediaWiki's preprocessor rules, and the infobox is split into
parameters by a linear splitter. Nothing else of the page is parsed (about 0.2 ms for a 13 KB
page; see ``./scripts/bench-check``).
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
from bot.wikitext import MASK, Span, mask, template_spans

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_PREFIX = re.compile(r"^template\s*:\s*", re.IGNORECASE)
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
    found = _named_spans(masked, names)
    if len(found) != 1:
        return ParseOutcome(None, NO_INFOBOX if not found else MULTIPLE_INFOBOXES, len(found))
    span = found[0]
    return ParseOutcome(_infobox_from_split(text, masked, span.start, span.end), None, 1)


#: Above this many candidate openings, one scan of the whole page is cheaper than one per candidate
#: (and keeps pathological pages linear).
CANDIDATE_LIMIT = 4
_OPENING = re.compile(r"\{\{(?!\{)")


def _named_spans(masked: str, names: frozenset[str]) -> list[Span]:
    """The closed templates named one of ``names``, in order of closing. Scans only from the
    openings whose name matches (a page has few), not the whole page's brackets."""

    def named(span: Span) -> bool:
        head = _NAME_HEAD.match(masked, span.start + 2, span.end)
        return head is not None and normalize_name(head.group(0)) in names

    candidates = []
    for m in _OPENING.finditer(masked):
        head = _NAME_HEAD.match(masked, m.end())
        if head and normalize_name(head.group(0)) in names:
            candidates.append(m.start())
    if not candidates:
        return []
    if len(candidates) > CANDIDATE_LIMIT:
        return [s for s in template_spans(masked) if named(s)]
    found: dict[int, Span] = {}
    for pos in candidates:
        run_start = pos
        while run_start > 0 and masked[run_start - 1] == "{":
            run_start -= 1
        for span in template_spans(masked, run_start, single=True):
            if named(span):
                found.setdefault(span.start, span)
    return sorted(found.values(), key=lambda s: s.end)


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


#: What the splitter pays attention to: braces and links (nesting), pipes and equals signs at depth
#: 0, and extension tags whose bodies MediaWiki's preprocessor keeps whole (a ``|`` in a ``<ref>``
#: does not end a parameter).
_SPLIT_TOKENS = re.compile(
    r"\{\{|\}\}|\[\[|\]\]|\||=|<(/?)(?:ref|references|poem|indicator|templatestyles)\b[^<>]*?(/?)>",
    re.IGNORECASE,
)


def _infobox_from_split(text: str, masked: str, start: int, end: int) -> Infobox:
    """Split ``text[start+2:end-2]`` at ``|`` outside nested braces, links and extension tags
    (masked regions ignored), then each part at its first ``=`` at that depth; parts without one
    are numbered positionally. Linear in the region's size."""
    bounds, equals, depth = [start + 2], list[int](), 0
    for m in _SPLIT_TOKENS.finditer(masked, start + 2, end - 2):
        tok = m.group(0)
        if tok in ("{{", "[["):
            depth += 1
        elif tok in ("}}", "]]"):
            depth = max(0, depth - 1)
        elif tok[0] == "<":
            if m.group(2):  # self-closing
                continue
            depth = max(0, depth - 1) if m.group(1) else depth + 1
        elif depth == 0:
            (bounds if tok == "|" else equals).append(m.start())
    bounds.append(end - 2)
    params, number, k = [], 0, 0
    for a, b in itertools.pairwise(bounds[1:]):
        while k < len(equals) and equals[k] <= a:
            k += 1
        eq = equals[k] if k < len(equals) and equals[k] < b else -1
        if eq < 0:
            number += 1
            params.append(Param(str(number), _clean(text[a + 1 : b]), positional=True))
        else:
            params.append(Param(_clean(text[a + 1 : eq]), _clean(text[eq + 1 : b])))
    return Infobox(params=tuple(params), start=start, end=end)
