"""install-templates' file layout and comparison (bot/install.py), without a wiki; the generated
message page (Module:Partnership tracker/i18n.json) from the catalogs and the configured language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot import i18n
from bot.errors import InputError, MessageError
from bot.install import I18N_TITLE, i18n_file, page_files, wiki_files

RULES_TITLE = "Module:Partnership tracker/rules.json"


def test_json_module_keeps_its_suffix_in_the_title() -> None:
    titles = {f.title for f in wiki_files("en")}
    assert RULES_TITLE in titles
    assert "Module:Partnership incomplete" in titles
    assert "Module:Partnership tracker/i18n" in titles


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_message_page_is_generated_from_the_catalogs_and_the_language(language: str) -> None:
    (page,) = [f for f in wiki_files(language) if f.title == I18N_TITLE]
    assert page.is_json and not page.create_only, "a JSON page, updated on every install"
    data = json.loads(page.text)
    catalogs = i18n.load()
    assert data["language"] == language
    assert set(data["messages"]) == {"en", "fr", "es"}, "every language, not qqq's documentation"
    for code, messages in data["messages"].items():
        assert messages == dict(catalogs.by_lang[code]), code
    assert data["messages"]["fr"]["ptracker-wiki-infobox-heading"] == "Partenariat"


def test_the_message_page_changes_with_the_language_only() -> None:
    assert i18n_file("fr", i18n.load()).text == i18n_file("fr", i18n.load()).text
    assert i18n_file("fr", i18n.load()).text != i18n_file("es", i18n.load()).text
    with pytest.raises(MessageError, match="'xx'"):
        i18n_file("xx", i18n.load())


def test_the_message_page_is_never_a_file(tmp_path: Path) -> None:
    """One source: no copy of the generated page in templates_wiki/, and one there is refused."""
    assert I18N_TITLE not in {f.title for f in page_files()}
    (tmp_path / "Module" / "Partnership tracker").mkdir(parents=True)
    (tmp_path / "Module" / "Partnership tracker" / "i18n.json").write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match="generated"):
        wiki_files("en", tmp_path)


def test_json_pages_compare_by_value(tmp_path: Path) -> None:
    (tmp_path / "Module").mkdir()
    (tmp_path / "Module" / "X.json").write_text('{"a": [1, "<b>"], "c": "é"}\n', encoding="utf-8")
    (f,) = page_files(tmp_path)
    assert f.title == "Module:X.json" and f.is_json
    # MediaWiki's pretty-printed form, with its escapes of < and >, says the same.
    assert f.same_as('{\n    "a": [\n        1,\n        "\\u003Cb\\u003E"\n    ],\n    "c": "é"\n}')
    assert f.same_as(json.dumps({"c": "é", "a": [1, "<b>"]}))
    assert not f.same_as('{"a": [1, "<b>"], "c": "e"}')
    assert not f.same_as("not json")


def test_other_pages_compare_byte_for_byte_right_stripped(tmp_path: Path) -> None:
    (tmp_path / "Template").mkdir()
    (tmp_path / "Template" / "T.wiki").write_text("{{a}}\n\n", encoding="utf-8")
    (f,) = page_files(tmp_path)
    assert f.title == "Template:T" and not f.is_json
    assert f.same_as("{{a}}  \n") and not f.same_as("{{ a}}")
