"""The page as MediaWiki's preprocessor reads it when the page is viewed: :func:`read` gives a
:class:`View`, the one record the infobox finder (:mod:`bot.parse`), the tag finder
(:mod:`bot.tagging`) and the exclusion check (:mod:`bot.exclusion`) share for a page, computed once
per page; :meth:`View.params` is the one parameter splitter they all use, :meth:`View.keys` the one
name resolution (:func:`bot.titles.call_key`).

The reading follows ``Preprocessor_Hash::buildDomTreeArrayFromText`` of MediaWiki 1.43 (1.39 the same) in two linear
halves that together are MediaWiki's one scan: :mod:`bot.angles` (comments, extension elements,
inclusion tags: what a ``<`` does never depends on braces) when the view is made, then
:mod:`bot.preprocess` (braces, brackets, pipes, equals signs, headings) when the view is first asked
for its nodes. The infobox needs less: :meth:`View.named` reads only from the openings named like it
when there are few (the pairing that follows a run of ``{`` does not depend on what lies before it).

Offsets are those of the text as given (str indices); every special character is ASCII, so this is
MediaWiki's byte-wise reading of the same UTF-8 text. A pathological page stays linear: 5 MB of
``{{`` or of unclosed ``<ref>`` read in well under a second (``./scripts/bench-check``).
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field

from bot.angles import COMMENT, INCLUSION, Angles, Elements, elements, scan_angles
from bot.model import Param
from bot.preprocess import scan_braces
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
    ``tags`` (lower case) as the wiki's extension tags. Linear in the size of the page: the
    ``<`` pass here, the brace pass when the view is first asked for its nodes."""
    el = elements(tags, False)
    return View(text, tags, scan_angles(text, el), el)


def read_markers(text: str, tags: frozenset[str], until: int | None = None) -> View:
    """``text`` read for the bot's markers: as :func:`read`, but ``<noinclude>`` and
    ``<onlyinclude>`` are left out with their content like ``<includeonly>`` (unclosed: to the
    end); with ``until``, braces only as far as needed to read the text up to that offset."""
    el = elements(tags, True)
    return View(text, tags, scan_angles(text, el), el, until)


def as_view(page: View | str, tags: frozenset[str] = DEFAULT_EXTENSION_TAGS) -> View:
    """``page`` when it is already a view, else ``read(page, tags)``."""
    return page if isinstance(page, View) else read(page, tags)


#: Above this many openings named as asked, one brace pass over the page is cheaper than one short
#: pass from each opening (and keeps pathological pages linear).
CANDIDATE_LIMIT = 4
#: A run of ``{`` (found by its literal start, then taken whole: a run is never searched twice).
_OPENING = re.compile(r"\{\{+")
#: The name after a run of ``{``, up to the first ``|`` or ``}}`` (no brace or bracket in it).
_NAME = re.compile(r"[^|{}\[\]]*(?=\||\}\})")


