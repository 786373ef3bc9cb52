"""The real gateway's reads against the dev wiki, where MediaWiki's limits show: an API answer is
cut at 8 MiB, so several large pages come over several continued responses."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from bot.config import load_config

from .api import WikiApi
from .botrun import Bot, bot_fixture
from .conftest import DevWiki
from .test_devwiki import unique


@pytest.fixture(scope="module")
def bot(devwiki: DevWiki, admin_api: WikiApi, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    yield from bot_fixture(devwiki, admin_api, tmp_path_factory)


def test_large_pages_read_together_all_arrive_whole(bot: Bot, admin_api: WikiApi, devwiki: DevWiki) -> None:
    """Five pages of ~1.9 MB (like the summary's subpages) are 9.5 MB: more than one answer holds.
    Each must come back with its whole text, none taken for a missing page."""
    from bot.wiki import connect

    line = "| row of a large table with some text in it, like the summary's subpages carry\n"
    texts = {f"{unique('Large')}/{n}": f"Part {n}\n" + line * (1_900_000 // len(line)) for n in range(1, 6)}
    for title, text in texts.items():
        admin_api.edit(title, text, "a large page for the read test")
    os.environ["PYWIKIBOT_DIR"] = str(devwiki.pywikibot_dir)
    gateway = connect(load_config(bot.config).site)
    before = gateway.requests
    got = gateway.read([*texts, unique("Missing")])
    for title, text in texts.items():
        page = got[title]
        assert page is not None, f"{title} was taken for a missing page"
        assert page.text == text.rstrip()
    assert list(got.values())[-1] is None
    assert gateway.requests - before >= 2, "the answer was expected to need continuation"
