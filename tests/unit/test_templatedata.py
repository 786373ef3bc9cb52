"""bot.templatedata: the infobox's TemplateData made from the rules (pure, no wiki).

The expected output is a file (tests/data/templatedata/); after an intended change of the generator
or of the rules, write it again with
``python -c "from bot.rules import load_rules; from bot.templatedata import render;
open('tests/data/templatedata/partnership-infobox.templatedata', 'w').write(render(load_rules()))"``
and read the diff."""

from __future__ import annotations

import dataclasses
import json

from bot.markers import END_MARKER, START_MARKER
from bot.rules import Condition, Rules
from bot.templatedata import render, requirement, templatedata, updated
from tests.conftest import ROOT

EXPECTED = ROOT / "tests" / "data" / "templatedata" / "partnership-infobox.templatedata"


def test_render_is_the_expected_file(rules: Rules) -> None:
    assert render(rules) == EXPECTED.read_text(encoding="utf-8")


def test_block_is_valid_json_with_every_parameter_in_order(rules: Rules) -> None:
    text = render(rules)
    assert text.startswith("\n<templatedata>\n") and text.endswith("\n</templatedata>\n")
    data = json.loads(text.removeprefix("\n<templatedata>\n").removesuffix("\n</templatedata>\n"))
    assert data == templatedata(rules)
    assert list(data["params"]) == data["paramOrder"] == list(rules.params)
    in_sets = [name for s in data["sets"] for name in s["params"]]
    assert sorted(in_sets) == sorted(rules.params), "every parameter in exactly one set"


def test_required_suggested_values_and_types_follow_the_rules(rules: Rules) -> None:
    params = templatedata(rules)["params"]
    for name, rule in rules.params.items():
        spec = params[name]
        assert spec.get("required", False) is rule.required, name
        assert spec.get("suggested", False) is (rule.condition is not None and not rule.required), name
        assert spec["label"]["en"][0].isupper() and spec["label"]["en"].lower() == rule.label.lower(), name
        for lang in ("en", "es", "fr"):
            assert spec["label"][lang].lower() == rule.label_in(lang).lower(), (name, lang)
            assert requirement(rule, lang) in spec["description"][lang], (name, lang)
        if rule.kind in ("enum", "list"):
            assert spec["suggestedvalues"] == list(rule.enum), name
            assert spec["type"] == "line", name
        else:
            assert "suggestedvalues" not in spec, name
        assert spec["type"] == {"date": "date", "url": "url", "text": "content"}.get(rule.kind, "line"), name


def test_a_rules_change_changes_the_block(rules: Rules) -> None:
    """A parameter made required everywhere: required, no longer suggested, in the first set."""
    url = dataclasses.replace(rules.params["partner_url"], required=True)
    changed = dataclasses.replace(rules, params={**rules.params, "partner_url": url})
    data = templatedata(changed)
    assert data["params"]["partner_url"]["required"] is True
    assert "partner_url" in data["sets"][0]["params"]
    assert render(changed) != render(rules)
    end = dataclasses.replace(rules.params["end"], condition=Condition("status", ("terminated",)))
    data = templatedata(dataclasses.replace(rules, params={**rules.params, "end": end}))
    assert "Required when status is terminated." in data["params"]["end"]["description"]["en"]


def test_updated_writes_only_between_the_real_markers(rules: Rules) -> None:
    before = f"Intro <templatedata>{{}}</templatedata>\n{START_MARKER}\nold block\n{END_MARKER}\nOutro\n"
    text = updated(before, rules)
    assert text == f"Intro <templatedata>{{}}</templatedata>\n{START_MARKER}{render(rules)}{END_MARKER}\nOutro\n"
    assert updated(text, rules) == text, "the same rules leave the page as it is"


def test_updated_is_none_without_usable_markers(rules: Rules) -> None:
    assert updated("no markers here", rules) is None
    assert updated(f"<pre>{START_MARKER}</pre>\n{END_MARKER}", rules) is None
    assert updated(f"{END_MARKER}\n{START_MARKER}", rules) is None
