"""Fixtures of the reliability suite: its own dev wiki (``.devwiki-rel/``, port 8095), the fault
proxy in front of it, a Pywikibot directory that points the bot at the proxy, and the scenarios
of the concurrency and blind-spot probes (``make_setup``).

Every test here gets the marker ``reliability``, and ``wiki`` when it needs the wiki. Tests marked ``full`` (long runs:
many kill points, long fault campaigns) are deselected unless ``RELIABILITY_FULL=1``, which
``./scripts/reliability`` sets; ``./scripts/test`` runs the seeded short subset.

The figures of :mod:`tests.reliability.counters` are printed at the end of the session and, when
``RELIABILITY_COUNTERS`` names a file, written there as JSON."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.wiki.api import WikiApi
from tests.wiki.conftest import DevWiki

from . import counters
from .concurrency import Setup, config_for
from .env import SHUTOFF, SHUTOFF_OFF, BotRunner, proxied_pywikibot_dir, start_relwiki, write_config
from .proxy import FaultProxy

HERE = Path(__file__).resolve().parent
FULL = os.environ.get("RELIABILITY_FULL") == "1"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "reliability: the reliability suite (tests/reliability)")
    config.addinivalue_line("markers", "full: long reliability runs, only with RELIABILITY_FULL=1")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    long_runs = []
    for item in items:
        if item.path.is_relative_to(HERE):
            if "relwiki" in getattr(item, "fixturenames", ()):
                item.add_marker(pytest.mark.wiki)
            item.add_marker(pytest.mark.reliability)
            if not FULL and item.get_closest_marker("full"):
                long_runs.append(item)
    if long_runs:  # deselected rather than skipped: they are not missing, they are for ./scripts/reliability
        config.hook.pytest_deselected(items=long_runs)
        items[:] = [item for item in items if item not in long_runs]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    path = os.environ.get("RELIABILITY_COUNTERS")
    if path:
        counters.save(Path(path))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    figures = counters.snapshot()
    if any(figures.values()):
        terminalreporter.write_line(
            "reliability: " + ", ".join(f"{k} {v}" for k, v in figures.items()) + f", outputs checked for "
            f"secrets {counters.outputs_checked}"
        )


@pytest.fixture(scope="session")
def relwiki() -> DevWiki:
    try:
        wiki = start_relwiki()
    except (RuntimeError, OSError) as exc:
        pytest.fail(str(exc), pytrace=False)
    for secret in (wiki.bot_password, wiki.admin_password):
        if secret not in counters.SECRETS:
            counters.SECRETS.append(secret)
    return wiki


@pytest.fixture(scope="session")
def rel_admin(relwiki: DevWiki) -> Iterator[WikiApi]:
    """Admin on the reliability wiki, talking to it directly (never through the proxy)."""
    with WikiApi(relwiki.api) as api:
        api.login(relwiki.admin_user, relwiki.admin_password)
        api.edit(SHUTOFF, SHUTOFF_OFF, "reliability tests: shutoff off")
        yield api


@pytest.fixture(scope="session")
def direct_bot(relwiki: DevWiki, rel_admin: WikiApi, tmp_path_factory: pytest.TempPathFactory) -> BotRunner:
    """The bot talking to the wiki directly; installs the wiki-side templates once."""
    work = tmp_path_factory.mktemp("direct")
    config = write_config(work, namespace=0, summary="Partnership tracker", status="User:PartnershipBot/Status")
    runner = BotRunner(relwiki, relwiki.pywikibot_dir, config, work)
    runner.ok("install-templates")
    return runner


@pytest.fixture(scope="session")
def proxy(relwiki: DevWiki) -> Iterator[FaultProxy]:
    with FaultProxy(relwiki.host) as running:
        yield running


@pytest.fixture(scope="session")
def proxied_dir(relwiki: DevWiki, proxy: FaultProxy, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return proxied_pywikibot_dir(relwiki, proxy.host, tmp_path_factory.mktemp("pwb") / "pywikibot")


@pytest.fixture
def clean_proxy(proxy: FaultProxy) -> Iterator[FaultProxy]:
    """The proxy with no faults and an empty log; faults it injected are counted after the test."""
    proxy.reset()
    yield proxy
    counters.add("faults_injected", sum(proxy.faults.values()))
    proxy.reset()


@pytest.fixture(scope="module")
def make_setup(
    relwiki: DevWiki,
    rel_admin: WikiApi,
    direct_bot: BotRunner,
    proxy: FaultProxy,
    proxied_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[..., Setup]:
    def make(namespace: int, name: str, **keys: str) -> Setup:
        work = tmp_path_factory.mktemp(name)
        summary, status = f"User:PartnershipBot/{name} summary", f"User:PartnershipBot/{name} status"
        config = config_for(work, namespace, summary, status, name="bot.toml", state="state.sqlite", **keys)
        reference = config_for(work, namespace, summary, status, name="fresh.toml", state="fresh.sqlite", **keys)
        return Setup(
            rel_admin,
            relwiki,
            namespace,
            summary,
            status,
            BotRunner(relwiki, proxied_dir, config, work),
            BotRunner(relwiki, relwiki.pywikibot_dir, reference, work),
            proxy,
        )

    return make
