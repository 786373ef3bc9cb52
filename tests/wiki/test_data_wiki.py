"""The data page and the export on the real wiki: after a pass, ``export --format csv`` has one row
per row of the summary table as the wiki holds it, the data page has the JSON content model and
parses as the same rows, and a second pass makes no edit (MediaWiki re-formats the JSON the bot
sends: the pass compares by value)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest

from bot import markers, render

from .api import WikiApi
from .botrun import INCOMPLETE, SUMMARY, Bot, bot_fixture, make_page
from .conftest import DevWiki

DATA = f"{SUMMARY}/data.json"


@pytest.fixture(scope="module")
def bot(devwiki: DevWiki, admin_api: WikiApi, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    yield from bot_fixture(devwiki, admin_api, tmp_path_factory)


def test_export_and_data_page_have_the_tables_rows(bot: Bot, admin_api: WikiApi) -> None:
    make_page(admin_api, "Data export")
    make_page(admin_api, "Data export", INCOMPLETE.format(title='R&D <Lab> "Quotes", Ltd').replace("proposed", "TBD"))
    bot.ok("run")
    _, summary = admin_api.read(SUMMARY)
    inner = markers.between(summary)
    assert inner is not None and "[[" + SUMMARY + "/1|" not in inner, "the table is on one page"
    table_titles = render.linked_titles(inner)
    assert len(table_titles) == render.count_rows(inner) > 0
    exported = list(csv.DictReader(io.StringIO(bot.ok("export", "--format", "csv").stdout, newline="")))
    assert [row["title"] for row in exported] == table_titles, "one CSV row per table row, in its order"
    revid, text = admin_api.read(DATA)
    (page,) = next(iter(admin_api.query(prop="info", titles=DATA)))["pages"]
    assert page["contentmodel"] == "json"
    data = json.loads(text)
    assert [row["title"] for row in data["rows"]] == table_titles
    assert data == json.loads(bot.ok("export", "--format", "json").stdout), "the page holds the export's document"
    for csv_row, json_row in zip(exported, data["rows"], strict=True):
        assert csv_row["finding_codes"] == "; ".join(json_row["finding_codes"])
    second = bot.ok("run")
    assert second.report["edits"] == 0
    assert admin_api.read(DATA)[0] == revid, "the same rows: the data page is not saved again"
