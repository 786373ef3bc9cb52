"""Unified diffs of page texts, as a dry run shows them."""

from __future__ import annotations

import difflib


def unified_diff(title: str, old: str, new: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), f"{title} (current)", f"{title} (bot)"
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
