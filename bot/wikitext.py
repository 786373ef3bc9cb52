"""Linear-time scanning of wikitext with MediaWiki's preprocessor semantics, used to find templates
without a full parse (mwparserfromhell's full parse is quadratic on runs of unclosed ``{{``).

Two steps, each one pass over the page:

* :func:`mask` blanks HTML comments and the bodies of tags whose contents MediaWiki does not parse
  for templates (``<nowiki>``, ``<pre>``, ``<syntaxhighlight>``, … — mwparserfromhell's
  ``PARSER_BLACKLIST``), keeping every offset. An unclosed comment runs to the end of the page, as
  in MediaWiki; an unclosed ``<nowiki>`` or ``<pre>`` is literal text.
* :func:`template_spans` pairs braces as MediaWiki's preprocessor does: runs of ``{`` and ``[``
  are pushed, a run of the *current* top's closing character closes it (``}}`` inside an open
  ``[[`` is literal), ``{{{``…``}}}`` is a template argument, unclosed pieces become literal text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

MASK = "\x00"

#: Tags whose contents are not parsed for templates (mwparserfromhell's PARSER_BLACKLIST).
OPAQUE_TAGS = (
    "categorytree", "ce", "chem", "gallery", "graph", "hiero", "imagemap", "inputbox", "math",
    "nowiki", "pre", "score", "section", "source", "syntaxhighlight", "templatedata", "timeline",
)  # fmt: skip


@functools.lru_cache(maxsize=8)
def _patterns(tags: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, re.Pattern[str]]]:
    openers = re.compile(r"<!--|<(" + "|".join(tags) + r")(?=[\s/>])[^>]*>", re.IGNORECASE)
    return openers, {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in tags}


def mask(text: str, tags: tuple[str, ...] = OPAQUE_TAGS, to_end: frozenset[str] = frozenset()) -> str:
    """``text`` with comments and opaque tag bodies replaced by ``MASK`` characters, same length.
    NUL characters already in the text become U+FFFD so they cannot pass for masked text.

    ``tags``: the tags whose bodies are masked (lower case); ``to_end``: those of them that run to
    the end of the page when unclosed (MediaWiki's ``includeonly``, ``noinclude``,
    ``onlyinclude``); any other unclosed tag is literal text."""
    openers, closers = _patterns(tags)
    if MASK in text:
        text = text.replace(MASK, "\ufffd")
    parts: list[str] = []
    pos = kept = 0
    unclosed_after: dict[str, int] = {}  # tag → a position after which it has no closing tag
    while (m := openers.search(text, pos)) is not None:
        if m.group(0) == "<!--":
            close = text.find("-->", m.end())
            end = len(text) if close < 0 else close + 3
        else:
            tag = m.group(1).lower()
            closer = None
            if not m.group(0).endswith("/>") and m.end() < unclosed_after.get(tag, len(text) + 1):
                closer = closers[tag].search(text, m.end())
                if closer is None:
                    unclosed_after[tag] = m.end()  # later searches for this tag would fail too
            if closer is None and tag in to_end and not m.group(0).endswith("/>"):
                end = len(text)
            elif closer is None:  # <nowiki/>, or unclosed (literal text in MediaWiki)
                pos = m.end()
                continue
            else:
                end = closer.end()
        parts.append(text[kept : m.start()])
        parts.append(MASK * (end - m.start()))
        pos = kept = end
    parts.append(text[kept:])
    return "".join(parts)


@dataclass(frozen=True)
class Span:
    """A closed ``{{…}}`` template: ``text[start:end]`` includes both brace pairs."""

    start: int
    end: int


@dataclass
class _Piece:
    char: str
    start: int
    count: int


_RUNS = re.compile(r"\{+|\}+|\[+|\]+")


def template_spans(masked: str, start: int = 0, single: bool = False, arguments: bool = False) -> Iterator[Span]:
    """Every closed template (not template argument, unless ``arguments``: then ``{{{…}}}`` too)
    of a masked page, in order of closing. One pass; the stack holds at most one entry per
    unclosed opening run.

    With ``single``, ``start`` must be the start of a run of ``{``: only the templates inside that
    run's pieces are reported, and the scan stops as soon as the run is closed or exhausted (the
    preprocessor pairs what follows a run the same way whatever lies before it)."""
    stack: list[_Piece] = []
    for m in _RUNS.finditer(masked, start):
        if single and not stack and m.start() > start:
            return
        run, pos = m.group(0), m.start()
        ch = run[0]
        if ch in "{[":
            if len(run) >= 2:
                stack.append(_Piece(ch, pos, len(run)))
            continue
        want = "{" if ch == "}" else "["
        i, remaining = pos, len(run)
        while remaining and stack and stack[-1].char == want:
            piece = stack[-1]
            count = min(remaining, piece.count)
            limit = 3 if want == "{" else 2
            matched = min(count, limit)
            if matched < 2:
                break  # a lone brace is literal
            open_at = piece.start + piece.count - matched
            if want == "{" and (matched == 2 or arguments):
                yield Span(open_at, i + matched)
            piece.count -= matched
            if piece.count < 2:
                stack.pop()
            i += matched
            remaining -= matched


def has_text_outside_comments(text: str) -> bool:
    """True when anything but whitespace and HTML comments is on the page (the shutoff rule). An
    unclosed comment runs to the end of the page, as in MediaWiki."""
    return bool(_COMMENT_RE.sub("", text).strip())


_COMMENT_RE = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
