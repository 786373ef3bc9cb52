"""Shared fixtures for every test: the project's rules, a fixed as-of date, paths."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.rules import Rules, load_rules

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "corpus" / "wikipedia-sample"
EXAMPLES = ROOT / "templates_wiki" / "examples"
AS_OF = dt.date(2026, 11, 25)


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
