"""Every word the bot writes, in the reader's language: message catalogs in the banana JSON format
translatewiki.net uses (``i18n/<code>.json``, one flat object of key → message per language, with an
``@metadata`` entry; ``i18n/qqq.json`` documents each message for translators).

Pure: the catalogs are read once (:func:`load`) and a :class:`Messages` formats them. Formatting
follows MediaWiki's message syntax, as banana-i18n and ``mw.message`` do:

* ``$1`` … ``$9`` are parameters. An ``int`` or ``float`` parameter is written with the language's
  digits, group separator and decimal sign (Babel's CLDR data: ``1,234`` in English, ``1 234`` with
  a narrow no-break space in French, ``1.234`` in Spanish); a ``str`` is inserted as it is.
* ``{{PLURAL:$n|form|form…}}`` picks the form for the language's CLDR plural category of parameter
  *n* (its number before formatting), in CLDR order (zero, one, two, few, many, other — only the
  categories the language has, less those MediaWiki does not use: see :data:`MEDIAWIKI_DROPS`, so
  the bot and the wiki's Lua pick the same form). Too few forms: the last one is used, as MediaWiki does. A form
  ``N=text`` is taken when the number is exactly N (``{{PLURAL:$1|0=none|one|$1 pages}}``).
  A ``|`` inside ``[[…]]`` or ``{{…}}`` within a form does not split it.
* Anything else (``[[links]]``, ``''italics''``, ``{{int:…}}``) is left as it is: a message is
  wikitext, and the caller decides whether it goes onto a wiki page or a terminal.

Fallback: a key missing in the language is taken from English; a key missing in English too is a
bug and raises :class:`bot.errors.MessageError` — a reader never sees a key instead of a message.
An unknown language code (``check --lang xx``) is a :class:`bot.errors.ConfigError` naming the
languages there are.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import ConfigError, MessageError

if TYPE_CHECKING:
    from babel import Locale

I18N_ROOT = Path(__file__).resolve().parent.parent / "i18n"
FALLBACK = "en"
DOCUMENTATION = "qqq"  # translatewiki.net's pseudo-language: what each message is for
CLDR_ORDER = ("zero", "one", "two", "few", "many", "other")
#: CLDR categories Babel has that MediaWiki 1.43's ``mw.language:plural`` does not (measured on the
#: dev wiki: French, Spanish, Italian and Portuguese have only "one" and "other" there, 1,000,000
#: is "other"); a number in such a category takes the "other" form, as on the wiki.
MEDIAWIKI_DROPS = {"fr": {"many"}, "es": {"many"}, "it": {"many"}, "pt": {"many"}}

_PARAM = re.compile(r"\$([1-9])")
_PLURAL = re.compile(r"\{\{PLURAL:\$([1-9])\|", re.IGNORECASE)


@dataclass(frozen=True)
class Catalogs:
    """Every language's messages (``by_lang``: code → key → message), without ``@metadata``;
    ``documentation`` is qqq.json's text for each key."""

    by_lang: Mapping[str, Mapping[str, str]]
    documentation: Mapping[str, str]

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self.by_lang))


def read_catalogs(folder: Path) -> Catalogs:
    """Read every ``<code>.json`` in *folder*. A file that is not a JSON object of strings is a
    :class:`MessageError` naming the file (the catalogs ship with the bot, so this is a bug)."""
    by_lang: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise MessageError(f"{path.name}: not a readable JSON catalog ({exc})") from exc
        if not isinstance(data, dict):
            raise MessageError(f"{path.name}: a catalog is one JSON object of key → message")
        messages = {k: v for k, v in data.items() if k != "@metadata"}
        bad = [k for k, v in messages.items() if not isinstance(v, str)]
        if bad:
            raise MessageError(f"{path.name}: these messages are not strings: {', '.join(bad)}")
        by_lang[path.stem] = messages
    documentation = by_lang.pop(DOCUMENTATION, {})
    if FALLBACK not in by_lang:
        raise MessageError(f"{folder}: no {FALLBACK}.json, the catalog every language falls back to")
    return Catalogs(by_lang=by_lang, documentation=documentation)


@lru_cache(maxsize=1)
def load() -> Catalogs:
    """The catalogs shipped with the bot (``i18n/``), read once per process."""
    return read_catalogs(I18N_ROOT)


