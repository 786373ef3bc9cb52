"""The pass's first request reads the special pages and the wiki's extension tags together
(Gateway.read_site): the tags come from the wiki itself, and no request is added for them."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from bot.config import load_config, meta_extension_tags

from .api import WikiApi
from .botrun import Bot, bot_fixture
from .conftest import DevWiki
from .test_devwiki import unique

pytestmark = pytest.mark.wiki


@pytest.fixture(scope="module")
def bot(devwiki: DevWiki, admin_api: WikiApi, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    yield from bot_fixture(devwiki, admin_api, tmp_path_factory)


def test_read_site_gives_pages_and_the_wikis_tags_in_one_request(
    bot: Bot, admin_api: WikiApi, devwiki: DevWiki
) -> None:
    from bot.wiki import connect

    title = unique("Site read")
    admin_api.edit(title, "Some text", "issue 12: read_site")
    os.environ["PYWIKIBOT_DIR"] = str(devwiki.pywikibot_dir)
    gateway = connect(load_config(bot.config).site)
    before = gateway.requests
    site = gateway.read_site([title, unique("Missing")])
    assert gateway.requests - before == 1
    page = site.pages[title]
    assert page is not None and page.text == "Some text"
    assert list(site.pages.values())[-1] is None
    wiki_tags = admin_api.get(action="query", meta="siteinfo", siprop="extensiontags")["query"]["extensiontags"]
    assert site.extension_tags == {t.strip("<>") for t in wiki_tags} == meta_extension_tags()
