"""The bot's reader in the oracle's shape. The only place the oracle calls the reader: when the
reader's API changes, this adapter changes with it.

Today ``bot.parse.find_infobox(text, names)``; the new reader takes the extension tags as a third
argument, ``find_infobox(text, names, tags)`` with ``tags = config.site.extension_tags`` (the dev wiki
registers the same set), and gets them whenever it accepts them.
"""

from __future__ import annotations

import inspect
from typing import Any

from bot import parse
from bot.config import meta_extension_tags
from bot.model import ParseOutcome
from tests.oracle import REDIRECT, TEMPLATE

#: The names the bot would use on the oracle's wiki: the infobox and the redirect it learns from the wiki.
NAMES = parse.name_set((TEMPLATE, REDIRECT))


def _takes_tags() -> bool:
    parameters = inspect.signature(parse.find_infobox).parameters
    return "tags" in parameters or len(parameters) >= 3


def read(text: str, tags: frozenset[str] | None = None) -> ParseOutcome:
    """``find_infobox`` on the page, with Meta-Wiki's extension tags (or ``tags``) when it takes them."""
    find: Any = parse.find_infobox
    if _takes_tags():
        return find(text, NAMES, meta_extension_tags() if tags is None else tags)  # type: ignore[no-any-return]
    return find(text, NAMES)  # type: ignore[no-any-return]
