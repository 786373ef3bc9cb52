"""The offline checker behind ``python -m bot check`` (contract §3): files → results → text/JSON.

Files are read as UTF-8; one that cannot be read or decoded is reported as an ``InputError`` and
the others are still checked. A directory means every ``*.wiki`` file below it, in path order. A
page is read as it would be on the wiki once saved (:func:`saved_text`), with the configured
extension tags (``[site] extension_tags``, Meta-Wiki's by default).

Language (``check --lang``, else ``[site] language``): the findings' messages and the text output's
words (``ptracker-check-*``) are in it; the JSON document's keys, codes and severities are the
contract's, in every language. Read errors stay English, like every operator error.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.errors import InputError
from bot.i18n import messages
from bot.model import PageResult
from bot.parse import find_infobox, name_set
from bot.rules import Rules
from bot.validate import check_page
from bot.wikitext import DEFAULT_EXTENSION_TAGS, PHP_TRIM, read

#: What ``UtfNormal\Validator::cleanUp`` replaces by U+FFFD: C0 controls but tab, line feed and
#: carriage return, and the non-characters U+FFFE and U+FFFF.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CONTROL_CHARS = tuple(chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF])


def saved_text(text: str) -> str:
    """``text`` as MediaWiki stores it when it is saved: the request's text cleaned
    (``UtfNormal\\Validator::cleanUp``: C0 controls other than tab, LF and CR, and U+FFFE/U+FFFF, to
    U+FFFD, then Unicode NFC), then ``TextContent::normalizeLineEndings`` of the pre-save transform
    (trailing whitespace trimmed as PHP's ``rtrim`` trims, CRLF and a lone CR to LF). The rest of
    the pre-save transform (``subst:``, signatures, the pipe trick) is not done offline."""
    if any(c in text for c in _CONTROL_CHARS):  # (a substring search each: faster than the pattern's)
        text = _CONTROLS.sub("\ufffd", text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    text = text.rstrip(PHP_TRIM)
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def check_text(
    title: str,
    text: str,
    rules: Rules,
    as_of: dt.date,
    tags: frozenset[str] = DEFAULT_EXTENSION_TAGS,
    lang: str = "en",
) -> PageResult:
    """Read one page's wikitext as the wiki would once it is saved, then validate it (messages in
    *lang*)."""
    names = name_set((rules.infobox_name, *rules.aliases))
    return check_page(title, find_infobox(read(saved_text(text), tags), names), rules, as_of, lang)


def expand_paths(paths: Iterable[str]) -> Iterator[Path | InputError]:
    """Files in the order given; a directory expands to its ``*.wiki`` files sorted by path. A path
    that does not exist, or a directory without any ``*.wiki`` file below it (a mistyped path must
    not pass as "0 pages checked"), is an ``InputError`` in its place."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.wiki") if p.is_file())
            if not found:
                others = sum(p.is_file() for p in path.rglob("*"))
                yield InputError(
                    f"{raw}: a folder with no .wiki file in it ({others} other file{'s' * (others != 1)}); "
                    "give the folder that holds the pages, or the files themselves"
                )
            yield from found
        elif path.is_file():
            yield path
        else:
            yield InputError(f"{raw}: no such file or directory")


def title_of(path: Path) -> str:
    return path.name[: -len(".wiki")] if path.name.endswith(".wiki") else path.name


def read_page(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not valid UTF-8 (byte {exc.start}: {exc.object[exc.start : exc.start + 1]!r}); "
            "save the file as UTF-8 and check it again"
        ) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None


@dataclass(frozen=True)
class CheckRun:
    as_of: dt.date
    results: tuple[PageResult, ...]
    errors: tuple[InputError, ...]
    lang: str = "en"
    """The language of the findings' messages and of :func:`render_text`."""

    @property
    def exit_code(self) -> int:
        """2 on any read error, else 1 when any page is incomplete, else 0."""
        if self.errors:
            return 2
        return 0 if all(r.complete for r in self.results) else 1


def check_paths(
    paths: Iterable[str],
    rules: Rules,
    as_of: dt.date,
    tags: frozenset[str] = DEFAULT_EXTENSION_TAGS,
    lang: str = "en",
) -> CheckRun:
    """Check every file of ``paths`` (see :func:`expand_paths`), messages in *lang* (an unknown
    language is a ``ConfigError`` before any file is read)."""
    messages(lang)
    results: list[PageResult] = []
    errors: list[InputError] = []
    for item in expand_paths(paths):
        if isinstance(item, InputError):
            errors.append(item)
            continue
        try:
            text = read_page(item)
        except InputError as exc:
            errors.append(exc)
            continue
        results.append(check_text(title_of(item), text, rules, as_of, tags, lang))
    return CheckRun(as_of, tuple(results), tuple(errors), lang)


def render_json(run: CheckRun) -> str:
    """Exactly the contract's document: as_of, then pages with title, complete and findings."""
    doc = {
        "as_of": run.as_of.isoformat(),
        "pages": [
            {
                "title": r.title,
                "complete": r.complete,
                "findings": [
                    {"field": f.field, "code": f.code, "severity": f.severity, "message": f.message} for f in r.findings
                ],
            }
            for r in run.results
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=1)


_COLOURS = {"error": "31", "warning": "33", "ok": "32", "bad": "1;31"}


def render_text(run: CheckRun, colour: bool) -> str:
    """Findings grouped per page, then a one-line total, in the run's language (field names and
    finding codes stay as they are: they are what the page and the contract say). ANSI colour only
    when ``colour``."""
    m = messages(run.lang)

    def paint(kind: str, text: str) -> str:
        return f"\x1b[{_COLOURS[kind]}m{text}\x1b[0m" if colour else text

    severity = {"error": m.text("ptracker-check-error"), "warning": m.text("ptracker-check-warning")}
    width = max(len(word) for word in severity.values())
    lines: list[str] = []
    for r in run.results:
        errors = sum(f.severity == "error" for f in r.findings)
        warnings = len(r.findings) - errors
        state = (
            paint("ok", m.text("ptracker-check-complete"))
            if r.complete
            else paint("bad", m.text("ptracker-check-incomplete"))
        )
        counts = " " + m.text("ptracker-check-counts", errors, warnings)
        lines.append(f"{r.title}: {state}{counts if r.findings else ''}")
        for f in r.findings:
            word = paint(f.severity, severity.get(f.severity, f.severity).ljust(width))
            lines.append(f"  {word} {f.field or m.text('ptracker-check-page')}: {f.code} — {f.message}")
    complete = sum(r.complete for r in run.results)
    total = m.text(
        "ptracker-check-total", len(run.results), run.as_of.isoformat(), complete, len(run.results) - complete
    )
    lines.append(total + (m.text("ptracker-check-unreadable", len(run.errors)) if run.errors else ""))
    return "\n".join(lines)
