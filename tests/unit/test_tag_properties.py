"""Property tests of bot/tagging.py: random pages built from the example pages, real-looking
fragments and random forms of the tag (alone on a line, beside text, on the infobox's line, nested,
through a redirect, in a comment or ``<nowiki>``). After ``retag(T)`` exactly one real tag says
``T`` (none for ``None``), and every byte outside tag calls is kept in order (only blanks of lines
that held nothing but removed tags may go; ``<nowiki/>`` may stand where bytes would join)."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.tagging import SEPARATOR, Tag, find_tag, find_tags, retag, tag_names
from tests.conftest import EXAMPLES

T = "Partnership incomplete"
NAMES = tag_names(T, ["Template:Incomplete partnership", "Old notice"])
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BLANKS = frozenset(" \t\r\n")

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.wiki"))]
LINES = [
    "== History ==", "Text with a [[link|label]] and a <ref>source</ref>.", "{{Reflist}}", "<!-- a note -->",
    "<nowiki>{{x}}</nowiki>", "{| class=wikitable\n|-\n| a || b\n|}", "[[Category:Partnerships]]", "* an item",
    "{{Some box|x}}", "''italic'' and '''bold'''", "", "  ", "<pre>\n{{Partnership incomplete}}\n</pre>",
    "{{Partnership infobox\n| partner = X\n| metrics = 5\n}}", "<includeonly>{{Partnership incomplete}}</includeonly>",
]  # fmt: skip
FRAGMENTS = [
    "{{", "}}", "[[", "]]", "|", "=", "<!--", "-->", "<nowiki>", "</nowiki>", "<pre>", "</pre>", "\n", "\r\n",
    " ", "x", "{{Partnership incomplete", "{{Partnership incomplete}}", "missing=a", "é", "\x00", "{", "}", "'", "~",
]  # fmt: skip
NAME_FORMS = [
    "Partnership incomplete", "partnership incomplete", "Template:Partnership_incomplete", " template : partnership__incomplete ",
    "Incomplete partnership", ":Old notice", "safesubst:Partnership incomplete", ":Template:Partnership incomplete",
]  # fmt: skip
PARAM_FORMS = [
    "", "|missing=a", "|missing=metrics", "| missing = metrics ", "|invalid=end|missing=metrics", "|missing={{x}}",
    "|invalid=[[a|b]]", "<!-- c -->|missing=metrics", "\n|missing=metrics\n",
]  # fmt: skip
PLACES = [
    "{}", "Text before {}", "{} trailing text", "{{{{Some box|{}}}}}", "{{{{#if:1|{}}}}}",
    "{{{{Partnership infobox|partner=X}}}}{}", "{}{{{{Partnership infobox|partner=X}}}}", "{0}{0}", "a{0}b",
    "<!-- {} -->", "<nowiki>{}</nowiki>", "{{{0}{{x}}}}", "[{0}[x]]", "''{0}''", "<!{0}-- c -->", "~~{0}~~",
]  # fmt: skip
FIELD_NAMES = st.sampled_from(["metrics", "coi_disclosure", "end", "start", "goals", "partner name", "x"])
tags = st.builds(
    Tag,
    st.lists(FIELD_NAMES, max_size=4).map(tuple),
    st.lists(FIELD_NAMES, max_size=4).map(tuple),
    st.sampled_from([None, "multiple_infoboxes", "no_infobox"]),
)
tag_forms = st.builds(
    lambda place, name, params: place.format("{{" + name + params + "}}"),
    st.sampled_from(PLACES),
    st.sampled_from(NAME_FORMS),
    st.sampled_from(PARAM_FORMS),
)
fragment_texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=5)), max_size=30).map("".join)


@st.composite
def pages(draw: st.DrawFn) -> str:
    """An example page (or none) with real-looking lines and tag forms put between its lines, and
    sometimes fragments spliced in anywhere."""
    lines = draw(st.sampled_from(["", *SEED_TEXTS])).split("\n")
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(lines)))
        lines.insert(at, draw(st.one_of(tag_forms, st.sampled_from(LINES))))
    text = draw(st.sampled_from(["\n", "\r\n"])).join(lines)
    if draw(st.integers(0, 3)) == 0:
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(fragment_texts) + text[cut:]
    return text


def outside(text: str) -> str:
    """``text`` without its real tags (outermost calls)."""
    parts, pos = [], 0
    for call in find_tags(text, T, NAMES):
        if call.start >= pos:
            parts.append(text[pos : call.start])
            pos = call.end
    parts.append(text[pos:])
    return "".join(parts)


def kept_in_order(before: str, after: str) -> bool:
    """Whether ``after`` is ``before`` less some blanks (a greedy subsequence match: linear)."""
    i = 0
    for ch in after:
        while i < len(before) and before[i] != ch:
            if before[i] not in BLANKS:
                return False
            i += 1
        if i == len(before):
            return False
        i += 1
    return all(c in BLANKS for c in before[i:])


def assert_only_tag_calls_changed(text: str, out: str, tag: Tag | None) -> None:
    if tag is not None and not any(not c.nested for c in find_tags(text, T, NAMES)):
        head = tag.render(T)
        assert out.startswith(head + "\n") or out.startswith(head + "\r\n")
        out = out[len(head) :].removeprefix("\r").removeprefix("\n")
    assert kept_in_order(outside(text).replace(SEPARATOR, ""), outside(out).replace(SEPARATOR, ""))


@SETTINGS
@given(text=pages(), tag=st.one_of(st.none(), tags))
def test_retag_leaves_exactly_one_real_tag_and_every_other_byte(text: str, tag: Tag | None) -> None:
    out = retag(text, tag, T, NAMES)
    calls = find_tags(out, T, NAMES)
    if tag is None:
        assert calls == ()
    else:
        assert len(calls) == 1 and calls[0].tag == tag and calls[0].readable and not calls[0].nested
    assert retag(out, tag, T, NAMES) == out
    assert_only_tag_calls_changed(text, out, tag)


@SETTINGS
@given(text=pages(), tag=tags)
def test_untag_of_tag_is_identity_on_a_page_without_a_tag(text: str, tag: Tag) -> None:
    assume(not find_tags(text, T, NAMES))
    tagged = retag(text, tag, T, NAMES)
    assert retag(tagged, None, T, NAMES) == text
    found = find_tag(tagged, T, NAMES)
    assert found is not None and found.start == 0 and found.tag == tag
    assert tagged[found.end :] == text


@SETTINGS
@given(text=pages(), first=tags, second=st.one_of(st.none(), tags))
def test_retagging_a_tagged_page_changes_only_its_tag(text: str, first: Tag, second: Tag | None) -> None:
    base = retag(text, first, T, NAMES)
    before = find_tag(base, T, NAMES)
    assert before is not None
    out = retag(base, second, T, NAMES)
    if second is None:
        joined = (base[: before.start] + sep + base[before.end :] for sep in ("", SEPARATOR))
        assert out in joined  # "<nowiki/>" where the bytes around would join into markup
    else:
        after = find_tag(out, T, NAMES)
        assert after is not None and after.tag == second and after.start == before.start
        assert out[: after.start] == base[: before.start]


@SETTINGS
@given(text=pages(), tag=tags, data=st.data())
def test_a_persons_respacing_and_item_order_stay(text: str, tag: Tag, data: st.DataObject) -> None:
    assume(tag.missing or tag.invalid)
    params = []
    for key, items in (("missing", tag.missing), ("invalid", tag.invalid)):
        if items:
            order = data.draw(st.permutations(items))
            space = data.draw(st.sampled_from(["", " ", "  "]))
            params.append(f"{space}{key}{space}={space}{(',' + space).join(order)}{space}")
    if tag.problem:
        params.append(f"problem={tag.problem}")
    order = data.draw(st.permutations(params))
    untagged = retag(text, None, T, NAMES)
    written = "{{ partnership incomplete |" + "|".join(order) + "}}\n" + untagged
    assert retag(written, tag, T, NAMES) == written


@SETTINGS
@given(text=pages())
def test_the_short_scan_finds_what_the_whole_page_scan_finds(text: str) -> None:
    """A page whose only candidate comes before any ``{{`` is scanned from that call only; with a
    template in front the whole page is scanned: both find the same tags."""
    prefix = "{{x}}\n"
    short = find_tags(text, T, NAMES)
    whole = find_tags(prefix + text, T, NAMES)
    assert [(c.start + len(prefix), c.end + len(prefix), c.tag, c.readable, c.nested) for c in short] == [
        (c.start, c.end, c.tag, c.readable, c.nested) for c in whole
    ]
