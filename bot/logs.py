"""Logging set-up: readable lines (default) or JSON lines, on standard error, and a progress
indicator that draws only on a terminal. Log records may carry ``extra={"page": ..., "action": ...}``;
the JSON format keeps those as fields."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from typing import TextIO

_EXTRA_FIELDS = ("page", "action")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, object] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created)),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in _EXTRA_FIELDS:
            if hasattr(record, key):
                doc[key] = getattr(record, key)
        return json.dumps(doc, ensure_ascii=False)


def setup_logging(fmt: str = "text", verbose: bool = False) -> None:
    """Configure the ``bot`` loggers; Pywikibot's own chatter is kept at warnings."""
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S"))
    root = logging.getLogger("bot")
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    root.propagate = False
    logging.getLogger("pywiki").setLevel(logging.WARNING)


class Progress:
    """``pages read: N`` redrawn in place on a terminal, at most 10 times a second; silent elsewhere.
    ``label``: the words before the count (:func:`bot.run_summary.progress_text` in a language)."""

    def __init__(self, stream: TextIO = sys.stderr, label: str = "pages read: ") -> None:
        self.stream = stream
        self.label = label
        self.enabled = stream.isatty()
        self._last = 0.0

    def __call__(self, count: int) -> None:
        now = time.monotonic()
        if self.enabled and now - self._last >= 0.1:
            self._last = now
            self.stream.write(f"\r{self.label}{count}")
            self.stream.flush()

    def clear(self) -> None:
        """Wipe the line before other output (a dry run's diffs) reaches the same terminal; the
        next count draws it again."""
        if self.enabled and self._last:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._last = 0.0

    def around(self, show: Callable[[str], None]) -> Callable[[str], None]:
        """``show``, with the progress line wiped first."""

        def wrapped(text: str) -> None:
            self.clear()
            show(text)

        return wrapped

    def finish(self) -> None:
        self.clear()
