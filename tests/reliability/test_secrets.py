"""Issue 6, part 5: credentials never appear in logs, reports, status pages or exceptions; the
secret files are git-ignored; a password file others can read is refused.

Issue 11, item 9 (probes, each counted in ``probes``): after ``./scripts/devwiki up`` and bot runs,
no file the wiki, the dev tooling or the tests wrote holds a password, the three credential files
aside (``secrets_found``); ``./scripts/devwiki up`` puts no password on any command line (every
program it runs is recorded through a PATH of wrappers); a user without a password entry gets one
line and exit 2, never a prompt; the account's main password is used with one warning; two dev
wikis keep two state databases.

Besides these tests, every output of every bot run of the reliability suite is checked for the
test wiki's passwords as it comes (tests/reliability/counters.py, ``record_output``)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import stat
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.wiki.api import WikiApi
from tests.wiki.conftest import DevWiki, run_devwiki

from . import counters
from .env import REL_PORT, ROOT, BotRunner, write_config
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


def test_secret_files_are_git_ignored_and_not_tracked(tmp_path: Path) -> None:
    """The project's ``.gitignore`` keeps every credential file out of git, and none is tracked.
    ``git`` is installed by ``./scripts/setup``. In a checkout the rules are asked of the checkout
    itself; in an exported tree (no ``.git``) of a scratch repository holding the same ``.gitignore``
    (nothing is tracked there, so only the rules are checked)."""
    assert shutil.which("git"), "git is missing: ./scripts/setup installs it"
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
    repo = ROOT
    if not (ROOT / ".git").exists():
        repo = tmp_path / "scratch"
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
        shutil.copy(ROOT / ".gitignore", repo / ".gitignore")
        for path in ignored:  # (a directory rule matches a path only when git sees the directory)
            (repo / path).parent.mkdir(parents=True, exist_ok=True)
            (repo / path).touch()
    for path in ignored:
        result = subprocess.run(["git", "check-ignore", "-q", path], cwd=repo, check=False)
        assert result.returncode == 0, f"{path} is not git-ignored"
    tracked = subprocess.run(["git", "ls-files"], cwd=repo, capture_output=True, text=True, check=True).stdout
    for name in ("user-password.py", "credentials.json", "secrets.env", ".lwp"):
        assert not [line for line in tracked.splitlines() if line.endswith(name)], f"a {name} is tracked"


def test_the_dev_wiki_keeps_its_secrets_private(relwiki: DevWiki) -> None:
    for path in (relwiki.pywikibot_dir / "user-password.py", relwiki.data_dir / "credentials.json"):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path


# -- issue 11, item 9: no password in any file written, on any command line; one-line login errors

#: The files meant to hold a password (mode 600): the wiki's, and every copy of a Pywikibot directory's.
CREDENTIAL_FILES = frozenset({"credentials.json", "secrets.env", "user-password.py"})
#: Records the command line of every program it stands for, then runs the real one (found on REAL_PATH).
RECORDER = """#!/bin/sh
name=${0##*/}
{ printf '%s' "$name"; for word in "$@"; do printf ' %s' "$word"; done; printf '\\n'; } >>"$ARGV_LOG"
real=$(PATH=$REAL_PATH; command -v -- "$name") || { echo "$name: not found" >&2; exit 127; }
exec "$real" "$@"
"""


def wiki_passwords(data_dir: Path) -> list[str]:
    """Every password ``scripts/devwiki`` made for a wiki (admin, bot account, BotPassword)."""
    lines = (data_dir / "secrets.env").read_text(encoding="utf-8").splitlines()
    values = [value.strip() for _, sep, value in (line.partition("=") for line in lines) if sep]
    assert len(values) == 3 and all(values), f"unexpected {data_dir / 'secrets.env'}"
    return values


def files_with_secrets(roots: Iterable[Path], secrets: Iterable[str]) -> list[str]:
    """Every regular file under ``roots``, the credential files aside, that holds one of ``secrets``."""
    needles = [s.encode() for s in secrets]
    found = []
    for root in roots:
        for path in root.rglob("*"):
            if path.name in CREDENTIAL_FILES or path.is_symlink() or not path.is_file():
                continue
            try:
                data = path.read_bytes()
            except FileNotFoundError:  # a temporary file of the wiki or of a test, gone meanwhile
                continue
            if any(n in data for n in needles):
                found.append(str(path))
    return found


def argv_recorder(shims: Path, log: Path, path: str) -> dict[str, str]:
    """Environment under which every program run through PATH (by scripts/devwiki and all it starts)
    is recorded in ``log``: ``shims`` holds a wrapper for each executable name on ``path``."""
    shims.mkdir()
    recorder = shims / ".record"
    recorder.write_text(RECORDER, encoding="utf-8")
    recorder.chmod(0o755)
    for folder in filter(None, path.split(os.pathsep)):
        with contextlib.suppress(OSError):
            for exe in Path(folder).iterdir():
                link = shims / exe.name
                if not link.exists() and exe.is_file() and os.access(exe, os.X_OK):
                    link.symlink_to(recorder)
    return {"PATH": f"{shims}{os.pathsep}{path}", "REAL_PATH": path, "ARGV_LOG": str(log)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Scratch:
    wiki: DevWiki
    env: dict[str, str]
    """DEVWIKI_DIR and DEVWIKI_PORT of this wiki (for ./scripts/devwiki)."""
    argv_log: Path
    """The command line of every program that its first ``./scripts/devwiki up`` ran."""


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scratch]:
    """A new dev wiki of its own (DEVWIKI_DIR in a temporary folder, a free port), created by
    ``./scripts/devwiki up`` with every program it runs recorded; stopped after the module."""
    base = tmp_path_factory.mktemp("scratch")
    env = dict(os.environ, DEVWIKI_DIR=str(base / "wiki"), DEVWIKI_PORT=str(free_port()))
    env.pop("PARTNERSHIP_BOT_CONFIG", None)
    log = base / "argv.log"
    try:
        proc = run_devwiki("up", timeout=600, env=env | argv_recorder(base / "shims", log, env["PATH"]))
        assert proc.returncode == 0, proc.stdout
        yield Scratch(DevWiki.from_credentials(base / "wiki"), env, log)
    finally:
        run_devwiki("down", env=env)


def devwiki_env(wiki: DevWiki, port: int) -> dict[str, str]:
    env = dict(os.environ, DEVWIKI_DIR=str(wiki.data_dir), DEVWIKI_PORT=str(port))
    env.pop("PARTNERSHIP_BOT_CONFIG", None)
    return env


def test_devwiki_up_puts_no_password_on_a_command_line(scratch: Scratch) -> None:
    """Every program ``./scripts/devwiki up`` ran on a new wiki (install.php, the accounts, the
    BotPassword, configure.py, the server, and whatever they started through PATH) was recorded:
    none had a password among its arguments. Nor does any process running now (the wiki's server)
    have one in its command line or environment. Not covered: a program started by absolute path
    other than those (scripts/devwiki starts none that handles a password)."""
    counters.add("probes")
    secrets = wiki_passwords(scratch.wiki.data_dir)
    lines = scratch.argv_log.read_text(encoding="utf-8").splitlines()
    for step in ("install.php", "createAndPromote.php --bot", "createBotPassword.php", "configure.py", "php -d"):
        assert any(step in line for line in lines), f"the recorder saw no {step!r}: {lines[:20]}"
    leaks = [line.split(" ", 1)[0] for line in lines if any(s in line for s in secrets)]
    for proc in Path("/proc").glob("[0-9]*"):
        for name in ("cmdline", "environ"):
            with contextlib.suppress(OSError):
                if any(s.encode() in (proc / name).read_bytes() for s in secrets):
                    leaks.append(f"{proc}/{name}")
    counters.add("secrets_found", len(leaks))
    assert not leaks, f"passwords on the command line or in the environment of: {leaks}"


def test_a_new_dev_wiki_is_private(scratch: Scratch) -> None:
    """Everything ``up`` wrote is its owner's alone (files 600, directories 700); the password that
    createBotPassword.php prints is hidden in the install log."""
    counters.add("probes")
    data = scratch.wiki.data_dir
    exposed = [str(p) for p in (data, *data.rglob("*")) if not p.is_symlink() and p.stat().st_mode & 0o077]
    assert not exposed, f"readable by others: {exposed}"
    assert "password:'<hidden>'" in (data / "logs" / "install.log").read_text(encoding="utf-8")


def test_two_dev_wikis_keep_separate_state(scratch: Scratch, relwiki: DevWiki) -> None:
    """``./scripts/devwiki bot`` with config/devwiki.toml keeps the state database, and the run lock
    beside it, in the DEVWIKI_DIR of the wiki it runs against."""
    counters.add("probes")
    states = []
    for wiki, env in ((scratch.wiki, scratch.env), (relwiki, devwiki_env(relwiki, REL_PORT))):
        proc = run_devwiki("bot", "status", "--json", env=env)
        assert proc.returncode == 0, proc.stdout
        state = Path(json.loads(proc.stdout[proc.stdout.index("{") :])["state"])
        assert state == wiki.data_dir.resolve() / "bot-state.sqlite" and state.is_file(), state
        states.append(state)
    assert states[0] != states[1]
    lock = states[0].with_name(states[0].name + ".lock")
    lock.unlink(missing_ok=True)
    run_devwiki("bot", "run", "--dry-run", env=scratch.env)  # a new wiki has no summary page: exit 3
    assert lock.is_file(), "the pass took no lock beside its state"


def test_no_file_written_holds_a_password(
    runner: BotRunner, relwiki: DevWiki, scratch: Scratch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """After ``./scripts/devwiki up`` (the relwiki fixture), a pass run by ``./scripts/devwiki bot``
    and every test before this one: no file under the wikis' directories or the tests' temporary
    folders (state databases, reports, run logs, Pywikibot directories with cookies and debug logs,
    the recorded command lines) holds a password of either wiki, the credential files aside."""
    counters.add("probes")
    env = devwiki_env(relwiki, REL_PORT) | {"PARTNERSHIP_BOT_CONFIG": str(runner.config)}
    proc = run_devwiki("bot", "run", env=env, timeout=300)
    counters.record_output(proc.stdout)
    assert proc.returncode == 0, proc.stdout
    temporary = tmp_path_factory.getbasetemp()  # every temporary folder of this session's tests
    found = []
    for wiki in (relwiki, scratch.wiki):
        found += files_with_secrets((wiki.data_dir, temporary), wiki_passwords(wiki.data_dir))
    counters.add("secrets_found", len(found))
    assert not found, f"files holding a password: {found}"


def _set_user(private_dir: Path, user: str) -> None:
    config = private_dir / "user-config.py"
    text, n = re.subn(
        r"^usernames\[.*$", f"usernames['devwiki']['en'] = {user!r}", config.read_text(encoding="utf-8"), flags=re.M
    )
    assert n == 1
    config.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("user", ["Admin", "NoSuchBot"])
def test_a_user_without_a_password_gets_one_line_and_no_prompt(
    runner: BotRunner, private_dir: Path, clean_proxy: FaultProxy, user: str
) -> None:
    """``Admin`` exists on the wiki (Pywikibot would ask for its password), ``NoSuchBot`` does not:
    either way one line names the user and the password file and says what to do, exit 2, before
    any login request."""
    counters.add("probes")
    _set_user(private_dir, user)
    out = runner.run("run")
    assert out.code == 2, out.text
    lines = [line for line in (out.stdout + out.stderr).splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: no password for user "), out.text
    assert f"{user!r}" in lines[0] and str(private_dir / "user-password.py") in lines[0], lines[0]
    assert "Special:BotPasswords" in lines[0] and "user-config.py" in lines[0]
    # Creating Pywikibot's site object reads userinfo; nothing more happened.
    assert [seen.action for seen in clean_proxy.log] in ([], ["query"]), clean_proxy.log


def test_the_main_password_works_with_one_warning(
    runner: BotRunner, private_dir: Path, relwiki: DevWiki, clean_proxy: FaultProxy
) -> None:
    """A plain ``('PartnershipBot', 'main password')`` entry logs in (clientlogin) with one warning
    that says to create a BotPassword at Special:BotPasswords; the password is in no output."""
    counters.add("probes")
    main_password = wiki_passwords(relwiki.data_dir)[1]
    if main_password not in counters.SECRETS:
        counters.SECRETS.append(main_password)
    password_file = private_dir / "user-password.py"
    password_file.write_text(f"({relwiki.bot_account!r}, {main_password!r})\n", encoding="utf-8")
    password_file.chmod(0o600)
    out = runner.run("run")
    assert out.code == 0, out.text
    warnings = [line for line in out.stderr.splitlines() if "Special:BotPasswords" in line]
    assert len(warnings) == 1 and "WARNING" in warnings[0] and "main password" in warnings[0], out.stderr
    assert any(seen.action == "clientlogin" for seen in clean_proxy.log)


NO_PROMPT = """
from pathlib import Path
import pywikibot
from bot.errors import LoginFailed
from bot.wiki.checks import forbid_prompts
forbid_prompts(pywikibot.bot.ui, "PartnershipBot", Path("user-password.py"))
print("forced:", pywikibot.input("A question", default="the default", force=True))
try:
    pywikibot.input("Password for user PartnershipBot on devwiki:en", password=True)
except LoginFailed as exc:
    print("refused:", exc)
"""


def test_pywikibot_cannot_prompt_in_the_bot(relwiki: DevWiki) -> None:
    """The guard the bot sets before its login (Pywikibot prompts for a password after some failed
    logins, also when it logs in again during a pass) makes Pywikibot's real user interface refuse
    with the one-line error; a question asked with ``force`` still gets its default."""
    counters.add("probes")
    proc = subprocess.run(
        [relwiki.python, "-c", NO_PROMPT],
        cwd=ROOT,
        env=relwiki.pywikibot_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "forced: the default" in proc.stdout, proc.stdout
    assert "refused: Pywikibot wanted to ask 'Password for user PartnershipBot" in proc.stdout, proc.stdout
    assert "Password for user" not in proc.stderr, proc.stderr  # no prompt was shown
