"""The ``{{Partnership incomplete}}`` notice (contract §4 "Tag"): findings → :class:`Tag` → page text.

Pure: no wiki, no I/O, no clock. Three steps, each usable alone:

* :func:`tag_for` turns a :class:`~bot.model.PageResult` into the tag it deserves (``None`` when
  the page is complete);
* :func:`find_tags` finds every *real tag* already on a page (:func:`find_tag`: the one that counts);
* :func:`retag` leaves exactly one real tag saying what it should (or none) and touches nothing
  else, byte for byte.

**A real tag** is every call of the tag template that MediaWiki would expand on the page as viewed,
read from the page's view (:func:`bot.wikitext.read`: MediaWiki's preprocessor): anywhere outside
HTML comments, extension tags whose body is not wikitext (``<nowiki>``, ``<pre>``, …),
``<includeonly>`` sections (an unclosed one, in lower case, hides the rest of the page); alone on
its line or not, on the infobox's line, spread over several lines, nested in another template's
(or parser function's) argument, or in the body of an extension tag that is wikitext
(``<ref>``, ``<poem>``, … — a nested tag too: it shows there, not on top). Its name is resolved as
MediaWiki resolves it (:func:`bot.titles.call_key`: first letter case-insensitive, ``_`` = space,
MediaWiki's whitespace, comments and ``<noinclude>`` ignored, ``Template:`` (also
``:Template:``), ``safesubst:``, ``msg:``, ``raw:``, a ``#fragment``, character references;
``subst:`` and ``msgnw:`` show no notice and do not count); and it may be the template's name or
the title of any redirect to it (:func:`tag_names`, from the wiki once per pass). A call's
parameters are *readable* when they hold no braces, brackets, tags or ``<includeonly>`` (comments
are fine); a call that is not still counts as a tag.

**What retag does** with the wanted tag ``T`` and the real tags found:

* ``T`` given, no real tag outside other templates: a new line ``{{template|…}}`` goes on top (its
  line break is ``\\r\\n`` when the page's first line ends so), and every nested tag is removed.
  A nested tag is never the one kept: MediaWiki shows it only if the outer template shows that
  argument (a missing template or one that ignores it shows nothing), a top-level call always.
* ``T`` given and one or more top-level tags: the first of them in page order is kept. It is
  rewritten in place (only the call's own bytes) when what it says differs from ``T`` or its
  parameters are not readable (then the whole call is replaced); a person's harmless respacing
  or item order stays. Every other tag is removed.
* ``T`` is ``None``: every tag is removed.
* Removing a tag removes its line and line break when nothing but blanks and removed tags is on
  the line(s) it spans; otherwise only the call's bytes. Where the bytes on either side would
  join into markup (``{`` + ``{``, ``'`` + ``'``, ``~`` + ``~``: the same punctuation character;
  ``[``, ``<`` or ``&`` before text; a blank or ``*#:;=`` left at the start of a line, …) or the
  result would read differently (checked by scanning it again), a ``<nowiki/>`` stands there.

So ``retag`` is idempotent, ``retag(retag(t, T), None) == t`` for a page without a real tag, and
nothing outside tag calls changes. Blind spots (the bot's view, not MediaWiki's): a tag in a
``<gallery>`` caption or another body that is not wikitext to the bot is not seen; a nested tag in
an argument its template never shows still counts (and is removed); a name built by other
templates (``{{Partnership {{x}}}}``) is not recognised; a redirect in a namespace MediaWiki does
not have by default is known by its title only (:mod:`bot.titles`); a substituted notice
(``{{subst:…}}`` saves the template's expansion, ``{{#invoke:…}}``, not a call) is not a tag.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.model import PageResult, Param
from bot.titles import template_keys
from bot.wikitext import INCLUSION, View, as_view, read

#: Finding codes that put a field in ``missing=``; every other *error* with a field goes in ``invalid=``
#: (by the contract: ``invalid``, ``date_order``, ``nonfree_license``; also any code a rules file
#: raises to severity error, so an incomplete page never gets an empty tag).
MISSING_CODES = frozenset({"missing", "placeholder"})

#: Characters a field name may not hold to be written into the tag (they would break the call).
_UNSAFE_FIELD = re.compile(r"[|{}\[\]=,<>\n\r]")

_BLANK = frozenset(" \t\r")
#: Characters that make a call's parameters unreadable (nested templates, links, tags).
_UNREADABLE = frozenset("{}[]<")
#: Stands in for a call nested in a tag's parameter (keeps reading linear; unreadable).
_NESTED = "{"
#: What stands between two bytes that a removal would join into markup.
SEPARATOR = "<nowiki/>"
#: What MediaWiki reads as markup at the start of a line.
_LINE_START_MARKUP = re.compile(r"[ \t*#:;=!|]|-{4}|\{\|")


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
class TagCall:
    """One real tag on a page: ``text[start:end]`` is the call, ``{{`` to ``}}``. ``tag`` is what
    it says (read as well as can be when not ``readable``); ``nested``: inside another template's
    or parser function's braces."""

    start: int
    end: int
    tag: Tag
    readable: bool
    nested: bool


