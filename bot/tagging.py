"""The ``{{Partnership incomplete}}`` tag line (contract §4 "Tag"): findings → :class:`Tag` → page text.

Pure: no wiki, no I/O, no clock. Three steps, each usable alone:

* :func:`tag_for` turns a :class:`~bot.model.PageResult` into the tag it deserves (``None`` when
  the page is complete);
* :func:`find_tag` finds the tag line already on a page, if any;
* :func:`retag` adds, updates or removes that line and touches nothing else, byte for byte.

What counts as *the tag line*: a line holding only one call of the tag template, optionally
surrounded by spaces or tabs (and a ``\\r`` before the newline), anywhere on the page but not
inside an HTML comment, ``<nowiki>``, ``<pre>`` or another unparsed tag. The template name is
compared as MediaWiki does (:func:`bot.parse.normalize_name`: first letter case-insensitive,
``_`` = space, whitespace folded, optional ``Template:`` prefix). A comment *inside* the call is
allowed; nested templates, links or a line break outside a comment are not (such a line is left
alone and a fresh tag goes on top). When several lines qualify, the first one wins and the others
are never touched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.model import PageResult
from bot.parse import normalize_name
from bot.wikitext import MASK, mask

#: Finding codes that put a field in ``missing=``; every other *error* with a field goes in ``invalid=``
#: (by the contract: ``invalid``, ``date_order``, ``nonfree_license``; also any code a rules file
#: raises to severity error, so an incomplete page never gets an empty tag).
MISSING_CODES = frozenset({"missing", "placeholder"})
INVALID_CODES = frozenset({"invalid", "date_order", "nonfree_license"})

#: Characters a field name may not hold to be written into the tag (they would break the call).
_UNSAFE_FIELD = re.compile(r"[|{}\[\]=,<>\n\r]")

#: A candidate tag line in *masked* text: optional blanks, ``{{name`` then optional ``|params``,
#: ``}}``, optional blanks (``\r`` included) up to the end of the line. Masked regions (comments)
#: may sit inside the call only. Linear: one attempt per line start, no nested quantifiers.
_LINE = re.compile(r"^[ \t]*\{\{([^{}|\n]*)((?:\|[^{}\n]*)?)\}\}[ \t\r]*$", re.MULTILINE)


def _clean_items(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({item.strip() for item in items if item.strip()}))


@dataclass(frozen=True, slots=True)
class Tag:
    """What the tag says: fields with missing/placeholder values, fields with invalid values, and a
    page-level problem (``multiple_infoboxes`` or ``no_infobox``).

    The lists are normalised on construction (trimmed, empty items dropped, duplicates removed,
    sorted), so two tags that say the same thing compare equal whatever order they were built in.
    """

    missing: tuple[str, ...] = ()
    invalid: tuple[str, ...] = ()
    problem: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "missing", _clean_items(self.missing))
        object.__setattr__(self, "invalid", _clean_items(self.invalid))
        object.__setattr__(self, "problem", (self.problem or "").strip() or None)

    def render(self, template: str) -> str:
        """The template call, e.g. ``{{Partnership incomplete|missing=a,b|invalid=c|problem=x}}``.
        Parameters in the order missing, invalid, problem; an empty list's parameter is left out,
        so a tag with nothing to say renders as ``{{Partnership incomplete}}``."""
        params = []
        if self.missing:
            params.append("missing=" + ",".join(self.missing))
        if self.invalid:
            params.append("invalid=" + ",".join(self.invalid))
        if self.problem:
            params.append("problem=" + self.problem)
        return "{{" + template + "".join("|" + p for p in params) + "}}"


def tag_for(result: PageResult) -> Tag | None:
    """The tag a page deserves: ``None`` when it is complete (no error finding).

    Only findings of severity ``error`` count; warnings never appear in the tag. Errors of code
    ``missing``/``placeholder`` go to ``missing``; other errors that name a field go to ``invalid``;
    a page-level error (no field: ``no_infobox``, ``multiple_infoboxes``) becomes ``problem`` (the
    alphabetically first if ever there were several). Field names that could not be written in a
    template call (holding ``|``, braces, brackets, ``=``, ``,``, ``<``, ``>`` or a line break — only
    possible for a parameter name as written) are left out.
    """
    if result.complete:
        return None
    missing: list[str] = []
    invalid: list[str] = []
    problems: list[str] = []
    for f in result.findings:
        if f.severity != "error":
            continue
        if f.field is None:
            problems.append(f.code)
        elif _UNSAFE_FIELD.search(f.field) or not f.field.strip():
            continue
        elif f.code in MISSING_CODES:
            missing.append(f.field)
        else:
            invalid.append(f.field)
    return Tag(tuple(missing), tuple(invalid), min(problems) if problems else None)


@dataclass(frozen=True, slots=True)
class TagLine:
    """A tag line found on a page: ``text[start:end]`` is the whole line, including its trailing
    ``\\n`` when it has one (the last line of a page may not). ``tag`` is what the line says."""

    start: int
    end: int
    tag: Tag


def parse_params(params: str) -> Tag:
    """Read ``|missing=a, b|invalid=c|problem=x`` (masked characters already removed) into a Tag.

    Parameter names are trimmed and case-sensitive (as in MediaWiki); a repeated parameter keeps its
    last value (as MediaWiki shows it); list items are comma-separated, trimmed, empty and repeated
    items dropped. Positional and unknown parameters are ignored."""
    values: dict[str, str] = {}
    for part in params.split("|")[1:]:
        name, sep, value = part.partition("=")
        if sep:
            values[name.strip()] = value
    return Tag(
        tuple(values.get("missing", "").split(",")),
        tuple(values.get("invalid", "").split(",")),
        values.get("problem"),
    )


def find_tag(text: str, template: str) -> TagLine | None:
    """The first tag line of ``text`` outside comments and unparsed tags, or ``None``.

    Linear in the size of the page (one masking pass, one line scan)."""
    wanted = normalize_name(template)
    masked = mask(text)
    for m in _LINE.finditer(masked):
        if normalize_name(m.group(1)) != wanted:
            continue
        end = m.end()
        if end < len(masked) and masked[end] == "\n":
            end += 1
        return TagLine(m.start(), end, parse_params(m.group(2).replace(MASK, "")))
    return None


def _line_break(line: str) -> str:
    """The line ending of ``line``: ``"\\r\\n"``, ``"\\n"`` or ``""`` (last line without one)."""
    if line.endswith("\r\n"):
        return "\r\n"
    return "\n" if line.endswith("\n") else ""


def retag(text: str, tag: Tag | None, template: str) -> str:
    """``text`` with its tag line made to say ``tag``; nothing else changes, byte for byte.

    * ``tag`` is ``None``: the first tag line is removed together with its line break; a page
      without one is returned unchanged.
    * no tag line yet: ``tag.render(template)`` and a line break go in front of the page. The
      break is ``\\r\\n`` when the page's first line ends that way, else ``\\n`` (so an empty page
      becomes just the tag and ``\\n``).
    * a tag line exists: it is rewritten (keeping its own line break) only when what it says
      differs from ``tag``; a human's harmless spacing or item order is left alone.

    So ``retag(retag(t, tag), None) == t`` for a page without a tag line, and
    ``retag`` is idempotent."""
    found = find_tag(text, template)
    if tag is None:
        return text if found is None else text[: found.start] + text[found.end :]
    if found is None:
        first_break = text.find("\n")
        newline = "\r\n" if first_break > 0 and text[first_break - 1] == "\r" else "\n"
        return tag.render(template) + newline + text
    if found.tag == tag:
        return text
    newline = _line_break(text[found.start : found.end])
    return text[: found.start] + tag.render(template) + newline + text[found.end :]


def _describe(tag: Tag) -> str:
    parts = []
    if tag.missing:
        parts.append("missing " + ", ".join(tag.missing))
    if tag.invalid:
        parts.append("invalid " + ", ".join(tag.invalid))
    if tag.problem:
        parts.append(tag.problem.replace("_", " "))
    return "; ".join(parts) or "incomplete"


def tag_summary(old: Tag | None, new: Tag | None) -> str:
    """A short edit-summary phrase for a tag change:

    * none → tag: ``"tag incomplete partnership page: missing coi_disclosure, metrics"``
    * tag → other tag: ``"update incomplete tag: now missing metrics; invalid end"``
    * tag → none: ``"remove incomplete tag: page complete"``
    * no change (both ``None`` or equal): ``""`` — there is no edit to describe.
    """
    if old == new:
        return ""
    if new is None:
        return "remove incomplete tag: page complete"
    if old is None:
        return "tag incomplete partnership page: " + _describe(new)
    return "update incomplete tag: now " + _describe(new)
