"""The on-wiki pages of templates_wiki/ against the rules, without a wiki.

Checks the TemplateData block of the infobox documentation (the generator's output for the rules,
between the bot's markers; every parameter, required and suggested flags, allowed values, types),
that no page registers a partnership infobox by accident, the summary page's markers, the shutoff
page, and that no page or module holds a hand-written copy of the rules (the infobox, the notice and
the documentation read the rules page). Rendering on a real MediaWiki is the job of the wiki tests and of a manual
``action=parse`` (see templates_wiki/README.md)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from bot import markers
from bot.check import check_text
from bot.parse import find_infobox, name_set
from bot.rules import Rules
from bot.templatedata import render
from tests.conftest import AS_OF, ROOT

PAGES_DIR = ROOT / "templates_wiki"
INFOBOX = PAGES_DIR / "Template" / "Partnership infobox.wiki"
DOC = PAGES_DIR / "Template" / "Partnership infobox" / "doc.wiki"
PRELOAD = PAGES_DIR / "Template" / "Partnership infobox" / "preload.wiki"
NOTICE = PAGES_DIR / "Template" / "Partnership incomplete.wiki"
MODULE = PAGES_DIR / "Module" / "Partnership incomplete.lua"
LUA = sorted(PAGES_DIR.glob("Module/**/*.lua"))
RULES_PAGE = "Module:Partnership tracker/rules.json"
SUMMARY = PAGES_DIR / "Main" / "Partnership tracker.wiki"
SHUTOFF = PAGES_DIR / "User" / "PartnershipBot" / "Shutoff.wiki"
START_MARKER = "<!-- partnership-tracker:start -->"
END_MARKER = "<!-- partnership-tracker:end -->"

#: Every wiki page kept here (examples/ holds sample partnership pages, not pages to install).
WIKI_PAGES = sorted(p for p in PAGES_DIR.rglob("*.wiki") if p.relative_to(PAGES_DIR).parts[0] != "examples")
PAGE_FILES = sorted([*WIKI_PAGES, *LUA, *PAGES_DIR.glob("Module/**/*.json"), *PAGES_DIR.glob("Main/**/*.json")])

_INCLUDEONLY = re.compile(r"<includeonly>.*?(?:</includeonly>|\Z)", re.DOTALL | re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def as_shown(text: str) -> str:
    """The page's text as MediaWiki renders the page itself: ``<includeonly>`` parts dropped."""
    return _INCLUDEONLY.sub("", text)


def templatedata() -> dict[str, Any]:
    inner = markers.between(read(DOC))
    assert inner is not None, "the doc page has the bot's markers"
    blocks = re.findall(r"<templatedata>(.*?)</templatedata>", inner, re.DOTALL)
    assert len(blocks) == 1, "the doc page holds exactly one <templatedata> block"
    data: dict[str, Any] = json.loads(blocks[0])
    return data


def infobox_count(text: str, rules: Rules) -> int:
    return find_infobox(text, name_set((rules.infobox_name, *rules.aliases))).count


# -- layout -------------------------------------------------------------------------------------


def test_readme_pages_table_matches_the_files() -> None:
    readme = read(PAGES_DIR / "README.md")
    section = readme[readme.index("## Pages") : readme.index("## What the bot relies on")]
    listed = {PAGES_DIR / m for m in re.findall(r"^\| `([^`]+)` \|", section, re.MULTILINE)}
    assert listed == set(PAGE_FILES)


# -- TemplateData -------------------------------------------------------------------------------


def test_templatedata_lists_exactly_the_contract_parameters(rules: Rules) -> None:
    data = templatedata()
    assert list(data["params"]) == list(rules.params)
    assert len(data["params"]) == 20
    assert data["paramOrder"] == list(rules.params)
    in_sets = [name for s in data["sets"] for name in s["params"]]
    assert sorted(in_sets) == sorted(rules.params), "every parameter in exactly one set"
    assert data["format"].startswith("{{_\n|") and data["format"].endswith("}}\n"), "block format"
    assert data["description"]


def test_templatedata_required_and_suggested_follow_the_rules(rules: Rules) -> None:
    params = templatedata()["params"]
    for name, rule in rules.params.items():
        spec = params[name]
        assert spec.get("required", False) is rule.required, name
        assert spec.get("suggested", False) is (rule.condition is not None), name
        assert not (spec.get("required") and spec.get("suggested")), name
        if rule.condition is not None:
            assert re.search(r"\bRequired (when|unless)\b", spec["description"]["en"]), name


