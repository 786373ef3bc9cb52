"""Issue 6, part 4 (offline half): every malformed bot config stops ``python -m bot run`` before it
touches a wiki, with exit 2 and one line on standard error naming the file, the key and the fix.

(tests/unit/test_config.py covers the rules file and a few bot-config keys; this is the table of
everything an operator can get wrong in the bot config. The wiki half — a namespace the wiki does
not have, an unknown family — is in tests/reliability/test_config_content.py.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.config import DEFAULT_CONFIG

# (what is wrong, key in the message, words of the fix, the edit: regex on the shipped config → replacement)
CASES = [
    ("syntax", "line", "fix the syntax", r"^\[site\]$", "[site"),
    ("syntax: bad value", "line", "fix the syntax", r"^maxlag = 5", "maxlag = five"),
    ("unknown top-level key", "'colour'", "remove it or use one of", r"^\[site\]$", 'colour = "red"\n[site]'),
    ("unknown key (typo)", "'tagging.max_tag_per_run'", "remove it or use one of", r"^max_tags_per_run", "max_tag_per_run"),
    ("unknown table", "'tagg'", "remove it or use one of", r"^\[tagging\]", "[tagg]"),
    ("number as string", "'tagging.max_tags_per_run'", "without quotes", r"^max_tags_per_run = 25", 'max_tags_per_run = "25"'),
    ("float", "'site.maxlag'", "whole number", r"^maxlag = 5", "maxlag = 5.5"),
    ("boolean as number", "'summary.max_row_drop'", "whole number", r"^max_row_drop = 20", "max_row_drop = true"),
    ("string as number", "'pages.summary'", "quote it", r'^summary = "Partnership tracker"', "summary = 5"),
    ("value instead of a table", "'summary'", "write [summary]", r"^\[summary\]\n(?:(?!\[).*\n)*", ""),
    ("cap of 0: tags", "'tagging.max_tags_per_run'", "use 1 or more", r"^max_tags_per_run = 25", "max_tags_per_run = 0"),
    ("cap of 0: rows", "'summary.max_row_drop'", "use 1 or more", r"^max_row_drop = 20", "max_row_drop = 0"),
    ("negative cap", "'tagging.max_tags_per_run'", "use 1 or more", r"^max_tags_per_run = 25", "max_tags_per_run = -3"),
    ("negative days", "'tagging.grace_days'", "use 0 or more", r"^grace_days = 14", "grace_days = -1"),
    ("page over MediaWiki's limit", "'summary.max_page_bytes'", "use 2097152 or less", r"^max_page_bytes = .*$", "max_page_bytes = 3000000"),
    ("retry wait 0", "'site.retry_wait'", "use 1 or more", r"^retry_wait = 5", "retry_wait = 0"),
    ("no namespaces", "'site.namespaces'", "write e.g. [0]", r"^namespaces = \[0\]", "namespaces = []"),
    ("namespace as string", "'site.namespaces'", "write e.g. [0]", r"^namespaces = \[0\]", 'namespaces = ["0"]'),
    ("negative namespace", "'site.namespaces'", "write e.g. [0]", r"^namespaces = \[0\]", "namespaces = [-1]"),
    ("page title with |", "'pages.summary'", "plain page title", r'^summary = "Partnership tracker"', 'summary = "A|B"'),
    ("empty tag template", "'pages.tag_template'", "plain page title", r'^tag_template = ".*"', 'tag_template = ""'),
    ("bad cron", "'schedule.full'", "five fields", r'^full = ".*?"', 'full = "61 * * * *"'),
    ("bad choice", "'schedule.on_lock'", '"exit" or "wait"', r'^on_lock = ".*?"', 'on_lock = "maybe"'),
    ("bad log format", "'schedule.log_format'", '"text" or "json"', r'^log_format = ".*?"', 'log_format = "xml"'),
    ("unset variable in a path", "'run.state'", "${PARTNERSHIP_TEST_UNSET:-path}", r'^state = ".*?"', 'state = "${PARTNERSHIP_TEST_UNSET}/t.sqlite"'),
    ("malformed variable in a path", "'run.state'", "${NAME:-default}", r'^state = ".*?"', 'state = "${DEVWIKI_DIR/t.sqlite"'),
    ("the old rules file setting", "'rules'", "delete this line", r"^\[site\]$", 'rules = "rules.toml"\n[site]'),
    ("rules page title with [", "'pages.rules'", "plain page title", r'^rules = ".*?"', 'rules = "[[Rules]]"'),
]  # fmt: skip


def case_id(case: object) -> str:
    values: Any = getattr(case, "values", case)  # a pytest.param, or a plain tuple
    return str(values[0])


def broken_config(tmp_path: Path, pattern: str, replacement: str) -> Path:
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    if pattern.startswith(r"^\[summary\]"):  # a value where a table belongs (top-level keys come first)
        text = text.replace("[site]", "summary = 20\n[site]", 1)
    text, n = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert n == 1, pattern
    path = tmp_path / "bot.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(argv)
    err = capsys.readouterr().err
    return code, [line for line in err.splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("what", "key", "fix", "pattern", "replacement"),
    CASES,
    ids=[case_id(c) for c in CASES],
)
def test_malformed_config_stops_before_the_wiki_with_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    what: str,
    key: str,
    fix: str,
    pattern: str,
    replacement: str,
) -> None:
    config = broken_config(tmp_path, pattern, replacement)
    monkeypatch.setenv("PYWIKIBOT_DIR", str(tmp_path / "no-pywikibot-here"))

    def no_wiki(*_args: object) -> None:
        raise AssertionError("the bot reached for the wiki with a broken config")

    monkeypatch.setattr("bot.wiki.connect", no_wiki)
    code, lines = run_main(["--config", str(config), "run"], capsys)
    assert code == 2
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith(f"error: {config}: "), line
    assert key in line and fix in line, line
    assert not (tmp_path / "state").exists()


def test_every_problem_of_a_config_gets_its_own_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = broken_config(tmp_path, r"^max_tags_per_run = 25", "max_tags_per_run = 0\ncolour = 1")
    text = config.read_text(encoding="utf-8").replace("max_row_drop = 20", "max_row_drop = 0")
    config.write_text(text, encoding="utf-8")
    code, lines = run_main(["--config", str(config), "run"], capsys)
    assert code == 2 and len(lines) == 3, lines
    assert all(str(config) in line for line in lines)


def test_copied_config_runs_without_a_rules_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The rules are on the wiki and shipped with the bot: a config copied elsewhere needs no
    rules file beside it."""
    copied = tmp_path / "copy" / "bot.toml"
    copied.parent.mkdir()
    copied.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    page = tmp_path / "a.wiki"
    page.write_text("no infobox here", encoding="utf-8")
    code, lines = run_main(["--config", str(copied), "check", str(page)], capsys)
    assert code == 1, lines


def test_config_that_is_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "bot.toml"
    config.write_bytes(b'[site]\nfamily = "m\xe9ta"\n')
    code, lines = run_main(["--config", str(config), "run"], capsys)
    assert code == 2 and len(lines) == 1
    assert str(config) in lines[0] and "save it as UTF-8" in lines[0]


def test_missing_config_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run_main(["--config", str(tmp_path / "nope.toml"), "run"], capsys)
    assert code == 2 and len(lines) == 1 and "nope.toml: file not found" in lines[0]
