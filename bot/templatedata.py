"""The infobox's TemplateData, made from the rules (the community's rules page). Pure.

VisualEditor and the TemplateWizard read the ``<templatedata>`` block of the infobox's
documentation page; the bot keeps it between its markers there (stage
:mod:`bot.pipeline.step5_templatedata`), so what the editing tools offer is what the bot checks:

* every parameter of the rules, in their order (``paramOrder``), labelled with its label (first
  letter upper case) and described by its help text and when it is required;
* ``required`` for a parameter required on every page; ``suggested`` for one required only when
  another field holds certain values (TemplateData cannot say "required when");
* ``suggestedvalues`` for enumerated parameters and lists: the allowed values, in order;
* a type per kind (``date``, ``url``; ``line`` for enumerations, lists, links and licences;
  ``content`` for free text);
* ``sets`` (always required, required depending on other fields, optional) and a block
  ``format`` aligned to the longest parameter name.

Every text (the template's description, each parameter's label and description, the sets'
names) is TemplateData's multilingual form, an object of language → text with one entry per
catalog of ``i18n/`` (English, Spanish, French): the editing tools show the reader's language and
fall back to English. The words come from the ``ptracker-templatedata-*`` messages and from the
rules page's labels and help texts in each language (:func:`bot.rules.text`).

The JSON is written with tabs and sorted as above, so the same rules give the same text byte for
byte (the stage saves only when the text changes).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bot import i18n, markers
from bot.i18n import Messages
from bot.rules import ParamRule, Rules

#: TemplateData's type for each kind of parameter of the rules.
TYPES = {
    "text": "content",
    "url": "url",
    "enum": "line",
    "list": "line",
    "date": "date",
    "link": "line",
    "licence": "line",
}


def _ucfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def _or_list(m: Messages, values: tuple[str, ...] | list[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    items = list(values)
    return items[0] if len(items) == 1 else m.text("ptracker-templatedata-or", ", ".join(items[:-1]), items[-1])


def requirement(rule: ParamRule, lang: str = "en") -> str:
    """When the parameter is required, as a sentence in *lang* (empty for an optional one)."""
    m = i18n.messages(lang)
    if rule.required:
        return m.text("ptracker-templatedata-required-always")
    if rule.condition is not None:
        return m.text("ptracker-templatedata-required-when", rule.condition.field, _or_list(m, rule.condition.values))
    return ""


def _description(rule: ParamRule, lang: str) -> str:
    m = i18n.messages(lang)
    parts = [_ucfirst(rule.hint_in(lang).rstrip(".")) + "."]
    if rule.kind == "enum":
        parts.append(m.text("ptracker-templatedata-one-of", ", ".join(rule.enum)))
    elif rule.kind == "list":
        parts.append(m.text("ptracker-templatedata-list-of", ", ".join(rule.enum)))
    parts.append(requirement(rule, lang))
    return " ".join(p for p in parts if p)


def _each(text: Callable[[str], str]) -> dict[str, str]:
    """TemplateData's multilingual text: every catalog's language → its text."""
    return {lang: text(lang) for lang in i18n.load().languages}


def _message(key: str, *params: object) -> dict[str, str]:
    """Message ``key`` in every catalog's language."""
    return _each(lambda lang: i18n.messages(lang).text(key, *params))


def _param(rule: ParamRule) -> dict[str, Any]:
    out: dict[str, Any] = {
        "label": _each(lambda lang: _ucfirst(rule.label_in(lang))),
        "description": _each(lambda lang: _description(rule, lang)),
        "type": TYPES.get(rule.kind, "string"),
    }
    if rule.required:
        out["required"] = True
    elif rule.condition is not None:
        out["suggested"] = True
    if rule.kind in ("enum", "list") and rule.enum:
        out["suggestedvalues"] = list(rule.enum)
    return out


def templatedata(rules: Rules) -> dict[str, Any]:
    """The TemplateData object for the infobox under ``rules``."""
    names = list(rules.params)
    always = [n for n in names if rules.params[n].required]
    depends = [n for n in names if rules.params[n].condition is not None and not rules.params[n].required]
    optional = [n for n in names if n not in always and n not in depends]
    sets = [
        {"label": _message(key), "params": params}
        for key, params in (
            ("ptracker-templatedata-set-always", always),
            ("ptracker-templatedata-set-depends", depends),
            ("ptracker-templatedata-set-optional", optional),
        )
        if params
    ]
    width = max((len(n) for n in names), default=1)
    return {
        "description": _message("ptracker-templatedata-description", rules.infobox_name),
        "params": {name: _param(rule) for name, rule in rules.params.items()},
        "paramOrder": names,
        "sets": sets,
        "format": "{{_\n| " + "_" * width + " = _\n}}\n",
    }


def render(rules: Rules) -> str:
    """The ``<templatedata>`` block, as the text between the doc page's markers (a line break
    on each side)."""
    body = json.dumps(templatedata(rules), indent="\t", ensure_ascii=False)
    return f"\n<templatedata>\n{body}\n</templatedata>\n"


def updated(text: str, rules: Rules) -> str | None:
    """``text`` (the documentation page) with the block between its real markers made from
    ``rules``; the same text when it already holds it; None when the page has no usable markers
    (nothing is written then)."""
    inner = render(rules)
    if markers.between(text) == inner:
        return text
    return markers.replace(text, inner)
