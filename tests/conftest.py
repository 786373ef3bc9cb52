"""Shared fixtures for every test: the project's rules, a fixed as-of date, paths, the dev wiki's
config and a state database in a temporary folder (a test module may define its own ``config``:
a fixture there wins)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Config, load_config
from bot.rules import Rules, load_rules
from bot.state import StateStore

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "corpus" / "wikipedia-sample"
EXAMPLES = ROOT / "templates_wiki" / "examples"
AS_OF = dt.date(2026, 11, 25)
#: The real gateway against a fake wiki: collected only by sessions of its own (see its conftest.py).
GATEWAY_TESTS = ROOT / "tests" / "gateway"


@pytest.fixture(scope="session")
def rules() -> Rules:
    return load_rules()


def corpus_pages() -> list[Path]:
    """The 70 real Wikipedia articles of ``tests/data/corpus`` (CC BY-SA 4.0, see its README); a
    missing corpus fails loudly."""
    pages = sorted(CORPUS.glob("*.wiki"))
    assert pages, f"corpus not found at {CORPUS}: restore tests/data/corpus from git"
    return pages


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Stop every dev wiki this session started (the tests' own, the reliability suite's, scratch
    wikis); the demo's wiki is never started or stopped by tests."""
    from tests.wiki.conftest import stop_started

    for problem in stop_started():
        print(f"\nwarning: a test wiki did not stop: {problem}")


def _session_paths(config: pytest.Config) -> list[Path]:
    return [Path(config.invocation_params.dir, arg.split("::")[0]).resolve() for arg in config.args]


def only_gateway_tests(config: pytest.Config) -> bool:
    """Whether every path this session was given lies in ``tests/gateway`` (whose tests import
    pywikibot with the fake wiki's configuration, which no other test may meet)."""
    paths = _session_paths(config)
    return bool(paths) and all(p.is_relative_to(GATEWAY_TESTS) for p in paths)


def pytest_configure(config: pytest.Config) -> None:
    """Refuse a session that names ``tests/gateway`` beside other tests: they cannot share a process."""
    named = any(p.is_relative_to(GATEWAY_TESTS) for p in _session_paths(config))
    if named and not only_gateway_tests(config):
        raise pytest.UsageError(
            "tests/gateway runs in a pytest session of its own (Pywikibot reads its configuration once per "
            "process): run `pytest tests/gateway` apart; tests/unit/test_gateway_offline.py runs it in child processes"
        )


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Leave ``tests/gateway`` out of a session that runs other tests too: it runs there in child
    processes (``tests/unit/test_gateway_offline.py``)."""
    if collection_path == GATEWAY_TESTS and not only_gateway_tests(config):
        return True
    return None


@pytest.fixture
def config() -> Config:
    return load_config(ROOT / "config" / "devwiki.toml")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[StateStore]:
    with StateStore(tmp_path / "state.sqlite") as s:
        yield s
