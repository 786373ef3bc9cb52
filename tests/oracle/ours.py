"""The bot's reader in the oracle's shape. The only place the oracle calls the reader: when the
reader's API changes, this adapter changes with it.

Today ``bot.parse.find_infobox(text, names)``; the new reader takes the extension tags as a third
argument, ``find_infobox(text, names, tags)`` with ``tags = config.site.extension_tags`` (the dev wiki
registers the same set), and gets them whenever it accepts them.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from bot import parse
from bot.config import meta_extension_tags
from bot.model import ParseOutcome
from tests.oracle import REDIRECT, TEMPLATE

#: The names the bot would use on the oracle's wiki: the infobox and the redirect it learns from the wiki.
NAMES = parse.name_set((TEMPLATE, REDIRECT))


def call_reader(find: Callable[..., Any], text: str, tags: frozenset[str]) -> ParseOutcome:
    """``find(text, NAMES, tags)`` when ``find`` takes a third argument (or one named ``tags``),
    else ``find(text, NAMES)``."""
    parameters = inspect.signature(find).parameters
    outcome = find(text, NAMES, tags) if "tags" in parameters or len(parameters) >= 3 else find(text, NAMES)
    assert isinstance(outcome, ParseOutcome)
    return outcome


def read(text: str, tags: frozenset[str] | None = None) -> ParseOutcome:
    """The bot's reading of the page, with Meta-Wiki's extension tags (or ``tags``) if the reader takes them."""
    return call_reader(parse.find_infobox, text, meta_extension_tags() if tags is None else tags)
