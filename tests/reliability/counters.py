"""The figures ``./scripts/reliability`` prints, collected while the reliability tests run.

Tests add to them with :func:`add`; the conftest writes them to ``$RELIABILITY_COUNTERS`` (JSON)
at the end of the session and prints them in pytest's summary. ``SECRETS`` holds the passwords of
the test wiki: every output of every bot run is checked against them (:func:`record_output`)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

KEYS = (
    "faults_injected",
    "passes_survived",
    "kill_points",
    "fuzz_cases",
    "pages_damaged",
    "human_edits_overwritten",
    "duplicate_edits",
)
#: Figures that must be zero.
MUST_BE_ZERO = ("pages_damaged", "human_edits_overwritten", "duplicate_edits")

_counts: Counter[str] = Counter()
SECRETS: list[str] = []
outputs_checked = 0


def add(key: str, n: int = 1) -> None:
    assert key in KEYS or key.startswith("extra_"), key
    _counts[key] += n


def snapshot() -> dict[str, int]:
    return {key: _counts[key] for key in KEYS} | {k: v for k, v in sorted(_counts.items()) if k not in KEYS}


def record_output(text: str) -> None:
    """Fail at once when a password of the test wiki appears in a bot's output or report."""
    global outputs_checked
    outputs_checked += 1
    for secret in SECRETS:
        if secret and secret in text:
            raise AssertionError("a password of the test wiki appears in the bot's output")


def save(path: Path) -> None:
    path.write_text(json.dumps(snapshot(), indent=1) + "\n", encoding="utf-8")
