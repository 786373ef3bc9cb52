"""The bot's two markers and the one definition of "a real marker", shared by every page the bot
writes (the summary page, its numbered parts, the status page). Pure and linear in the size of the
page: one reading of it as MediaWiki's preprocessor reads it (:func:`bot.wikitext.read_markers`).

The bot writes only between ``<!-- partnership-tracker:start -->`` and
``<!-- partnership-tracker:end -->``. The text of a marker counts as a marker only where MediaWiki's
preprocessor, reading the page itself (not a transclusion of it), sees an HTML comment of its own
at the top level of the page:

* it opens a comment: ``<!-- note <!-- partnership-tracker:start -->`` is one comment (from the first
  ``<!--`` to the first ``-->``), and the marker text in it is not a marker;
* it is not inside the body of a tag MediaWiki hands to an extension or does not parse:
  ``<nowiki>``, ``<pre>``, ``<syntaxhighlight>``, ``<ref>``, ``<references>``, ``<poem>``,
  ``<indicator>``, … (:data:`EXTENSION_TAGS`: Meta-Wiki's list and more). As in MediaWiki an
  unclosed one (``<pre>`` without ``</pre>``) is literal text; a self-closed one (``<nowiki/>``)
  is empty. The list errs on the safe side: on a wiki without an extension, a marker inside its
  tag would be a comment, but it does not count here;
* it is not inside ``<includeonly>``, ``<noinclude>`` or ``<onlyinclude>``; unclosed, these run to
  the end of the page (MediaWiki's ``$xmlishAllowMissingEndTag``);
* it is not inside a template or parser function (``{{X|…}}``, ``{{#if:…|…}}``) or a template
  argument (``{{{1|…}}}``), paired as MediaWiki's preprocessor pairs braces; unclosed braces are
  literal text and do not count.

The marker text must be exact: ``<!--partnership-tracker:start-->`` or other spellings are ordinary
comments. Line ends do not matter (CRLF and LF alike). A page has usable markers when exactly one
real start marker comes before exactly one real end marker; marker text that does not count is
ordinary text and stays as it is, wherever it is. Anything else is "no markers": the caller saves
nothing on that page and says so (:attr:`Markers.problem` says what is wrong and how to fix it).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from bot.wikitext import DEFAULT_EXTENSION_TAGS, RAW_BODY_TAGS, Node, read_markers

START_MARKER = "<!-- partnership-tracker:start -->"
END_MARKER = "<!-- partnership-tracker:end -->"

#: How to fix a page without usable markers (for messages).
MARKERS_FIX = (
    f"put the two marker lines {START_MARKER} and {END_MARKER} on it, each a comment of its own outside "
    "any tag or template, the start above the end (the bot writes only between them)"
)
#: Extension tags whose bodies are not the page's top level: Meta-Wiki's, the unparsed ones and a few
#: more (``<noinclude>``, ``<includeonly>`` and ``<onlyinclude>`` are always left out too; unclosed,
#: they run to the end of the page).
EXTENSION_TAGS = DEFAULT_EXTENSION_TAGS | RAW_BODY_TAGS | {"dynamicpagelist", "quiz"}


@dataclass(frozen=True, slots=True)
class Markers:
    """The real markers of a page: offsets where each real start and end marker begins, and how
    many marker texts do not count (inside a tag, a template, an inclusion section, a comment)."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    ignored: int

    @property
    def span(self) -> tuple[int, int] | None:
        """(end of the start marker, start of the end marker) when the page has exactly one real
        start marker before exactly one real end marker; else ``None``."""
        if len(self.starts) == 1 and len(self.ends) == 1 and self.starts[0] < self.ends[0]:
            return self.starts[0] + len(START_MARKER), self.ends[0]
        return None

    @property
    def problem(self) -> str | None:
        """What is wrong with the markers, as a clause for a message (``None`` when usable)."""
        if self.span is not None:
            return None
        problems = []
        for name, marker, found in (("start", START_MARKER, self.starts), ("end", END_MARKER, self.ends)):
            if not found:
                problems.append(f"the {name} marker {marker} is missing")
            elif len(found) > 1:
                problems.append(f"the {name} marker {marker} appears {len(found)} times (keep exactly one)")
        if not problems:
            problems.append(
                f"the end marker {END_MARKER} comes before the start marker {START_MARKER}; "
                "put the start marker above the end marker"
            )
        if self.ignored:
            problems.append(
                f"{self.ignored} marker text(s) do not count: a marker must be a comment of its own on the page "
                "itself, not inside <nowiki>, <pre> or another tag, a template, {{#if:}}, a template argument, "
                "<includeonly>/<noinclude>/<onlyinclude> or another comment"
            )
        return "; ".join(problems)


def _occurrences(text: str, marker: str) -> list[int]:
    out, i = [], text.find(marker)
    while i >= 0:
        out.append(i)
        i = text.find(marker, i + len(marker))
    return out


def _outermost(nodes: tuple[Node, ...]) -> list[Node]:
    """The nodes not inside another, in page order (``nodes`` come by start, their spans nest)."""
    out: list[Node] = []
    for node in nodes:
        if not out or node.start >= out[-1].end:
            out.append(node)
    return out


def find(text: str) -> Markers:
    """The real markers of ``text`` (see the module's rules)."""
    starts, ends = _occurrences(text, START_MARKER), _occurrences(text, END_MARKER)
    candidates = list(heapq.merge(starts, ends))
    if not candidates:
        return Markers((), (), 0)
    view = read_markers(text, EXTENSION_TAGS, until=candidates[-1])
    comments = set(view.comments)
    spans = _outermost(view.nodes)
    real: set[int] = set()
    i = 0
    for pos in candidates:
        while i < len(spans) and spans[i].end <= pos:
            i += 1
        inside = i < len(spans) and spans[i].start < pos
        if pos in comments and not inside:
            real.add(pos)
    return Markers(
        tuple(p for p in starts if p in real), tuple(p for p in ends if p in real), len(candidates) - len(real)
    )


def between(text: str) -> str | None:
    """The text between the real markers, or ``None`` when the page has no usable markers."""
    span = find(text).span
    return None if span is None else text[span[0] : span[1]]


def replace(text: str, inner: str) -> str | None:
    """``text`` with the text between its real markers replaced by ``inner``: the markers and every
    character outside them stay byte for byte. ``None`` (nothing to save) when the page has no
    usable markers, or when ``inner`` would change which markers are real (it holds marker text,
    or opens a tag, template or comment that the text after the end marker closes)."""
    span = find(text).span
    if span is None:
        return None
    a, b = span
    out = text[:a] + inner + text[b:]
    if find(out).span != (a, a + len(inner)):
        return None
    return out
