"""The real bot (``python -m bot``, real Pywikibot) against the real local wiki; every assertion reads
revisions back through the API.

The wiki outlives test runs and is shared by the tests of a session, so each test makes pages with
titles of its own and asserts on those; whole-wiki claims ("a second run makes no edit") hold
whatever else the wiki holds."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.config import load_config
from bot.model import PageSnapshot
from bot.render import END_MARKER, START_MARKER
from bot.wiki import Saved

from .api import WikiApi
from .botrun import INCOMPLETE, SHUTOFF, SHUTOFF_OFF, SUMMARY, Bot, bot_fixture, contribs, make_page
from .conftest import DevWiki
from .test_devwiki import unique


@pytest.fixture(scope="module")
def bot(devwiki: DevWiki, admin_api: WikiApi, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    yield from bot_fixture(devwiki, admin_api, tmp_path_factory)


def test_incomplete_page_is_tagged_and_fixed_page_untagged(bot: Bot, admin_api: WikiApi) -> None:
    title, body = make_page(admin_api, "Tagging")
    out = bot.ok("run")
    assert out.report["tagged"] >= 1
    _, text = admin_api.read(title)
    assert text == "{{Partnership incomplete|missing=metrics}}\n" + body
    latest = admin_api.revisions(title, 1)[0]
    assert latest.user == bot.devwiki.bot_account and latest.minor
    assert "Shutoff" in latest.comment
    fixed = text.replace("| status = proposed", "| status = proposed | metrics = 50 articles a year")
    admin_api.edit(title, fixed, "tests: fix")
    bot.ok("run")
    assert admin_api.read(title)[1] == fixed.removeprefix("{{Partnership incomplete|missing=metrics}}\n")


def test_second_run_makes_no_edit(bot: Bot, admin_api: WikiApi, devwiki: DevWiki) -> None:
    make_page(admin_api, "Second run")
    bot.ok("run")
    before = contribs(admin_api, devwiki.bot_account)
    out = bot.ok("run")
    assert out.report["edits"] == 0
    assert contribs(admin_api, devwiki.bot_account) == before


@pytest.mark.parametrize("marker", ["{{nobots}}", "{{bots|deny=PartnershipBot}}"])
def test_bots_exclusion_leaves_page_untouched(bot: Bot, admin_api: WikiApi, marker: str) -> None:
    title = unique("Excluded")
    body = marker + "\n" + INCOMPLETE.format(title=title)
    revid = admin_api.edit(title, body, "tests")
    out = bot.ok("run")
    assert admin_api.read(title) == (revid, body)
    assert any(s["title"] == title and "bots" in s["reason"] for s in out.report["skipped"])


def test_shutoff_stops_run_with_zero_writes(bot: Bot, admin_api: WikiApi, devwiki: DevWiki) -> None:
    title, body = make_page(admin_api, "Shutoff")
    admin_api.edit(SHUTOFF, SHUTOFF_OFF + "\nStop: testing the shutoff.", "tests: shutoff on")
    before = contribs(admin_api, devwiki.bot_account)
    try:
        out = bot.run("run")
        assert out.code == 4, out.stderr
        assert "shutoff" in out.stderr.lower()
        assert contribs(admin_api, devwiki.bot_account) == before
        assert admin_api.read(title)[1] == body
    finally:
        admin_api.edit(SHUTOFF, SHUTOFF_OFF, "tests: shutoff off")


def test_protected_page_is_skipped_and_reported(bot: Bot, admin_api: WikiApi) -> None:
    title, body = make_page(admin_api, "Protected")
    admin_api.protect(title)
    out = bot.ok("run")
    assert admin_api.read(title)[1] == body
    assert any(s["title"] == title and s["reason"].startswith("protected") for s in out.report["skipped"])


class PersonEditsFirst:
    """The real gateway, but a person saves ``edits[title]`` just before the bot's first save of
    each of those pages."""

    def __init__(self, real: Any, admin_api: WikiApi, edits: dict[str, str]) -> None:
        self.real, self.admin_api, self.edits = real, admin_api, edits
        self.raced: set[str] = set()
        self.answers: dict[str, list[Saved]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def save(self, title: str, text: str, base: PageSnapshot | None, summary: str, **kw: Any) -> Saved:
        if title in self.edits and title not in self.raced:
            self.raced.add(title)
            self.admin_api.edit(title, self.edits[title], "tests: a person edits")
        saved: Saved = self.real.save(title, text, base, summary, **kw)
        self.answers.setdefault(title, []).append(saved)
        return saved


def race(devwiki: DevWiki, bot: Bot, admin_api: WikiApi, edit: Callable[[str, str], str]) -> dict[str, str]:
    """Three new incomplete pages; a person saves ``edit(title, text)`` on each just before the
    bot's first save of it, during a pass (in this process, the real gateway). Returns what the
    person saved, by title."""
    from bot.pipeline.one_pass import Pass
    from bot.wiki import connect

    os.environ["PYWIKIBOT_DIR"] = str(devwiki.pywikibot_dir)
    config = load_config(bot.config)
    time.sleep(1.02 - time.time() % 1)  # start of a second: the pass likely runs within it
    pages = dict(make_page(admin_api, "Race") for _ in range(3))
    human = {t: edit(t, b) for t, b in pages.items()}
    gateway = PersonEditsFirst(connect(config.site), admin_api, human)
    Pass(gateway, config, lambda: dt.datetime.now(dt.UTC)).run()
    assert gateway.raced == set(pages)
    assert all(gateway.answers[t][0].merged for t in pages), gateway.answers
    return human


def test_human_edit_between_read_and_save_is_preserved(bot: Bot, admin_api: WikiApi, devwiki: DevWiki) -> None:
    """A person saves each page just before the bot's save of it. Several pages, because the
    dangerous case is an edit in the same second as the bot's base revision (MediaWiki then
    treats a save with basetimestamp as a conflict "with self" and lets it overwrite)."""
    human = race(devwiki, bot, admin_api, lambda t, b: b.replace("== History ==", f"== History ==\nA sentence on {t}."))
    for title, text in human.items():
        assert admin_api.read(title)[1] == "{{Partnership incomplete|missing=metrics}}\n" + text


def test_a_page_completed_while_the_bot_tags_it_ends_without_the_tag(
    bot: Bot, admin_api: WikiApi, devwiki: DevWiki
) -> None:
    """Issue 11, item 7: the wiki merges the bot's tag into the person's revision (no edit conflict);
    the bot sees the merge in the answer, reads the page again and removes the tag at once."""
    human = race(
        devwiki, bot, admin_api, lambda _t, b: b.replace("| status = proposed", "| status = proposed\n| metrics = 5")
    )
    for title, text in human.items():
        assert admin_api.read(title)[1] == text
        assert [r.user for r in admin_api.revisions(title, 3)] == [bot.devwiki.bot_account] * 2 + ["Admin"]
    out = bot.ok("run", "--incremental")
    # the summary, its data page and the status page at most
    assert out.report["edits"] <= 3 and not out.report["tagged"] + out.report["untagged"], out.report


HOSTILE = ["|}", "{{", "[[Category:Injected]]", "<script>alert(1)</script>", "__NOTOC__", "~~~~", "{{!}}"]
FIELDS = ["partner", "model", "goals", "status", "start", "end", "last_reviewed", "metrics", "coi_disclosure"]


def test_hostile_values_render_harmlessly(bot: Bot, admin_api: WikiApi) -> None:
    titles = []
    for i, value in enumerate(HOSTILE):
        title = unique(f"Hostile {i}")
        params = "\n".join(f"| {f} = {value} x" for f in FIELDS)
        body = f"Intro.\n{{{{Partnership infobox\n{params}\n}}}}\nEnd."
        admin_api.edit(title, body, "tests: hostile values")
        titles.append((title, admin_api.read(title)[1]))  # as saved: the wiki expands ~~~~ on save
    out = bot.ok("run")
    _, page = admin_api.read(SUMMARY)
    start, end = page.index(START_MARKER), page.index(END_MARKER)
    bare = page[: start + len(START_MARKER)] + "\n" + page[end:]
    parsed, baseline = admin_api.parse(page, SUMMARY), admin_api.parse(bare, SUMMARY)
    assert parsed["categories"] == baseline["categories"]
    assert parsed["templates"] == baseline["templates"]
    html = parsed["text"]
    assert "<script>" not in html and "Injected" not in [c["category"] for c in parsed["categories"]]
    (table,) = re.findall(r'<table class="wikitable sortable">.*?</table>', html, re.S)  # (not the overview's)
    rows = re.findall(r"<tr[ >]", table)
    assert len(rows) - 1 == out.report["pages_seen"], "one header row plus one row per page"
    for title, body in titles:
        assert admin_api.read(title)[1].endswith(body)


def test_reads_are_batched_at_the_api_limit(bot: Bot) -> None:
    out = bot.ok("run", "--dry-run")
    n = out.report["pages_seen"]
    assert n > 0
    bound = -(-n // 500) + -(-n // 5000) + 3
    assert out.report["api_requests"] <= bound, out.report


def test_templates_install_is_idempotent(bot: Bot) -> None:
    out = bot.ok("install-templates")
    assert out.stdout.strip().endswith("0 changed"), out.stdout


RULES_PAGE = "Module:Partnership tracker/rules.json"


def test_rules_page_is_json_and_reinstalls_unchanged(bot: Bot, admin_api: WikiApi) -> None:
    """The rules page gets Scribunto's JSON content model; MediaWiki re-formats JSON on save, and
    a second install still finds it unchanged (JSON pages compare by value)."""
    info = admin_api.get(action="query", titles=RULES_PAGE, prop="info")["query"]["pages"][0]
    assert info.get("contentmodel") == "json", info
    revid, text = admin_api.read(RULES_PAGE)
    source = (bot.devwiki.root / "templates_wiki" / "Module" / "Partnership tracker" / "rules.json").read_text(
        encoding="utf-8"
    )
    assert json.loads(text) == json.loads(source)
    out = bot.ok("install-templates")
    assert out.stdout.strip().endswith("0 changed"), out.stdout
    assert admin_api.read(RULES_PAGE)[0] == revid


def test_summary_page_lists_pages_and_keeps_outside_text(bot: Bot, admin_api: WikiApi) -> None:
    title, _ = make_page(admin_api, "Listed")
    bot.ok("run")
    _, page = admin_api.read(SUMMARY)
    assert f"[[:{title}|" in page
    source = (bot.devwiki.root / "templates_wiki" / "Main" / f"{SUMMARY}.wiki").read_text(encoding="utf-8")
    head = source[: source.index(START_MARKER)]
    tail = source[source.index(END_MARKER) :].rstrip()
    assert page.startswith(head) and page.endswith(tail)


def test_redirect_with_an_infobox_below_is_not_broken(bot: Bot, admin_api: WikiApi) -> None:
    target, _ = make_page(admin_api, "Redirect target")
    title = unique("Redirect leftover")
    body = f"#REDIRECT [[{target}]]\n" + INCOMPLETE.format(title=title)
    revid = admin_api.edit(title, body, "tests: redirect with an old infobox below")
    bot.ok("run")
    assert admin_api.read(title) == (revid, body)
    info = admin_api.get(action="query", titles=title, prop="info")["query"]["pages"][0]
    assert info.get("redirect") is True
