"""Property tests (hypothesis) of the parse → validate core."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.check import check_text
from bot.parse import find_infobox, name_set
from bot.rules import Rules
from tests.conftest import AS_OF, corpus_pages

NAMES = name_set(["Partnership infobox", "Infobox partnership"])
FRAGMENTS = [
    "{{", "}}", "{{{", "}}}", "[[", "]]", "|", "=", "<!--", "-->", "<nowiki>", "</nowiki>", "<pre>", "</pre>",
    "<ref>", "</ref>", "{|", "|}", "\n", " ", "x", "Partnership infobox", "{{Partnership infobox", "partner=",
    "status=active", "goals=", "TBD", "\x00", "é", "<nowiki/>", "''", "==H==", "{{cite web|url=http://x.org}}",
]  # fmt: skip
wikitextish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=5)), max_size=60).map("".join)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FIELDS = {
    "partner": st.sampled_from(["Kiwix", "", "TBD", "EFF <!-- c -->"]),
    "model": st.sampled_from(["distribution", "Legal", "bogus", "", "?"]),
    "goals": st.sampled_from(["dissemination", "free content, TBD", ", ,", "fame", "privacy, awareness"]),
    "metrics": st.sampled_from(["500 articles", "", "TBD"]),
    "coi_disclosure": st.sampled_from(["None known", "", "n/a"]),
    "community_role": st.sampled_from(["Volunteers", ""]),
    "status": st.sampled_from(["proposed", "active", "completed", "terminated", "paused", ""]),
    "start": st.sampled_from(["2019", "2020-02-30", "2018-05-01", ""]),
    "end": st.sampled_from(["2019", "2021-12", "", "TBD"]),
    "agreement": st.sampled_from(["mou", "contract", "verbal", ""]),
    "feedback": st.sampled_from(["[[Talk:X]]", "forum", ""]),
    "content_license": st.sampled_from(["CC BY-SA 4.0", "CC BY-NC 4.0", ""]),
    "last_reviewed": st.sampled_from(["2026-01", "2020", "", "soon"]),
}
infobox_params = st.fixed_dictionaries({k: v for k, v in FIELDS.items()})


def _box(params: dict[str, str], extra: str = "") -> str:
    return "{{Partnership infobox" + "".join(f"\n| {k} = {v}" for k, v in params.items()) + extra + "\n}}"


@SETTINGS
@given(wikitextish)
def test_parsing_never_raises_and_is_deterministic(text: str) -> None:
    a, b = find_infobox(text, NAMES), find_infobox(text, NAMES)
    assert a == b
    assert (a.infobox is None) == (a.problem is not None)


@SETTINGS
@given(st.text(max_size=300))
def test_any_unicode_text_is_handled(text: str) -> None:
    find_infobox(text, NAMES)
    find_infobox("{{Partnership infobox|partner=" + text + "}}", NAMES)


@SETTINGS
@given(
    params=infobox_params,
    name=st.sampled_from(["notes", "Metrics", "1", "partner name", "x_y"]),
    value=st.text(max_size=20),
)
def test_an_unknown_parameter_never_changes_complete(
    params: dict[str, str], name: str, value: str, rules: Rules
) -> None:
    # markup that ends or hides the infobox is out: an unclosed "[[" swallows the closing "}}" (the
    # real wiki then renders no template at all: checked with action=parse on MediaWiki 1.39)
    for ch in "|}{<=[":
        value = value.replace(ch, "")
    before = check_text("T", _box(params), rules, AS_OF)
    after = check_text("T", _box(params, f"\n| {name} = {value}" if name != "1" else f"\n| {value}"), rules, AS_OF)
    assert before.complete == after.complete
    assert {f for f in after.findings if f.code != "unknown_param"} == set(before.findings)


PAGE_PARTS = [
    "Intro paragraph with a [[link]] and a ref.<ref>{{cite web|url=https://x.org|title=X}}</ref>\n\n",
    "== History ==\nText {{convert|3|km}} more.\n\n",
    '{| class="wikitable"\n|-\n| a || b\n|}\n\n',
    "<!-- {{Partnership infobox}} hidden -->\n\n",
    "{{Navbox|list1=[[A]] · [[B]]}}\n\n",
    "[[Category:Partnerships]]\n",
]


@SETTINGS
@given(
    params=infobox_params,
    parts=st.permutations(PAGE_PARTS),
    at=st.integers(min_value=0, max_value=len(PAGE_PARTS)),
)
def test_moving_the_infobox_never_changes_its_findings(
    params: dict[str, str], parts: list[str], at: int, rules: Rules
) -> None:
    box = _box(params) + "\n"
    top = check_text("T", box + "".join(parts), rules, AS_OF)
    moved = check_text("T", "".join(parts[:at]) + box + "".join(parts[at:]), rules, AS_OF)
    assert moved.findings == top.findings


@pytest.mark.parametrize("page", corpus_pages()[:10], ids=lambda p: p.stem)
def test_real_article_without_infobox_is_no_infobox(page: object, rules: Rules) -> None:
    result = check_text("T", page.read_text(encoding="utf-8"), rules, AS_OF)  # type: ignore[attr-defined]
    assert [f.code for f in result.findings] == ["no_infobox"]
