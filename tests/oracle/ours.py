"""The bot's reader in the oracle's shape. The only place the oracle calls the reader: when the
reader's API changes, this adapter changes with it.

The reader: the text as the wiki stores it once saved (:func:`bot.check.saved_text`, what the bot
reads on the wiki and ``check`` reads offline), :func:`bot.wikitext.read` (the page as MediaWiki's
preprocessor reads it, with the wiki's extension tags — here ``config.site.extension_tags``, which the
dev wiki registers too), then :func:`bot.parse.find_infobox` on that view.
"""

from __future__ import annotations

from bot import parse
from bot.check import saved_text
from bot.config import meta_extension_tags
from bot.model import ParseOutcome
from bot.wikitext import read as read_page
from tests.oracle import REDIRECT, TEMPLATE

#: The names the bot would use on the oracle's wiki: the infobox and the redirect it learns from the wiki.
NAMES = parse.name_set((TEMPLATE,), redirects=(f"Template:{REDIRECT}",))


def read(text: str, tags: frozenset[str] | None = None) -> ParseOutcome:
    """The bot's reading of the page, with Meta-Wiki's extension tags (or ``tags``)."""
    view = read_page(saved_text(text), meta_extension_tags() if tags is None else tags)
    return parse.find_infobox(view, NAMES)
