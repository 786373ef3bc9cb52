"""Wikitext → the page's partnership infobox, read as MediaWiki reads it (contract §1).

The page is read once by :func:`bot.wikitext.read` (MediaWiki's preprocessor, linear, about
0.3 ms for a 13 KB page; see ``./scripts/bench-check``); :func:`find_infobox` takes that view
(or the text) and picks the templates that resolve to the infobox.

Edge cases, as MediaWiki treats them:

* a call is the infobox when its name resolves to the infobox's title or a redirect to it
  (:func:`bot.titles.call_key`: ``safesubst:``/``msg:``/``raw:``, ``Template:``, a
  ``#fragment``, character references, direction marks and MediaWiki's whitespace all as
  MediaWiki resolves them; a tab or line break inside the name makes it no template);
* the page is read as viewed: calls inside comments, extension tags (``<nowiki>``, ``<pre>``,
  ``<ref>``, … the wiki's list) or ``<includeonly>`` do not count, ``<noinclude>`` tags are
  ignored; an extension tag never closed is plain text;
* an infobox never closed is not an infobox (``no_infobox``); one nested in another template's
  parameter counts; two or more anywhere give ``multiple_infoboxes``;
* parameters are split as MediaWiki splits them (``|`` inside links, nested templates,
  extension tags, ``-{…}-`` or a heading line does not split; the first ``=`` of a part does,
  except inside those); names and values lose comments (and the line a comment alone on its line
  takes with it), ``<includeonly>`` sections and inclusion tags, and are trimmed as PHP trims
  (``status\\u00a0`` is a parameter of its own); positional parameters are named by their number;
  every occurrence is kept in order so duplicates can be reported.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.model import MULTIPLE_INFOBOXES, NO_INFOBOX, Infobox, ParseOutcome
from bot.titles import template_keys
from bot.wikitext import View, as_view


def name_set(names: Iterable[str], redirects: Iterable[str] = ()) -> frozenset[str]:
    """The keys of the infobox: its name and aliases (template names) and the titles of the
    wiki's redirects to it (page titles, main namespace unless prefixed)."""
    return template_keys(tuple(names), tuple(redirects))


def find_infobox(page: View | str, names: frozenset[str]) -> ParseOutcome:
    """The one infobox of a page (its view, or its text to read with the default extension
    tags). ``names`` from :func:`name_set`."""
    view = as_view(page)
    found = view.named(names)
    if len(found) != 1:
        return ParseOutcome(None, NO_INFOBOX if not found else MULTIPLE_INFOBOXES, len(found))
    node = found[0]
    return ParseOutcome(Infobox(params=view.params(node), start=node.start, end=node.end), None, 1)
