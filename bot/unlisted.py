"""Why a page is not in the summary table (``python -m bot unlisted``, the end of ``./scripts/demo``).

A pass lists the pages the wiki says transclude the infobox. For a page the wiki does not list, the
reason is read from the page's text the way the bot reads it (:func:`bot.wikitext.read`, the
wiki's extension tags) together with the wiki's own answers, asked by the caller:

* the offline reader finds the infobox inside another template's parameter: that template is named,
  and whether the wiki has it (a template the wiki lacks shows nothing of its parameters);
* the offline reader finds no infobox, but the infobox's opening ``{{Name`` is written on the page:
  where it stands says why it does not count — a comment, ``<includeonly>``, an extension element
  (``<nowiki>``, ``<pre>``, …), or no closing ``}}`` at all;
* otherwise the page has no infobox (naming it in ``{{tl|…}}`` or in prose is not using it).

Pure: no wiki, no state; the caller passes what the wiki said.
"""

from __future__ import annotations

import re

from bot.angles import COMMENT
from bot.titles import NAMESPACES, call_key
from bot.wikitext import View

#: A run of ``{`` and the name after it, up to the first ``|`` or ``}}`` (as :mod:`bot.wikitext` reads an opening).
_OPENING = re.compile(r"\{\{+([^|{}\[\]]*)(?=\||\}\}|\n|$)")


def key_title(key: str) -> str:
    """The page title of a template key (:func:`bot.titles.call_key`): ``Box`` → ``Template:Box``,
    ``:Name`` → ``Name``, ``User:X`` → ``User:X``."""
    if key.startswith(":"):
        return key[1:]
    prefix, colon, _rest = key.partition(":")
    known = colon and NAMESPACES.get(prefix.lower().replace(" ", "_"))
    return key if known else f"Template:{key}"


def wrappers(view: View, names: frozenset[str]) -> tuple[str, ...]:
    """Titles of the templates (``Template:Box``) whose braces hold an infobox of the page, in page
    order, each once; parser functions and arguments left out."""
    infoboxes = view.named(names)
    out: list[str] = []
    for node, key in zip(view.nodes, view.keys, strict=True):
        if node.argument or key is None or key in names:
            continue
        if any(node.start < box.start and box.end <= node.end for box in infoboxes):
            title = key_title(key)
            if title not in out:
                out.append(title)
    return tuple(out)


def reason(view: View, names: frozenset[str], absent: frozenset[str]) -> str:
    """Why the wiki does not list this page as using the infobox. ``absent``: titles (as
    :func:`wrappers` gives them) of the templates the wiki does not have."""
    around = wrappers(view, names)
    if around:
        missing = [t for t in around if t in absent]
        if missing:
            name = missing[0].removeprefix("Template:")
            return (
                f"its infobox is inside {{{{{name}}}}}, a template this wiki does not have, so the wiki never shows it"
            )
        name = around[0].removeprefix("Template:")
        return f"its infobox is inside {{{{{name}}}}}, which does not show it on this wiki"
    if view.named(names):
        return "the wiki does not count it as using the infobox yet (its links are updated by the job queue)"
    where = _written_infobox(view, names)
    return where or "no infobox"


def _written_infobox(view: View, names: frozenset[str]) -> str | None:
    """Where an infobox that does not count is written, as a reason; None when none is written."""
    for m in _OPENING.finditer(view.text):
        if call_key(m.group(1)) not in names:
            continue
        at = m.start()
        for start, end, kind in view.removed:
            if start <= at < end:
                return (
                    "its infobox is inside a comment (<!-- … -->), which the page as viewed leaves out"
                    if kind == COMMENT
                    else "its infobox is inside <includeonly>, shown only where the page is transcluded"
                )
        for start, end, tag, _a, _b in view.opaque:
            if start <= at < end:
                return f"its infobox is inside <{tag}>, so the wiki shows it as plain text"
        return "its infobox is never closed with }}, so the wiki shows it as plain text"
    return None