@dataclass(frozen=True, slots=True)
class TagLine:
    """The tag that counts on a page (:func:`find_tag`): ``text[start:end]`` is what removing it
    alone would remove — its whole line with the line break when nothing else is on it (the last
    line of a page may have none), else the call's bytes. ``tag`` is what it says."""

    start: int
    end: int
    tag: Tag


def tag_names(template: str, redirects: Iterable[str] = ()) -> frozenset[str]:
    """Every name under which a call shows the tag template: its own and those of the wiki's
    redirects to it (titles as the wiki gives them: ``Template:X`` is called ``{{X}}``, a
    main-namespace ``Foo`` only ``{{:Foo}}``, ``User:Y`` as ``{{User:Y}}``)."""
    return template_keys((template,), tuple(redirects))


def _tag_of(params: Iterable[Param]) -> Tag:
    """What a call's parameters say. Parameter names are case-sensitive (as in MediaWiki); a
    repeated parameter keeps its last value (as MediaWiki shows it); list items are comma-separated,
    trimmed, empty and repeated items dropped. Positional and unknown parameters are ignored."""
    values = {p.name: p.value for p in params if not p.positional}
    return Tag(
        tuple(values.get("missing", "").split(",")),
        tuple(values.get("invalid", "").split(",")),
        values.get("problem"),
    )


def find_tags(page: View | str, template: str, names: frozenset[str] = frozenset()) -> tuple[TagCall, ...]:
    """Every real tag of the page (its view, or its text) in page order (see the module's
    docstring). ``names``: more names the template answers to (:func:`tag_names`); the
    template's own always counts. Linear in the size of the page: a call nested in a tag's
    parameter stands there as one character."""
    view = as_view(page)
    wanted = names | tag_names(template)
    calls: list[TagCall] = []
    for offset, v in ((0, view), *view.bodies):
        for node, key in zip(v.nodes, v.keys, strict=True):
            if key is None or key not in wanted:
                continue
            a, b = node.parts[0][2], node.end - 2  # from the first "|" to the closing braces
            readable = not v.removes(a, b, INCLUSION) and not _UNREADABLE.intersection(v.visible(a, b, _NESTED))
            nested = offset > 0 or node.start in v.enclosed
            calls.append(
                TagCall(node.start + offset, node.end + offset, _tag_of(v.params(node, _NESTED)), readable, nested)
            )
    return tuple(sorted(calls, key=lambda c: c.start))


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _line_end(text: str, pos: int) -> int:
    """The index of the ``\\n`` ending the line that holds ``pos`` (``len(text)`` on the last line)."""
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _blank(text: str, start: int, end: int, holes: list[tuple[int, int]]) -> bool:
    """Whether ``text[start:end]`` holds nothing but blanks outside ``holes`` (sorted, inside it)."""
    pos = start
    for a, b in [*holes, (end, end)]:
        if not _BLANK.issuperset(text[pos:a]):
            return False
        pos = b
    return True


def find_tag(page: View | str, template: str, names: frozenset[str] = frozenset()) -> TagLine | None:
    """The tag that counts: the first real tag outside other templates, else the first nested one,
    else ``None``. Its ``start``/``end`` span what removing it alone removes (see :class:`TagLine`)."""
    view = as_view(page)
    text = view.text
    calls = find_tags(view, template, names)
    if not calls:
        return None
    call = next((c for c in calls if not c.nested), calls[0])
    start, end = _line_start(text, call.start), _line_end(text, call.end)
    if _blank(text, start, end, [(call.start, call.end)]):
        return TagLine(start, min(end + 1, len(text)), call.tag)
    return TagLine(call.start, call.end, call.tag)


