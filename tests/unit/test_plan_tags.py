"""Deciding tag edits with every form of a real tag (bot/plan.py over bot/tagging.py), and the
tag template's redirects asked of the wiki once per full pass and remembered by incremental ones
(bot/pipeline/, against the in-memory wiki)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from bot.config import Config
from bot.model import PageResult, PageSnapshot, TagMemory
from bot.parse import find_infobox, name_set
from bot.pipeline.one_pass import Pass
from bot.plan import Decision, Policy, decide
from bot.rules import Rules
from bot.state import TAG_NAMES_KEY, StateStore
from bot.tagging import tag_names
from bot.validate import check_page
from tests.fakes import FakeWiki
from tests.passes import COMPLETE, INCOMPLETE, NOW, wiki_with

T = "Partnership incomplete"
BOT = "PartnershipBot"
NEW = "{{Partnership incomplete|missing=metrics}}"
POLICY = Policy(T, BOT, 30, "User:PartnershipBot/Shutoff", tag_names(T, ["Template:Incomplete partnership"]))


def decision(text: str, rules: Rules, policy: Policy = POLICY, memory: TagMemory | None = None) -> Decision:
    page = PageSnapshot("Org", 1, NOW - dt.timedelta(days=400), text, "Editor", False, 1)
    names = name_set((rules.infobox_name, *rules.aliases))
    result: PageResult = check_page("Org", find_infobox(text, names), rules, NOW.date())
    return decide(page, result, policy, memory, False, NOW)


def test_a_second_notice_goes_even_when_the_first_says_the_right_thing(rules: Rules) -> None:
    text = f"{NEW}\n{INCOMPLETE}\n{{{{Incomplete partnership|missing=metrics}}}}\n"
    d = decision(text, rules)
    assert d.edit is not None and d.edit.text == f"{NEW}\n{INCOMPLETE}\n"
    assert d.edit.kind == "update" and "one incomplete tag: the others removed" in d.edit.summary
    assert d.memory.tagged


def test_a_tag_through_a_redirect_is_the_pages_tag(rules: Rules) -> None:
    text = "{{incomplete_partnership|missing=goals}} Note.\n" + INCOMPLETE
    d = decision(text, rules)
    assert d.edit is not None and d.edit.kind == "update"
    assert d.edit.text == NEW + " Note.\n" + INCOMPLETE
    untagged = decision("{{Incomplete partnership|missing=goals}}\n" + COMPLETE, rules)
    assert untagged.edit is not None and untagged.edit.kind == "untag" and untagged.edit.text == COMPLETE
    # Without the redirect's name it is not recognised: a second notice would go on top.
    blind = decision(text, rules, dataclasses.replace(POLICY, tag_names=frozenset()))
    assert blind.edit is not None and blind.edit.text == NEW + "\n" + text


def test_a_nested_tag_is_moved_to_the_top_as_an_update_and_removed_from_a_complete_page(rules: Rules) -> None:
    boxed = "{{Some box|{{Partnership incomplete|missing=metrics}}}}\n"
    d = decision(boxed + INCOMPLETE, rules)
    assert d.edit is not None and d.edit.kind == "update"  # not a new tag: max_tags_per_run does not count it
    assert d.edit.text == NEW + "\n{{Some box|}}\n" + INCOMPLETE
    gone = decision(boxed + COMPLETE, rules)
    assert gone.edit is not None and gone.edit.kind == "untag" and gone.edit.text == "{{Some box|}}\n" + COMPLETE


def test_nothing_to_do_is_not_reported_as_a_skip(rules: Rules) -> None:
    for text in (f"{{{{nobots}}}}\n{NEW}\n{INCOMPLETE}", f"{{{{nobots}}}}\n{COMPLETE}"):
        d = decision(text, rules)
        assert d.edit is None and d.skip is None


def test_an_excluded_page_keeps_both_notices(rules: Rules) -> None:
    text = f"{{{{nobots}}}}\n{NEW}\n{NEW}\n{INCOMPLETE}"
    d = decision(text, rules)
    assert d.edit is None and d.skip == "excluded by {{bots}}/{{nobots}}"


# --- the redirects to the tag template, once per full pass ----------------------------------------


@dataclasses.dataclass
class CountingWiki(FakeWiki):
    """The in-memory wiki, remembering which redirects were asked for."""

    asked: list[str] = dataclasses.field(default_factory=list)

    def redirects_to(self, title: str) -> tuple[str, ...]:
        self.asked.append(title)
        return super().redirects_to(title)


def counting_wiki(pages: dict[str, str]) -> CountingWiki:
    wiki = CountingWiki(
        redirects={
            "Template:Partnership infobox": ("Template:Infobox partnership",),
            "Template:Partnership incomplete": ("Template:Incomplete partnership",),
        }
    )
    for title, page in wiki_with(pages).pages.items():
        wiki.put(title, page.text, page.user)
    return wiki


def run(wiki: FakeWiki, config: Config, store: StateStore, kind: str) -> None:
    Pass(wiki, config, lambda: NOW, store, kind=kind).run()


def test_full_pass_asks_incremental_pass_remembers(config: Config, store: StateStore) -> None:
    wiki = counting_wiki({"A": "{{Incomplete partnership|missing=goals}}\n" + INCOMPLETE, "B": COMPLETE})
    wiki.tick(dt.timedelta(hours=1))
    run(wiki, config, store, "full")
    assert wiki.asked == ["Template:Partnership infobox", "Template:Partnership incomplete"]
    assert wiki.pages["A"].text == NEW + "\n" + INCOMPLETE
    assert store.get(TAG_NAMES_KEY) is not None
    wiki.asked.clear()
    run(wiki, config, store, "incremental")  # quiet: nothing changed
    wiki.put("B", "{{Incomplete partnership}}\n{{Partnership incomplete}}\n" + INCOMPLETE)
    run(wiki, config, store, "incremental")  # reads B, decides with the remembered names
    assert wiki.asked == []
    assert wiki.pages["B"].text == NEW + "\n" + INCOMPLETE


def test_another_tag_template_is_asked_for_again(config: Config, store: StateStore) -> None:
    wiki = counting_wiki({"A": COMPLETE})
    wiki.tick(dt.timedelta(hours=1))
    run(wiki, config, store, "full")
    renamed = dataclasses.replace(config, pages=dataclasses.replace(config.pages, tag_template="Other notice"))
    wiki.asked.clear()
    wiki.put("A", INCOMPLETE)
    run(wiki, renamed, store, "incremental")
    assert wiki.asked == ["Template:Other notice"]
    assert wiki.pages["A"].text.startswith("{{Other notice|missing=metrics}}\n")
