"""Broken configuration stops with one message naming the file, the key and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.config import DEFAULT_CONFIG, expand_variables, load_config
from bot.errors import ConfigError
from bot.rules import DEFAULT_RULES, load_rules


def _rules_with(tmp_path: Path, old: str, new: str) -> Path:
    text = DEFAULT_RULES.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "rules.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "key", "fix"),
    [
        ('[severities]\n', '[severities]\nstale_page = "warning"\n', "severities.stale_page", "use one of: missing"),
        ('missing = "error"', 'missing = "fatal"', "severities.missing", 'use "error" or "warning"'),
        ('privacy_risk = "warning"\n', "", "severities.privacy_risk", "add it"),
        ('kind = "url"', 'kind = "uri"', "params.partner_url.kind", "use one of: text, url"),
        ('kind = "url"', 'kind = "url"\ncolour = "red"', "params.partner_url.colour", "remove it or use one of"),
        ("max_age_days = 365", 'max_age_days = "365"', "stale.max_age_days", "write a number without quotes"),
        ('enum = "goals"', 'enum = "goal"', "params.goals.enum", "needs an enum defined under [enums]"),
        ('required = { field = "status"', 'required = { field = "metrics"', "params.start.required.field", "kind enum"),
        ("nonfree_patterns = [", "nonfree_patterns = ['(unclosed',", "licences.nonfree_patterns[0]", "fix the pattern"),
        ('required = "always"', 'required = "sometimes"', "params.partner.required", '"always", "no"'),
    ],
)  # fmt: skip
def test_broken_rules_name_file_key_and_fix(tmp_path: Path, old: str, new: str, key: str, fix: str) -> None:
    path = _rules_with(tmp_path, old, new)
    with pytest.raises(ConfigError) as err:
        load_rules(path)
    line = next((p for p in err.value.problems if f"key {key!r}" in p), None)
    assert line is not None, err.value.problems
    assert str(path) in line and fix in line


def test_toml_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    path = _rules_with(tmp_path, "[enums]", "[enums")
    with pytest.raises(ConfigError, match=r"rules\.toml: TOML syntax error: .*line \d+"):
        load_rules(path)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = _rules_with(tmp_path, 'kind = "url"', "kind = 3\nfoo = 1")
    with pytest.raises(ConfigError) as err:
        load_rules(path)
    assert len(err.value.problems) == 2


def test_bot_config_problems_include_the_rules_file(tmp_path: Path) -> None:
    (tmp_path / "rules.toml").write_text("[infobox]\nname = 3\n", encoding="utf-8")
    bot = tmp_path / "bot.toml"
    bot.write_text('rules = "rules.toml"\n[tagging]\nmax_tags_per_run = 0\ngrace = 3\n[site]\nnamespaces = []\n')
    with pytest.raises(ConfigError) as err:
        load_config(bot)
    text = str(err.value)
    assert "tagging.max_tags_per_run" in text and "use 1 or more" in text
    assert "tagging.grace" in text and "site.namespaces" in text
    assert "rules.toml: key 'infobox.name': expected a string" in text


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
