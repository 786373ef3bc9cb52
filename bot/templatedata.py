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

The JSON is written with tabs and sorted as above, so the same rules give the same text byte for
byte (the stage saves only when the text changes).
"""

from __future__ import annotations

import json
from typing import Any

from bot import markers
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


def _or_list(values: tuple[str, ...] | list[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    items = list(values)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def requirement(rule: ParamRule) -> str:
    """When the parameter is required, as a sentence (empty for an optional one)."""
    if rule.required:
        return "Required on every partnership page."
    if rule.condition is not None:
        return f"Required when {rule.condition.field} is {_or_list(rule.condition.values)}."
    return ""


def _description(rule: ParamRule) -> str:
    parts = [_ucfirst(rule.hint.rstrip(".")) + "."]
    if rule.kind == "enum":
        parts.append(f"One of: {', '.join(rule.enum)}.")
    elif rule.kind == "list":
        parts.append(f"A comma-separated list of: {', '.join(rule.enum)}.")
    parts.append(requirement(rule))
    return " ".join(p for p in parts if p)


def _param(rule: ParamRule) -> dict[str, Any]:
    out: dict[str, Any] = {
        "label": _ucfirst(rule.label),
        "description": _description(rule),
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
        {"label": label, "params": params}
        for label, params in (
            ("Always required", always),
            ("Required depending on other fields", depends),
            ("Optional", optional),
        )
        if params
    ]
    width = max((len(n) for n in names), default=1)
    return {
        "description": (
            f"Records one partnership on its own page. What each field needs is set by the community's "
            f"rules page; this block is written from it by the partnership tracker bot, which checks every "
            f"{{{{{rules.infobox_name}}}}} against the same rules."
        ),
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
