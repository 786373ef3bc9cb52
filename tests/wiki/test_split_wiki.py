"""A summary too large for one page, split into numbered subpages on the real wiki, which accepts
every part and renders the right number of rows."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from bot.render import END_MARKER, START_MARKER

from .api import WikiApi
from .botrun import Bot, bot_fixture
from .conftest import DevWiki
from .test_devwiki import unique

MAIN = unique("Split tracker")


@pytest.fixture(scope="module")
def bot(devwiki: DevWiki, admin_api: WikiApi, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    admin_api.edit(MAIN, f"Intro.\n{START_MARKER}\n{END_MARKER}\nOutro.", "tests: a summary page of our own")
    yield from bot_fixture(
        devwiki,
        admin_api,
        tmp_path_factory,
        summary=f'"{MAIN}"',
        max_page_bytes="10000",
        max_row_drop="100000",
        max_tags_per_run="100000",
    )


def test_split_table_is_accepted_and_renders_every_row(bot: Bot, admin_api: WikiApi) -> None:
    out = bot.ok("run")
    n = out.report["pages_seen"]
    assert n > 30, "the dev wiki holds enough pages to need several parts"
    _, main = admin_api.read(MAIN)
    assert main.startswith("Intro.") and main.endswith("Outro.")
    parts = re.findall(rf"\[\[({re.escape(MAIN)}/\d+)\|", main)
    assert len(parts) >= 2
    rendered = 0
    for title in parts:
        _, text = admin_api.read(title)
        assert len(text.encode()) < 11_000
        html = admin_api.parse(text, title)["text"]
        rendered += len(re.findall(r"<tr[ >]", html)) - 1
    assert rendered == n
    assert bot.ok("run").report["edits"] == 0
