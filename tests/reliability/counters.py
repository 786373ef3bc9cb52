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
    # issue 11: tampering probes and random edit sequences
    "probes",
    "edit_sequences",
    "human_text_lost",
    "wrong_tags",
    "lost_rows",
    "pages_over_limit",
    "secrets_found",
    "shutoff_max_edits_after",
    "shutoff_max_seconds_after",
)
#: Figures that must be zero.
MUST_BE_ZERO = (
    "pages_damaged",
    "human_edits_overwritten",
    "duplicate_edits",
    "human_text_lost",
    "wrong_tags",
    "lost_rows",
    "pages_over_limit",
    "secrets_found",
)
#: Figures that must stay within a bound (the shutoff is honoured within 10 edits or 10 seconds).
BOUNDS = {"shutoff_max_edits_after": 10, "shutoff_max_seconds_after": 10}
#: Figures recorded as the largest value seen, not as a sum.
MAXIMA = frozenset(BOUNDS)

_counts: Counter[str] = Counter()
SECRETS: list[str] = []
outputs_checked = 0


def add(key: str, n: int = 1) -> None:
    assert (key in KEYS and key not in MAXIMA) or key.startswith("extra_"), key
    _counts[key] += n


def record_max(key: str, value: float) -> None:
    """Keep the largest ``value`` seen for ``key`` (one of :data:`MAXIMA`), rounded up to an int."""
    assert key in MAXIMA, key
    _counts[key] = max(_counts[key], int(-(-value // 1)))


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