@dataclass(frozen=True)
class View:
    """One page as the preprocessor reads it: the one record the infobox, the tag and the
    exclusion templates are read from, computed once per page (its parts when first asked).

    :attr:`nodes`: every closed template and argument, by start offset (their spans nest);
    :attr:`removed`: ``(start, end, kind)`` ranges the page as viewed leaves out — comments with
    the line they eat (``COMMENT``), ``<includeonly>`` sections and inclusion tags
    (``INCLUSION``); :attr:`opaque`: ``(start, end, name, body start, body end)`` of extension
    elements (kept as written, nothing inside them read); :attr:`comments`: where each comment's
    ``<!--`` is. ``removed`` and ``opaque`` are sorted and disjoint."""

    text: str
    tags: frozenset[str]
    angles: Angles = field(repr=False)
    elements: Elements = field(repr=False)
    until: int | None = None

    @property
    def removed(self) -> list[tuple[int, int, str]]:
        return self.angles.removed

    @property
    def opaque(self) -> list[tuple[int, int, str, int, int]]:
        return self.angles.opaque

    @property
    def comments(self) -> list[int]:
        return self.angles.comments

    @functools.cached_property
    def nodes(self) -> tuple[Node, ...]:
        """Every closed template and argument, by start offset (the brace pass, once)."""
        found = scan_braces(self.text, self.angles, self.elements, until=self.until)
        return tuple(Node(*n) for n in sorted(found))

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
        """The templates whose key is one of ``keys``, by start offset. Before the brace pass has
        run, a page with at most :data:`CANDIDATE_LIMIT` openings whose name (up to the first
        ``|``, as written) is one of ``keys`` is read from those openings only."""
        if "nodes" not in self.__dict__:
            found = self._named_from_openings(keys)
            if found is not None:
                return found
        return [n for n, k in zip(self.nodes, self.keys, strict=True) if k is not None and k in keys]

    def _named_from_openings(self, keys: frozenset[str]) -> list[Node] | None:
        runs: list[int] = []
        named: dict[str, bool] = {}  # a name as written → whether it is one of keys
        masked = self.masked
        for m in _OPENING.finditer(masked):
            if (name := _NAME.match(masked, m.end())) is None:
                continue
            written = name.group()
            hit = named.get(written)
            if hit is None:
                hit = call_key(self.visible(name.start(), name.end(), nested="{")) in keys
                if MASK not in written:  # (masked text stands for what it hides: no shortcut then)
                    named[written] = hit
            if hit:
                runs.append(m.start())
                if len(runs) > CANDIDATE_LIMIT:
                    return None
        found: dict[int, Node] = {}
        local: list[Node] = []  # every node inside a run read: enough for any range inside one
        for start in runs:
            local += (
                Node(*raw) for raw in scan_braces(self.text, self.angles, self.elements, start=start, single=True)
            )
        local.sort(key=lambda n: (n.start, n.end))
        self.__dict__["_local"] = (local, [n.start for n in local])
        for node in local:
            if not node.argument and call_key(self.name(node)) in keys:
                found.setdefault(node.start, node)
        return [found[start] for start in sorted(found)]

    def _outermost(self, start: int, end: int) -> list[Node]:
        """The nodes in ``text[start:end]`` not inside another one there, in page order: from the
        whole brace pass, or, before it ran, from the runs :meth:`named` read (every range asked
        then lies inside one of them)."""
        nodes, starts = (
            (self.nodes, self._starts)
            if "nodes" in self.__dict__ or "_local" not in self.__dict__
            else self.__dict__["_local"]
        )
        out = []
        j = bisect.bisect_left(starts, start)
        while j < len(nodes) and nodes[j].start < end:
            out.append(nodes[j])
            j = bisect.bisect_left(starts, nodes[j].end, j + 1)
        return out

    def visible(self, start: int, end: int, nested: str | None = None) -> str:
        """``text[start:end]`` as a template receives it, unexpanded: removed ranges left out,
        extension elements as written, and nested templates and arguments as written, whole
        (what the page as viewed leaves out inside them is theirs to drop when they expand). With
        ``nested``, each of those nodes stands as that string instead, so that reading each of
        many nested calls stays linear."""
        plain = self.text[start:end]
        braces = "{" in plain
        if "<" not in plain and not braces:  # no removed range (they start at "<" or at the
            return plain  # blanks before an eaten comment, in the same part) and no node
        skips: list[tuple[int, int, str | None]] = []
        i = bisect.bisect_left(self._removed_starts, start)
        while i < len(self.removed) and self.removed[i][0] < end:
            skips.append((self.removed[i][0], min(self.removed[i][1], end), ""))
            i += 1
        inner = self._outermost(start, end) if braces else []
        if inner:  # a removed range is inside a node or apart from it: the node decides
            merged: list[tuple[int, int, str | None]] = []
            for skip in sorted(skips + [(n.start, n.end, nested) for n in inner], key=lambda k: k[0]):
                if not merged or skip[0] >= merged[-1][1]:
                    merged.append(skip)
            skips = merged
        out, pos = [], start
        for a, b, stand in skips:
            if stand is not None:
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
