"""The message catalogs (i18n/*.json) and their formatting (bot/i18n.py): the shipped catalogs agree
on their keys, and PLURAL, parameters and numbers follow MediaWiki's and CLDR's rules per language."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import i18n
from bot.errors import ConfigError, MessageError

ROOT = Path(__file__).resolve().parents[2] / "i18n"
LANGS = ("en", "fr", "es")


def _catalog(name: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((ROOT / f"{name}.json").read_text(encoding="utf-8"))
    assert isinstance(data.pop("@metadata"), dict)
    catalog: dict[str, str] = data
    return catalog


def test_the_three_catalogs_have_the_same_keys_and_qqq_documents_each() -> None:
    english = set(_catalog("en"))
    for lang in LANGS:
        assert set(_catalog(lang)) == english, lang
    documented = _catalog("qqq")
    assert set(documented) == english
    assert all(text.strip() for text in documented.values())


def test_no_translation_is_empty_or_left_in_english_by_mistake() -> None:
    english = _catalog("en")
    for lang in ("fr", "es"):
        for key, text in _catalog(lang).items():
            assert text.strip(), (lang, key)
            params = set(re.findall(r"\$\d", text))
            assert params == set(re.findall(r"\$\d", english[key])), (lang, key, "parameters differ from English")


def _messages(lang: str, **catalog: str) -> i18n.Messages:
    cats = i18n.Catalogs(by_lang={"en": {"x": "English $1", **catalog}, lang: catalog}, documentation={})
    return i18n.Messages(lang, cats)


@pytest.mark.parametrize(
    ("lang", "number", "expected"),
    [
        ("en", 0, "0 pages"),
        ("en", 1, "1 page"),
        ("en", 2, "2 pages"),
        ("en", 1234, "1,234 pages"),
        ("fr", 0, "0 page"),
        ("fr", 1, "1 page"),
        ("fr", 2, "2 pages"),
        ("fr", 1234, "1\u202f234 pages"),
        ("es", 1, "1 página"),
        ("es", 0, "0 páginas"),
        ("es", 1000000, "1.000.000 páginas"),
    ],
)
def test_plural_and_numbers_follow_the_language(lang: str, number: int, expected: str) -> None:
    forms = {"en": "$1 page|$1 pages", "fr": "$1 page|$1 pages", "es": "$1 página|$1 páginas"}[lang]
    msgs = _messages(lang, m="{{PLURAL:$1|" + forms + "}}")
    assert msgs.text("m", number) == expected


def test_french_and_spanish_plurals_are_mediawikis_one_and_other() -> None:
    three = "{{PLURAL:$1|one|second|third}}"
    assert _messages("fr", m=three).text("m", 1000000) == "second"  # Babel's "many" is "other" on the wiki
    assert _messages("es", m=three).text("m", 0) == "second" and _messages("fr", m=three).text("m", 0) == "one"


def test_explicit_plural_forms_and_links_inside_forms() -> None:
    msgs = _messages("en", m="{{PLURAL:$1|0=no [[Help:Pages|page]]|one [[Help:Pages|page]]|$1 pages}}")
    assert msgs.text("m", 0) == "no [[Help:Pages|page]]"
    assert msgs.text("m", 1) == "one [[Help:Pages|page]]"
    assert msgs.text("m", 5) == "5 pages"


def test_too_few_forms_take_the_last_and_strings_are_not_formatted() -> None:
    msgs = _messages("fr", m="{{PLURAL:$1|seul}} $2")
    assert msgs.text("m", 7, "1234") == "seul 1234"


def test_fallback_to_english_then_an_error_never_a_key() -> None:
    msgs = _messages("fr", other="autre")
    assert msgs.text("x", "a") == "English a"
    with pytest.raises(MessageError, match="nope"):
        msgs.text("nope")


def test_unknown_language_names_the_ones_there_are() -> None:
    with pytest.raises(ConfigError, match="there are: en, es, fr"):
        i18n.messages("xx")


def test_a_broken_catalog_is_named(tmp_path: Path) -> None:
    (tmp_path / "en.json").write_text('{"a": 1}', encoding="utf-8")
    with pytest.raises(MessageError, match=r"en\.json"):
        i18n.read_catalogs(tmp_path)


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(LANGS))
def test_every_shipped_plural_message_formats_for_any_count(number: int, lang: str) -> None:
    msgs = i18n.messages(lang)
    for key, text in _catalog("en").items():
        if "{{PLURAL:" in text:
            out = msgs.text(key, *([number] * 9))
            assert "{{PLURAL" not in out and "$1" not in out, (lang, key, out)
