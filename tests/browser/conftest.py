"""Fixtures for the browser tests: a wiki of their own with the example pages seeded and one real pass
of the bot, and one headless Chromium for the session.

The wiki is new for every session (``./scripts/devwiki up`` in a temporary folder, on a free port,
stopped when the session ends like every wiki a test session starts): the tests' shared wiki
(``.devwiki-test/``) outlives test runs and collects the pages of tests/wiki and tests/reliability
(hostile values, hundreds of characters long), so on a second run its summary table would hold more
than the example pages, whose sorting and width these tests are about.

The browser is Debian's: ``/usr/bin/chromium`` driven by ``/usr/bin/chromedriver`` (packages
``chromium`` and ``chromium-driver``, installed by ``scripts/setup``). The service is given the
driver's path, so Selenium never runs Selenium Manager (which would look for, and download, a driver
or a browser); ``SE_OFFLINE=true`` is set too, and the fixture checks through Selenium's own log that
Selenium Manager was skipped. A Chromium that cannot start fails the tests with the reason; they never
skip. Chromium runs with its background networking off (no component updates, no sync, no first-run
pages) and a proxy on a closed port for anything but 127.0.0.1, so it talks to nothing but the local wiki.

At the end of the session the driver quits and the fixture waits until chromedriver and every
process it started (Chromium's) are gone; a survivor is killed by its pid and fails the session.

Screenshots go to ``.screenshots/`` in the repository root (ignored by git) for review.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service

from tests.wiki.api import WikiApi
from tests.wiki.botrun import Bot, bot_fixture

# admin_api: the tests' Admin client, here on the browser tests' own wiki (``devwiki`` below).
from tests.wiki.conftest import UP_TIMEOUT, DevWiki, admin_api, run_devwiki  # noqa: F401

from .pages import SCREENSHOTS

BROWSER_TESTS = Path(__file__).resolve().parent
REPO_ROOT = BROWSER_TESTS.parents[1]
EXAMPLES = REPO_ROOT / "templates_wiki" / "examples"
STANDINS = REPO_ROOT / "scripts" / "devwiki.d" / "standins"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WIDTH, HEIGHT = 1366, 768
CHROMIUM_ARGS = (
    "--headless=new",
    "--no-sandbox",  # the tests run as root, where Chromium's sandbox refuses to start
    "--disable-dev-shm-usage",
    "--disable-gpu",
    f"--window-size={WIDTH},{HEIGHT}",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--lang=en-US",
    # Every request not to 127.0.0.1 (which Chromium never proxies) goes to a closed port: the browser
    # reaches nothing but the local wiki, and a page that tries shows a console error.
    "--proxy-server=http://127.0.0.1:9",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(BROWSER_TESTS):
            item.add_marker(pytest.mark.wiki)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def devwiki(tmp_path_factory: pytest.TempPathFactory) -> DevWiki:
    """A new wiki for this session (a temporary folder, a free port); fails, never skips, when it
    cannot start. :func:`tests.wiki.conftest.run_devwiki` remembers it: stopped at the session's end."""
    data = tmp_path_factory.mktemp("browser") / "wiki"
    env = dict(os.environ, DEVWIKI_DIR=str(data), DEVWIKI_PORT=str(free_port()))
    env.pop("PARTNERSHIP_BOT_CONFIG", None)
    try:
        proc = run_devwiki("up", timeout=UP_TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        pytest.fail(f"./scripts/devwiki up (the browser tests' wiki) took over {UP_TIMEOUT:.0f}s", pytrace=False)
    if proc.returncode != 0:
        pytest.fail(f"./scripts/devwiki up (the browser tests' wiki) failed:\n{proc.stdout}", pytrace=False)
    return DevWiki.from_credentials(data)


@pytest.fixture(scope="session")
def seeded(devwiki: DevWiki, admin_api: WikiApi, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:  # noqa: F811
    """The wiki-side templates installed, the stand-ins and the example pages seeded, and one real
    pass of the bot (tests/wiki/botrun.py): the summary page holds a row per example page."""
    for bot in bot_fixture(devwiki, admin_api, tmp_path_factory):
        bot.ok("seed", str(STANDINS))
        bot.ok("seed", str(EXAMPLES))
        bot.ok("run")
        yield bot


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append((record.name, record.getMessage()))


def _descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (pgrep -P, recursively)."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        out = subprocess.run(["pgrep", "-P", str(todo.pop())], capture_output=True, text=True, check=False)
        children = {int(p) for p in out.stdout.split()} - found
        found |= children
        todo.extend(children)
    return found


def _alive(pids: set[int]) -> set[int]:
    """The processes of ``pids`` still running (neither gone nor a zombie)."""
    return {p for p in pids if _state(p) not in ("", "Z")}


def _state(pid: int) -> str:
    """The process's state letter (``R``, ``S``, ``Z``, …), or "" when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[-1].split()[0]


def start_chromium() -> webdriver.Chrome:
    """Debian's Chromium through Debian's chromedriver, headless at 1366×768, with the browser's
    console kept (``goog:loggingPrefs``); fails the test with the reason when it cannot start, or
    when Selenium would have called Selenium Manager."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            pytest.fail(f"{path} is missing: run ./scripts/setup (it installs chromium and chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in CHROMIUM_ARGS:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    os.environ["SE_OFFLINE"] = "true"  # belt and braces: Selenium Manager, if ever run, stays offline
    records = _Records()
    selenium_log = logging.getLogger("selenium")
    level = selenium_log.level
    selenium_log.addHandler(records)
    selenium_log.setLevel(logging.DEBUG)
    try:
        driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    except WebDriverException as exc:
        pytest.fail(f"Chromium did not start ({CHROMIUM} via {CHROMEDRIVER}): {exc.msg or exc}", pytrace=False)
    finally:
        selenium_log.removeHandler(records)
        selenium_log.setLevel(level)
    manager = [m for name, m in records.messages if name.endswith("selenium_manager")]
    skipped = [m for _, m in records.messages if m.startswith("Skipping Selenium Manager")]
    if manager or not skipped:
        driver.quit()
        pytest.fail(f"Selenium Manager was called (it must never be): {manager or records.messages}", pytrace=False)
    return driver


def stop_chromium(driver: webdriver.Chrome) -> None:
    """Quit the driver and wait (10 s at most) until chromedriver and every process below it are
    gone; a survivor is killed (by its pid) and fails the session."""
    service = driver.service.process
    pids = ({service.pid} | _descendants(service.pid)) if service is not None else set()
    driver.quit()
    deadline = time.monotonic() + 10
    while _alive(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = _alive(pids)
    for pid in left:
        os.kill(pid, 9)
    assert not left, f"Chromium or chromedriver still running after quit (killed): pids {sorted(left)}"


@pytest.fixture(scope="session")
def driver() -> Iterator[webdriver.Chrome]:
    """One headless Chromium for the whole session (starting one takes about a second)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    chromium = start_chromium()
    try:
        yield chromium
    finally:
        stop_chromium(chromium)