def _joins(text: str, a: int, b: int, glue_all: bool) -> bool:
    """Whether removing ``text[a:b]`` from the middle of its line would join the bytes around it
    into markup: the same punctuation character twice (``{{``, ``]]``, ``''``, ``~~``, ``||``, …),
    ``[``/``<``/``&`` before anything (a link, a tag, an entity), or, at the start of the line,
    what MediaWiki reads there (a leading blank makes preformatted text; ``*#:;=!|``, ``----``,
    ``{|``). With ``glue_all``: any two non-blank bytes."""
    before, after = text[a - 1 : a], text[b : b + 1]
    if a == 0 or before == "\n":
        return bool(_LINE_START_MARKUP.match(text, b))
    if not before.strip() or not after.strip():
        return False
    return glue_all or (before == after and not before.isalnum()) or before in "[<&"


def _removals(text: str, cuts: list[tuple[int, int]], glue_all: bool) -> list[tuple[int, int, str]]:
    """Edits removing the calls ``cuts`` (sorted, disjoint): whole lines where only blanks would
    remain, else the calls' bytes, with :data:`SEPARATOR` where the bytes around would join
    (:func:`_joins`)."""
    edits: list[tuple[int, int, str]] = []
    i = 0
    while i < len(cuts):
        start, end = _line_start(text, cuts[i][0]), _line_end(text, cuts[i][1])
        j = i + 1
        while j < len(cuts) and cuts[j][0] <= end:
            end = _line_end(text, cuts[j][1])
            j += 1
        group = cuts[i:j]
        if _blank(text, start, end, group):
            edits.append((start, min(end + 1, len(text)), ""))
        else:
            merged: list[tuple[int, int]] = []
            for a, b in group:
                if merged and merged[-1][1] == a:
                    merged[-1] = (merged[-1][0], b)
                else:
                    merged.append((a, b))
            edits += [(a, b, SEPARATOR if _joins(text, a, b, glue_all) else "") for a, b in merged]
        i = j
    return edits


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    out, pos = [], 0
    for a, b, new in sorted(edits):
        out += [text[pos:a], new]
        pos = b
    out.append(text[pos:])
    return "".join(out)


def retag(page: View | str, tag: Tag | None, template: str, names: frozenset[str] = frozenset()) -> str:
    """The page's text with exactly one real tag saying ``tag`` (none for ``None``); nothing else
    changes, byte for byte. The rules are in the module's docstring; ``names`` as for
    :func:`find_tags`.

    Linear in the size of the page; a page whose removals join bytes in the middle of a line is
    read once more to check that it reads as intended."""
    view = as_view(page)
    text = view.text
    calls = find_tags(view, template, names)
    keep = None if tag is None else next((c for c in calls if not c.nested), None)
    edits: list[tuple[int, int, str]] = []
    if keep is not None and tag is not None and (not keep.readable or keep.tag != tag):
        edits.append((keep.start, keep.end, tag.render(template)))
    cuts: list[tuple[int, int]] = []
    covered = -1
    for call in calls:  # a call inside another one goes with it
        if call.start >= covered:
            covered = call.end
            if call is not keep:
                cuts.append((call.start, call.end))
    removals = _removals(text, cuts, glue_all=False)
    out = _apply(text, edits + removals)
    joined = any(not new and a != _line_start(text, a) for a, _b, new in removals)
    if joined and not _reads_as(view, out, edits + removals, keep is not None, (tag, template, names)):
        out = _apply(text, edits + _removals(text, cuts, glue_all=True))
    if tag is not None and keep is None:
        first_break = text.find("\n")
        newline = "\r\n" if first_break > 0 and text[first_break - 1] == "\r" else "\n"
        out = tag.render(template) + newline + out
    return out


def _reads_as(
    view: View, out: str, edits: list[tuple[int, int, str]], kept: bool, wanted: tuple[Tag | None, str, frozenset[str]]
) -> bool:
    """Whether ``out`` (the page with ``edits``, before a new top line is added) reads as intended:
    comments, extension tags and ``<includeonly>`` where they were, and either no real tag or,
    when one was ``kept``, that one alone, readable, top-level, saying the wanted tag."""
    tag, template, names = wanted
    after = read(out, view.tags)
    masked_edits = [(a, b, read(new, view.tags).masked) for a, b, new in edits]
    if after.masked != _apply(view.masked, masked_edits):
        return False
    calls = find_tags(after, template, names)
    if not kept:
        return not calls
    return len(calls) == 1 and calls[0].readable and not calls[0].nested and calls[0].tag == tag
