"""Pure readers of infobox values as the contract defines them (§1): enumerations, placeholders,
partial dates, URLs, links and licences. No I/O, no state."""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

_FOLD = re.compile(r"[\s_-]+")


def fold_enum(value: str) -> str:
    """Case-insensitive, with spaces, underscores and hyphens equal and runs of them folded:
    ``' Free  content '`` → ``'free-content'``, ``'Global_Reach'`` → ``'global-reach'``."""
    return _FOLD.sub("-", value.strip().lower()).strip("-")


def fold_words(value: str) -> str:
    """Lower case with whitespace runs folded to one space (for placeholder comparison)."""
    return " ".join(value.lower().split())


def _is_punct_or_space(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch).startswith("P")


def strip_punctuation(value: str) -> str:
    """Remove surrounding whitespace and punctuation (any Unicode P* category): ``'(TBD)'`` →
    ``'TBD'``, ``'—'`` → ``''``, ``"''TODO''"`` → ``'TODO'``."""
    start, end = 0, len(value)
    while start < end and _is_punct_or_space(value[start]):
        start += 1
    while end > start and _is_punct_or_space(value[end - 1]):
        end -= 1
    return value[start:end]


def is_placeholder(value: str, words: Iterable[str]) -> bool:
    """True for a value that stands in for a missing answer: empty once surrounding punctuation is
    gone (``?``, ``-``, ``...``), or one of ``words`` (already folded with :func:`fold_words`).
    ``None``/``None known`` are real answers unless the word list says otherwise."""
    core = strip_punctuation(value)
    return not core or fold_words(core) in words


def split_list(value: str) -> list[str]:
    """Comma-separated items, trimmed, empty ones dropped: ``'a, ,b'`` → ``['a', 'b']``."""
    return [item.strip() for item in value.split(",") if item.strip()]


@dataclass(frozen=True, order=True)
class PartialDate:
    """A calendar date at year, month or day precision (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``)."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> int:
        return 1 if self.month is None else 2 if self.day is None else 3

    def last_day(self) -> dt.date:
        """The last calendar day the date covers (``2025-11`` → 2025-11-30)."""
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return dt.date(self.year, month, day)

    def truncated(self, precision: int) -> tuple[int, ...]:
        parts = (self.year, self.month or 0, self.day or 0)
        return parts[:precision]


_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_date(value: str) -> PartialDate | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` that exists on the calendar, else None
    (``2020-02-30``, ``2020-13``, ``0000``, ``20-1-1`` and ``March 2020`` are all None)."""
    m = _DATE.fullmatch(value.strip())
    if not m:
        return None
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    try:
        dt.date(year, 1 if month is None else month, 1 if day is None else day)
    except ValueError:
        return None
    return PartialDate(year, month, day)


def date_before(a: PartialDate, b: PartialDate) -> bool:
    """``a`` strictly before ``b``, compared at the coarser of the two precisions
    (``2020`` is not before ``2020-05``; ``2019-12`` is before ``2020``)."""
    precision = min(a.precision, b.precision)
    return a.truncated(precision) < b.truncated(precision)


def is_http_url(value: str) -> bool:
    """A bare http(s) URL with a host and no spaces or wiki brackets."""
    if not re.fullmatch(r"https?://[^\s<>\[\]{}|\"]+", value.strip(), re.IGNORECASE):
        return False
    try:
        host = urlsplit(value.strip()).hostname
    except ValueError:
        return False
    return bool(host)


_LINK = re.compile(
    r"\[\[[^\[\]|{}<>]*[^\s\[\]|{}<>][^\[\]]*\]\]"  # [[internal link]] with a target
    r"|\[(?:https?:)?//[^\s\]]+[^\]]*\]"  # [external link]
    r"|https?://[^\s<>\[\]\"]+",  # bare URL
    re.IGNORECASE,
)


def has_link(value: str) -> bool:
    """Holds at least one ``[[internal link]]``, ``[external link]`` or bare http(s) URL."""
    return _LINK.search(value) is not None


def licence_words(value: str) -> list[str]:
    """The words of a licence text as the licence rule sees them: runs of ASCII letters and
    digits, A–Z lower-cased (Lua: ``value:gmatch("[A-Za-z0-9]+")`` and ``string.lower``)."""
    return [w.lower() for w in _LICENCE_WORD.findall(value)]


def is_nonfree_licence(value: str, phrases: Iterable[tuple[frozenset[str], ...]]) -> bool:
    """Whether some phrase's words stand together, in order, among the licence's words
    (:func:`licence_words`; each phrase word a set of alternatives): NonCommercial / NoDerivatives
    as a word or code part (``CC BY-NC-SA 4.0``, ``by-nc-nd``) or a Wikipedia-only grant, per the
    rules page's ``licences.nonfree_phrases``."""
    words = licence_words(value)
    return any(
        all(words[i + k] in word for k, word in enumerate(phrase))
        for phrase in phrases
        for i in range(len(words) - len(phrase) + 1)
    )


_LICENCE_WORD = re.compile(r"[A-Za-z0-9]+")
