"""Small checked readers for TOML data: every problem is collected (never the first only) as one
line naming the file, the dotted key and the fix, then raised together as one ``ConfigError``.

Usage::

    r = Reader(Path("config/bot.toml"), data)
    name = r.string(data, "infobox.name")
    r.done()          # raises ConfigError if anything was reported
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from bot.errors import ConfigError


def load_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file; a missing file or a syntax error becomes a ``ConfigError`` naming the
    file, the line and what to do."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError([f"{path}: file not found; create it or pass the right path"]) from None
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read ({exc.strerror}); check its permissions"]) from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError([f"{path}: not UTF-8 (byte {exc.start}); save it as UTF-8"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{path}: TOML syntax error: {exc}; fix the syntax there"]) from None


_MISSING = object()


class Reader:
    """Typed access to a parsed TOML document that records problems instead of raising."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []
        self._reported: set[str] = set()

    def problem(self, key: str, what: str, fix: str) -> None:
        self._reported.add(key)
        self.problems.append(f"{self.path}: key {key!r}: {what}; {fix}")

    def reported(self, key: str) -> bool:
        """Whether ``key`` already has a problem (so a later check does not add a second line)."""
        return key in self._reported

    def done(self) -> None:
        """Raise one ``ConfigError`` with every recorded problem, if any."""
        if self.problems:
            raise ConfigError(self.problems)

    def keys(
        self,
        table: Mapping[str, Any],
        prefix: str,
        allowed: Iterable[str],
        required: Iterable[str] = (),
    ) -> None:
        """Report unknown keys (with the allowed ones) and missing required keys of ``table``."""
        allowed_set = set(allowed)
        for key in table:
            if key not in allowed_set:
                self.problem(
                    _join(prefix, key),
                    "unknown key",
                    f"remove it or use one of: {', '.join(sorted(allowed_set))}",
                )
        for key in required:
            if key not in table:
                self.problem(_join(prefix, key), "missing", "add it")

    def _get(self, table: Mapping[str, Any], prefix: str, key: str, default: Any) -> Any:
        value = table.get(key, _MISSING)
        if value is _MISSING:
            if default is _MISSING:
                self.problem(_join(prefix, key), "missing", "add it")
            return default if default is not _MISSING else None
        return value

    def table(self, table: Mapping[str, Any], prefix: str, key: str) -> dict[str, Any]:
        value = table.get(key, {})
        if not isinstance(value, dict):
            self.problem(
                _join(prefix, key),
                f"expected a table, got {_kind(value)}",
                f"write [{_join(prefix, key)}]",
            )
            return {}
        return value

    def string(
        self,
        table: Mapping[str, Any],
        prefix: str,
        key: str,
        default: Any = _MISSING,
        choices: Iterable[str] = (),
    ) -> str:
        value = self._get(table, prefix, key, default)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.problem(
                _join(prefix, key),
                f"expected a string, got {_kind(value)}",
                'quote it: key = "value"',
            )
            return ""
        options = list(choices)
        if options and value not in options:
            self.problem(_join(prefix, key), f"{value!r} is not allowed", f"use one of: {', '.join(options)}")
        return value

    def integer(
        self,
        table: Mapping[str, Any],
        prefix: str,
        key: str,
        default: Any = _MISSING,
        minimum: int = 0,
        maximum: int | None = None,
        why: str = "",
    ) -> int:
        """An integer setting from ``minimum`` to ``maximum``; out of range is a problem line (its
        reason ``why`` in parentheses, when given) and the nearest bound is used."""
        value = self._get(table, prefix, key, default)
        if value is None:
            return 0
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(
                _join(prefix, key),
                f"expected a whole number, got {_kind(value)}",
                "write a number without quotes",
            )
            return 0
        if value < minimum:
            self.problem(
                _join(prefix, key),
                f"{value} is below the minimum {minimum}",
                f"use {minimum} or more",
            )
            return minimum
        if maximum is not None and value > maximum:
            self.problem(
                _join(prefix, key),
                f"{value} is above the maximum {maximum}" + (f" ({why})" if why else ""),
                f"use {maximum} or less",
            )
            return maximum
        return value

    def boolean(self, table: Mapping[str, Any], prefix: str, key: str, default: Any = _MISSING) -> bool:
        value = self._get(table, prefix, key, default)
        if not isinstance(value, bool):
            self.problem(
                _join(prefix, key),
                f"expected true or false, got {_kind(value)}",
                "write true or false",
            )
            return False
        return value

    def strings(
        self,
        table: Mapping[str, Any],
        prefix: str,
        key: str,
        default: Any = _MISSING,
        nonempty: bool = False,
    ) -> tuple[str, ...]:
        value = self._get(table, prefix, key, default)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(
                _join(prefix, key),
                f"expected a list of strings, got {_kind(value)}",
                'write ["a", "b"]',
            )
            return ()
        if nonempty and not value:
            self.problem(_join(prefix, key), "is empty", "give at least one value")
        return tuple(value)


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _kind(value: Any) -> str:
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)
