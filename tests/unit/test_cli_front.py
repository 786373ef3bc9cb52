"""The command line as a careful user meets it (issue 13): ``--help`` for users, every subcommand's
help, ``--config`` and ``-v`` before or after the subcommand, a mistyped ``check`` path, a Python
without the dependencies, the console script. Runs of another interpreter are subprocesses; nothing
here imports pywikibot."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import EXIT_CODES, build_parser, main
from bot.config import DEFAULT_CONFIG
from bot.errors import BotError
from tests.conftest import ROOT

GOOD = """{{Partnership infobox|partner=P|model=legal|goals=privacy|metrics=m|coi_disclosure=None known
|community_role=c|status=proposed}}"""
COMMANDS = ("check", "run", "install-templates", "schedule", "status", "seed", "unlisted")


def _help(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as done:
        main([*args, "--help"])
    assert done.value.code == 0
    return capsys.readouterr().out


def test_help_is_for_users_and_lists_every_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    out = _help([], capsys)
    assert "Partnership tracker: checks the {{Partnership infobox}} pages" in out
    assert "BotError" not in out and "The only place" not in out
    for command in COMMANDS:
        assert f"    {command} " in out
    for code, meaning in EXIT_CODES.items():
        assert f"{code:>3}  {meaning}" in out
    assert {code for code in range(8)} <= set(EXIT_CODES)
    assert "COMMAND --help" in out


def test_exit_codes_in_the_help_are_those_of_the_errors() -> None:
    """Every exit status an error class carries is explained in the help."""
    import bot.errors as errors

    codes = {cls.exit_code for cls in vars(errors).values() if isinstance(cls, type) and issubclass(cls, BotError)}
    assert codes <= set(EXIT_CODES)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_subcommand_help_reads_well(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = _help([command], capsys)
    usage, _, rest = out.partition("\n\n")
    description = rest.split("\n\n")[0]
    assert usage.startswith("usage: ") and f" {command} " in usage
    assert description[0].isupper() and description.rstrip().endswith("."), description
    assert "--config FILE" in out and "-v, --verbose" in out


def test_config_and_verbose_before_or_after_the_subcommand() -> None:
    parser = build_parser()
    assert parser.parse_args(["--config", "a.toml", "status"]).config == "a.toml"
    assert parser.parse_args(["status", "--config", "b.toml"]).config == "b.toml"
    assert parser.parse_args(["--config", "a.toml", "run", "--config", "b.toml"]).config == "b.toml"
    assert parser.parse_args(["status"]).config is None
    assert parser.parse_args(["run", "-v"]).verbose is True
    assert parser.parse_args(["-v", "run"]).verbose is True
    assert parser.parse_args(["run"]).verbose is False


def test_status_takes_config_like_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``status --config FILE`` reads that config: its state database is the one reported."""
    config = tmp_path / "bot.toml"
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    config.write_text(text.replace("../state/tracker.sqlite", "mine.sqlite"), encoding="utf-8")
    assert main(["status", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert f"state: {tmp_path / 'mine.sqlite'} (0 pages remembered)" in out
    assert "no pass recorded yet" in out


def test_check_on_a_folder_without_pages_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "page.wikitext").write_text(GOOD, encoding="utf-8")
    code = main(["check", str(tmp_path)])
    out = capsys.readouterr()
    assert code == 2
    assert f"error: {tmp_path}: a folder with no .wiki file in it (2 other files)" in out.err
    assert "0 pages checked" in out.out  # the total still says what was read


def test_check_of_a_mistyped_path_beside_a_good_one_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "Good.wiki").write_text(GOOD, encoding="utf-8")
    code = main(["check", str(tmp_path / "Good.wiki"), str(tmp_path / "Godo.wiki")])
    out = capsys.readouterr()
    assert code == 2 and "Godo.wiki: no such file or directory" in out.err
    assert "1 page checked" in out.out


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}


@pytest.mark.parametrize("args", [[], ["check", "templates_wiki/examples"], ["run"], ["--help"]])
def test_a_python_without_the_dependencies_says_how_to_set_up(args: list[str]) -> None:
    """``-S``: no site-packages, so neither the dependencies nor the installed project; ``bot``
    is found in the working directory, as with the system's Python in a fresh clone."""
    done = subprocess.run(
        [sys.executable, "-S", "-m", "bot", *args],
        cwd=ROOT,
        env=_clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert "lacks the bot's dependencies" in lines[0] and "./scripts/setup" in lines[0]
    assert ".venv/bin/partnership-bot" in lines[0]


def test_the_console_script_is_installed_and_runs_the_cli(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "partnership-bot"
    assert script.is_file(), "pyproject.toml [project.scripts] partnership-bot; run ./scripts/setup"
    (tmp_path / "Good.wiki").write_text(GOOD, encoding="utf-8")
    done = subprocess.run(
        [str(script), "check", str(tmp_path)], env=_clean_env(), capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "Good: complete" in done.stdout
    helped = subprocess.run([str(script), "--help"], env=_clean_env(), capture_output=True, text=True, check=False)
    assert helped.stdout.startswith("usage: partnership-bot ")
