"""Stage 5's TemplateData (bot.pipeline.step5_templatedata) on an in-memory wiki: the block between
the doc page's markers follows the rules, nothing else on the page changes, it is saved only when it
changes, and a page the bot may not write is left alone with an error line."""

from __future__ import annotations

import json

from bot.config import Config
from bot.markers import END_MARKER, START_MARKER
from bot.rules import parse_rules
from bot.templatedata import render
from tests.fakes import RULES_PAGE, FakeWiki
from tests.passes import INCOMPLETE, run, wiki_with

DOC = "Template:Partnership infobox/doc"
AROUND = "Usage and examples, written by people.\n{text}\n== TemplateData ==\n{start}\nold block\n{end}\n[[Category:X]]"


def doc(text: str = "", start: str = START_MARKER, end: str = END_MARKER) -> str:
    return AROUND.format(text=text, start=start, end=end)


def doc_saves(wiki: FakeWiki) -> list[str]:
    return [s.text for s in wiki.saves if s.title == DOC]


def test_the_block_follows_the_rules_and_nothing_else_changes(config: Config) -> None:
    wiki = wiki_with({"Org": INCOMPLETE})
    wiki.put(DOC, doc(), "Admin")
    base = wiki.pages[DOC].revid
    report = run(wiki, config)
    assert not report.errors
    expected = f"Usage and examples, written by people.\n\n== TemplateData ==\n{START_MARKER}{render(config.rules)}"
    assert wiki.pages[DOC].text == expected + f"{END_MARKER}\n[[Category:X]]"
    assert [s.base_revid for s in wiki.saves if s.title == DOC] == [base], "saved once, on the revision read"
    run(wiki, config)
    assert len(doc_saves(wiki)) == 1, "the same rules: no second edit"


def test_a_rules_change_rewrites_the_block(config: Config) -> None:
    """A change of the rules page on the wiki (the rules the pass applies) rewrites the block."""
    wiki = wiki_with({"Org": INCOMPLETE})
    wiki.put(DOC, doc(), "Admin")
    run(wiki, config)
    data = json.loads(wiki.pages[RULES_PAGE].text)
    data["params"]["partner_url"]["required"] = True
    revid = wiki.put(RULES_PAGE, json.dumps(data, indent=4), "Admin")
    run(wiki, config)
    changed = parse_rules(data, RULES_PAGE, revid)
    assert changed.params["partner_url"].required
    assert render(changed) in wiki.pages[DOC].text
    assert len(doc_saves(wiki)) == 2


def test_a_page_the_bot_may_not_write_is_left_alone_with_an_error(config: Config) -> None:
    for text, why in (
        (doc("{{nobots}}"), "{{bots}}/{{nobots}}"),
        (doc(start="<!-- other -->"), "markers"),
        (doc(f"<pre>{START_MARKER}</pre>", start=""), "markers"),
    ):
        wiki = wiki_with({"Org": INCOMPLETE})
        wiki.put(DOC, text, "Admin")
        report = run(wiki, config)
        assert wiki.pages[DOC].text == text.rstrip(), why
        assert [e for e in report.errors if e.startswith(f"{DOC}: the TemplateData was not written")], why
        assert why in " ".join(report.errors)


def test_a_protected_page_is_left_alone(config: Config) -> None:
    wiki = wiki_with({"Org": INCOMPLETE})
    wiki.put(DOC, doc(), "Admin", protected=True)
    report = run(wiki, config)
    assert not doc_saves(wiki)
    assert any("protected" in e for e in report.errors if e.startswith(DOC))


def test_no_doc_page_is_no_error_and_a_dry_run_writes_nothing(config: Config) -> None:
    wiki = wiki_with({"Org": INCOMPLETE})
    report = run(wiki, config)
    assert DOC not in wiki.pages and not report.errors
    wiki.put(DOC, doc(), "Admin")
    run(wiki, config, dry_run=True)
    assert not doc_saves(wiki)
