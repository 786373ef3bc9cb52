"""The data page and the export on the real wiki: after a pass, ``export --format csv`` has one row
per row of the summary table as the wiki holds it, the data page has the JSON content model and
parses as the same rows, and a second pass makes no edit (MediaWiki re-formats the JSON the bot
sends: the pass compares by value). With a small ``max_page_bytes`` the rows go to numbered parts
that the wiki accepts, each within the limit as the wiki stores it, and a pass with fewer rows
retires the parts it no longer needs."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator, Mapping

import pytest

from bot import markers, render
from bot.pipeline.step1_recent_changes import CONTENT_MODEL, others
from bot.render import END_MARKER, START_MARKER
from bot.wiki.changes import recent_changes

from .api import WikiApi
from .botrun import INCOMPLETE, SUMMARY, Bot, bot_fixture, make_page
from .conftest import DevWiki
from .test_devwiki import unique

DATA = f"{SUMMARY}/data.json"
#: A summary page and data page of their own, so the split stays out of the other tests' way.
SPLIT = unique("Data split tracker")
SPLIT_DATA = f"{SPLIT}/data.json"
INSTALLED = '{"generator": "partnership-tracker", "version": 1, "rows": []}'
RETIRED = {"generator": "partnership-tracker", "version": 1, "retired": True, "rows": []}
BUDGET = 10_000


@pytest.fixture(scope="module")
def bot(devwiki: DevWiki, admin_api: WikiApi, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    yield from bot_fixture(devwiki, admin_api, tmp_path_factory)


@pytest.fixture(scope="module")
def split_bot(devwiki: DevWiki, admin_api: WikiApi, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    admin_api.edit(SPLIT, f"{START_MARKER}\n{END_MARKER}", "tests: a summary page of our own")
    admin_api.post(
        action="edit", title=SPLIT_DATA, text=INSTALLED, contentmodel="json", summary="tests: a data page of our own",
        token=admin_api.token(),
    )  # fmt: skip
    yield from bot_fixture(
        devwiki,
        admin_api,
        tmp_path_factory,
        summary=f'"{SPLIT}"\ndata = "{SPLIT_DATA}"',
        max_page_bytes=str(BUDGET),
        max_row_drop="100000",
        max_tags_per_run="100000",
    )


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
    assert data.pop("parts") == [], "the table fits one page"
    assert data == json.loads(bot.ok("export", "--format", "json").stdout), "the page holds the export's document"
    for csv_row, json_row in zip(exported, data["rows"], strict=True):
        assert csv_row["finding_codes"] == "; ".join(json_row["finding_codes"])
    second = bot.ok("run")
    assert second.report["edits"] == 0
    assert admin_api.read(DATA)[0] == revid, "the same rows: the data page is not saved again"


@pytest.fixture
def large_rows(admin_api: WikiApi) -> Iterator[dict[str, str]]:
    """Pages of our own with large rows (a long partner), sorting last (the partner starts with
    U+10FFFD, a private-use character near the top of Unicode, after any other test's partner):
    title → ``zzy`` (eight rows) or ``zzz`` (the last eight). Deleted afterwards, so that no later
    run finds them."""
    mine = {}
    for kind in ("zzy", "zzz"):
        for _ in range(8):
            title = unique("Data part")
            partner = f"\U0010fffd{kind} {title} {'x' * 2000}"
            text = INCOMPLETE.format(title=title).replace(f"| partner = {title}", f"| partner = {partner}")
            admin_api.edit(title, text, "tests: a page with a large row")
            mine[title] = kind
    yield mine
    for title in mine:
        if admin_api.exists(title):
            admin_api.delete(title)


def test_data_in_parts_is_accepted_and_fewer_rows_retire_parts(
    split_bot: Bot, admin_api: WikiApi, large_rows: dict[str, str]
) -> None:
    """The data in parts the wiki accepts; deleting the pages of the last rows empties the last
    parts; the rows before them keep the data in parts."""
    mine = large_rows
    started = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)
    split_bot.ok("run")
    parts = data_parts_read(admin_api)
    assert len(parts) >= 3
    _creations_are_the_bots_own(admin_api, started, parts)
    exported = json.loads(split_bot.ok("export", "--format", "json").stdout)
    assert rows_of(parts) == exported["rows"], "the parts' rows, in order, are the export's"
    going = sorted(title for title, kind in mine.items() if kind == "zzz")
    assert [r["title"] for r in exported["rows"][-8:]] == going
    revids = {title: admin_api.read(title)[0] for title in parts}
    split_bot.ok("run")
    assert {title: admin_api.read(title)[0] for title in parts} == revids, "the same rows: no data page saved"
    for title in going:
        admin_api.delete(title)
    split_bot.ok("run")
    fewer = data_parts_read(admin_api)
    assert 2 <= len(fewer) < len(parts)
    assert rows_of(fewer) == json.loads(split_bot.ok("export", "--format", "json").stdout)["rows"]
    for title in list(parts)[len(fewer) :]:
        assert json.loads(admin_api.read(title)[1]) == RETIRED, "kept and emptied"


def _creations_are_the_bots_own(api: WikiApi, since: dt.datetime, parts: Mapping[str, object]) -> None:
    """As the wiki lists them in its recent changes, creating a part in the ``json`` model made a
    revision (the bot's own) and a ``contentmodel`` log entry without one: an incremental pass
    leaves both out, so none counts as an edit of the summary's pages."""

    def continued(params: dict[str, object]) -> Iterator[dict[str, object]]:
        more: dict[str, object] = {}
        while True:
            data = api.get(action="query", **params, **more)
            yield data
            if "continue" not in data:
                return
            more = data["continue"]

    listed = [c for c in recent_changes(continued, since, 10**6).changes if c.title in parts]
    logged = [c for c in listed if c.kind == CONTENT_MODEL]
    created = {c.pageid for c in listed if c.kind == "edit"}
    assert logged and all(not c.revid and c.pageid in created for c in logged), "each with a revision listed"
    assert not others(listed, {c.revid for c in listed if c.kind == "edit"}), "the bot's own saves: nothing left"


def data_parts_read(api: WikiApi) -> dict[str, dict[str, object]]:
    """The split data page's parts as the wiki holds them (title → document), after checking the
    data page, each part's size and content model."""
    main = json.loads(api.read(SPLIT_DATA)[1])
    assert main["rows"] == [] and main["generator"] == "partnership-tracker"
    parts = {}
    for n, title in enumerate(main["parts"], 1):
        assert title == f"{SPLIT}/data/{n}.json"
        text = api.read(title)[1]
        assert len(text.encode()) <= BUDGET, "within the limit as the wiki stores it"
        (page,) = next(iter(api.query(prop="info", titles=title)))["pages"]
        assert page["contentmodel"] == "json"
        parts[title] = json.loads(text)
        assert parts[title]["part"] == n and parts[title]["of"] == len(main["parts"])
    return parts


def rows_of(parts: dict[str, dict[str, object]]) -> list[object]:
    return [row for document in parts.values() for row in document["rows"]]  # type: ignore[attr-defined]
