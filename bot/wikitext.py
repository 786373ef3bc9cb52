"""The page as MediaWiki's preprocessor reads it, in one linear scan: :func:`read` gives a
:class:`View`, the one record the infobox finder (:mod:`bot.parse`), the tag finder
(:mod:`bot.tagging`) and the exclusion check (:mod:`bot.exclusion`) share for a page, and
:meth:`View.params` is the one parameter splitter they all use.

:func:`read` follows ``Preprocessor_Hash::buildDomTreeArrayFromText`` of MediaWiki 1.39 for a page
as it is viewed (not transcluded), event by event:

* ``<`` opens an element only for a listed name (the wiki's extension tags, ``includeonly``,
  ``noinclude``, ``onlyinclude``; ASCII case-insensitive) followed by whitespace, ``/>`` or
  ``>``, or a comment ``<!--``. An extension tag closed by ``</name\\s*>`` is an opaque node (its
  body holds no templates, pipes or comments); one never closed is literal text — only its opening
  tag is skipped — and a per-name "no closing tag after here" note and a "no ``>`` after here"
  flag keep this linear, as in MediaWiki. ``<includeonly>…</includeonly>`` is dropped from the
  page as viewed (unclosed and spelled in lower case: to the end of the page); the tags
  ``<noinclude>``, ``</noinclude>``, ``<onlyinclude>``, ``</onlyinclude>`` are dropped, their
  content kept.
* A comment runs to the first ``-->`` (unclosed: to the end). When a run of comments separated by
  spaces or tabs is alone on its line, the line goes with it: the spaces before, and the line
  break after (MediaWiki's line-eating rule).
* ``{{``/``{{{`` (templates, arguments), ``[[`` (links) and ``-{`` (language conversion) are
  pushed with their run length; only the top's own closing (``}}``, ``]]``, ``}-``) closes, with
  MediaWiki's counting (the innermost braces pair first; ``}}}`` closes an argument when three
  opened). ``|`` starts a new part and the first ``=`` of a part splits name from value only while
  a template, argument or ``-{`` is on top (not inside ``[[…]]`` or a heading). A run of ``=`` at
  the start of a line opens a heading piece closed by the line break — except a single ``=`` where
  a part's ``=`` is awaited (MediaWiki's DWIM rule). Links and ``-{…}-`` make no node; their
  content is literal text, their inner nodes stay. Whatever is still open at the end is literal
  text, its inner closed nodes stay.

Offsets are those of the text as given (str indices); every special character is ASCII, so this
is MediaWiki's byte-wise reading of the same UTF-8 text.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from bot.model import Param
from bot.preprocess import COMMENT, INCLUSION, scan
from bot.titles import call_key

__all__ = ["COMMENT", "INCLUSION", "MASK", "Node", "View", "php_trim", "read"]

MASK = "\x00"
#: PHP's ``trim``: what MediaWiki strips around template names, parameter names and values.
PHP_TRIM = " \t\n\r\0\x0b"

#: Meta-Wiki's extension tags (``meta=siteinfo&siprop=extensiontags``), the same list as ``[site]
#: extension_tags`` in ``config/bot.toml`` (a unit test keeps them equal): for reading without a
#: configuration. On the wiki each pass reads the wiki's own list; ``check`` takes the config's.
DEFAULT_EXTENSION_TAGS = frozenset(
    {
        "categorytree", "ce", "charinsert", "chem", "dynamicpagelist", "gallery", "graph", "hiero", "imagemap",
        "indicator", "inputbox", "langconvert", "languages", "mapframe", "maplink", "math", "nowiki",
        "page-collection", "phonos", "poem", "pre", "ref", "references", "rss", "score", "section", "source",
        "syntaxhighlight", "templatedata", "templatestyles", "timeline",
    }
)  # fmt: skip
#: Extension tags whose body is not wikitext (mwparserfromhell's ``PARSER_BLACKLIST``); the body of
#: any other (``<ref>``, ``<poem>``, ``<indicator>``, …) is wikitext its extension parses later:
#: :attr:`View.bodies`.
RAW_BODY_TAGS = frozenset(
    {
        "categorytree", "ce", "chem", "gallery", "graph", "hiero", "imagemap", "inputbox", "math",
        "nowiki", "pre", "score", "section", "source", "syntaxhighlight", "templatedata", "timeline",
    }
)  # fmt: skip


def php_trim(value: str) -> str:
    """PHP's ``trim``: space, tab, line feed, carriage return, NUL and vertical tab; not U+00A0."""
    return value.strip(PHP_TRIM)


