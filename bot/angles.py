"""The first half of reading a page as MediaWiki's preprocessor does (``Preprocessor_Hash::
buildDomTreeArrayFromText``, MediaWiki 1.43 and 1.39, a page as viewed): everything that starts with ``<``.

What a ``<`` does never depends on braces, brackets or headings: the preprocessor handles each
``<`` it meets the same way whatever is open, and it meets every ``<`` outside the text an earlier
``<`` consumed. So this pass finds, in one linear scan, every comment, extension element and
inclusion tag of the page, and the second half (:mod:`bot.preprocess`) jumps over them.

* ``<`` starts something only for a listed name (the wiki's extension tags, ``includeonly``,
  ``noinclude``, ``onlyinclude``; ASCII case-insensitive) followed by whitespace, ``/>`` or ``>``,
  or for a comment ``<!--``. A self-closed element or one closed by ``</name\\s*>`` is an opaque
  element; one never closed is literal text (only its opening tag is skipped), and a per-name
  "no closing tag after here" note and a "no ``>`` after here" flag keep this linear, as in
  MediaWiki. ``<includeonly>…</includeonly>`` is removed from the page as viewed (unclosed and
  written in lower case: to the end); the tags ``<noinclude>``, ``</noinclude>``, ``<onlyinclude>``,
  ``</onlyinclude>`` are removed, their content kept.
* A comment runs to the first ``-->`` (unclosed: to the end). When a run of comments separated by
  spaces or tabs is alone on its line, the spaces before it and the line break after it go with it
  (MediaWiki's line-eating rule), and the next line starts right after.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

#: PCRE's ``\\s`` without UTF mode: the whitespace that may follow an element's name.
WS = r"[\t\n\x0b\x0c\r ]"
#: Removed-range kinds.
COMMENT, INCLUSION = "comment", "inclusion"
#: Transclusion tags. On a page as viewed, ``includeonly`` is an element removed with its content
#: and the others are tags removed alone (MediaWiki's ``$ignoredElements``/``$ignoredTags``).
INCLUSION_TAGS = ("includeonly", "noinclude", "onlyinclude")
_IGNORED_TAGS = frozenset({"noinclude", "/noinclude", "onlyinclude", "/onlyinclude"})
_SPACES = re.compile(r"[ \t]*")


@dataclass(frozen=True, slots=True)
class Angles:
    """What the ``<`` pass found. ``removed``: ``(start, end, kind)``; ``opaque``: ``(start, end,
    name, body start, body end)`` (a self-closed element has an empty body at its end);
    ``comments``: where each comment's ``<!--`` is; ``jumps``: for every ``<`` the second pass meets,
    where it goes on (and whether a line starts there, after an eaten comment); a ``<`` not in it
    is literal."""

    removed: list[tuple[int, int, str]]
    opaque: list[tuple[int, int, str, int, int]]
    comments: list[int]
    jumps: dict[int, tuple[int, bool]]


@dataclass(frozen=True, slots=True)
class Elements:
    """How ``<`` reads for one set of extension tags: ``element`` is the pattern of an element's
    name after ``<`` (group ``tag``)."""

    element: str
    search: re.Pattern[str]
    comments_only: re.Pattern[str]
    hidden: frozenset[str]  # elements removed with their content
    ignored: frozenset[str]  # tags removed alone
    fold_case: bool  # MediaWiki compares the name as written ("includeonly" only); markers fold case


@functools.lru_cache(maxsize=16)
def elements(tags: frozenset[str], hide_inclusion: bool) -> Elements:
    """The reading of ``<`` with ``tags`` as extension tags. With ``hide_inclusion``,
    ``<noinclude>`` and ``<onlyinclude>`` are removed with their content like ``<includeonly>``
    (and, unclosed, run to the end whatever their case): the bot's markers count only outside all
    three."""
    if hide_inclusion:
        hidden, ignored = frozenset(INCLUSION_TAGS), frozenset[str]()
    else:
        hidden, ignored = frozenset({"includeonly"}), _IGNORED_TAGS
    names = sorted({t.lower() for t in tags} | hidden | ignored, key=lambda t: (-len(t), t))
    element = r"(?i:(?P<tag>" + "|".join(re.escape(n) for n in names) + r"))(?=" + WS + r"|/>|>)"
    return Elements(
        element,
        re.compile("<(?:!--|" + element + ")", re.ASCII),
        re.compile("<!--"),
        hidden,
        ignored,
        hide_inclusion,
    )


@functools.lru_cache(maxsize=256)
def _closer(name: str) -> re.Pattern[str]:
    return re.compile(r"</" + re.escape(name) + WS + "*>", re.IGNORECASE | re.ASCII)


@functools.lru_cache(maxsize=256)
def _unclosed_run(name: str) -> re.Pattern[str]:
    """Openings of ``name`` (not self-closed) one after another: all literal once none closes."""
    return re.compile(r"(?:<" + re.escape(name) + "(?=" + WS + r"|/>|>)[^>]*(?<!/)>)*", re.IGNORECASE | re.ASCII)


def _blanks_end(text: str, pos: int) -> int:
    """Where the run of spaces and tabs from ``pos`` ends."""
    m = _SPACES.match(text, pos)
    return m.end() if m else pos


def scan_angles(text: str, el: Elements) -> Angles:
    """Every ``<`` event of ``text`` (see the module's rules)."""
    n = len(text)
    removed: list[tuple[int, int, str]] = []
    opaque: list[tuple[int, int, str, int, int]] = []
    comments: list[int] = []
    jumps: dict[int, tuple[int, bool]] = {}
    unclosed: set[str] = set()
    pattern, i = el.search, 0
    while (m := pattern.search(text, i)) is not None:
        p = m.start()
        if text.startswith("<!--", p):
            close = text.find("-->", p + 4)
            if close < 0:
                removed.append((p, n, COMMENT))
                comments.append(p)
                jumps[p] = (n, False)
                break
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
                i = ws_end + 2
                jumps[p] = (i, True)
            else:
                removed.append((p, close + 3, COMMENT))
                comments.append(p)
                i = close + 3
                jumps[p] = (i, False)
            continue
        name = m.group("tag")
        lower = name.lower()
        gt = text.find(">", p + len(name) + 1)
        if gt < 0:  # no ">" anywhere after: no element can open any more
            pattern, i = el.comments_only, p + 1
            continue
        if lower in el.ignored:
            removed.append((p, gt + 1, INCLUSION))
            i = gt + 1
            jumps[p] = (i, False)
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
            elif (lower if el.fold_case else name) in el.hidden:
                end = body_end = n
            else:  # no closing tag: the opening tag is literal text (and the next ones of its name)
                run = None if lower in el.hidden else _unclosed_run(lower).match(text, gt + 1)
                i = run.end() if run else gt + 1
                jumps[p] = (i, False)
                continue
        if lower in el.hidden:
            removed.append((p, end, INCLUSION))
        else:
            opaque.append((p, end, lower, min(gt + 1, body_end), body_end))
        i = end
        jumps[p] = (end, False)
    return Angles(removed, opaque, comments, jumps)
