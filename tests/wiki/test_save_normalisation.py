"""MediaWiki's normalisation of saved text, on the real wiki: what ``bot.check.saved_text`` does
offline must be what the wiki stores (so a page checked offline reads as it will on the wiki)."""

from __future__ import annotations

import pytest

from bot.check import saved_text
from tests.unit.test_saved_text import SAVED

from .api import WikiApi

pytestmark = pytest.mark.wiki


@pytest.mark.parametrize(("text", "stored"), SAVED)
def test_the_wiki_stores_what_saved_text_gives(admin_api: WikiApi, text: str, stored: str) -> None:
    title = f"Save normalisation/{SAVED.index((text, stored))}"
    admin_api.edit(title, "placeholder " + title)  # so that every case is a real change
    admin_api.edit(title, text, "issue 12: save normalisation")
    assert admin_api.read(title)[1] == stored == saved_text(text)
