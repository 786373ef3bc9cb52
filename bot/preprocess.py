"""The second half of reading a page as MediaWiki's preprocessor does (``Preprocessor_Hash::
buildDomTreeArrayFromText``, MediaWiki 1.43 and 1.39, a page as viewed): braces, brackets, pipes, equals
signs and headings, over the text the first half (:mod:`bot.angles`) left — its comments, elements
and inclusion tags are jumped over.

* ``{{``/``{{{`` (templates, arguments), ``[[`` (links) and ``-{`` (language conversion) are pushed
  with their run length; only the top's own closing (``}}``, ``]]``, ``}-``) closes, with
  MediaWiki's counting (the innermost braces pair first; ``}}}`` closes an argument when three
  opened). ``|`` starts a new part and the first ``=`` of a part splits name from value only while
  a template, argument or ``-{`` is on top (not inside ``[[…]]`` or a heading). A run of ``=`` at
  the start of a line opens a heading piece closed by the line break — except a single ``=`` where
  a part's ``=`` is awaited (MediaWiki's DWIM rule). Links and ``-{…}-`` make no node; their
  content is literal text, their inner nodes stay. Whatever is still open at the end is literal
  text, its inner closed nodes stay. No tree is built: only the closed templates and arguments,
  with their parts.

One regular-expression match per event, from where the last one ended (so the scan is linear): the
text that holds no event is taken whole, as MediaWiki takes it literally — a lone brace or bracket,
a ``-`` not before ``{``, a line break not followed by ``=``, a closing character that is not the
top's, a link holding no event; a template holding nothing but its parts, a template's part and a
heading line holding no event are each one match.
"""

from __future__ import annotations

import functools
import re

from bot.angles import Angles, Elements

_EQUALS = re.compile(r"={1,6}")
_BRACES = re.compile(r"\{+")
_BRACKETS = re.compile(r"\[+")
#: A closed node: ``(start, end, argument, parts)``; parts are ``(start, equals or -1, end)``.
RawNode = tuple[int, int, bool, tuple[tuple[int, int, int], ...]]

# Scan states: what is on top of the stack, and whether a part's "=" is awaited.
_ROOT, _BRACE, _BRACE_EQ, _LINK, _LANG, _LANG_EQ, _HEADING = range(7)


class _Piece:
    """An open ``{``/``[``/``-{`` run or heading (MediaWiki's ``PPDStackElement_Hash``): ``start``
    is where the run begins (after a saved ``-``), ``parts`` the ``[start, equals]`` of each part."""

    __slots__ = ("count", "open", "parts", "prefix", "start")

    def __init__(self, open_: str, count: int, start: int, prefix: bool = False) -> None:
        self.open, self.count, self.start, self.prefix = open_, count, start, prefix
        self.parts = [[start + count, -1]]


@functools.lru_cache(maxsize=16)
def _events(element: str) -> tuple[re.Pattern[str], ...]:
    """Per state, a pattern matched at the scan's position: the text that holds no event there
    (``(?:…)*+``, possessive: never given back), then the event, named ``e``. A link holding no
    event is no event at all: it is taken with the text around it. A template holding no event but
    its ``|`` and ``=`` is one event (``simple``), and so is a template's part holding no event but
    its first ``=`` (``part``, with ``eq``) and a heading whose line holds no event (``line``)."""
    angle = "<(?:!--|" + element + ")"
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
def _heading(element: str) -> re.Pattern[str]:
    """The rest of a heading's line when it holds no event."""
    return re.compile(r"(?:[^{\[<\n-]++|" + _line_quiet(element) + r")*+(?=\n|\Z)", re.ASCII)


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


def scan_braces(
    text: str, angles: Angles, el: Elements, *, start: int = 0, single: bool = False, until: int | None = None
) -> list[RawNode]:
    """Every closed template and argument of ``text``, in closing order. ``angles`` and ``el``: the
    first half's reading of the same text. With ``single``, ``start`` is where a run of ``{``
    begins: only that run is read, with the nodes inside it (what follows a run pairs the same
    whatever lies before it); with ``until``, the scan stops at the first event after that offset
    where nothing is open (what comes later cannot change how the text up to ``until`` reads)."""
    patterns, heading, jumps = _events(el.element), _heading(el.element), angles.jumps
    n = len(text)
    stack: list[_Piece] = []
    nodes: list[RawNode] = []
    st, line_start, i = _ROOT, (-1 if single else 0), start
    stop = n if until is None else until
    while True:
        if not stack and (i > stop or (single and i > start)):
            break
        if line_start >= 0:  # MediaWiki's line-start run: a heading piece opens on a run of "="
            count = len(m.group()) if (m := _EQUALS.match(text, line_start)) else 0
            if count and not (count == 1 and st in (_BRACE_EQ, _LANG_EQ)):
                rest = heading.match(text, line_start + count)
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
        if c == "<":  # a comment, an element or an inclusion tag (the first half read it), else literal
            i, eaten = jumps.get(p, (p + 1, False))
            if eaten:
                line_start = i
            continue
        if c == "\n":
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
    return nodes
