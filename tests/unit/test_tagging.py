"""The tag (bot/tagging.py): Tag ↔ template call, every form of a real tag on a page, and retag's
promise that exactly one is left and nothing but tag calls ever changes. Property tests:
tests/unit/test_tag_properties.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.check import check_text
from bot.edit_summaries import tag_change as tag_summary
from bot.model import Finding, PageResult
from bot.rules import Rules
from bot.tagging import (
    SEPARATOR,
    Tag,
    find_tag,
    find_tags,
    retag,
    tag_for,
    tag_names,
)
from bot.titles import call_key
from bot.wikitext import read
from tests.conftest import AS_OF, EXAMPLES

T = "Partnership incomplete"
REDIRECTS = tag_names(T, ["Template:Incomplete partnership", "Old notice", "User:X/Notice"])


def err(field: str | None, code: str) -> Finding:
    return Finding(field, code, "error", "m")


def warn(field: str | None, code: str) -> Finding:
    return Finding(field, code, "warning", "m")


# --- Tag and tag_for ------------------------------------------------------------------------------


def test_render_orders_parameters_and_leaves_out_empty_lists() -> None:
    tag = Tag(("metrics", "coi_disclosure"), ("end",), "multiple_infoboxes")
    assert (
        tag.render(T)
        == "{{Partnership incomplete|missing=coi_disclosure,metrics|invalid=end|problem=multiple_infoboxes}}"
    )
    assert Tag(("a",)).render(T) == "{{Partnership incomplete|missing=a}}"
    assert Tag(invalid=("b",)).render(T) == "{{Partnership incomplete|invalid=b}}"
    assert Tag(problem="no_infobox").render(T) == "{{Partnership incomplete|problem=no_infobox}}"
    assert Tag().render(T) == "{{Partnership incomplete}}"


def test_tag_lists_are_normalised_on_construction() -> None:
    assert Tag(("b", " a", "b", "")) == Tag(("a", "b"))
    assert Tag(problem="  ") == Tag()


def test_tag_for_complete_page_is_none() -> None:
    assert tag_for(PageResult("P", (warn("last_reviewed", "stale"),))) is None
    assert tag_for(PageResult("P", ())) is None


def test_tag_for_sorts_dedupes_and_ignores_warnings() -> None:
    result = PageResult(
        "P",
        (
            err("metrics", "missing"),
            err("coi_disclosure", "placeholder"),
            err("end", "date_order"),
            err("end", "invalid"),
            err("content_license", "nonfree_license"),
            warn("data_sharing", "privacy_risk"),
            warn("notes", "unknown_param"),
        ),
    )
    assert tag_for(result) == Tag(("coi_disclosure", "metrics"), ("content_license", "end"))


@pytest.mark.parametrize("code", ["multiple_infoboxes", "no_infobox"])
def test_tag_for_page_level_problem(code: str) -> None:
    assert tag_for(PageResult("P", (err(None, code),))) == Tag(problem=code)


def test_tag_for_an_error_code_raised_by_config_goes_to_invalid_and_unsafe_names_are_dropped() -> None:
    result = PageResult("P", (err("last_reviewed", "stale"), err("a|b", "unknown_param"), err("x=y", "invalid")))
    assert tag_for(result) == Tag(invalid=("last_reviewed",))


def test_tag_for_examples_agrees_with_findings(rules: Rules) -> None:
    for page in sorted(EXAMPLES.glob("*.wiki")):
        result = check_text(page.stem, page.read_text(encoding="utf-8"), rules, AS_OF)
        tag = tag_for(result)
        assert (tag is None) == result.complete
        if tag is not None:
            errors = {f.field for f in result.findings if f.severity == "error" and f.field}
            assert set(tag.missing) | set(tag.invalid) == errors
            assert tag.missing or tag.invalid or tag.problem


# --- names ----------------------------------------------------------------------------------------


def test_tag_names_hold_the_template_and_its_redirects_as_calls_name_them() -> None:
    assert frozenset({"Partnership incomplete", "Incomplete partnership", ":Old notice", "User:X/Notice"}) == REDIRECTS


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("Partnership incomplete", "Partnership incomplete"),
        (" partnership_incomplete\n", "Partnership incomplete"),
        ("Template:Partnership__incomplete", "Partnership incomplete"),
        (" template : Partnership incomplete ", "Partnership incomplete"),
        (":Template:Partnership incomplete", "Partnership incomplete"),
        ("safesubst:Partnership incomplete", "Partnership incomplete"),
        ("SAFESUBST:msg:raw:partnership incomplete", "Partnership incomplete"),
        ("SAFESUBST: msg:Partnership incomplete", "Msg:Partnership incomplete"),  # a modifier only right at the start
        ("Partnership<!-- x --> incomplete", "Partnership incomplete"),
        (":old notice", ":Old notice"),
        ("Old notice", "Old notice"),
        ("msg:raw:Partnership incomplete", "Partnership incomplete"),
        ("Partnership incomplete#top", "Partnership incomplete"),
        ("Partnership&#32;incomplete", "Partnership incomplete"),
        ("Partnership incomplete\u200e", "Partnership incomplete"),
        ("subst:Partnership incomplete", None),  # literal text on a page as viewed
        ("msgnw:Partnership incomplete", None),  # the template's source, not the notice
        ("raw:msg:Partnership incomplete", "Msg:Partnership incomplete"),  # msg: only before raw:
        ("Partnership\tincomplete", None),
    ],
)
def test_call_name_resolves_as_mediawiki(written: str, name: str | None) -> None:
    """The page a ``{{written|…}}`` call transcludes, read as the bot reads a page (comments and
    inclusion tags in the name ignored), as compared with ``tag_names``."""
    assert call_key(read(written).visible(0, len(written), nested="{")) == name


# --- find_tags / find_tag -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "tag"),
    [
        ("| missing = b , a,,a, |invalid=|problem= multiple_infoboxes ", Tag(("a", "b"), (), "multiple_infoboxes")),
        ("|missing=a|missing=c|x=1|positional", Tag(("c",))),
        ("|Missing=a|missing\u00a0=b", Tag()),  # names are case-sensitive and trimmed as PHP trims
        ("|missing=a<!-- b -->,c", Tag(("a", "c"))),
    ],
)
def test_parameters_tolerate_spaces_repeats_and_empty_items(params: str, tag: Tag) -> None:
    (call,) = find_tags("{{Partnership incomplete" + params + "}}", T)
    assert call.tag == tag


@pytest.mark.parametrize(
    "line",
    [
        "{{Partnership incomplete|missing=a}}",
        "{{partnership incomplete|missing=a}}",
        "{{Template:Partnership incomplete|missing=a}}",
        "{{ template : Partnership_incomplete |missing=a}}",
        "  {{Partnership incomplete | missing = a }}\t",
        "{{Partnership incomplete<!-- bot -->|missing=a<!-- note -->}}",
        "{{Incomplete partnership|missing=a}}",
        "{{:Old notice|missing=a}}",
        "{{User:X/Notice|missing=a}}",
        "{{safesubst:Partnership incomplete|missing=a}}",
        "{{Partnership incomplete\n| missing = a\n}}",
    ],
)
def test_find_tag_recognises_a_tag_alone_on_its_lines(line: str) -> None:
    text = f"{line}\nBody\n"
    found = find_tag(text, T, REDIRECTS)
    assert found is not None
    assert (found.start, found.end) == (0, len(line) + 1)
    assert found.tag == Tag(("a",))


@pytest.mark.parametrize(
    ("text", "call"),
    [
        ("Text {{Partnership incomplete|missing=a}}\n", "{{Partnership incomplete|missing=a}}"),
        ("{{Partnership incomplete|missing=a}} text\n", "{{Partnership incomplete|missing=a}}"),
        ("{{Partnership incomplete|missing=a}}<!-- open\ncomment -->\n", "{{Partnership incomplete|missing=a}}"),
        ("{{Partnership infobox|x=1}}{{Partnership incomplete|missing=a}}\n", "{{Partnership incomplete|missing=a}}"),
        ("{{Some box|{{Partnership incomplete|missing=a}}}}\n", "{{Partnership incomplete|missing=a}}"),
        ("x <includeonly>a</includeonly>{{Partnership incomplete|missing=a}}", "{{Partnership incomplete|missing=a}}"),
    ],
)
def test_find_tag_recognises_a_tag_beside_other_text_or_nested(text: str, call: str) -> None:
    found = find_tag(text, T)
    assert found is not None and found.tag == Tag(("a",))
    assert text[found.start : found.end] == call


@pytest.mark.parametrize(
    "text",
    [
        "",
        "<!-- {{Partnership incomplete|missing=a}} -->\n",
        "<!--\n{{Partnership incomplete|missing=a}}\n-->\n",
        "<nowiki>\n{{Partnership incomplete|missing=a}}\n</nowiki>\n",
        "<pre>\n{{Partnership incomplete|missing=a}}\n</pre>\n",
        "<includeonly>{{Partnership incomplete|missing=a}}</includeonly>\n",
        "Text <includeonly>{{Partnership incomplete|missing=a}}\n",  # unclosed: hides the rest
        "{{Partnership incompleteness|missing=a}}\n",
        "{{subst:Partnership incomplete|missing=a}}\n",
        "{{msgnw:Partnership incomplete|missing=a}}\n",
        "{{Old notice|missing=a}}\n",  # a main-namespace redirect is called {{:Old notice}}
        "{{Partnership incomplete|missing=a}\n",
        "{{Partnership {{x}}|missing=a}}\n",
    ],
)
def test_find_tags_ignores_what_mediawiki_does_not_show(text: str) -> None:
    assert find_tags(text, T, REDIRECTS) == ()
    assert find_tag(text, T, REDIRECTS) is None


def test_find_tags_lists_every_call_in_page_order_with_nesting_and_readability() -> None:
    text = (
        "{{Some box|{{partnership incomplete|missing=a}}}}\n"
        "Text {{Incomplete partnership|invalid=b}} more\n"
        "{{Partnership incomplete|missing={{x}}|invalid=c}}\n"
        "{{#if:1|{{Partnership incomplete}}}}\n"
    )
    calls = find_tags(text, T, REDIRECTS)
    assert [text[c.start : c.end] for c in calls] == [
        "{{partnership incomplete|missing=a}}",
        "{{Incomplete partnership|invalid=b}}",
        "{{Partnership incomplete|missing={{x}}|invalid=c}}",
        "{{Partnership incomplete}}",
    ]
    assert [c.nested for c in calls] == [True, False, False, True]
    assert [c.readable for c in calls] == [True, True, False, True]
    assert calls[1].tag == Tag(invalid=("b",))
    found = find_tag(text, T, REDIRECTS)  # the first top-level one counts
    assert found is not None and found.tag == Tag(invalid=("b",))


@pytest.mark.parametrize(
    "params", ["|missing=[[a|b]]", "|missing=a<nowiki>,b</nowiki>", "|missing=<ref>a</ref>", "|missing={{{1}}}"]
)
def test_parameters_with_links_tags_or_braces_are_not_readable(params: str) -> None:
    (call,) = find_tags("{{Partnership incomplete" + params + "}}\n", T)
    assert not call.readable


def test_find_tag_last_line_without_newline() -> None:
    text = "Intro\n{{Partnership incomplete|missing=a}}"
    found = find_tag(text, T)
    assert found is not None and text[found.start : found.end] == "{{Partnership incomplete|missing=a}}"


# --- retag ----------------------------------------------------------------------------------------

A, B = Tag(("metrics",)), Tag(("metrics",), ("end",))
NEW_A = "{{Partnership incomplete|missing=metrics}}"
NEW_B = "{{Partnership incomplete|missing=metrics|invalid=end}}"


def test_retag_empty_text() -> None:
    assert retag("", A, T) == NEW_A + "\n"
    assert retag("", None, T) == ""
    assert retag(retag("", A, T), None, T) == ""


def test_retag_inserts_on_first_line_and_removes_again() -> None:
    text = "{{Partnership infobox|partner=X}}\nBody without trailing newline"
    tagged = retag(text, A, T)
    assert tagged == NEW_A + "\n" + text
    assert retag(tagged, None, T) == text


def test_retag_crlf_text_keeps_its_line_endings() -> None:
    text = "Line one\r\nLine two\r\n"
    tagged = retag(text, A, T)
    assert tagged == NEW_A + "\r\n" + text
    updated = retag(tagged, B, T)
    assert updated == NEW_B + "\r\n" + text
    assert retag(updated, None, T) == text


def test_retag_updates_a_tag_below_the_first_line_in_place() -> None:
    text = "{{TOC right}}\n{{partnership incomplete|missing=metrics}}\nBody\n"
    assert retag(text, B, T) == "{{TOC right}}\n" + NEW_B + "\nBody\n"
    assert retag(text, None, T) == "{{TOC right}}\nBody\n"


def test_retag_leaves_harmless_human_spacing_alone() -> None:
    text = "{{ Partnership incomplete | invalid = end | missing = metrics }}\nBody\n"
    assert retag(text, B, T) == text


def test_retag_ignores_commented_and_nowiki_tags() -> None:
    text = "<!-- {{Partnership incomplete|missing=x}} -->\n<nowiki>{{Partnership incomplete}}</nowiki>\nBody\n"
    assert retag(text, A, T) == NEW_A + "\n" + text
    assert retag(text, None, T) == text


def test_retag_last_line_without_newline() -> None:
    text = "Body\n{{Partnership incomplete|missing=a}}"
    assert retag(text, A, T) == "Body\n" + NEW_A
    assert retag(text, None, T) == "Body\n"


@pytest.mark.parametrize(
    ("text", "tagged", "untagged"),
    [
        (  # two tags: the first is kept (rewritten only if it says something else), the other goes
            "{{Partnership incomplete|missing=metrics}}\nX\n{{Partnership incomplete|missing=y}}\nZ\n",
            NEW_A + "\nX\nZ\n",
            "X\nZ\n",
        ),
        (  # trailing text on the tag's line: only the call's bytes change
            "{{Partnership incomplete|missing=x}} Note.\nBody\n",
            NEW_A + " Note.\nBody\n",
            SEPARATOR + " Note.\nBody\n",  # " Note." at the start of a line would be preformatted
        ),
        (
            "Intro: {{Partnership incomplete|missing=x}}\nBody\n",
            "Intro: " + NEW_A + "\nBody\n",
            "Intro: \nBody\n",
        ),
        (  # on the infobox's line
            "{{Partnership infobox|partner=X}}{{Partnership incomplete|missing=x}}\nBody\n",
            "{{Partnership infobox|partner=X}}" + NEW_A + "\nBody\n",
            "{{Partnership infobox|partner=X}}\nBody\n",
        ),
        (  # nested: never the one kept (its template may not show it); removed, a tag on top
            "{{Some box|{{Partnership incomplete|missing=x}}}}\nBody\n",
            NEW_A + "\n{{Some box|}}\nBody\n",
            "{{Some box|}}\nBody\n",
        ),
        (  # nested before a top-level one: the top-level one is kept
            "{{Some box|{{Partnership incomplete|missing=metrics}}}}\n{{Partnership incomplete|missing=metrics}}\n",
            "{{Some box|}}\n" + NEW_A + "\n",
            "{{Some box|}}\n",
        ),
        (  # through a redirect, with a template prefix, lower case, underscores: all one notice
            "{{Incomplete partnership|missing=x}}\n{{Template:partnership_incomplete|missing=metrics}}\n",
            NEW_A + "\n",
            "",
        ),
        (  # unreadable parameters: the whole call is replaced, even when it seems to say the same
            "{{Partnership incomplete|missing=metrics{{x}}}}\nBody\n",
            NEW_A + "\nBody\n",
            "Body\n",
        ),
        (  # two on one line, with the line's other text kept
            "a {{Partnership incomplete}} {{Partnership incomplete}} b\n",
            "a " + NEW_A + "  b\n",
            "a   b\n",
        ),
        (  # a line of tags only goes whole once none is kept
            "{{Partnership incomplete}} {{Incomplete partnership}}\r\nBody\r\n",
            NEW_A + " \r\nBody\r\n",
            "Body\r\n",
        ),
        (  # a tag spread over lines
            "Intro\n{{Partnership incomplete\n| missing = x\n}}\nBody\n",
            "Intro\n" + NEW_A + "\nBody\n",
            "Intro\nBody\n",
        ),
        (  # a tag in a tag: goes with it
            "{{Partnership incomplete|missing={{Partnership incomplete}}}}\n",
            NEW_A + "\n",
            "",
        ),
    ],
)
def test_retag_leaves_exactly_one_tag(text: str, tagged: str, untagged: str) -> None:
    assert retag(text, A, T, REDIRECTS) == tagged
    assert retag(text, None, T, REDIRECTS) == untagged
    assert retag(tagged, A, T, REDIRECTS) == tagged
    assert retag(untagged, None, T, REDIRECTS) == untagged
    (kept,) = find_tags(tagged, T, REDIRECTS)
    assert kept.tag == A and not kept.nested and kept.readable


@pytest.mark.parametrize(
    ("text", "untagged"),
    [
        ("{{{Partnership incomplete}}{x}}\n", "{" + SEPARATOR + "{x}}\n"),  # "{" + "{x}}" would be a template
        ("[[a{{Partnership incomplete}}]]\n", "[[a]]\n"),
        ("''{{Partnership incomplete}}'' x\n", "''" + SEPARATOR + "'' x\n"),
        ("a{{Partnership incomplete}}b\n", "ab\n"),
        ("~~{{Partnership incomplete}}~~\n", "~~" + SEPARATOR + "~~\n"),  # no signature on save
        ("[{{Partnership incomplete}}http://x.org y]\n", "[" + SEPARATOR + "http://x.org y]\n"),
        (
            "&{{Partnership incomplete}}amp; <{{Partnership incomplete}}b>\n",
            "&" + SEPARATOR + "amp; <" + SEPARATOR + "b>\n",
        ),
        ("{{Partnership incomplete}}* x\n", SEPARATOR + "* x\n"),
        ("{{Partnership incomplete}}{| class=x\n|}\n", SEPARATOR + "{| class=x\n|}\n"),
        ("{{Partnership incomplete}}{{Partnership infobox}}\n", "{{Partnership infobox}}\n"),
        ("{{Partnership incomplete}}x\n", "x\n"),
        ("Text {{Partnership incomplete}} more\n", "Text  more\n"),
    ],
)
def test_removal_never_joins_bytes_into_markup(text: str, untagged: str) -> None:
    assert retag(text, None, T) == untagged
    assert find_tags(untagged, T) == ()


def test_removal_that_would_open_a_comment_gets_a_separator() -> None:
    """Found by scanning the result again: "<!" + "-- x -->" would hide the rest of the line."""
    text = "{{Partnership incomplete|missing=metrics}}\nText <!{{Partnership incomplete}}-- x -->\n"
    assert retag(text, A, T) == NEW_A + "\nText <!" + SEPARATOR + "-- x -->\n"
    assert retag(text, None, T) == "Text <!" + SEPARATOR + "-- x -->\n"


def test_tag_summary_phrases() -> None:
    assert tag_summary(None, Tag(("metrics", "coi_disclosure"))) == (
        "tag incomplete partnership page: missing coi_disclosure, metrics"
    )
    assert tag_summary(A, Tag(("metrics",), ("end",))) == "update incomplete tag: now missing metrics; invalid end"
    assert tag_summary(A, None) == "remove incomplete tag: page complete"
    assert tag_summary(None, Tag(problem="multiple_infoboxes")) == "tag incomplete partnership page: multiple infoboxes"
    assert tag_summary(A, Tag(("metrics",))) == ""
    assert tag_summary(None, None) == ""


# --- the example pages ---------------------------------------------------------------------------


EXAMPLE_PAGES = sorted(EXAMPLES.glob("*.wiki"))


@pytest.mark.parametrize("page", EXAMPLE_PAGES, ids=[p.stem for p in EXAMPLE_PAGES])
def test_real_pages_round_trip(page: Path, rules: Rules) -> None:
    text = page.read_text(encoding="utf-8")
    existing = find_tag(text, T)
    if existing is not None:  # a few examples already carry a (stale) tag: the bot updates line 1 only
        wanted = tag_for(check_text(page.stem, text, rules, AS_OF))
        updated = retag(text, wanted, T)
        rest = text[existing.end :]
        assert updated == (rest if wanted is None else wanted.render(T) + "\n" + rest)
        assert retag(text, existing.tag, T) == text
        untagged = retag(text, None, T)
        assert find_tag(untagged, T) is None
        assert retag(untagged, existing.tag, T) == text
        text = untagged
    for tag in (A, B, Tag(problem="multiple_infoboxes")):
        tagged = retag(text, tag, T)
        assert retag(tagged, tag, T) == tagged
        assert retag(retag(tagged, B, T), None, T) == text
