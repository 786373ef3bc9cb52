"""The infobox finder: MediaWiki's name and visibility rules, and agreement with a full parse."""

from __future__ import annotations

import pytest

from bot.model import Param
from bot.parse import find_infobox, name_set
from bot.rules import Rules
from bot.titles import NS_TEMPLATE, title_key
from tests.conftest import corpus_pages
from tests.second_opinion import find_infobox_full

NAMES = name_set(["Partnership infobox", "Infobox partnership"])
BOX = "{{Partnership infobox|partner=Kiwix|status=active}}"


@pytest.mark.parametrize(
    "written",
    ["Partnership infobox", "partnership infobox", "Partnership_infobox", "  Partnership infobox\n",
     "Template:Partnership infobox", "template : Partnership_infobox", "Partnership  infobox",
     "Partnership<!-- x --> infobox", "Infobox partnership", "infobox_partnership"],
)  # fmt: skip
def test_name_written_any_way_mediawiki_accepts(written: str) -> None:
    outcome = find_infobox("Intro.\n{{" + written + "|partner=Kiwix}}\nText.", NAMES)
    assert outcome.infobox is not None
    assert outcome.infobox.values == {"partner": "Kiwix"}


@pytest.mark.parametrize(
    "written",
    [
        "Partnership Infobox",
        ":Partnership infobox",
        "Partnership infoboxes",
        "Msgnw:Partnership infobox",
    ],
)
def test_other_names_are_not_the_infobox(written: str) -> None:
    assert find_infobox("{{" + written + "|partner=x}}", NAMES).problem == "no_infobox"


@pytest.mark.parametrize(
    "text",
    ["<!-- " + BOX + " -->", "<nowiki>" + BOX + "</nowiki>", "<pre>" + BOX + "</pre>", "<PRE class='x'>" + BOX + "</pre>",
     "<!-- unclosed comment " + BOX, "{{Partnership infobox|partner=x", "{{Partnership infobox|a=[[b}}",
     "no template at all", "{{{Partnership infobox|x}}}"],
)  # fmt: skip
def test_invisible_or_unclosed_is_no_infobox(text: str) -> None:
    assert find_infobox(text, NAMES).problem == "no_infobox"
    assert find_infobox(text, NAMES).infobox is None


def test_unclosed_nowiki_is_literal_so_the_infobox_counts() -> None:
    assert find_infobox("<nowiki>" + BOX, NAMES).infobox is not None


def test_nested_inside_another_template_counts() -> None:
    outcome = find_infobox("{{Box|title=x|content=\n" + BOX + "\n}}", NAMES)
    assert outcome.infobox is not None and outcome.infobox.values["partner"] == "Kiwix"


@pytest.mark.parametrize("second", [BOX, "{{infobox partnership}}", "{{Box|c=" + BOX + "}}"])
def test_two_infoboxes(second: str) -> None:
    outcome = find_infobox(BOX + "\ntext\n" + second, NAMES)
    assert (outcome.problem, outcome.count) == ("multiple_infoboxes", 2)


def test_params_comments_whitespace_duplicates_positional() -> None:
    text = (
        "{{Partnership infobox|stray\n| partner = Kiwix <!-- the org -->\n| status = proposed\n"
        "|status = active<!-- changed -->\n| metrics = <!-- fill in -->\n|<!--c-->goals= a, b\n|Metrics=x}}"
    )
    box = find_infobox(text, NAMES).infobox
    assert box is not None
    assert box.params[0] == Param("1", "stray", positional=True)
    assert box.values == {
        "1": "stray",
        "partner": "Kiwix",
        "status": "active",
        "metrics": "",
        "goals": "a, b",
        "Metrics": "x",
    }
    assert box.duplicates == ("status",)


def test_pipes_inside_links_templates_and_comments_do_not_split() -> None:
    box = find_infobox(
        "{{Partnership infobox|feedback=[[Talk:X|talk]] {{small|a|b}} <!-- | -->|partner=P}}", NAMES
    ).infobox
    assert box is not None
    assert box.values["feedback"] == "[[Talk:X|talk]] {{small|a|b}}"
    assert box.values["partner"] == "P"


def test_title_key_of_a_template_name() -> None:
    assert title_key(" template:partnership_infobox ", NS_TEMPLATE) == "Partnership infobox"
    assert title_key("Ébauche", NS_TEMPLATE) == "Ébauche"
    assert title_key("émission", NS_TEMPLATE) == "Émission"


def test_large_region_uses_the_linear_splitter_with_the_same_result() -> None:
    filler = "[[a|b]] {{c|d}} " * 5000
    text = "{{Partnership infobox|partner=" + filler + "|status=active|x|status=proposed}}"
    fast, full = find_infobox(text, NAMES), find_infobox_full(text, NAMES)
    assert fast.infobox is not None and full.infobox is not None
    assert fast.infobox.params == full.infobox.params


def _positions(text: str) -> list[int]:
    """Paragraph boundaries outside templates and tables: where an editor would put an infobox."""
    out, depth, pos = [0], 0, 0
    for line in text.splitlines(keepends=True):
        depth += line.count("{{") + line.count("{|") - line.count("}}") - line.count("|}")
        pos += len(line)
        if line.strip() == "" and depth == 0:
            out.append(pos)
    return out[:: max(1, len(out) // 6)]


@pytest.mark.parametrize("page", corpus_pages(), ids=lambda p: p.stem)
def test_agrees_with_full_parse_on_real_articles(page: object, rules: Rules) -> None:
    """Insert the infobox among real markup at several places; the fast finder must read exactly
    what mwparserfromhell's full parse reads."""
    text = page.read_text(encoding="utf-8")  # type: ignore[attr-defined]
    box = "{{Partnership infobox\n| partner = Kiwix <!-- org -->\n| goals = dissemination, [[x|y]]\n| metrics = {{formatnum:2000}} downloads\n| status = active\n}}\n"
    for at in _positions(text):
        page_text = text[:at] + box + text[at:]
        fast, full = find_infobox(page_text, NAMES), find_infobox_full(page_text, NAMES)
        assert (fast.problem, fast.count) == (full.problem, full.count)
        assert fast.infobox is not None and full.infobox is not None
        assert fast.infobox.params == full.infobox.params