@dataclass(frozen=True, slots=True)
class Node:
    """A closed ``{{…}}`` (template or parser function) or ``{{{…}}}`` (``argument``):
    ``text[start:end]`` with its braces. ``parts`` are ``(start, equals, end)`` offsets of the
    pipe-separated parts; the first is the name, the others the parameters (``equals`` is the
    offset of the ``=`` MediaWiki splits the part at, -1 for a positional parameter)."""

    start: int
    end: int
    argument: bool
    parts: tuple[tuple[int, int, int], ...]


def read(text: str, tags: frozenset[str] = DEFAULT_EXTENSION_TAGS) -> View:
    """The page ``text`` as MediaWiki's preprocessor reads it when the page is viewed, with
    ``tags`` (lower case) as the wiki's extension tags. Linear in the size of the page."""
    found = scan(text, tags)
    nodes = tuple(Node(*n) for n in sorted(found.nodes))
    return View(text, tags, nodes, tuple(found.removed), tuple(found.opaque), tuple(found.comments))


def read_markers(text: str, tags: frozenset[str], until: int | None = None) -> View:
    """``text`` read for the bot's markers: as :func:`read`, but ``<noinclude>`` and
    ``<onlyinclude>`` are left out with their content like ``<includeonly>`` (unclosed: to the
    end); with ``until``, only as far as needed to read the text up to that offset."""
    found = scan(text, tags, hide_inclusion=True, until=until)
    nodes = tuple(Node(*n) for n in sorted(found.nodes))
    return View(text, tags, nodes, tuple(found.removed), tuple(found.opaque), tuple(found.comments))


def as_view(page: View | str, tags: frozenset[str] = DEFAULT_EXTENSION_TAGS) -> View:
    """``page`` when it is already a view, else ``read(page, tags)``."""
    return page if isinstance(page, View) else read(page, tags)


