"""Issue 6, part 5: credentials never appear in logs, reports, status pages or exceptions; the
secret files are git-ignored; a password file others can read is refused.

Besides these tests, every output of every bot run of the reliability suite is checked for the
test wiki's passwords as it comes (tests/reliability/counters.py, ``record_output``)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from tests.wiki.api import WikiApi
from tests.wiki.conftest import DevWiki

from . import counters
from .env import ROOT, BotRunner, write_config
from .proxy import FaultProxy, Script
from .scenario import ensure_page, scenario_bodies

SUMMARY = "User:PartnershipBot/Secrets summary"
STATUS = "User:PartnershipBot/Secrets status"


@pytest.fixture
def private_dir(relwiki: DevWiki, proxied_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the proxied Pywikibot directory (no cookies: the bot logs in), with
    Pywikibot's own debug log switched on, as an operator troubleshooting would."""
    dest = tmp_path / "pywikibot"
    shutil.copytree(proxied_dir, dest, ignore=shutil.ignore_patterns("*.lwp", "throttle.ctrl", "logs"))
    with open(dest / "user-config.py", "a", encoding="utf-8") as config:
        config.write("\nlog = ['*']\ndebug_log = ['']\n")
    return dest


@pytest.fixture
def runner(relwiki: DevWiki, direct_bot: BotRunner, private_dir: Path, tmp_path: Path, rel_admin: WikiApi) -> BotRunner:
    config = write_config(tmp_path, namespace=1, summary=SUMMARY, status=STATUS)
    for title, text in scenario_bodies("Talk:Secrets", ("tag 1", "untag")).items():
        ensure_page(rel_admin, title, text)
    ensure_page(rel_admin, SUMMARY, "<!-- partnership-tracker:start -->\n<!-- partnership-tracker:end -->")
    return BotRunner(relwiki, private_dir, config, tmp_path)


def files_holding(secret: str, *roots: Path) -> list[str]:
    found = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and path.name != "user-password.py" and secret.encode() in path.read_bytes():
                found.append(str(path))
    return found


def test_no_output_of_a_full_pass_holds_the_password(
    runner: BotRunner, relwiki: DevWiki, rel_admin: WikiApi, clean_proxy: FaultProxy, tmp_path: Path
) -> None:
    """A pass that logs in (twice: the session is lost once), with debug logging of the bot and of
    Pywikibot, JSON logs, a report, faults on the way: the password is nowhere in what it wrote —
    standard output and error, report, state database, Pywikibot's log and cookie files, the
    summary and status pages."""
    clean_proxy.reset(
        Script()
        .when(lambda s: s.action == "login", "http_500_after")
        .when(lambda s: s.is_edit, "assertuser")
        .when(lambda s: s.is_edit, "truncate_json")
    )
    outs = [runner.run("-v", "run"), runner.run("--log-format", "json", "-v", "run")]
    assert all(o.code == 0 for o in outs), [o.text for o in outs]
    assert any("lgpassword=<hidden>" in p.read_text() for p in (runner.pywikibot_dir / "logs").glob("*.log"))
    secrets = [relwiki.bot_password, relwiki.admin_password]
    for out in outs:
        text = out.stdout + out.stderr + str(out.report)
        assert not any(s in text for s in secrets)
    pages = rel_admin.read(SUMMARY)[1] + rel_admin.read(STATUS)[1]
    for secret in secrets:
        assert secret not in pages
        assert not files_holding(secret, tmp_path), "a file the bot wrote holds a password"
    counters.add("extra_secret_scans")


def test_a_wrong_password_is_not_repeated_in_the_error(
    runner: BotRunner, private_dir: Path, clean_proxy: FaultProxy
) -> None:
    wrong = "0123456789abcdef0123456789abcdef"
    password_file = private_dir / "user-password.py"
    text = password_file.read_text(encoding="utf-8")
    start = text.index("BotPassword(")
    password_file.write_text(text[:start] + f"BotPassword('tracker', '{wrong}'))\n", encoding="utf-8")
    password_file.chmod(0o600)
    out = runner.run("-v", "run")
    assert out.code == 2, out.text
    errors = [line for line in out.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "password" in errors[0], out.stderr
    assert wrong not in out.stdout + out.stderr
    assert not files_holding(wrong, runner.workdir, private_dir / "logs")
    assert not clean_proxy.edits()


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_password_file_others_can_read_is_refused(
    runner: BotRunner, private_dir: Path, clean_proxy: FaultProxy, mode: int
) -> None:
    password_file = private_dir / "user-password.py"
    password_file.chmod(mode)
    out = runner.run("run")
    assert out.code == 2, out.text
    errors = [line for line in out.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, out.stderr
    assert str(password_file) in errors[0] and "can be read by other users" in errors[0]
    assert f"chmod 600 '{password_file}'" in errors[0]
    assert not clean_proxy.log, "the bot talked to the wiki with an unsafe password file"


def test_secret_files_are_git_ignored_and_not_tracked() -> None:
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        # An exported tree (tarball, no .git) has no ignore rules to check; CI runs on a clone.
        pytest.skip("not a git checkout: .gitignore cannot be checked without git and .git/")
    ignored = [
        "user-password.py",
        "user-config.py",
        "somewhere/user-password.py",
        ".devwiki/credentials.json",
        ".devwiki/secrets.env",
        ".devwiki/pywikibot/user-password.py",
        ".devwiki-rel/credentials.json",
        ".devwiki-rel/pywikibot/user-password.py",
    ]
    for path in ignored:
        result = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT, check=False)
        assert result.returncode == 0, f"{path} is not git-ignored"
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for name in ("user-password.py", "credentials.json", "secrets.env", ".lwp"):
        assert not [line for line in tracked.splitlines() if line.endswith(name)], f"a {name} is tracked"


def test_the_dev_wiki_keeps_its_secrets_private(relwiki: DevWiki) -> None:
    for path in (relwiki.pywikibot_dir / "user-password.py", relwiki.data_dir / "credentials.json"):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
