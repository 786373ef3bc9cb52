"""The community's rules page on the real wiki, the real bot (python -m bot, real Pywikibot): an
Admin's change applies on the next ``run`` without a restart; a page that breaks the schema changes
no tag and the status page says which revision, where and why; rules vandalised to require
everything are stopped by ``max_tags_per_run`` before any tag. Every test puts the shipped rules
back (other test modules share the wiki)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from bot.rules import DEFAULT_RULES

from .api import WikiApi
from .botrun import Bot, bot_fixture, contribs, make_page
from .conftest import DevWiki

RULES = "Module:Partnership tracker/rules.json"
STATUS = "User:PartnershipBot/Status"
COMPLETE = """{{{{Partnership infobox
| partner = {title} | model = content | goals = free-content | metrics = 3 uploads{extra}
| coi_disclosure = None known | community_role = Volunteers upload files | status = proposed
}}}}
Prose."""


@pytest.fixture(scope="module")
def bot(devwiki: DevWiki, admin_api: WikiApi, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    yield from bot_fixture(devwiki, admin_api, tmp_path_factory, max_tags_per_run="10000")


@pytest.fixture
def rules(admin_api: WikiApi) -> Iterator[dict[str, object]]:
    """The shipped rules as data, to edit and save; the shipped text is put back afterwards."""
    yield json.loads(DEFAULT_RULES.read_text(encoding="utf-8"))
    admin_api.edit(RULES, DEFAULT_RULES.read_text(encoding="utf-8"), "tests: the shipped rules back")


def page(api: WikiApi, prefix: str, extra: str = "") -> str:
    title, _ = make_page(api, prefix, COMPLETE.format(title=f"{prefix} org", extra=extra))
    return title


def test_a_rules_change_tags_exactly_the_pages_it_makes_incomplete(
    bot: Bot, admin_api: WikiApi, rules: dict[str, dict[str, dict[str, object]]]
) -> None:
    without = page(admin_api, "Rules no url")
    with_url = page(admin_api, "Rules url", " | partner_url = https://example.org/")
    bot.ok("run")
    (rev_without, text_without), (rev_with, _) = admin_api.read(without), admin_api.read(with_url)
    assert "{{Partnership incomplete" not in text_without
    rules["params"]["partner_url"]["required"] = True
    revid = admin_api.edit(RULES, json.dumps(rules), "tests: partner_url required")
    bot.ok("run")
    new_rev, text = admin_api.read(without)
    assert new_rev != rev_without and text.startswith("{{Partnership incomplete|missing=partner_url}}\n"), text
    assert admin_api.read(with_url)[0] == rev_with
    last = admin_api.revisions(without, 1)[0]
    assert f"[[Special:PermanentLink/{revid}|rules]]" in last.comment, last
    assert f"[[Special:PermanentLink/{revid}|revision {revid}]]" in admin_api.read(STATUS)[1]


def test_an_invalid_rules_page_changes_no_tag_and_is_reported(
    bot: Bot, admin_api: WikiApi, rules: dict[str, dict[str, dict[str, object]]]
) -> None:
    title = page(admin_api, "Rules invalid")
    bot.ok("run")
    before = admin_api.read(title)[0]
    good = admin_api.read(RULES)[0]
    rules["params"]["partner_url"]["required"] = "yes"
    rules["params"]["metrics"]["required"] = False
    bad = admin_api.edit(RULES, json.dumps(rules), "tests: a rules page the schema refuses")
    edits = contribs(admin_api, bot.devwiki.bot_account)
    bot.ok("run")
    assert admin_api.read(title)[0] == before
    status = admin_api.read(STATUS)[1]
    assert f"revision {bad} of [[{RULES}]] is invalid" in status, status
    assert "at params.partner_url.required:" in status and f"applies revision {good}" in status
    assert contribs(admin_api, bot.devwiki.bot_account) - edits <= 1  # the status page alone


def test_rules_vandalised_to_require_everything_are_stopped_by_the_cap(
    devwiki: DevWiki,
    admin_api: WikiApi,
    tmp_path_factory: pytest.TempPathFactory,
    rules: dict[str, dict[str, dict[str, object]]],
) -> None:
    for i in range(3):
        page(admin_api, f"Rules cap {i}")
    capped = bot_fixture(devwiki, admin_api, tmp_path_factory, max_tags_per_run="2")
    bot = next(capped)
    for param in rules["params"].values():
        param["required"] = True
    admin_api.edit(RULES, json.dumps(rules), "tests: vandalism")
    edits = contribs(admin_api, devwiki.bot_account)
    out = bot.run("run")
    assert out.code == 3, out.text
    assert "max_tags_per_run" in out.stderr
    assert contribs(admin_api, devwiki.bot_account) - edits <= 1  # the status page alone
    next(capped, None)  # the fixture's teardown