@dataclass(frozen=True)
class View:
    """One page as the preprocessor reads it: the one record the infobox, the tag and the
    exclusion templates are read from.

    ``nodes``: every closed template and argument, by start offset (their spans nest);
    ``removed``: ``(start, end, kind)`` ranges the page as viewed leaves out — comments with the
    line they eat (``COMMENT``), ``<includeonly>`` sections and inclusion tags (``INCLUSION``);
    ``opaque``: ``(start, end, name, body start, body end)`` of extension elements (kept as
    written, nothing inside them read); ``comments``: where each comment's ``<!--`` is.
    ``removed`` and ``opaque`` are sorted and disjoint."""

    text: str
    tags: frozenset[str]
    nodes: tuple[Node, ...]
    removed: tuple[tuple[int, int, str], ...]
    opaque: tuple[tuple[int, int, str, int, int], ...]
    comments: tuple[int, ...]

    @functools.cached_property
    def _starts(self) -> list[int]:
        return [n.start for n in self.nodes]

    @functools.cached_property
    def _removed_starts(self) -> list[int]:
        return [r[0] for r in self.removed]

    @functools.cached_property
    def masked(self) -> str:
        """The text with removed ranges and extension elements replaced by :data:`MASK`, same
        length (a ``MASK`` already in the text becomes U+FFFD)."""
        text = self.text.replace(MASK, "\ufffd") if MASK in self.text else self.text
        out, pos = [], 0
        for a, b in sorted([(r[0], r[1]) for r in self.removed] + [(o[0], o[1]) for o in self.opaque]):
            out += [text[pos:a], MASK * (b - a)]
            pos = b
        out.append(text[pos:])
        return "".join(out)

    @functools.cached_property
    def keys(self) -> tuple[str | None, ...]:
        """Per node, the page it transcludes (:func:`bot.titles.call_key`); None for an argument,
        a parser function, ``subst:``, a name built by another node or an invalid title."""
        return tuple(None if n.argument else call_key(self.name(n)) for n in self.nodes)

    @functools.cached_property
    def enclosed(self) -> frozenset[int]:
        """Starts of the nodes inside a template's (or parser function's) braces; an argument's
        braces do not count (its default shows on the page as viewed)."""
        out: set[int] = set()
        open_ends: list[int] = []
        for node in self.nodes:
            while open_ends and open_ends[-1] <= node.start:
                open_ends.pop()
            if open_ends:
                out.add(node.start)
            if not node.argument:
                open_ends.append(node.end)
        return frozenset(out)

    @functools.cached_property
    def bodies(self) -> tuple[tuple[int, View], ...]:
        """``(offset, view)`` of each extension body that is wikitext (not :data:`RAW_BODY_TAGS`)
        and may hold a template call: what ``<ref>``, ``<poem>``, ``<indicator>``, … show is that
        body parsed on its own, calls included. Read only when asked (the tag and the exclusion
        templates are looked for there too; the infobox is not)."""
        out = []
        for _start, _end, name, a, b in self.opaque:
            if name not in RAW_BODY_TAGS and self.text.find("{{", a, b) >= 0:
                out.append((a, read(self.text[a:b], self.tags)))
        return tuple(out)

    def named(self, keys: frozenset[str]) -> list[Node]:
        """The templates whose key is one of ``keys``, by start offset."""
        return [n for n, k in zip(self.nodes, self.keys, strict=True) if k is not None and k in keys]

    def visible(self, start: int, end: int, nested: str | None = None) -> str:
        """``text[start:end]`` as a template receives it: removed ranges left out, extension
        elements as written. With ``nested``, each outermost node in the range stands as that
        string instead of its text, so that reading each of many nested calls stays linear."""
        plain = self.text[start:end]
        if "<" not in plain and "{" not in plain:  # no removed range (they start at "<" or the
            return plain  # blanks before an eaten comment, in the same part) and no node
        skips: list[tuple[int, int, str]] = []
        i = bisect.bisect_left(self._removed_starts, start)
        while i < len(self.removed) and self.removed[i][0] < end:
            skips.append((self.removed[i][0], min(self.removed[i][1], end), ""))
            i += 1
        if nested is not None:
            j = bisect.bisect_left(self._starts, start)
            inner: list[tuple[int, int, str]] = []
            while j < len(self.nodes) and self.nodes[j].start < end:
                node = self.nodes[j]
                inner.append((node.start, node.end, nested))
                j = bisect.bisect_left(self._starts, node.end, j + 1)
            if inner:  # a removed range is inside a node or apart from it: keep the outer one
                merged: list[tuple[int, int, str]] = []
                for skip in sorted(skips + inner):
                    if not merged or skip[0] >= merged[-1][1]:
                        merged.append(skip)
                skips = merged
        if not skips:
            return self.text[start:end]
        out, pos = [], start
        for a, b, stand in skips:
            out += [self.text[pos:a], stand]
            pos = b
        out.append(self.text[pos:end])
        return "".join(out)

    def removes(self, start: int, end: int, kind: str) -> bool:
        """Whether a removed range of ``kind`` starts within ``text[start:end]``."""
        i = bisect.bisect_left(self._removed_starts, start)
        while i < len(self.removed) and self.removed[i][0] < end:
            if self.removed[i][2] == kind:
                return True
            i += 1
        return False

    def name(self, node: Node) -> str:
        """A node's name as written, comments and inclusion tags left out, untrimmed; a node
        inside the name stands as ``{`` (a name built by another template resolves to nothing)."""
        a, _eq, b = node.parts[0]
        return self.visible(a, b, nested="{")

    def params(self, node: Node, nested: str | None = None) -> tuple[Param, ...]:
        """The one parameter splitter: a node's parameters in written order, as MediaWiki splits
        them. Named ones: name and value trimmed as PHP trims; positional ones are named by their
        number (the value trimmed too: only its presence matters here). ``nested`` as for
        :meth:`visible`."""
        out: list[Param] = []
        number = 0
        for start, eq, end in node.parts[1:]:
            if eq < 0:
                number += 1
                out.append(Param(str(number), php_trim(self.visible(start, end, nested)), positional=True))
            else:
                name = php_trim(self.visible(start, eq, nested))
                out.append(Param(name, php_trim(self.visible(eq + 1, end, nested))))
        return tuple(out)


def has_text_outside_comments(text: str) -> bool:
    """True when anything but whitespace and HTML comments is on the page (the shutoff rule). An
    unclosed comment runs to the end of the page, as in MediaWiki."""
    return bool(_COMMENT_RE.sub("", text).strip())


_COMMENT_RE = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
