"""One definition of a real marker (bot/markers.py): a comment of its own at the top level of the
page, not inside a tag body, a template, a parser function, a template argument or an inclusion
section. Marker text anywhere else is ordinary text and stays byte for byte."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import markers
from bot.errors import SafetyStop
from bot.markers import END_MARKER as E
from bot.markers import START_MARKER as S
from bot.render import current_inner, replace_between_markers

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Pages whose marker texts are none of them real markers: the construct from issue 11 and more.
NOT_MARKERS = {
    "nowiki": f"Intro <nowiki>{S}</nowiki> words\n<nowiki>{E}</nowiki>",
    "nowiki around both": f"<nowiki>{S}\nA person's words.\n{E}</nowiki>",
    "pre": f"<pre>\n{S}\nA person's words.\n{E}\n</pre>",
    "PRE in capitals": f"<PRE class=x>{S}words{E}</PRE>",
    "syntaxhighlight": f'<syntaxhighlight lang="html">{S}x{E}</syntaxhighlight>',
    "template argument": f"{{{{{{1|{S}\nwords\n{E}}}}}}}",
    "template": f"{{{{Quote|{S}\nwords\n{E}}}}}",
    "parser function": f"{{{{#if: yes |{S}\nwords\n{E}}}}}",
    "nested templates": f"{{{{A|{{{{B|{S}}}}} x {E}}}}}",
    "includeonly": f"<includeonly>{S}\nwords\n{E}</includeonly>",
    "includeonly unclosed": f"text\n<includeonly>{S}\nwords\n{E}\n",
    "noinclude": f"<noinclude>{S}words{E}</noinclude>",
    "onlyinclude": f"<onlyinclude>{S}words{E}</onlyinclude>",
    "ref": f"Claim.<ref>{S}source{E}</ref>",
    "inside another comment": f"<!-- old: {S} words {E} -->",
    "comment swallowing the start": f"<!-- note {S}\nwords\n<!-- x {E}",
}


@pytest.mark.parametrize("name", sorted(NOT_MARKERS))
def test_marker_text_that_is_not_a_real_marker_does_not_count(name: str) -> None:
    page = NOT_MARKERS[name]
    found = markers.find(page)
    assert found.starts == () and found.span is None, found
    assert found.ignored >= 1
    assert markers.between(page) is None and markers.replace(page, "\nT\n") is None
    assert current_inner(page) is None
    with pytest.raises(SafetyStop, match="do not count") as info:
        replace_between_markers(page, "\nT\n")
    assert "nothing was saved" in str(info.value) and "start marker" in str(info.value)


@pytest.mark.parametrize(
    "page",
    [
        f"Intro\n{S}\nold\n{E}\nOutro",
        f"<div>\n{S}\nold\n{E}\n</div>",  # ordinary HTML is the top level
        f"<pre>unclosed pre is literal\n{S}\nold\n{E}",  # as in MediaWiki
        f"{{{{unclosed template\n{S}\nold\n{E}",  # unclosed braces are literal text
        f"<nowiki/>{S}\nold\n{E}",  # self-closed: empty
        f"<!-- a comment --> {S}\nold\n{E} <!-- another -->",
        f"<includeonly>x</includeonly>{S}\nold\n{E}<noinclude>[[Category:Kept]]</noinclude>",
    ],
)
def test_real_markers(page: str) -> None:
    found = markers.find(page)
    assert found.span is not None and found.ignored == 0
    assert markers.between(page) == "\nold\n"
    out = markers.replace(page, "\nNEW\n")
    assert out == page.replace("\nold\n", "\nNEW\n")


def test_marker_text_elsewhere_stays_untouched_beside_real_markers() -> None:
    page = f"<nowiki>{E}</nowiki>\n{{{{#if:x|{S}}}}}\n{S}\nold\n{E}\n<pre>{S}</pre>\n<includeonly>{E}"
    found = markers.find(page)
    assert found.ignored == 4 and len(found.starts) == len(found.ends) == 1
    out = replace_between_markers(page, "\nNEW\n")
    assert out == page.replace(f"{S}\nold\n{E}", f"{S}\nNEW\n{E}")


def test_crlf_pages() -> None:
    page = f"Intro\r\n{S}\r\nold\r\n{E}\r\n[[Category:Kept]]\r\n"
    assert markers.between(page) == "\r\nold\r\n"
    assert replace_between_markers(page, "\nNEW\n") == f"Intro\r\n{S}\nNEW\n{E}\r\n[[Category:Kept]]\r\n"
    assert markers.find(f"<nowiki>\r\n{S}\r\n{E}\r\n</nowiki>").span is None


@pytest.mark.parametrize(
    ("page", "words"),
    [
        (f"{S}\n{S}\n{E}", "appears 2 times"),
        (f"{E}\nx\n{S}", "comes before"),
        (f"{S}\nx\n<nowiki>{E}</nowiki>", "end marker"),
    ],
)
def test_problems_name_the_marker(page: str, words: str) -> None:
    problem = markers.find(page).problem
    assert problem is not None and words in problem


def test_exact_spelling_only() -> None:
    page = "<!--partnership-tracker:start-->\nx\n<!-- PARTNERSHIP-TRACKER:END -->"
    assert markers.find(page) == markers.Markers((), (), 0)


@pytest.mark.parametrize(
    "inner",
    [f"\n{E}\n", f"\n{S}\n", "\n<nowiki>\n", "\n{{X|\n", "\n<!--\n", "\n<includeonly>\n"],
)
def test_replace_refuses_an_inner_that_would_change_the_markers(inner: str) -> None:
    page = f"a\n{S}\nold\n{E}\n}}}}</nowiki></includeonly>"
    assert markers.replace(page, inner) is None
    with pytest.raises(SafetyStop):
        replace_between_markers(page, inner)


@pytest.mark.parametrize(
    "hostile",
    [
        "<nowiki>" + f"{S}</nowiki>" * 50_000,
        "{{" * 100_000 + S + "}}" * 100_000 + E,
        f"<pre>{S}" * 50_000,
        "<!--" * 200_000 + S + E,
        "{{{" * 60_000 + S + "|" * 100_000 + E,
    ],
)
def test_linear_time_on_hostile_pages(hostile: str) -> None:
    t0 = time.perf_counter()
    markers.find(hostile)
    assert time.perf_counter() - t0 < 2.0


# --- properties -----------------------------------------------------------------------------------

PIECES = [
    S, E, "<nowiki>", "</nowiki>", "<nowiki/>", "<pre>", "</pre>", "<includeonly>", "</includeonly>",
    "<noinclude>", "</noinclude>", "<ref>", "</ref>", "<!--", "-->", "{{", "}}", "{{{", "}}}", "{{#if:", "|",
    "[[", "]]", "x", " ", "\n", "\r\n", "é", "\x00",
]  # fmt: skip
pages = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)
#: Texts the bot puts between markers: no ``<``, braces, or marker text (escaped tables, figures).
inners = st.text(st.characters(exclude_characters="<>{}[]|", exclude_categories=["Cs"]), max_size=40)


@SETTINGS
@given(page=pages, inner=inners)
def test_text_outside_real_markers_is_byte_identical_and_replace_is_idempotent(page: str, inner: str) -> None:
    found = markers.find(page)
    out = markers.replace(page, inner)
    if found.span is None:
        assert out is None
        return
    a, b = found.span
    assert out is not None
    assert out[:a] == page[:a] and out[a + len(inner) :] == page[b:]
    assert markers.between(out) == inner
    assert markers.replace(out, inner) == out
    # Marker texts that did not count and stood between the real markers were the bot's text and
    # are gone; those outside stay, so the count can only fall, and a second replace keeps it.
    assert markers.find(out).ignored <= found.ignored
    assert markers.find(markers.replace(out, inner) or "").ignored == markers.find(out).ignored


@SETTINGS
@given(before=pages, after=pages)
def test_markers_inside_a_nowiki_or_a_template_never_count(before: str, after: str) -> None:
    """Whatever comes before or after (but an unclosed comment, which would end at the marker's
    own ``-->`` and leave the next marker outside), wrapped markers never count."""
    before, after = (t.replace(S, "").replace(E, "").replace("<!--", "") for t in (before, after))
    for wrapped in (f"<nowiki>{S}x{E}</nowiki>", f"{{{{X|{S}x{E}}}}}", f"<includeonly>{S}x{E}</includeonly>"):
        found = markers.find(before + "\n" + wrapped + "\n" + after)
        assert found.starts == found.ends == (), (before, wrapped, after)
