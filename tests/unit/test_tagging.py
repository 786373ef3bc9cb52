"""The tag line (bot/tagging.py): Tag ↔ template call, finding it on a page, and retag's promise that
nothing but the tag line ever changes (property tests seeded from the example and corpus pages)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.check import check_text
from bot.model import Finding, PageResult
from bot.rules import Rules
from bot.tagging import Tag, find_tag, parse_params, retag, tag_for, tag_summary
from tests.conftest import AS_OF, EXAMPLES, corpus_pages

T = "Partnership incomplete"
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


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


# --- find_tag -------------------------------------------------------------------------------------


def test_parse_params_tolerates_spaces_repeats_and_empty_items() -> None:
    assert parse_params("| missing = b , a,,a, |invalid=|problem= multiple_infoboxes ") == Tag(
        ("a", "b"), (), "multiple_infoboxes"
    )
    assert parse_params("|missing=a|missing=c|x=1|positional") == Tag(("c",))


@pytest.mark.parametrize(
    "line",
    [
        "{{Partnership incomplete|missing=a}}",
        "{{partnership incomplete|missing=a}}",
        "{{Template:Partnership incomplete|missing=a}}",
        "{{ template : Partnership_incomplete |missing=a}}",
        "  {{Partnership incomplete | missing = a }}\t",
        "{{Partnership incomplete<!-- bot -->|missing=a<!-- note -->}}",
    ],
)
def test_find_tag_recognises_variants(line: str) -> None:
    text = f"{line}\nBody\n"
    found = find_tag(text, T)
    assert found is not None
    assert (found.start, found.end) == (0, len(line) + 1)
    assert found.tag == Tag(("a",))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "<!-- {{Partnership incomplete|missing=a}} -->\n",
        "<!--\n{{Partnership incomplete|missing=a}}\n-->\n",
        "<nowiki>\n{{Partnership incomplete|missing=a}}\n</nowiki>\n",
        "<pre>\n{{Partnership incomplete|missing=a}}\n</pre>\n",
        "Text {{Partnership incomplete|missing=a}}\n",
        "{{Partnership incomplete|missing=a}} text\n",
        "{{Partnership incomplete|missing={{x}}}}\n",
        "{{Partnership incompleteness|missing=a}}\n",
        "{{Partnership incomplete|missing=a}}<!-- open\ncomment -->\n",
    ],
)
def test_find_tag_ignores_non_tag_lines(text: str) -> None:
    assert find_tag(text, T) is None


def test_find_tag_first_of_two_wins_and_last_line_has_no_newline() -> None:
    text = "Intro\n{{Partnership incomplete|missing=a}}\nMiddle\n{{Partnership incomplete|missing=b}}"
    found = find_tag(text, T)
    assert found is not None and found.tag == Tag(("a",))
    assert text[found.start : found.end] == "{{Partnership incomplete|missing=a}}\n"
    tail = find_tag(text[found.end :], T)
    assert tail is not None and text[found.end :][tail.start : tail.end] == "{{Partnership incomplete|missing=b}}"


# --- retag ----------------------------------------------------------------------------------------

A, B = Tag(("metrics",)), Tag(("metrics",), ("end",))


def test_retag_empty_text() -> None:
    assert retag("", A, T) == "{{Partnership incomplete|missing=metrics}}\n"
    assert retag("", None, T) == ""
    assert retag(retag("", A, T), None, T) == ""


def test_retag_inserts_on_first_line_and_removes_again() -> None:
    text = "{{Partnership infobox|partner=X}}\nBody without trailing newline"
    tagged = retag(text, A, T)
    assert tagged == "{{Partnership incomplete|missing=metrics}}\n" + text
    assert retag(tagged, None, T) == text


def test_retag_crlf_text_keeps_its_line_endings() -> None:
    text = "Line one\r\nLine two\r\n"
    tagged = retag(text, A, T)
    assert tagged == "{{Partnership incomplete|missing=metrics}}\r\n" + text
    updated = retag(tagged, B, T)
    assert updated == "{{Partnership incomplete|missing=metrics|invalid=end}}\r\n" + text
    assert retag(updated, None, T) == text


def test_retag_updates_a_tag_below_the_first_line_in_place() -> None:
    text = "{{TOC right}}\n{{partnership incomplete|missing=metrics}}\nBody\n"
    assert retag(text, B, T) == "{{TOC right}}\n{{Partnership incomplete|missing=metrics|invalid=end}}\nBody\n"
    assert retag(text, None, T) == "{{TOC right}}\nBody\n"


def test_retag_leaves_harmless_human_spacing_alone() -> None:
    text = "{{ Partnership incomplete | invalid = end | missing = metrics }}\nBody\n"
    assert retag(text, B, T) == text


def test_retag_ignores_commented_tag_and_handles_first_of_two() -> None:
    text = "<!-- {{Partnership incomplete|missing=x}} -->\nBody\n"
    assert retag(text, A, T) == "{{Partnership incomplete|missing=metrics}}\n" + text
    two = "{{Partnership incomplete|missing=a}}\n{{Partnership incomplete|missing=b}}\n"
    assert retag(two, A, T) == "{{Partnership incomplete|missing=metrics}}\n{{Partnership incomplete|missing=b}}\n"
    assert retag(two, None, T) == "{{Partnership incomplete|missing=b}}\n"


def test_retag_last_line_without_newline() -> None:
    text = "Body\n{{Partnership incomplete|missing=a}}"
    assert retag(text, A, T) == "Body\n{{Partnership incomplete|missing=metrics}}"
    assert retag(text, None, T) == "Body\n"


def test_tag_summary_phrases() -> None:
    assert tag_summary(None, Tag(("metrics", "coi_disclosure"))) == (
        "tag incomplete partnership page: missing coi_disclosure, metrics"
    )
    assert tag_summary(A, Tag(("metrics",), ("end",))) == "update incomplete tag: now missing metrics; invalid end"
    assert tag_summary(A, None) == "remove incomplete tag: page complete"
    assert tag_summary(None, Tag(problem="multiple_infoboxes")) == "tag incomplete partnership page: multiple infoboxes"
    assert tag_summary(A, Tag(("metrics",))) == ""
    assert tag_summary(None, None) == ""


# --- properties -----------------------------------------------------------------------------------

SEED_PAGES: list[Path] = sorted(EXAMPLES.glob("*.wiki")) + corpus_pages()
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in SEED_PAGES]
FRAGMENTS = [
    "{{", "}}", "[[", "]]", "|", "=", "<!--", "-->", "<nowiki>", "</nowiki>", "<pre>", "</pre>", "\n", "\r\n",
    " ", "x", "{{Partnership incomplete", "{{Partnership incomplete}}", "missing=a", "é", "\x00",
]  # fmt: skip
FIELD_NAMES = st.sampled_from(["metrics", "coi_disclosure", "end", "start", "goals", "partner name", "x"])
tags = st.builds(
    Tag,
    st.lists(FIELD_NAMES, max_size=4).map(tuple),
    st.lists(FIELD_NAMES, max_size=4).map(tuple),
    st.sampled_from([None, "multiple_infoboxes", "no_infobox"]),
)
fragment_texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=5)), max_size=40).map("".join)


@st.composite
def pages(draw: st.DrawFn) -> str:
    """A real page, possibly cut and spliced with fragments, or pure fragments."""
    if draw(st.booleans()):
        return draw(fragment_texts)
    text = draw(st.sampled_from(SEED_TEXTS))
    cut = draw(st.integers(0, len(text)))
    return text[:cut] + draw(fragment_texts) + text[cut:]


def outside_differs_only_in(old: str, new: str, start: int, end: int, new_end: int) -> bool:
    """The diff of ``old`` → ``new`` lies inside old[start:end] / new[start:new_end]: what comes before
    and after the tag line is identical on both sides."""
    return old[:start] == new[:start] and old[end:] == new[new_end:]


@SETTINGS
@given(text=pages(), tag=tags)
def test_untag_of_tag_is_identity(text: str, tag: Tag) -> None:
    assume(find_tag(text, T) is None)
    tagged = retag(text, tag, T)
    assert retag(tagged, None, T) == text
    found = find_tag(tagged, T)
    assert found is not None and found.start == 0 and found.tag == tag
    assert tagged[found.end :] == text


@SETTINGS
@given(text=pages(), first=tags, second=st.one_of(st.none(), tags))
def test_retag_is_idempotent_and_changes_only_the_tag_line(text: str, first: Tag, second: Tag | None) -> None:
    base = retag(text, first, T)
    before = find_tag(base, T)
    assert before is not None
    out = retag(base, second, T)
    after = find_tag(out, T)
    if second is None:
        assert out == base[: before.start] + base[before.end :]
        if after is None:  # with a second tag line, removing again removes that one (first one handled)
            assert retag(out, second, T) == out
    else:
        assert retag(out, second, T) == out
        assert after is not None and after.tag == second and after.start == before.start
        assert outside_differs_only_in(base, out, before.start, before.end, after.end)


@SETTINGS
@given(text=pages(), tag=tags)
def test_find_tag_after_retag_reads_back_the_tag(text: str, tag: Tag) -> None:
    assert find_tag(retag(text, tag, T), T) is not None
    found = find_tag(retag(text, tag, T), T)
    assert found is not None and found.tag == tag


@pytest.mark.parametrize("page", SEED_PAGES, ids=[p.stem for p in SEED_PAGES])
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
