"""The reader (bot/wikitext.py, bot/angles.py, bot/preprocess.py): what MediaWiki's preprocessor
makes of each construct issue 12 lists (expected outputs checked by hand against the dev wiki's
``action=parse&prop=parsetree``; tests/wiki/test_oracle.py keeps checking), and properties of the
view: offsets kept, spans nested, parts joining back into the region, the short way to the infobox
agreeing with the whole brace pass."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import meta_extension_tags
from bot.titles import template_keys
from bot.wikitext import DEFAULT_EXTENSION_TAGS, MASK, View, read

TAGS = frozenset({"ref", "references", "poem", "nowiki", "pre"})
Reading = list[tuple[str, str] | tuple[str, str, list[tuple[str, str]]]]


def reading(view: View) -> Reading:
    """Each node as (braces, name as the template gets it, parameters)."""
    out: Reading = []
    for node in view.nodes:
        braces = "{{{" if node.argument else "{{"
        a, _eq, b = node.parts[0]
        params = [(p.name, p.value) for p in view.params(node)]
        out.append((braces, view.visible(a, b), params) if params else (braces, view.visible(a, b)))
    return out


CASES: list[tuple[str, Reading]] = [
    ("{{X|a=b|c|d = e }}", [("{{", "X", [("a", "b"), ("1", "c"), ("d", "e")])]),
    ("{{X|a=b=c|=d|e=}}", [("{{", "X", [("a", "b=c"), ("", "d"), ("e", "")])]),
    ("{{X\n| a = 1\n| b = 2\n}}", [("{{", "X\n", [("a", "1"), ("b", "2")])]),
    ("{{X|a=<ref>x|y}}</ref>|b=1}}", [("{{", "X", [("a", "<ref>x|y}}</ref>"), ("b", "1")])]),
    ('{{X|a=<ref name="r">x|b=1}}', [("{{", "X", [("a", '<ref name="r">x'), ("b", "1")])]),
    ("{{X|a=<ref>x</ ref>|b=1}}", [("{{", "X", [("a", "<ref>x</ ref>"), ("b", "1")])]),
    ("{{X|a=<ref>x</ref >|b=1}}", [("{{", "X", [("a", "<ref>x</ref >"), ("b", "1")])]),
    ("{{X|a=<REF>x|y</Ref>|b=1}}", [("{{", "X", [("a", "<REF>x|y</Ref>"), ("b", "1")])]),
    ("{{X|a=<ref name=r/>|b=1}}", [("{{", "X", [("a", "<ref name=r/>"), ("b", "1")])]),
    ("{{X|a=<poem>|b=1}}", [("{{", "X", [("a", "<poem>"), ("b", "1")])]),
    ("{{X|a=<references/>|b=1}}", [("{{", "X", [("a", "<references/>"), ("b", "1")])]),
    ("{{X|a=<references>|b=1}}", [("{{", "X", [("a", "<references>"), ("b", "1")])]),
    ("{{X|a=<nowiki>}}|</nowiki>|b=1}}", [("{{", "X", [("a", "<nowiki>}}|</nowiki>"), ("b", "1")])]),
    ("{{X|a=<nowiki/>|b=1}}", [("{{", "X", [("a", "<nowiki/>"), ("b", "1")])]),
    ("{{X|a=<pre>|b=1}}", [("{{", "X", [("a", "<pre>"), ("b", "1")])]),
    ("{{X|a=<span>x|y</span>}}", [("{{", "X", [("a", "<span>x"), ("1", "y</span>")])]),
    ("{{X|a=<refs>x|y</refs>}}", [("{{", "X", [("a", "<refs>x"), ("1", "y</refs>")])]),
    ("{{X|a=<ref|b=1}}", [("{{", "X", [("a", "<ref"), ("b", "1")])]),
    ("{{X|a=<noinclude>p</noinclude>|b=<includeonly>q</includeonly>r}}", [("{{", "X", [("a", "p"), ("b", "r")])]),
    ("<includeonly>{{X|a=1}}</includeonly>{{Y}}", [("{{", "Y")]),
    ("<includeonly>{{X|a=1}}", []),
    ("<INCLUDEONLY>{{X|a=1}}", [("{{", "X", [("a", "1")])]),
    ("<noinclude>{{X|a=1}}", [("{{", "X", [("a", "1")])]),
    ("<onlyinclude>{{X|a=1}}</onlyinclude>", [("{{", "X", [("a", "1")])]),
    ("{{X|a=1</noinclude>|b=2}}", [("{{", "X", [("a", "1"), ("b", "2")])]),
    ("{{X|a=1\n<!-- c -->\n|b=2}}", [("{{", "X", [("a", "1"), ("b", "2")])]),
    ("{{X|a=1\n  <!-- c --> <!-- d -->  \n|b=2}}", [("{{", "X", [("a", "1"), ("b", "2")])]),
    ("{{X|a=1 <!-- c -->\n|b=2}}", [("{{", "X", [("a", "1"), ("b", "2")])]),
    ("{{X|a=<!-- | -->1|b=2}}", [("{{", "X", [("a", "1"), ("b", "2")])]),
    ("{{X|a=1<!-- unclosed |b=2}}", []),
    ("{{X<!-- c -->|a=1}}", [("{{", "X", [("a", "1")])]),
    ("{{X|a=[[x}}|b=c]]}}", [("{{", "X", [("a", "[[x}}|b=c]]")])]),
    ("{{X|a=[[x|y]]|b=[x|y]}}", [("{{", "X", [("a", "[[x|y]]"), ("b", "[x"), ("1", "y]")])]),
    ("{{X|a=-{ a|b }-|c=d}}", [("{{", "X", [("a", "-{ a|b }-"), ("c", "d")])]),
    ("{{X|a=-{{Y|b}}-}}", [("{{", "X", [("a", "-{{Y|b}}-")]), ("{{", "Y", [("1", "b")])]),
    ("{{X|\n==a==\n|b=1}}", [("{{", "X", [("1", "==a=="), ("b", "1")])]),
    ("{{X|\n=a=\n|b=1}}", [("{{", "X", [("", "a="), ("b", "1")])]),
    ("{{X|a=1\n==h|i==\n|b=2}}", [("{{", "X", [("a", "1\n==h|i=="), ("b", "2")])]),
    ("{{X|a=1\n=b|c=\n}}", [("{{", "X", [("a", "1\n=b|c=")])]),
    ("==h {{X|a=1}} ==\ntext", [("{{", "X", [("a", "1")])]),
    ("{{{X}}}{{{{X}}}}{{{{{X}}}}}", [("{{{", "X"), ("{{{", "X"), ("{{", "{{{X}}}"), ("{{{", "X")]),
    ("{{{X|a}}", [("{{", "X", [("1", "a")])]),
    ("{{X|a={{{1|d}}}}}", [("{{", "X", [("a", "{{{1|d}}}")]), ("{{{", "1", [("1", "d")])]),
    ("{{X|a={{Y|b}}}}", [("{{", "X", [("a", "{{Y|b}}")]), ("{{", "Y", [("1", "b")])]),
    ("{{X|a=1}}}", [("{{", "X", [("a", "1")])]),
    ("{{X|a=1", []),
    ("{{X|a=[[b}}", []),
    ("[[{{X|a=1}}]]", [("{{", "X", [("a", "1")])]),
    # a nested template is kept as written, whole (what it leaves out is its own, when it expands)
    ("{{X|a={{Y|<!-- c -->b}}<!-- d -->}}", [("{{", "X", [("a", "{{Y|<!-- c -->b}}")]), ("{{", "Y", [("1", "b")])]),
    ("{{X|a=b\xa0|status\xa0= x}}", [("{{", "X", [("a", "b\xa0"), ("status\xa0", "x")])]),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_each_construct_reads_as_mediawiki_reads_it(text: str, expected: Reading) -> None:
    assert reading(read(text, TAGS)) == expected


def test_default_extension_tags_are_metas_list_in_the_config() -> None:
    assert meta_extension_tags() == DEFAULT_EXTENSION_TAGS


@pytest.mark.parametrize(
    ("text", "removed", "opaque", "comments"),
    [
        ("a<!-- b -->c", [(1, 11, "comment")], [], [1]),
        ("a\n  <!-- b --> <!-- c -->\nd", [(2, 26, "comment")], [], [4, 15]),
        ("<!-- open", [(0, 9, "comment")], [], [0]),
        ("x<ref>y</ref>z<ref name=a/>", [], [(1, 13, "ref", 6, 7), (14, 27, "ref", 27, 27)], []),
        ("<ref>a<ref>b", [], [], []),
        ("<noinclude>a</noinclude><includeonly>b</includeonly>", [(0, 11, "inclusion"), (12, 24, "inclusion"), (24, 52, "inclusion")], [], []),
        ("a<includeonly>b", [(1, 15, "inclusion")], [], []),
        ("<ref name='<!--'>x</ref>", [], [(0, 24, "ref", 17, 18)], []),
    ],
)  # fmt: skip
def test_what_the_page_as_viewed_leaves_out(
    text: str, removed: list[tuple[int, int, str]], opaque: list[tuple[int, int, str, int, int]], comments: list[int]
) -> None:
    view = read(text, TAGS)
    assert (view.removed, view.opaque, view.comments) == (removed, opaque, comments)


def test_bodies_of_wikitext_extensions_are_read_on_their_own() -> None:
    view = read("<ref>{{X|a=1}}</ref><nowiki>{{Y}}</nowiki><poem>b</poem>", TAGS)
    assert view.nodes == ()
    ((offset, body),) = view.bodies
    assert offset == 5 and reading(body) == [("{{", "X", [("a", "1")])]


def test_nested_calls_stand_as_one_character_when_asked() -> None:
    view = read("{{X|a=1{{Y|{{Z}}}}2<!-- c -->|b}}")
    outer = view.nodes[0]
    assert [(p.name, p.value) for p in view.params(outer, nested="@")] == [("a", "1@2"), ("1", "b")]
    assert view.params(outer)[0].value == "1{{Y|{{Z}}}}2"


# --- properties ----------------------------------------------------------------------------------

FRAGMENTS = [
    "<!-- c -->", "<noinclude>x</noinclude>", "{{", "}}", "{{{", "}}}", "[[", "]]", "|", "=", "\n", "\n=", "\n==", "-{", "}-", "<!--", "-->", " ", "a",
    "<ref>", "</ref>", "<ref name=x/>", "<nowiki>", "</nowiki>", "<includeonly>", "</includeonly>", "<noinclude>",
    "{{X|", "{{Partnership infobox|", "status=", "{", "}", "[", "]", "-", "<", ">", "\n<!-- x -->\n", "\x00",
]  # fmt: skip
texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=40).map("".join)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
KEYS = template_keys(("X", "Partnership infobox"))


@SETTINGS
@given(texts)
def test_masking_keeps_every_offset(text: str) -> None:
    view = read(text)
    masked = view.masked
    assert len(masked) == len(text)
    assert all(m in (t, MASK) for m, t in zip(masked, text.replace(MASK, "\ufffd"), strict=True))


@SETTINGS
@given(texts)
def test_spans_nest_and_lie_outside_what_is_left_out(text: str) -> None:
    view = read(text)
    open_ends: list[int] = []
    for node in view.nodes:
        while open_ends and open_ends[-1] <= node.start:
            open_ends.pop()
        assert not open_ends or node.end <= open_ends[-1]  # inside the enclosing one, or after it
        open_ends.append(node.end)
        assert view.masked[node.start] == "{" and view.masked[node.end - 1] == "}"
    islands = sorted([(a, b) for a, b, _k in view.removed] + [(o[0], o[1]) for o in view.opaque])
    assert all(b1 <= a2 for (_a1, b1), (a2, _b2) in itertools.pairwise(islands))


@SETTINGS
@given(texts)
def test_splitting_then_joining_gives_the_region_back(text: str) -> None:
    view = read(text)
    for node in view.nodes:
        inside = "|".join(text[a:b] for a, _eq, b in node.parts)
        braces = 3 if node.argument else 2
        assert inside == text[node.start + braces : node.end - braces]
        for a, eq, b in node.parts:
            assert eq == -1 or (a <= eq < b and text[eq] == "=")


@SETTINGS
@given(texts)
def test_the_short_way_to_named_templates_agrees_with_the_whole_pass(text: str) -> None:
    quick = read(text)
    short = quick.named(KEYS)
    whole = read(text)
    assert whole.nodes is not None
    assert short == whole.named(KEYS)
    assert [quick.params(n) for n in short] == [whole.params(n) for n in short]