def test_templatedata_gives_allowed_values_and_types(rules: Rules) -> None:
    params = templatedata()["params"]
    for name, rule in rules.params.items():
        spec = params[name]
        assert spec["label"] and spec["description"], name
        if rule.enum:
            assert spec["suggestedvalues"] == list(rule.enum), name
            for value in rule.enum:
                assert value in spec["description"]["en"], f"{name}: {value} not in the description"
        if rule.kind == "date":
            assert spec["type"] == "date", name
            assert "YYYY-MM-DD" in spec["description"]["en"], name
        elif rule.kind == "url":
            assert spec["type"] == "url", name
        elif rule.kind in ("enum", "list"):
            assert spec["type"] == "line", name
        else:
            assert spec["type"] in ("line", "string", "content"), name


def test_templatedata_is_what_the_bot_writes(rules: Rules) -> None:
    """The block in the repository is the generator's output for the rules (install-templates and the
    bot's pass agree, so neither undoes the other)."""
    assert markers.between(read(DOC)) == render(rules)


def test_templatedata_enums_are_the_rules_file_enums(rules: Rules) -> None:
    params = templatedata()["params"]
    for name, rule in rules.params.items():
        if rule.enum:
            assert params[name]["suggestedvalues"] == [value for value, _ in rule.value_labels], name


# -- no accidental partnership pages ------------------------------------------------------------


@pytest.mark.parametrize("page", WIKI_PAGES, ids=[str(p.relative_to(PAGES_DIR)) for p in WIKI_PAGES])
def test_no_live_infobox(page: Path, rules: Rules) -> None:
    """Only the infobox doc renders one (its example, in the Template namespace: the bot searches the
    main namespace and the infobox categorises main-namespace pages only)."""
    expected = 1 if page == DOC else 0
    assert infobox_count(as_shown(read(page)), rules) == expected


def test_doc_example_is_a_complete_page_and_shown_as_code(rules: Rules) -> None:
    text = read(DOC)
    shown = re.sub(r"<pre>.*?</pre>", "", text, flags=re.DOTALL)
    match = re.search(r"^\{\{Partnership infobox\n.*?^\}\}$", shown, re.DOTALL | re.MULTILINE)
    assert match is not None
    assert f"<pre>\n{match.group(0)}\n</pre>" in text, "the rendered example is also shown as code"
    result = check_text("Example", match.group(0), rules, AS_OF)
    assert result.complete, result.findings
    assert not result.findings, "no warnings either"


def test_preload_gives_a_blank_infobox_with_every_parameter(rules: Rules) -> None:
    text = read(PRELOAD)
    preloaded = re.sub(r"<noinclude>.*?</noinclude>|</?includeonly>", "", text, flags=re.DOTALL)
    outcome = find_infobox(preloaded, name_set((rules.infobox_name, *rules.aliases)))
    assert outcome.infobox is not None
    assert [p.name for p in outcome.infobox.params] == list(rules.params)
    result = check_text("New partnership", preloaded, rules, AS_OF)
    codes = {(f.field, f.code) for f in result.findings}
    assert codes == {(name, "missing") for name, rule in rules.params.items() if rule.required}
    for section in ("Overview", "Goals and metrics", "Community involvement", "Conflict of interest", "Feedback"):
        assert f"\n== {section} ==\n" in preloaded, section
    assert "\n== Impact and lessons ==\n" in preloaded


# -- the infobox --------------------------------------------------------------------------------


def test_infobox_is_drawn_by_the_module_from_the_rules_page() -> None:
    text = read(INFOBOX)
    template = text[: text.index("<noinclude>")]
    assert template.startswith("{{#invoke:Partnership infobox|main|revision={{REVISIONID}}}}")
    assert "{{{" not in template, "no parameter read by hand"
    assert "#switch" not in template, "no value names by hand"
    assert "[[Category:Partnership pages]]" in template
    assert "Incomplete partnership pages" not in template
    assert "{{Template:Partnership infobox/doc}}" in text


def test_doc_shows_the_rules_from_the_module_with_an_anchor_per_parameter() -> None:
    doc = read(DOC)
    assert "{{#invoke:Partnership infobox|rules}}" in doc
    assert "{{#invoke:Partnership infobox|blank}}" in doc
    assert not re.search(r'id="param-', doc), "the parameter table is the module's"
    assert """'|- id="param-' .. name""" in read(PAGES_DIR / "Module" / "Partnership infobox.lua")


# -- the notice and its module ------------------------------------------------------------------


def test_notice_template_adds_the_category_outside_the_template_namespace() -> None:
    text = read(NOTICE)
    assert text.startswith("{{#invoke:Partnership incomplete|main}}")
    assert "{{#ifeq:{{NAMESPACE}}|{{ns:Template}}||[[Category:Incomplete partnership pages]]}}" in text


def _code(lua: str) -> str:
    """Lua without its comments."""
    return re.sub(r"--.*", "", lua)


