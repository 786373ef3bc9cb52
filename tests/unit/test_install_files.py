"""install-templates' file layout and comparison (bot/install.py), without a wiki."""

from __future__ import annotations

import json
from pathlib import Path

from bot.install import wiki_files

RULES_TITLE = "Module:Partnership tracker/rules.json"


def test_json_module_keeps_its_suffix_in_the_title() -> None:
    titles = {f.title for f in wiki_files()}
    assert RULES_TITLE in titles
    assert "Module:Partnership incomplete" in titles


def test_json_pages_compare_by_value(tmp_path: Path) -> None:
    (tmp_path / "Module").mkdir()
    (tmp_path / "Module" / "X.json").write_text('{"a": [1, "<b>"], "c": "é"}\n', encoding="utf-8")
    (f,) = wiki_files(tmp_path)
    assert f.title == "Module:X.json" and f.is_json
    # MediaWiki's pretty-printed form, with its escapes of < and >, says the same.
    assert f.same_as('{\n    "a": [\n        1,\n        "\\u003Cb\\u003E"\n    ],\n    "c": "é"\n}')
    assert f.same_as(json.dumps({"c": "é", "a": [1, "<b>"]}))
    assert not f.same_as('{"a": [1, "<b>"], "c": "e"}')
    assert not f.same_as("not json")


def test_other_pages_compare_byte_for_byte_right_stripped(tmp_path: Path) -> None:
    (tmp_path / "Template").mkdir()
    (tmp_path / "Template" / "T.wiki").write_text("{{a}}\n\n", encoding="utf-8")
    (f,) = wiki_files(tmp_path)
    assert f.title == "Template:T" and not f.is_json
    assert f.same_as("{{a}}  \n") and not f.same_as("{{ a}}")
