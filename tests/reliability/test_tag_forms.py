"""Issue 11, item 6: every form of the notice MediaWiki renders is recognised, and a pass leaves
exactly one. The wiki is the authority: each tampered page is rendered with ``action=parse``
before and after the bot's pass, and the notice boxes in the HTML are counted.

Each case is one page in its own namespace (829, Module talk) with its own summary and status pages.
Before the pass, MediaWiki must render as many notices as the case says (so the tampering is
real) and the bot must see the same tags (its definition of a real tag agrees with the wiki's
renderer). After one pass, the raw text read back is exactly the expected one, differs from the
tampered text only in tag calls (checked independently of bot.tagging), and renders one notice on
an incomplete page, none on a complete one. A second pass changes nothing.

Counters: ``probes`` (one per case), ``wrong_tags`` (a page rendering ≠ 1 notice when incomplete,
≠ 0 when complete), ``human_text_lost`` (characters outside tag calls lost or changed).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.tagging import find_tags, tag_names
from tests.wiki.api import WikiApi
from tests.wiki.conftest import DevWiki

from . import counters
from .env import SHUTOFF, SHUTOFF_OFF, BotRunner, write_config
from .scenario import empty_summary, ensure_page
from .tag_calls import text_lost

NAMESPACE, PREFIX = 829, "Module talk:Tag form "
SUMMARY = "User:PartnershipBot/Tag forms summary"
STATUS = "User:PartnershipBot/Tag forms status"
#: The notice box (Module:Partnership incomplete, p.box): one per rendered notice.
BOX = 'class="plainlinks ambox ambox-content partnership-incomplete"'
REDIRECT = "Template:Incomplete partnership"
#: Helper templates: one that shows its first argument, one that does not.
SHOWS, HIDES = "Template:Tag forms shows", "Template:Tag forms hides"

INCOMPLETE = """{{Partnership infobox
| partner = Tag Forms Org
| model = content
| goals = free-content
| coi_disclosure = None known
| community_role = Volunteers upload files
| status = proposed
}}"""
COMPLETE = INCOMPLETE.replace("| status", "| metrics = 50 articles a year\n| status")
BODY = "\n== History ==\nText with a [[link]] and a <ref>source</ref>.\n{{Reflist}}"
TAG = "{{Partnership incomplete|missing=metrics}}"  # what the bot writes for INCOMPLETE
STALE = "{{Partnership incomplete|missing=goals}}"


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    """The tampered page (as stored: no trailing blank)."""
    expected: str
    """The page after the pass."""
    shown: int
    """Notices MediaWiki renders on the tampered page."""
    seen: int | None = None
    """Tags the bot sees on it, when not ``shown`` (a blind spot, documented in bot/tagging.py)."""

    @property
    def complete(self) -> bool:
        return COMPLETE in self.text


def cases() -> list[Case]:
    inc, com = INCOMPLETE + BODY, COMPLETE + BODY
    return [
        Case("redirect", "{{Incomplete partnership|missing=goals}}\n" + inc, TAG + "\n" + inc, 1),
        Case("redirect already right", "{{incomplete_partnership|missing=metrics}}\n" + inc, "", 1),
        Case("redirect on a complete page", "{{Incomplete partnership|missing=metrics}}\n" + com, com, 1),
        Case("trailing text", STALE + " Please help.\n" + inc, TAG + " Please help.\n" + inc, 1),
        Case("text before", "Note: " + STALE + "\n" + inc, "Note: " + TAG + "\n" + inc, 1),
        Case(
            "nested",
            "{{Tag forms shows|{{Partnership incomplete|missing=x}}}}\n" + inc,
            TAG + "\n{{Tag forms shows|}}\n" + inc,
            1,
        ),
        Case("nested, hidden", "{{Tag forms hides|" + TAG + "}}\n" + inc, TAG + "\n{{Tag forms hides|}}\n" + inc, 0, 1),
        Case("nested, missing template", "{{No such box|" + TAG + "}}\n" + inc, TAG + "\n{{No such box|}}\n" + inc, 0, 1),
        Case("on the infobox's line", INCOMPLETE + STALE + BODY, INCOMPLETE + TAG + BODY, 1),
        Case("before the infobox on its line", STALE + inc, TAG + inc, 1),
        Case("two tags", TAG + "\n" + inc + "\n" + STALE, TAG + "\n" + inc, 2),
        Case("two tags, first stale", STALE + "\n" + inc + "\n" + TAG, TAG + "\n" + inc, 2),
        Case("two tags on one line", STALE + " " + STALE + "\n" + inc, TAG + " \n" + inc, 2),
        Case("in a comment", "<!-- " + STALE + " -->\n" + inc, TAG + "\n<!-- " + STALE + " -->\n" + inc, 0),
        Case("in nowiki", "<nowiki>" + STALE + "</nowiki>\n" + inc, TAG + "\n<nowiki>" + STALE + "</nowiki>\n" + inc, 0),
        Case("in includeonly", "<includeonly>" + STALE + "</includeonly>" + inc, TAG + "\n<includeonly>" + STALE + "</includeonly>" + inc, 0),
        Case("lower-case first letter", "{{partnership incomplete|missing=goals}}\n" + inc, TAG + "\n" + inc, 1),
        Case("Template: prefix", "{{Template:Partnership incomplete|missing=goals}}\n" + inc, TAG + "\n" + inc, 1),
        Case("underscores", "{{Partnership_incomplete|missing=goals}}\n" + inc, TAG + "\n" + inc, 1),
        Case("spread over lines", "Intro.\n{{Partnership incomplete\n| missing = goals\n}}\n" + inc, "Intro.\n" + TAG + "\n" + inc, 1),
        Case("unreadable parameters", "{{Partnership incomplete|missing={{lc:METRICS}}}}\n" + inc, TAG + "\n" + inc, 1),
        Case("complete, tag beside text", "Note: {{partnership_incomplete}} more.\n" + com, "Note:  more.\n" + com, 1),
        Case("complete, text after", "{{Partnership incomplete}} Please help.\n" + com, "<nowiki/> Please help.\n" + com, 1),
        Case("complete, nested", "{{Tag forms shows|{{Partnership incomplete}}}}\n" + com, "{{Tag forms shows|}}\n" + com, 1),
    ]  # fmt: skip


def rendered(api: WikiApi, title: str, text: str) -> str:
    return str(api.parse(text, title, prop="text")["text"])


@pytest.fixture
def runner(relwiki: DevWiki, direct_bot: BotRunner, rel_admin: WikiApi, tmp_path: Path) -> BotRunner:
    ensure_page(rel_admin, REDIRECT, "#REDIRECT [[Template:Partnership incomplete]]")
    ensure_page(rel_admin, SHOWS, "<div>{{{1|}}}</div>")
    ensure_page(rel_admin, HIDES, "<div>(nothing shown)</div>")
    ensure_page(rel_admin, SUMMARY, empty_summary())
    ensure_page(rel_admin, SHUTOFF, SHUTOFF_OFF)
    titles = {PREFIX + case.name for case in cases()}
    for reply in rel_admin.query(list="allpages", apnamespace=NAMESPACE, apprefix=PREFIX.split(":", 1)[1]):
        for page in reply["allpages"]:
            if page["title"] not in titles:  # a case of an older version of this test
                rel_admin.delete(page["title"])
    config = write_config(tmp_path, namespace=NAMESPACE, summary=SUMMARY, status=STATUS)
    return BotRunner(relwiki, relwiki.pywikibot_dir, config, tmp_path)


def test_every_rendered_form_of_the_notice_ends_as_exactly_one(runner: BotRunner, rel_admin: WikiApi) -> None:
    names = tag_names("Partnership incomplete", [REDIRECT])
    all_cases = cases()
    problems = []
    for case in all_cases:
        title = PREFIX + case.name
        ensure_page(rel_admin, title, case.text)
        shown = rendered(rel_admin, title, case.text).count(BOX)
        seen = len(find_tags(case.text, "Partnership incomplete", names))
        assert shown == case.shown, f"{title}: MediaWiki renders {shown} notices before the pass"
        assert seen == (case.shown if case.seen is None else case.seen), f"{title}: the bot sees {seen} tags"
    first = runner.ok("run")
    for case in all_cases:
        title = PREFIX + case.name
        counters.add("probes")
        text = rel_admin.read(title)[1]
        lost = text_lost(case.text, text)
        counters.add("human_text_lost", lost)
        html = rendered(rel_admin, title, text)
        want = 0 if case.complete else 1
        if html.count(BOX) != want:
            counters.add("wrong_tags")
            problems.append(f"{title}: {html.count(BOX)} notices rendered, want {want}:\n{text}")
        if "<pre" in html:  # a blank left at the start of a line
            problems.append(f"{title}: preformatted text after the pass:\n{text}")
        if lost:
            problems.append(f"{title}: {lost} characters outside tag calls lost:\n{text}")
        if text != (case.expected or case.text):
            problems.append(f"{title}: not the expected text:\n{text!r}\nwant\n{(case.expected or case.text)!r}")
    assert not problems, "\n\n".join(problems)
    edited = sum(1 for case in all_cases if case.expected and case.expected != case.text)
    assert tag_edits(first.report) == edited, first.report
    second = runner.ok("run")
    assert tag_edits(second.report) == 0, second.report


def tag_edits(report: dict[str, object]) -> int:
    return sum(int(str(report[kind])) for kind in ("tagged", "untagged", "updated"))
