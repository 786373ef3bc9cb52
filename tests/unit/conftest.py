"""Fixtures shared by the job's unit tests: the dev wiki's config and a state database in a
temporary folder. A test module may define its own ``config`` (a fixture there wins)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Config, load_config
from bot.state import StateStore
from tests.conftest import ROOT


@pytest.fixture
def config() -> Config:
    return load_config(ROOT / "config" / "devwiki.toml")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[StateStore]:
    with StateStore(tmp_path / "state.sqlite") as s:
        yield s
