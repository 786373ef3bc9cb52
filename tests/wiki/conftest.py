"""Fixtures for tests against the local dev wiki (scripts/devwiki).

``devwiki`` (session) runs ``./scripts/devwiki up`` once for the tests' own wiki — never the
demo's: ``.devwiki-test/`` on port 8081 (``DEVWIKI_TEST_DIR``, ``DEVWIKI_TEST_PORT`` to change) —
which installs MediaWiki on the first run (apt, a minute or so) and is a fast no-op when the wiki
already runs. It fails, never skips, when the wiki cannot start, with the script's output as the
reason. Every wiki a test session starts through :func:`run_devwiki` (this one, the reliability
suite's, scratch wikis) is stopped when the session ends; the demo's wiki is never touched.

Every test under tests/wiki gets the ``wiki`` marker, so ``pytest -m 'not wiki'`` leaves them
out.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .api import WikiApi

WIKI_TESTS = Path(__file__).resolve().parent
REPO_ROOT = WIKI_TESTS.parents[1]
DEVWIKI_SCRIPT = REPO_ROOT / "scripts" / "devwiki"
# The first `up` installs Debian packages; allow for a slow mirror.
UP_TIMEOUT = 1200.0
#: The tests' own wiki (never the demo's ``.devwiki/`` on 8080).
TEST_DIR = Path(os.environ.get("DEVWIKI_TEST_DIR") or REPO_ROOT / ".devwiki-test")
TEST_PORT = int(os.environ.get("DEVWIKI_TEST_PORT") or 8081)
#: Environments of the wikis this session started (``up``): stopped at the session's end.
STARTED: list[dict[str, str]] = []


def test_wiki_env() -> dict[str, str]:
    """The environment that points ``scripts/devwiki`` at the tests' own wiki."""
    return dict(os.environ, DEVWIKI_DIR=str(TEST_DIR), DEVWIKI_PORT=str(TEST_PORT))


@dataclass(frozen=True)
class DevWiki:
    """The running dev wiki: where it is and how to log in."""

    root: Path
    """The repository root."""
    url: str
    """http://127.0.0.1:PORT (no trailing slash)."""
    api: str
    """Full URL of api.php."""
    admin_user: str
    admin_password: str
    bot_user: str
    """The BotPassword login name, e.g. PartnershipBot@tracker."""
    bot_password: str
    bot_account: str
    """The bot's account name, e.g. PartnershipBot."""
    pywikibot_dir: Path
    """A Pywikibot directory (user-config.py, user-password.py, families/) for this wiki."""
    data_dir: Path
    """.devwiki/ in the repository root."""

    def pywikibot_env(self) -> dict[str, str]:
        """The environment for a subprocess that runs Pywikibot against this wiki."""
        env = dict(os.environ)
        env["PYWIKIBOT_DIR"] = str(self.pywikibot_dir)
        env.pop("PYWIKIBOT_DIR_PWB", None)
        return env

    @classmethod
    def from_credentials(cls, data_dir: Path) -> DevWiki:
        """The wiki that ``scripts/devwiki up`` made in ``data_dir`` (its credentials.json).
        Raises ``OSError`` or ``ValueError`` when that file is missing or unreadable."""
        creds = json.loads((data_dir / "credentials.json").read_text(encoding="utf-8"))
        return cls(
            root=REPO_ROOT,
            url=str(creds["url"]),
            api=str(creds["api"]),
            admin_user=str(creds["admin_user"]),
            admin_password=str(creds["admin_password"]),
            bot_user=str(creds["bot_user"]),
            bot_password=str(creds["bot_password"]),
            bot_account=str(creds["bot_account"]),
            pywikibot_dir=Path(creds["pywikibot_dir"]),
            data_dir=data_dir,
        )

    @property
    def host(self) -> str:
        """127.0.0.1:PORT, the URL without its scheme."""
        return self.url.split("://", 1)[-1]

    @property
    def python(self) -> str:
        """The virtualenv's Python (which has Pywikibot), else the one running pytest."""
        venv_python = self.root / ".venv" / "bin" / "python"
        return str(venv_python) if venv_python.exists() else sys.executable


def run_devwiki(
    *args: str, timeout: float = 120.0, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run scripts/devwiki with stdout and stderr together in .stdout (``env``: its environment,
    e.g. DEVWIKI_DIR and DEVWIKI_PORT of a second wiki; by default the tests' own wiki). A wiki
    brought ``up`` here is remembered and stopped when the test session ends (:func:`stop_started`)."""
    env = test_wiki_env() if env is None else env
    if args[:1] == ("up",) and not any(e.get("DEVWIKI_DIR") == env.get("DEVWIKI_DIR") for e in STARTED):
        STARTED.append(env)
    return subprocess.run(
        [str(DEVWIKI_SCRIPT), *args],
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )


def stop_started() -> list[str]:
    """``./scripts/devwiki down`` for every wiki this session brought up; returns a line per wiki
    that would not stop."""
    problems = []
    while STARTED:
        env = STARTED.pop()
        proc = run_devwiki("down", env=env)
        if proc.returncode != 0:
            problems.append(f"{env.get('DEVWIKI_DIR')}: {proc.stdout.strip()}")
    return problems


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(WIKI_TESTS):
            item.add_marker(pytest.mark.wiki)


@pytest.fixture(scope="session")
def devwiki() -> DevWiki:
    try:
        result = run_devwiki("up", timeout=UP_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        output = exc.stdout if isinstance(exc.stdout, str) else ""
        pytest.fail(f"./scripts/devwiki up timed out after {UP_TIMEOUT:.0f}s:\n{output}", pytrace=False)
    if result.returncode != 0:
        pytest.fail(
            f"./scripts/devwiki up failed (exit {result.returncode}):\n{result.stdout}",
            pytrace=False,
        )
    data_dir = TEST_DIR
    try:
        return DevWiki.from_credentials(data_dir)
    except (OSError, ValueError) as exc:
        pytest.fail(
            f"./scripts/devwiki up left no readable .devwiki/credentials.json: {exc}\n{result.stdout}",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def admin_api(devwiki: DevWiki) -> Iterator[WikiApi]:
    """A client logged in as Admin (sysop, bureaucrat). Shared: do not log it out."""
    with WikiApi(devwiki.api) as api:
        api.login(devwiki.admin_user, devwiki.admin_password)
        yield api


@pytest.fixture(scope="session")
def bot_api(devwiki: DevWiki) -> Iterator[WikiApi]:
    """A client logged in with the bot's BotPassword. Shared: do not log it out."""
    with WikiApi(devwiki.api) as api:
        api.login(devwiki.bot_user, devwiki.bot_password)
        yield api