@pytest.mark.parametrize("module", LUA, ids=[p.name for p in LUA])
def test_modules_hold_no_copy_of_the_rules(module: Path, rules: Rules) -> None:
    """Parameters, labels, sections and values come from the rules page: a module names no
    parameter (but partner, the caption, and status, which the bot's stale rule names too), no
    label and no guidance section, and reads the rules page with mw.loadJsonData."""
    code = _code(read(module))
    names = {n for n in rules.params if n != "end" and re.search(rf"\b{n}\b", code)}
    assert names <= {"partner", "status"}, names
    for rule in rules.params.values():
        assert f"'{rule.label}'" not in code, rule.label
        assert not rule.section or rule.section not in code, rule.section
    assert rules.guidance_page not in code
    if module.stem in ("Partnership incomplete", "Partnership infobox"):
        assert f"'{RULES_PAGE}'" in code and "mw.loadJsonData(" in code


def test_notice_module_keeps_the_page_level_problems() -> None:
    lua = read(MODULE)
    for problem in ("multiple_infoboxes", "no_infobox"):
        assert re.search(rf"^\t{problem} = '", lua, re.MULTILINE), problem


# -- summary and shutoff pages ------------------------------------------------------------------


def test_summary_page_has_each_marker_once_on_its_own_line() -> None:
    text = read(SUMMARY)
    lines = text.splitlines()
    for marker in (START_MARKER, END_MARKER):
        assert text.count(marker) == 1, marker
        assert marker in lines, f"{marker} on its own line"
    start, end = lines.index(START_MARKER), lines.index(END_MARKER)
    assert start < end
    assert any(line.strip() for line in lines[start + 1 : end]), "a placeholder between the markers"


def test_shutoff_page_has_no_text_outside_its_comment() -> None:
    text = read(SHUTOFF)
    assert text.count("<!--") == 1
    assert _COMMENT.sub("", text).strip() == ""


# -- the wiki side's words: the bot's catalogs ----------------------------------------------------

_KEY = re.compile(r"'(ptracker-[a-z0-9-]+)'")
I18N = ROOT / "i18n"
PY_MESSAGES = ROOT / "bot" / "messages.py"
#: The bot's findings that the preview cannot see (page-level, or invisible once values are expanded).
BOT_ONLY_KEYS = {
    "ptracker-finding-no-infobox",
    "ptracker-finding-multiple-infoboxes",
    "ptracker-finding-duplicate-param",
}


def _lua_keys() -> set[str]:
    return {key for module in LUA for key in _KEY.findall(_code(read(module)))}


def test_every_message_a_module_uses_is_in_the_catalogs() -> None:
    """A key the Lua asks for is in i18n/en.json (so in fr, es and qqq: tests/unit/test_i18n.py):
    the wiki never shows a key, nor a script error for a missing message."""
    english = json.loads(read(I18N / "en.json"))
    used = _lua_keys()
    assert used, "the modules take their words from the catalogs"
    whole = {key for key in used if not key.endswith("-")}
    prefixes = used - whole  # a key completed in the Lua ('ptracker-wiki-doc-kind-' .. param.type)
    assert whole - set(english) == set()
    wiki_keys = {key for key in english if key.startswith("ptracker-wiki-")}
    unused = {key for key in wiki_keys - whole if not key.startswith(tuple(prefixes))}
    assert not unused, f"catalog keys no module uses: {sorted(unused)}"
    schema = json.loads(read(ROOT / "config" / "rules.schema.json"))
    kinds = schema["$defs"]["param"]["properties"]["type"]["enum"]
    assert {f"ptracker-wiki-doc-kind-{kind}" for kind in kinds} <= set(english), "every kind of parameter in words"
    columns = re.findall(
        r"'(parameter|label|required|value|guidance)'", read(PAGES_DIR / "Module" / "Partnership infobox.lua")
    )
    assert {f"ptracker-wiki-doc-column-{c}" for c in columns} <= set(english) and len(columns) == 5


def test_the_preview_uses_the_bots_finding_messages() -> None:
    """The preview's messages are the bot's: every finding key bot/messages.py uses for a field is
    used by Module:Partnership infobox/messages, and no finding text is kept in the Lua."""
    python_keys = set(re.findall(r'"(ptracker-finding-[a-z0-9-]+)"', read(PY_MESSAGES)))
    lua = _code(read(PAGES_DIR / "Module" / "Partnership infobox" / "messages.lua"))
    lua_keys = set(_KEY.findall(lua))
    assert python_keys - BOT_ONLY_KEYS == lua_keys
    english = json.loads(read(I18N / "en.json"))
    for key in python_keys:
        sentence = re.split(r"\$\d", english[key])[0].strip()
        assert len(sentence) < 12 or sentence not in lua, (key, sentence)


@pytest.mark.parametrize("module", LUA, ids=[p.name for p in LUA])
def test_modules_keep_no_english_copy_of_the_notice(module: Path) -> None:
    code = _code(read(module))
    for words in ("This partnership page is incomplete", "Please fill in", "Please correct", "Infobox help",
                  "is missing.", "would report"):  # fmt: skip
        assert words not in code, words
