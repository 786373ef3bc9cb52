"""How the summary page shows values to readers, in the wiki's language: the display names of
enumerated values (the rules page's ``values`` labels), the fields' labels and help links, and the
messages (:mod:`bot.i18n`). Pure: built from the rules and a language code.

A label on the rules page may be a plain string (every language) or an object of language → text
(``{"en": "Active", "fr": "En cours"}``, contract §5.1); :func:`bot.rules.text` takes the language's
text, else English's, else the first one given.

A value is shown (:meth:`Display.value`) as:

* its display name when the field is enumerated (``model``, ``status``, ``agreement``; each item of
  the list ``goals``) and the value is one of the rules' values (compared folded:
  :func:`bot.values.fold_enum`);
* as written (escaped) when the page's tag lists the field as missing (a placeholder such as
  ``TBD``) or the field is not enumerated;
* as written (escaped), in a ``ptracker-invalid`` span styled inline, with a small "(invalid)" note,
  when it is not one of the allowed values (each bad item of a list alone), or when the page's tag
  lists a field that is not enumerated (a date) as invalid.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

from bot import i18n
from bot.rules import DEFAULT_RULES, Rules, load_rules
from bot.values import fold_enum, split_list

#: The fields the table shows by their display names.
ENUM_FIELDS = ("model", "goals", "status", "agreement")
#: Inline style of an invalid value (MediaWiki's error red): works on any skin, no CSS page needed.
INVALID_STYLE = "color:#d33"

Text = str | Mapping[str, str]


class Escape(Protocol):
    def __call__(self, value: str) -> str: ...


@dataclass(frozen=True)
class Display:
    """What the summary shows, in one language: ``names[field][folded value]`` the display names of
    the enumerated fields, ``labels[field]`` each parameter's label, ``help[field]`` the link target
    of its guidance (``Page#Section``), and the messages."""

    messages: i18n.Messages
    names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    order: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Each enumerated field's values (folded) in the rules page's order."""
    labels: Mapping[str, str] = field(default_factory=dict)
    help: Mapping[str, str] = field(default_factory=dict)

    @property
    def lang(self) -> str:
        return self.messages.lang

    def text(self, key: str, *params: object) -> str:
        """The summary's message ``ptracker-summary-<key>``."""
        return self.messages.text(f"ptracker-summary-{key}", *params)

    def number(self, n: int) -> str:
        return self.messages.number(n)

    def name(self, field_name: str, value: str) -> str | None:
        """The display name of ``value`` (as written) of an enumerated field, or None."""
        return self.names.get(field_name, {}).get(fold_enum(value))

    def invalid(self, shown: str) -> str:
        """An (already escaped) value marked invalid: red, with a small note."""
        note = self.text("invalid-note")
        return f'<span class="ptracker-invalid" style="{INVALID_STYLE}">{shown}</span> <small>{note}</small>'

    def value(
        self, field_name: str, value: str, escape: Escape, *, missing: bool = False, invalid: bool = False
    ) -> str:
        """The cell text of ``value`` (see the module's docstring); ``escape`` makes a value inert;
        ``missing``/``invalid``: the page's tag lists the field so."""
        if missing or not value.strip():
            return escape(value)
        if field_name not in self.names:  # a date, a name: marked when the tag lists it as invalid
            return self.invalid(escape(value)) if invalid else escape(value)
        if field_name == "goals":
            items = split_list(value)
            return ", ".join(self._one(field_name, item, escape, False) for item in items)
        return self._one(field_name, value, escape, invalid)

    def _one(self, field_name: str, value: str, escape: Escape, invalid: bool) -> str:
        name = self.name(field_name, value)
        return escape(name) if name is not None and not invalid else self.invalid(escape(value))


def display_for(rules: Rules, lang: str) -> Display:
    """The :class:`Display` of ``rules`` in ``lang`` (a :class:`bot.errors.ConfigError` when there
    are no messages in that language)."""
    names: dict[str, dict[str, str]] = {}
    order: dict[str, tuple[str, ...]] = {}
    for name in ENUM_FIELDS:
        rule = rules.params.get(name)
        if rule is None or not rule.value_labels:
            continue
        names[name] = {fold_enum(v): label for v, label in rule.value_labels_in(lang)}
        order[name] = tuple(fold_enum(v) for v, _ in rule.value_labels)
    labels = {name: rule.label_in(lang) for name, rule in rules.params.items()}
    help_links = {
        name: f"{rules.guidance_page}#{rule.section}" if rule.section else f"Template:{rules.infobox_name}/doc"
        for name, rule in rules.params.items()
    }
    return Display(i18n.messages(lang), names, order, labels, help_links)


@cache
def default_display(lang: str = "en") -> Display:
    """The shipped rules' display in ``lang`` (offline callers and tests)."""
    return display_for(load_rules(DEFAULT_RULES), lang)
