"""mwparserfromhell's reading of a page: the straightforward way (parse the whole page, then its
templates), kept as a second opinion in tests and as the baseline of ``./scripts/bench-check``.
Quadratic on pathological input and blind to MediaWiki's preprocessor rules (extension tags,
``<includeonly>``, PHP trimming, …); the bot never imports it."""

from __future__ import annotations

import re

import mwparserfromhell
from mwparserfromhell.nodes import Template

from bot.model import MULTIPLE_INFOBOXES, NO_INFOBOX, Infobox, Param, ParseOutcome
from bot.titles import call_key

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


def _clean(value: str) -> str:
    return _COMMENT.sub("", value).strip()


def find_infobox_full(text: str, names: frozenset[str]) -> ParseOutcome:
    """The infobox as mwparserfromhell reads the page: every template of its tree, names resolved
    as :func:`bot.titles.call_key` does, parameters with comments removed and trimmed."""
    templates: list[Template] = [
        t
        for t in mwparserfromhell.parse(text).filter_templates(recursive=True)
        if call_key(_COMMENT.sub("", str(t.name))) in names
    ]
    if len(templates) != 1:
        return ParseOutcome(None, NO_INFOBOX if not templates else MULTIPLE_INFOBOXES, len(templates))
    params = tuple(
        Param(name=_clean(str(p.name)), value=_clean(str(p.value)), positional=not p.showkey)
        for p in templates[0].params
    )
    return ParseOutcome(Infobox(params=params), None, 1)
