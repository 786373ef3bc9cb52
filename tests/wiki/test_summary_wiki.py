"""The summary page the real bot saved, parsed by the real wiki (``action=parse`` of the saved page):
one sortable table with a row per partnership page, each partner's name a link to its page, an
invalid value shown as written and marked, display names in the cells, and the overview (bars with
their figures in words, the trend's current month) above it; no template, no category."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

import pytest

from bot import render

from .api import WikiApi
from .botrun import INCOMPLETE, SUMMARY, Bot, bot_fixture, make_page
from .conftest import DevWiki


@pytest.fixture(scope="module")
def bot(devwiki: DevWiki, admin_api: WikiApi, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    yield from bot_fixture(devwiki, admin_api, tmp_path_factory)


def test_the_saved_summary_parses_with_partner_links_to_the_pages(bot: Bot, admin_api: WikiApi) -> None:
    good, _ = make_page(admin_api, "Summary link")
    odd, _ = make_page(
        admin_api, "Summary odd", INCOMPLETE.format(title="Odd").replace("status = proposed", "status = someday")
    )
    bot.ok("run")
    _, text = admin_api.read(SUMMARY)
    inner = render.current_inner(text) or ""
    titles = render.linked_titles(inner)
    assert good in titles and odd in titles and len(titles) == render.count_rows(inner)
    parsed = admin_api.parse(text, SUMMARY, prop="text|links|templates|categories")
    linked = {link["title"] for link in parsed["links"] if "exists" in link}
    assert set(titles) <= linked  # every row's link points at an existing page
    html = parsed["text"]
    assert html.count('class="wikitable sortable"') == 1
    row = re.search(r"<tr>\s*<td>\s*<a [^>]*title=\"" + re.escape(odd) + r"\"[^>]*>Odd</a>(.*?)</tr>", html, re.DOTALL)
    assert row is not None, "the partner's name is not the link to its page"
    cells = [
        unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.DOTALL)
    ]
    assert cells[:4] == [
        "Content",
        "Free content, Awareness",
        "someday (invalid)",
        "",
    ]  # model, goals, status, agreement
    assert 'class="ptracker-invalid"' in row.group(1)
    assert 'class="ptracker-overview"' in html and 'class="ptracker-bar"' in html
    assert re.search(r"\d+ of \d+ complete \(\d+%\)", html)
    assert parsed["templates"] == [] and parsed["categories"] == []
