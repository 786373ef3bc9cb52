"""Why a page is not in the summary table (:mod:`bot.unlisted`): from the page's text as the bot
reads it and the templates the wiki lacks. The example pages the demo seeds are the cases."""

from __future__ import annotations

import pytest

from bot.parse import name_set
from bot.unlisted import key_title, reason, wrappers
from bot.wikitext import read
from tests.conftest import ROOT

NAMES = name_set(("Partnership infobox", "Infobox partnership"))
EXAMPLES = ROOT / "templates_wiki" / "examples"
BOX = "{{Partnership infobox|partner=P}}"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "Berkman Klein Center harassment research",
            "its infobox is inside {{Box}}, a template this wiki does not have",
        ),
        ("Smithsonian Archives residency proposal", "its infobox is inside <pre>, so the wiki shows it as plain text"),
        ("Telenor Wikipedia Zero Pakistan", "its infobox is never closed with }}"),
        ("UNESCO open educational resources collaboration", "its infobox is inside <nowiki>"),
        ("Voice assistant attribution draft", "its infobox is inside a comment (<!-- … -->)"),
        ("Wikimedia Foundation partnerships overview", "no infobox"),
    ],
)
def test_the_demo_pages_not_listed(title: str, expected: str) -> None:
    view = read((EXAMPLES / f"{title}.wiki").read_text(encoding="utf-8"))
    assert reason(view, NAMES, frozenset({"Template:Box"})).startswith(expected)


def test_a_wrapper_the_wiki_has_is_named_as_not_showing_it() -> None:
    view = read(f"{{{{TOC right}}}}\n{{{{Box|content={{{{#if:1|{BOX}}}}}}}}}")
    assert wrappers(view, NAMES) == ("Template:Box",)
    assert reason(view, NAMES, frozenset()) == "its infobox is inside {{Box}}, which does not show it on this wiki"


def test_the_first_missing_wrapper_is_named() -> None:
    view = read(f"{{{{Outer|a={{{{Inner|b={BOX}}}}}}}}}")
    assert wrappers(view, NAMES) == ("Template:Outer", "Template:Inner")
    assert "inside {{Inner}}, a template this wiki does not have" in reason(view, NAMES, frozenset({"Template:Inner"}))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"<includeonly>{BOX}</includeonly>", "its infobox is inside <includeonly>"),
        (f"<ref>x</ref><pre>{BOX}</pre>", "its infobox is inside <pre>"),
        ("{{Infobox partnership\n|partner=P\n", "its infobox is never closed"),
        ("{{tl|Partnership infobox}} is the template to use.", "no infobox"),
        ("", "no infobox"),
        (BOX, "the wiki does not count it as using the infobox yet"),
    ],
)
def test_reasons_from_the_text(text: str, expected: str) -> None:
    assert reason(read(text), NAMES, frozenset()).startswith(expected)


def test_key_titles() -> None:
    assert key_title("Box") == "Template:Box"
    assert key_title(":Main Page") == "Main Page"
    assert key_title("User:X/y") == "User:X/y"
    assert key_title("Not a namespace:X") == "Template:Not a namespace:X"