def _split_forms(body: str) -> list[str]:
    """Split a PLURAL's forms on ``|`` outside ``[[…]]`` and ``{{…}}``."""
    forms, depth, start, i = [], 0, 0, 0
    while i < len(body):
        pair = body[i : i + 2]
        if pair in ("[[", "{{"):
            depth, i = depth + 1, i + 2
            continue
        if pair in ("]]", "}}") and depth:
            depth, i = depth - 1, i + 2
            continue
        if body[i] == "|" and not depth:
            forms.append(body[start:i])
            start = i + 1
        i += 1
    forms.append(body[start:])
    return forms


def _plural_end(text: str, start: int) -> int:
    """Index of the ``}}`` closing the PLURAL whose forms begin at *start* (nested braces count)."""
    depth, i = 0, start
    while i < len(text):
        pair = text[i : i + 2]
        if pair == "{{":
            depth, i = depth + 1, i + 2
        elif pair == "}}":
            if not depth:
                return i
            depth, i = depth - 1, i + 2
        else:
            i += 1
    return -1


@dataclass(frozen=True)
class Messages:
    """The messages of one language, falling back to English key by key."""

    lang: str
    catalogs: Catalogs

    def __post_init__(self) -> None:
        if self.lang not in self.catalogs.by_lang:
            there = ", ".join(self.catalogs.languages)
            raise ConfigError([f"no messages in language {self.lang!r}; there are: {there}"])

    def raw(self, key: str) -> str:
        """The message text before parameters (the language's, else English's)."""
        own = self.catalogs.by_lang[self.lang].get(key)
        if own is not None:
            return own
        english = self.catalogs.by_lang[FALLBACK].get(key)
        if english is None:
            raise MessageError(f"no message {key!r} in i18n/{FALLBACK}.json")
        return english

    def number(self, value: float) -> str:
        """*value* written the language's way (digits grouped, the decimal sign)."""
        from babel.numbers import format_decimal  # here: without Babel the CLI gives its advice

        return str(format_decimal(value, locale=_locale(self.lang)))

    def plural_category(self, value: float) -> str:
        """The plural category of *value* as MediaWiki has it for the language."""
        found = str(_locale(self.lang).plural_form(abs(value)))
        return "other" if found in MEDIAWIKI_DROPS.get(self.lang, ()) else found

    def text(self, key: str, *params: object) -> str:
        """The message *key* with its ``$n`` and ``{{PLURAL:$n|…}}`` filled from *params*."""
        return self.format(self.raw(key), *params)

    def format(self, message: str, *params: object) -> str:
        """Fill a message's PLURALs, then its parameters (see the module's docstring)."""
        out, pos = [], 0
        for m in _PLURAL.finditer(message):
            if m.start() < pos:
                continue
            end = _plural_end(message, m.end())
            if end < 0:
                break
            out.append(message[pos : m.start()])
            out.append(self._plural(int(m.group(1)), message[m.end() : end], params))
            pos = end + 2
        out.append(message[pos:])
        return _PARAM.sub(lambda p: self._param(int(p.group(1)), params), "".join(out))

    def _param(self, n: int, params: tuple[object, ...]) -> str:
        if n > len(params):
            return f"${n}"
        value = params[n - 1]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return self.number(value)
        return str(value)

    def _plural(self, n: int, body: str, params: tuple[object, ...]) -> str:
        value = params[n - 1] if n <= len(params) else 0
        number = value if isinstance(value, (int, float)) else 0
        forms = _split_forms(body)
        for form in forms:
            explicit = re.match(r"\s*(\d+)=", form)
            if explicit and int(explicit.group(1)) == number:
                return form[explicit.end() :]
        forms = [f for f in forms if not re.match(r"\s*\d+=", f)]
        if not forms:
            return ""
        dropped = MEDIAWIKI_DROPS.get(self.lang, set())
        tags = _locale(self.lang).plural_form.tags
        categories = [c for c in CLDR_ORDER if c in tags and c not in dropped] + ["other"]
        index = categories.index(self.plural_category(number))
        return forms[min(index, len(forms) - 1)]


@cache
def _locale(lang: str) -> Locale:
    from babel import Locale, UnknownLocaleError  # here: without Babel the CLI gives its advice

    try:
        return Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(FALLBACK)


def messages(lang: str, catalogs: Catalogs | None = None) -> Messages:
    """The shipped catalogs' messages in *lang* (a :class:`ConfigError` when there are none)."""
    return Messages(lang, catalogs or load())
