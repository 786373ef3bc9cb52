"""Broken configuration stops with one message naming the file, the key and the fix."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cli import main
from bot.config import DEFAULT_CONFIG, expand_variables, load_config
from bot.errors import ConfigError
from bot.rules import DEFAULT_RULES, Condition, load_rules, parse_rules_text


def _rules_with(tmp_path: Path, edit: Callable[[dict[str, Any]], object]) -> Path:
    data = json.loads(DEFAULT_RULES.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(data, indent=4), encoding="utf-8")
    return path


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    """An edit setting the dotted ``path`` to ``value`` (``DELETE``: removing it)."""

    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for key in parents:
            data = data[key]
        if value is DELETE:
            del data[last]
        else:
            data[last] = value

    return edit


DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "where", "fix"),
    [
        ("severities.stale_page", "warning", "severities.stale_page", "remove it or use one of: date_order"),
        ("severities.missing", "fatal", "severities.missing", "use one of: error, warning"),
        ("severities.privacy_risk", DELETE, "severities.privacy_risk", 'add "privacy_risk": "error" or "warning"'),
        ("params.partner_url.type", "uri", "params.partner_url.type", "use one of: text, url"),
        ("params.partner_url.colour", "red", "params.partner_url.colour", "remove it or use one of"),
        ("stale.max_age_days", "365", "stale.max_age_days", "write a number"),
        ("params.goals.values", "goal", "params.goals.values", 'define it under "values"'),
        ("params.goals.values", DELETE, "params.goals.values", 'add "values": "<set name>"'),
        ("params.partner.values", "goals", "params.partner.values", "remove it"),
        ("params.start.required", {"metrics": ["x"]}, "params.start.required.metrics", 'type "enum"'),
        ("params.start.required", {"nothing": ["x"]}, "params.start.required.nothing", 'type "enum"'),
        ("params.start.required", {"status": ["actve"]}, "params.start.required.status[0]", "use one of: proposed"),
        ("params.partner.required", "always", "params.partner.required", 'true, false, or {"status": ["active"]}'),
        ("params.partner.required", {"status": ["active"], "model": ["legal"]}, "params.partner.required", "true, false"),
        ("licences.nonfree_phrases", ["Non-Commercial"], "licences.nonfree_phrases[0]", "lower-case words"),
        ("params.end.not_before", "partner", "params.end.not_before", 'type "date"'),
        ("stale.field", "reviewed", "stale.field", 'defined under "params"'),
        ("version", 2, "version", "see docs/contract.md"),
    ],
)  # fmt: skip
def test_broken_rules_name_source_json_path_and_fix(
    tmp_path: Path, path: str, value: object, where: str, fix: str
) -> None:
    source = _rules_with(tmp_path, _set(path, value))
    with pytest.raises(ConfigError) as err:
        load_rules(source)
    line = next((p for p in err.value.problems if f": at {where}: " in p), None)
    assert line is not None, err.value.problems
    assert line.startswith(f"{source}: ") and fix in line, line


def test_json_syntax_error_names_the_source_and_line() -> None:
    with pytest.raises(ConfigError, match=r"^Module:R \(revision 7\): not JSON at line 2 column \d+ .*fix the syntax"):
        parse_rules_text('{\n "version": 1,,\n}', "Module:R (revision 7)", 7)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["params"]["partner_url"]["type"] = 3
        data["params"]["partner_url"]["foo"] = 1

    with pytest.raises(ConfigError) as err:
        load_rules(_rules_with(tmp_path, edit))
    assert len(err.value.problems) == 2, err.value.problems


def test_shipped_rules_follow_the_schema_and_read_as_the_contract_says() -> None:
    rules = load_rules()
    assert rules.params["start"].condition == Condition("status", ("active", "completed", "terminated"))
    assert rules.params["partner"].required and not rules.params["partner_url"].required
    assert rules.params["agreement"].value_labels[3] == ("mou", "Memorandum of understanding (MOU)")
    assert rules.revision == 0 and len(rules.digest) == 16


def test_digest_follows_content_not_formatting() -> None:
    text = DEFAULT_RULES.read_text(encoding="utf-8")
    data = json.loads(text)
    same = parse_rules_text(json.dumps(data), "x")
    assert same.digest == parse_rules_text(text, "y").digest
    data["params"]["partner_url"]["required"] = True
    assert parse_rules_text(json.dumps(data), "x").digest != same.digest


@settings(max_examples=60, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=8), kids, max_size=3)))  # fmt: skip
def test_any_json_is_rules_or_a_config_error_with_paths(data: object) -> None:
    """Whatever JSON the page holds, reading it gives rules or a ConfigError whose every line names
    the source and a JSON path: never another exception."""
    try:
        parse_rules_text(json.dumps(data), "P")
    except ConfigError as err:
        assert err.problems and all(p.startswith("P: at ") or p.startswith("P: not JSON") for p in err.problems)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(load_rules().params)), st.sampled_from(["type", "required", "label", "help"]))
def test_removing_a_required_key_of_a_parameter_names_it(name: str, key: str) -> None:
    data = json.loads(DEFAULT_RULES.read_text(encoding="utf-8"))
    del data["params"][name][key]
    with pytest.raises(ConfigError) as err:
        parse_rules_text(json.dumps(data), "P")
    assert f'P: at params.{name}.{key}: missing; add "{key}"' in err.value.problems


def test_bot_config_problems_include_the_old_rules_key(tmp_path: Path) -> None:
    bot = tmp_path / "bot.toml"
    bot.write_text('rules = "rules.toml"\n[tagging]\nmax_tags_per_run = 0\ngrace = 3\n[site]\nnamespaces = []\n')
    with pytest.raises(ConfigError) as err:
        load_config(bot)
    text = str(err.value)
    assert "tagging.max_tags_per_run" in text and "use 1 or more" in text
    assert "tagging.grace" in text and "site.namespaces" in text
    assert "key 'rules': the rules file setting is gone" in text


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.toml")


def test_shipped_config_loads() -> None:
    config = load_config(DEFAULT_CONFIG)
    assert config.rules.infobox_name == "Partnership infobox"
    assert set(config.rules.severities) == {
        "missing", "placeholder", "invalid", "date_order", "nonfree_license", "no_infobox",
        "multiple_infoboxes", "stale", "privacy_risk", "unknown_param", "duplicate_param",
    }  # fmt: skip


def test_cli_reports_config_error_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bot.toml"
    bad.write_text("[site\n")
    page = tmp_path / "a.wiki"
    page.write_text("x")
    assert main(["--config", str(bad), "check", str(page)]) == 2
    err = capsys.readouterr().err
    assert "bot.toml: TOML syntax error" in err


DEVWIKI_CONFIG = DEFAULT_CONFIG.parent / "devwiki.toml"


@pytest.mark.parametrize(
    ("environ", "state"),
    [
        ({"DEVWIKI_DIR": "/srv/wiki-2"}, Path("/srv/wiki-2/bot-state.sqlite")),
        ({}, DEVWIKI_CONFIG.parent / "../.devwiki/bot-state.sqlite"),
        ({"DEVWIKI_DIR": ""}, DEVWIKI_CONFIG.parent / "../.devwiki/bot-state.sqlite"),
        ({"DEVWIKI_DIR": "relative/wiki"}, DEVWIKI_CONFIG.parent / "relative/wiki/bot-state.sqlite"),
    ],
)
def test_the_dev_wiki_state_follows_devwiki_dir(environ: dict[str, str], state: Path) -> None:
    """Two dev wikis (DEVWIKI_DIR) never share a state database or its lock; without DEVWIKI_DIR
    the state is in the checkout's .devwiki/, as before."""
    assert load_config(DEVWIKI_CONFIG, environ).run.state_path == state


@pytest.mark.parametrize(
    ("value", "environ", "expanded", "problem"),
    [
        ("plain/path", {}, "plain/path", None),
        ("${A}/x", {"A": "/a"}, "/a/x", None),
        ("${A:-d}/x", {}, "d/x", None),
        ("${A:-d}/x", {"A": ""}, "d/x", None),
        ("${A:-}x", {}, "x", None),
        ("${A}/${B:-b}", {"A": "a", "B": "bb"}, "a/bb", None),
        ("$A/x", {"A": "a"}, "$A/x", None),
        ("~/x", {}, "~/x", None),
        ("${A}/x", {}, "/x", "environment variable A"),
        ("${A}/x", {"A": ""}, "/x", "environment variable A"),
        ("${A/x", {"A": "a"}, "${A/x", "malformed"),
        ("${1A}", {}, "${1A}", "malformed"),
    ],
)  # fmt: skip
def test_expand_variables(value: str, environ: dict[str, str], expanded: str, problem: str | None) -> None:
    got, what = expand_variables(value, environ)
    assert got == expanded
    if problem is None:
        assert what is None
    else:
        assert what is not None and problem in what[0]
