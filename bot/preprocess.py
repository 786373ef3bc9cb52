"""The scan behind :func:`bot.wikitext.read`: MediaWiki 1.39's ``Preprocessor_Hash::
buildDomTreeArrayFromText`` for a page as viewed, keeping only what the bot needs — the closed
templates and arguments with their parts, the ranges the page as viewed leaves out, the extension
elements and where comments start. No tree is built: an unclosed piece is simply dropped (its text
is literal, the nodes closed inside it stay).

One regular-expression search per event. The events are MediaWiki's, with what it would treat as
literal left out of the search: a ``<`` not opening a listed element or a comment, a lone brace or
bracket, a ``-`` not before ``{``, a line break not followed by ``=`` (only a heading cares), a
closing character that is not the top's. Each search starts where the last event ended, so the scan
is linear; the closing-tag search is done once per name until it fails (MediaWiki's
``$noMoreClosingTag``), the ``>`` search until it fails (``$noMoreGT``), and a run of openings of a
tag known to have no closing tag is skipped in one match.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

#: PCRE's ``\\s`` without UTF mode: the whitespace that may follow an element's name.
_WS = r"[\t\n\x0b\x0c\r ]"
_EQUALS = re.compile(r"={1,6}")
_SPACES = re.compile(r"[ \t]*")
_BRACES = re.compile(r"\{+")
_BRACKETS = re.compile(r"\[+")

#: Removed-range kinds (see :class:`bot.wikitext.View`).
COMMENT, INCLUSION = "comment", "inclusion"
#: Transclusion tags. On a page as viewed, ``includeonly`` is an element dropped with its content
#: and the others are tags dropped alone (MediaWiki's ``$ignoredElements``/``$ignoredTags``).
INCLUSION_TAGS = ("includeonly", "noinclude", "onlyinclude")
_IGNORED_TAGS = frozenset({"noinclude", "/noinclude", "onlyinclude", "/onlyinclude"})

# Scan states: what is on top of the stack, and whether a part's "=" is awaited.
_ROOT, _BRACE, _BRACE_EQ, _LINK, _LANG, _LANG_EQ, _HEADING = range(7)


class _Piece:
    """An open ``{``/``[``/``-{`` run or heading (MediaWiki's ``PPDStackElement_Hash``): ``start``
    is where the run begins (after a saved ``-``), ``parts`` the ``[start, equals]`` of each part."""

    __slots__ = ("count", "open", "parts", "prefix", "start")

    def __init__(self, open_: str, count: int, start: int, prefix: bool = False) -> None:
        self.open, self.count, self.start, self.prefix = open_, count, start, prefix
        self.parts = [[start + count, -1]]


@dataclass(frozen=True, slots=True)
class Scan:
    """What :func:`scan` found. ``nodes``: ``(start, end, argument, parts)`` in closing order;
    ``opaque``: ``(start, end, name, body start, body end)`` of extension elements (a self-closed
    one has an empty body at its end)."""

    nodes: list[tuple[int, int, bool, tuple[tuple[int, int, int], ...]]]
    removed: list[tuple[int, int, str]]
    opaque: list[tuple[int, int, str, int, int]]
    comments: list[int]


@dataclass(frozen=True, slots=True)
class _Grammar:
    patterns: tuple[re.Pattern[str], ...]  # by state; then the same without elements (no ">" left)
    heading: re.Pattern[str]  # the rest of a heading's line when it holds no event
    hidden: frozenset[str]  # elements dropped with their content
    ignored: frozenset[str]  # tags dropped alone
    to_end: frozenset[str]  # unclosed, they run to the end
    fold_case: bool  # MediaWiki compares the name as written with to_end; the markers' reading folds case


#: What may follow ``<`` in a state where elements no longer open (no ``>`` is left in the text).
_NO_ELEMENT = "(?!)"


def _events(element: str) -> tuple[re.Pattern[str], ...]:
    """Per state, a pattern matched at the scan's position: the text that holds no event there
    (``(?:…)*+``, possessive: never given back), then the event, named ``e``. A link holding no
    event is no event at all: it is taken with the text around it. A template holding no event but
    its ``|`` and ``=`` is one event (``simple``), and so is a template's part holding no event but
    its first ``=`` (``part``, with ``eq``) and a heading whose line holds no event (``line``)."""
    angle = "<(?:!--|" + element + ")" if element != _NO_ELEMENT else "<!--"
    line_quiet = _line_quiet(element)
    quiet = line_quiet + r"|\n(?!=)"
    link_body = r"(?!\[)(?:[^{\[\]<\n-]++|\](?!\])|" + quiet + r")*+\]\]"
    simple_link = r"\[\[" + link_body
    template = r"\{\{(?:(?!\{)(?:[^{}\[<\n-]++|\}(?!\})|" + quiet + r")*+\}\}(?P<simple>))?+"
    in_part = r"[^{}\[<\n|=-]++|\}(?!\})|" + quiet + "|" + simple_link
    part = r"\|(?:(?:" + in_part + r")*+(?:(?P<eq>=)(?:" + in_part + r"|=)*+)?+(?=\||\}\})(?P<part>))?+"
    heading = r"\n(?==)(?:={1,6}(?:[^{\[<\n-]++|" + line_quiet + "|" + simple_link + r")*+(?=\n|\Z)(?P<line>))?+"
    opening = [angle, r"-\{", template, r"\[\["]
    # state: (characters that start no event, more quiet sequences, events)
    table = {
        _ROOT: (r"[^<{\[\n-]", [quiet, simple_link], [heading]),
        _BRACE: (r"[^<{}\[\n|-]", [quiet, r"\}(?!\})", simple_link], [r"\n=", r"\}\}", part]),
        _BRACE_EQ: (r"[^<{}\[\n|=-]", [quiet, r"\}(?!\})", simple_link], [r"\n=", r"\}\}", part, "="]),
        _LINK: (r"[^<{\[\]\n-]", [quiet, r"\](?!\])"], [r"\n=", r"\]\]"]),
        _LANG: (r"[^<{}\[\n|-]", [quiet, r"\}(?!-)", simple_link], [r"\n=", r"\}-", r"\|"]),
        _LANG_EQ: (r"[^<{}\[\n|=-]", [quiet, r"\}(?!-)", simple_link], [r"\n=", r"\}-", r"\|", "="]),
        _HEADING: (r"[^<{\[\n-]", [line_quiet, simple_link], [r"\n"]),
    }
    out = []
    for state in range(7):
        chars, sequences, events = table[state]
        text = "(?:" + "|".join([chars + "++", *sequences]) + ")*+"
        out.append(re.compile(text + "(?P<e>" + "|".join([*opening, *events]) + ")", re.ASCII))
    return tuple(out)


def _line_quiet(element: str) -> str:
    """Sequences that are no event inside a heading's line: a lone brace or bracket, ``-`` not
    before ``{``, ``<`` opening neither a comment nor an element."""
    return r"\{(?!\{)|\[(?!\[)|-(?!\{)|<(?!!--|" + element.replace("(?P<tag>", "(?:") + ")"


@functools.lru_cache(maxsize=16)
def _grammar(tags: frozenset[str], hide_inclusion: bool) -> _Grammar:
    if hide_inclusion:
        hidden, ignored = frozenset(INCLUSION_TAGS), frozenset[str]()
    else:
        hidden, ignored = frozenset({"includeonly"}), _IGNORED_TAGS
    names = sorted({t.lower() for t in tags} | hidden | ignored, key=lambda t: (-len(t), t))
    element = r"(?i:(?P<tag>" + "|".join(re.escape(n) for n in names) + r"))(?=" + _WS + r"|/>|>)"
    heading = re.compile(r"(?:[^{\[<\n-]++|" + _line_quiet(element) + r")*+(?=\n|\Z)", re.ASCII)
    patterns = _events(element) + _events(_NO_ELEMENT)
    return _Grammar(patterns, heading, hidden, ignored, hidden, hide_inclusion)


@functools.lru_cache(maxsize=256)
def _closer(name: str) -> re.Pattern[str]:
    return re.compile(r"</" + re.escape(name) + _WS + "*>", re.IGNORECASE | re.ASCII)


@functools.lru_cache(maxsize=256)
def _unclosed_run(name: str) -> re.Pattern[str]:
    """Openings of ``name`` (not self-closed) one after another: all literal once none closes."""
    return re.compile(r"(?:<" + re.escape(name) + "(?=" + _WS + r"|/>|>)[^>]*(?<!/)>)*", re.IGNORECASE | re.ASCII)


def _state(stack: list[_Piece]) -> int:
    if not stack:
        return _ROOT
    top = stack[-1]
    if top.open == "{":
        return _BRACE_EQ if len(top.parts) > 1 and top.parts[-1][1] < 0 else _BRACE
    if top.open == "[":
        return _LINK
    if top.open == "-{":
        return _LANG_EQ if len(top.parts) > 1 and top.parts[-1][1] < 0 else _LANG
    return _HEADING


def _blanks_end(text: str, pos: int) -> int:
    """Where the run of spaces and tabs from ``pos`` ends."""
    m = _SPACES.match(text, pos)
    return m.end() if m else pos


def _simple_parts(text: str, start: int, end: int) -> tuple[tuple[int, int, int], ...]:
    """The parts of ``text[start:end]``, a template's inside holding no event but ``|`` and ``=``."""
    parts: list[tuple[int, int, int]] = []
    a = start
    while True:
        b = text.find("|", a, end)
        if b < 0:
            b = end
        eq = text.find("=", a, b) if parts else -1
        parts.append((a, eq, b))
        if b == end:
            return tuple(parts)
        a = b + 1


def scan(text: str, tags: frozenset[str], hide_inclusion: bool = False, until: int | None = None) -> Scan:
    """Read ``text`` as MediaWiki's preprocessor does with ``tags`` as the extension tags. With
    ``hide_inclusion``, ``<noinclude>`` and ``<onlyinclude>`` are dropped with their content like
    ``<includeonly>`` (and, unclosed, run to the end): the bot's markers count only outside all
    three. With ``until``, the scan stops at the first event after that offset where nothing is
    open (what comes later cannot change how the text up to ``until`` reads)."""
    g = _grammar(tags, hide_inclusion)
    patterns = g.patterns
    n = len(text)
    stack: list[_Piece] = []
    nodes: list[tuple[int, int, bool, tuple[tuple[int, int, int], ...]]] = []
    removed: list[tuple[int, int, str]] = []
    opaque: list[tuple[int, int, str, int, int]] = []
    comments: list[int] = []
    unclosed: set[str] = set()
    st, line_start, i = _ROOT, 0, 0
    stop = n if until is None else until
    while True:
        if i > stop and not stack:
            break
        if line_start >= 0:  # MediaWiki's line-start run: a heading piece opens on a run of "="
            count = len(m.group()) if (m := _EQUALS.match(text, line_start)) else 0
            if count and not (count == 1 and st in (_BRACE_EQ, _LANG_EQ)):
                rest = g.heading.match(text, line_start + count)
                if rest is not None:  # nothing on the line but text: the heading changes nothing
                    i = rest.end()
                else:
                    stack.append(_Piece("\n", count, line_start))
                    st, i = _HEADING, line_start + count
            line_start = -1
        m = patterns[st].match(text, i)
        if m is None:
            if st == _HEADING:  # the end of the text closes the heading
                stack.pop()
                st, i = _state(stack), n
                continue
            break
        p = m.start(1)  # the event ("e")
        c = text[p]
        if c == "|":
            if st < _LANG and m.start("part") >= 0:  # the part up to the next "|" or "}}" in one match
                eq = m.start("eq")
                stack[-1].parts.append([p + 1, eq])
                st, i = (_BRACE if eq >= 0 else _BRACE_EQ), m.end()
            else:
                stack[-1].parts.append([p + 1, -1])
                st = _BRACE_EQ if st < _LANG else _LANG_EQ
                i = p + 1
            continue
        if c == "{" and m.start("simple") >= 0:  # a template holding no event but its parts: a node
            i = m.end()
            nodes.append((p, i, False, _simple_parts(text, p + 2, i - 2)))
            continue
        if c == "<":
            if text[p + 1] == "!":  # a comment
                close = text.find("-->", p + 4)
                if close < 0:
                    removed.append((p, n, COMMENT))
                    comments.append(p)
                    i = n
                    continue
                ws_start = p
                while ws_start > 0 and text[ws_start - 1] in " \t":
                    ws_start -= 1
                ws_end = _blanks_end(text, close + 3) - 1
                starts = [p]
                while text.startswith("<!--", ws_end + 1):
                    more = text.find("-->", ws_end + 4)
                    if more < 0:
                        break
                    starts.append(ws_end + 1)
                    ws_end = _blanks_end(text, more + 3) - 1
                if ws_start > 0 and text[ws_start - 1] == "\n" and text.startswith("\n", ws_end + 1):
                    removed.append((ws_start, ws_end + 2, COMMENT))  # the line goes with it
                    comments += starts
                    i = line_start = ws_end + 2
                else:
                    removed.append((p, close + 3, COMMENT))
                    comments.append(p)
                    i = close + 3
                continue
            name = m.group("tag")
            lower = name.lower()
            gt = text.find(">", p + len(name) + 1)
            if gt < 0:  # no ">" anywhere after: no element can open any more
                patterns = patterns[7:] if len(patterns) > 7 else patterns
                i = p + 1
                continue
            if lower in g.ignored:
                removed.append((p, gt + 1, INCLUSION))
                i = gt + 1
                continue
            if text[gt - 1] == "/":
                end = body_end = gt + 1
            else:
                closing = None
                if lower not in unclosed:
                    closing = _closer(lower).search(text, gt + 1)
                    if closing is None:
                        unclosed.add(lower)
                if closing is not None:
                    end, body_end = closing.end(), closing.start()
                elif (lower if g.fold_case else name) in g.to_end:
                    end = body_end = n
                else:  # no closing tag: the opening tag is literal text (and the next ones of its name)
                    run = None if lower in g.hidden else _unclosed_run(lower).match(text, gt + 1)
                    i = run.end() if run else gt + 1
                    continue
            if lower in g.hidden:
                removed.append((p, end, INCLUSION))
            else:
                opaque.append((p, end, lower, min(gt + 1, body_end), body_end))
            i = end
        elif c == "\n":
            if st == _HEADING:  # the line break closes the heading; it is read again as a line start
                stack.pop()
                st, i = _state(stack), p
            elif st == _ROOT and m.start("line") >= 0:  # a heading whose line holds no event
                i = m.end()
            else:
                i = line_start = p + 1
        elif c == "{" or c == "[" or c == "-":
            if c == "-":
                run = _BRACES.match(text, p + 1)
                count = 1 + (run.end() - p - 1 if run else 0)
                piece = _Piece("{", count - 1, p + 1, prefix=True) if count > 2 else _Piece("-{", 2, p)
            else:
                run = (_BRACES if c == "{" else _BRACKETS).match(text, p)
                count = run.end() - p if run else 1
                piece = _Piece(c, count, p)
            stack.append(piece)
            st = _LINK if c == "[" else _BRACE if piece.open == "{" else _LANG
            i = piece.start + piece.count
        elif c == "=":
            stack[-1].parts[-1][1] = p
            st = _BRACE if st == _BRACE_EQ else _LANG
            i = p + 1
        else:  # "}}", "]]" or "}-": the top closes
            top = stack.pop()
            matched = 2
            if c == "}" and top.open == "{":
                if top.count >= 3 and text.startswith("}", p + 2):
                    matched = 3
                start = top.start + top.count - matched
                ends = [part[0] - 1 for part in top.parts[1:]] + [p]
                parts = tuple((a, eq, b) for (a, eq), b in zip(top.parts, ends, strict=True))
                nodes.append((start, p + matched, matched == 3, parts))
            i = p + matched
            top.count -= matched
            if top.count >= 2:
                top.parts = [[top.start + top.count, -1]]
                stack.append(top)
            elif top.count == 1 and top.prefix:  # "-{{{x}}": the "-" and the last "{" open "-{"
                top.open, top.start, top.count, top.prefix = "-{", top.start - 1, 2, False
                top.parts = [[top.start + 2, -1]]
                stack.append(top)
            st = _state(stack)
    return Scan(nodes, removed, opaque, comments)
