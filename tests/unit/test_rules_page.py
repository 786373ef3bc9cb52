"""The community's rules page drives the pass (bot/pipeline/step1_rules.py, bot.rules.choose_rules):
a valid change applies on the next pass (a full sweep, within the caps), an invalid page changes no
tag and is named on the status page, and with no valid revision at all nothing is saved."""

from __future__ import annotations

import dataclasses
import json

import pytest

from bot.config import Config
from bot.errors import ConfigError, SafetyStop
from bot.state import RULES_KEY, StateStore
from tests.fakes import RULES_PAGE, FakeWiki
from tests.passes import COMPLETE, run, wiki_with

STATUS = "User:PartnershipBot/Status"
WITH_URL = COMPLETE.replace("| partner = Example Org", "| partner = Example Org | partner_url = https://example.org/")


def rules_text(**required: object) -> str:
    """The shipped rules with ``params.<name>.required`` set as given."""
    data = json.loads(RULES_PAGE_TEXT)
    for name, value in required.items():
        data["params"][name]["required"] = value
    return json.dumps(data, indent=4)


RULES_PAGE_TEXT = FakeWiki().pages[RULES_PAGE].text


def tagged(wiki: FakeWiki) -> set[str]:
    return {s.title for s in wiki.saves if "{{Partnership incomplete" in s.text and s.title.startswith("Org")}


def test_a_rules_change_applies_on_the_next_pass(config: Config, store: StateStore) -> None:
    wiki = wiki_with({"Org A": COMPLETE, "Org B": WITH_URL, "Org C": COMPLETE})
    run(wiki, config, store)
    assert tagged(wiki) == set()
    revid = wiki.put(RULES_PAGE, rules_text(partner_url=True), "Admin")
    report = run(wiki, config, store, kind="incremental")
    assert report.kind == "full"  # changed rules re-decide every page
    assert tagged(wiki) == {"Org A", "Org C"}
    summaries = [s.summary for s in wiki.saves if s.title.startswith("Org")]
    assert all(f"[[Special:PermanentLink/{revid}|rules]]" in s for s in summaries), summaries
    assert f"[[Special:PermanentLink/{revid}|revision {revid}]]" in wiki.pages[STATUS].text
    assert json.loads(store.get(RULES_KEY) or "{}")["revid"] == revid


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("{ not json", "not JSON at line 1"),
        (rules_text(partner_url="yes"), "at params.partner_url.required:"),
        (rules_text(start={"partner": ["x"]}), "at params.start.required.partner:"),
        (RULES_PAGE_TEXT.replace('"type": "url"', '"type": "uri"'), "at params.partner_url.type:"),
    ],
)
def test_an_invalid_rules_page_changes_no_tag_and_is_named(
    config: Config, store: StateStore, text: str, where: str
) -> None:
    wiki = wiki_with({"Org A": COMPLETE, "Org B": WITH_URL})
    run(wiki, config, store)
    good = wiki.pages[RULES_PAGE].revid
    bad = wiki.put(RULES_PAGE, text, "Vandal")
    before = len([s for s in wiki.saves if s.title.startswith("Org")])
    run(wiki, config, store)
    assert len([s for s in wiki.saves if s.title.startswith("Org")]) == before
    status = wiki.pages[STATUS].text
    assert f"revision {bad} of [[{RULES_PAGE}]] is invalid" in status and where in status, status
    assert f"applies revision {good}, the last valid one" in status
    assert json.loads(store.get(RULES_KEY) or "{}")["revid"] == good


def test_a_deleted_rules_page_keeps_the_last_valid_revision(config: Config, store: StateStore) -> None:
    wiki = wiki_with({"Org A": COMPLETE})
    run(wiki, config, store)
    del wiki.pages[RULES_PAGE]
    run(wiki, config, store)
    assert "does not exist" in wiki.pages[STATUS].text


@pytest.mark.parametrize("text", [None, "[]"])
def test_no_valid_revision_at_all_saves_nothing(config: Config, store: StateStore, text: str | None) -> None:
    wiki = wiki_with({"Org A": COMPLETE.replace("| metrics = 100 files a month", "")})
    if text is None:
        del wiki.pages[RULES_PAGE]
    else:
        wiki.put(RULES_PAGE, text, "Admin")
    with pytest.raises(ConfigError, match="no valid revision of it was ever applied"):
        run(wiki, config, store)
    assert wiki.saves == []


def test_rules_vandalised_to_require_everything_are_stopped_by_the_cap(config: Config, store: StateStore) -> None:
    capped = dataclasses.replace(config, tagging=dataclasses.replace(config.tagging, max_tags_per_run=2))
    wiki = wiki_with({f"Org {i}": COMPLETE for i in range(3)})
    run(wiki, capped, store)
    data = json.loads(RULES_PAGE_TEXT)
    for param in data["params"].values():
        param["required"] = True
    wiki.put(RULES_PAGE, json.dumps(data), "Vandal")
    with pytest.raises(SafetyStop, match="max_tags_per_run"):
        run(wiki, capped, store)
    assert tagged(wiki) == set()
