"""Template names as MediaWiki resolves them (bot/titles.py). Expected keys checked by hand against
the dev wiki (``action=parse&prop=templates`` of ``{{NAME}}``); tests/wiki/test_oracle.py resolves
names on the wiki itself."""

from __future__ import annotations

import pytest

from bot.titles import NS_TEMPLATE, call_key, decode_char_references, template_keys, title_key


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Partnership infobox", "Partnership infobox"),
        ("  partnership_infobox \n", "Partnership infobox"),
        ("Partnership\u00a0\u2003infobox", "Partnership infobox"),  # MediaWiki's whitespace, folded
        ("Partnership infobox\u200e", "Partnership infobox"),  # direction marks removed
        ("\u202aPartnership infobox\u202c", "Partnership infobox"),
        ("Partnership infobox" + " " * 300, "Partnership infobox"),
        ("Template:Partnership infobox", "Partnership infobox"),
        ("template : Partnership infobox", "Partnership infobox"),
        (":Template:Partnership infobox", "Partnership infobox"),
        ("Partnership infobox#top", "Partnership infobox"),
        ("Partnership infobox#a#b", "Partnership infobox"),
        ("Partnership&#32;infobox", "Partnership infobox"),
        ("Partnership&#x20;infobox", "Partnership infobox"),
        ("Partnership&nbsp;infobox", "Partnership infobox"),
        ("Partnership&amp;infobox", "Partnership&infobox"),
        ("safesubst:Partnership infobox", "Partnership infobox"),
        ("SAFESUBST:msg:raw:Partnership infobox", "Partnership infobox"),
        ("msg: Partnership infobox", "Partnership infobox"),
        ("ſafesubst:Partnership infobox", "Partnership infobox"),  # case-insensitive as Unicode folds it
        ("safesubst: msg:Partnership infobox", "Msg:Partnership infobox"),  # a modifier only at the start
        ("raw:msg:Partnership infobox", "Msg:Partnership infobox"),  # msg: only before raw:
        (":Partnership infobox", ":Partnership infobox"),  # the main namespace
        ("User:x/y", "User:X/y"),
        ("Foo:Bar", "Foo:Bar"),  # not a namespace: part of the title
        ("émission", "Émission"),
        ("subst:Partnership infobox", None),  # literal text on a page as viewed
        ("msgnw:Partnership infobox", None),  # the source, not the template
        ("Partnership\tinfobox", None),
        ("Partnership\ninfobox", None),
        ("Partnership infobox&bogus;", None),
        ("Partnership%20infobox", None),
        ("Partnership infobox~~~", None),
        ("Partnership infobox/.", None),
        ("Partnership infobox<ref>", None),
        ("Partnership {infobox}", None),
        ("Talk:File:X", None),
        ("Template:", None),
        ("/Sub", None),  # a subpage of the page itself
        ("#if:x", None),
        ("", None),
        ("Partnership\ufffdinfobox", None),
        ("x" * 256, None),
    ],
)
def test_call_key(name: str, key: str | None) -> None:
    assert call_key(name) == key


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("Template:Infobox partnership", "Infobox partnership"),
        ("Old notice", ":Old notice"),
        ("User:X/Notice", "User:X/Notice"),
        ("Image:A.png", "File:A.png"),
    ],
)
def test_title_key_of_the_wikis_titles(title: str, key: str) -> None:
    assert title_key(title) == key


def test_template_keys() -> None:
    assert template_keys(("Partnership infobox", "Infobox partnership"), ("Template:PI", "PI main")) == {
        "Partnership infobox",
        "Infobox partnership",
        "PI",
        ":PI main",
    }
    assert title_key("partnership_infobox", NS_TEMPLATE) == "Partnership infobox"


@pytest.mark.parametrize(
    ("text", "decoded"),
    [
        ("a&#65;&#x42;&lt;&amp;&nbsp;", "aAB<&\u00a0"),
        ("&#0;&#xD800;&#128;&#x110000;", "\ufffd" * 4),
        ("&unknown; & &#;", "&unknown; & &#;"),
        ("e\u0301&amp;", "\u00e9&"),  # NFC once there was an "&"
        ("e\u0301", "e\u0301"),
    ],
)
def test_character_references(text: str, decoded: str) -> None:
    assert decode_char_references(text) == decoded
