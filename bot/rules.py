"""The contract's rules as data: ``config/rules.toml`` → a frozen :class:`Rules`.

Loading checks everything it can before the bot does any work: unknown keys, wrong types, unknown
finding codes or severities, enum references that do not exist, conditions on fields that are not
enumerated, regular expressions that do not compile. All problems come back in one ``ConfigError``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.model import Severity
from bot.schema import Reader, load_toml
from bot.values import fold_enum, fold_words

#: Every finding code of contract §2.
FINDING_CODES = (
    "missing", "placeholder", "invalid", "date_order", "nonfree_license", "no_infobox",
    "multiple_infoboxes", "stale", "privacy_risk", "unknown_param", "duplicate_param",
)  # fmt: skip
KINDS = ("text", "url", "enum", "list", "date", "link", "licence")


@dataclass(frozen=True)
class Condition:
    """Required only when enumerated ``field`` (normalised) is one of ``values``."""

    field: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class ParamRule:
    name: str
    kind: str
    required: bool
    condition: Condition | None
    enum: tuple[str, ...]
    not_before: str | None
    label: str
    section: str | None
    point: str | None
    hint: str


@dataclass(frozen=True)
class Rules:
    guidance_page: str
    infobox_name: str
    aliases: tuple[str, ...]
    severities: dict[str, Severity]
    params: dict[str, ParamRule]
    placeholder_words: frozenset[str]
    nonfree_patterns: tuple[re.Pattern[str], ...]
    stale_field: str
    stale_days: int
    stale_status: tuple[str, ...]
    privacy_field: str
    privacy_values: tuple[str, ...]


DEFAULT_RULES = Path(__file__).resolve().parent.parent / "config" / "rules.toml"


def load_rules(path: Path = DEFAULT_RULES) -> Rules:
    """Read and check a rules file; raise ``ConfigError`` listing every problem."""
    return parse_rules(load_toml(path), path)


def parse_rules(data: dict[str, Any], path: Path) -> Rules:
    r = Reader(path)
    r.keys(
        data, "",
        ["guidance_page", "infobox", "severities", "enums", "placeholders", "licences", "stale", "privacy", "params"],
        ["infobox", "severities", "enums", "params"],
    )  # fmt: skip
    infobox = r.table(data, "", "infobox")
    r.keys(infobox, "infobox", ["name", "aliases"], ["name"])
    severities = _severities(r, r.table(data, "", "severities"))
    enums_t = r.table(data, "", "enums")
    enums = {name: r.strings(enums_t, "enums", name, nonempty=True) for name in enums_t}
    params_t = r.table(data, "", "params")
    params = {name: _param(r, name, params_t[name], enums) for name in params_t}
    for rule in params.values():
        if rule.condition and (rule.condition.field not in params or params[rule.condition.field].kind != "enum"):
            r.problem(f"params.{rule.name}.required.field", f"{rule.condition.field!r} is not an enumerated parameter",
                      "name a parameter of kind enum")  # fmt: skip
        if rule.not_before and rule.not_before not in params:
            r.problem(
                f"params.{rule.name}.not_before",
                f"unknown parameter {rule.not_before!r}",
                "name a date parameter",
            )
    ph = r.table(data, "", "placeholders")
    r.keys(ph, "placeholders", ["words"])
    lic = r.table(data, "", "licences")
    r.keys(lic, "licences", ["nonfree_patterns"])
    patterns = []
    for i, pattern in enumerate(r.strings(lic, "licences", "nonfree_patterns", default=[])):
        try:
            patterns.append(re.compile(pattern, re.IGNORECASE))
        except re.error as exc:
            r.problem(
                f"licences.nonfree_patterns[{i}]",
                f"bad regular expression ({exc})",
                "fix the pattern",
            )
    stale = r.table(data, "", "stale")
    r.keys(stale, "stale", ["field", "max_age_days", "when_status"])
    privacy = r.table(data, "", "privacy")
    r.keys(privacy, "privacy", ["field", "risky_values"])
    rules = Rules(
        guidance_page=r.string(data, "", "guidance_page", default="Wikimedia Foundation partnership reflections"),
        infobox_name=r.string(infobox, "infobox", "name"),
        aliases=r.strings(infobox, "infobox", "aliases", default=[]),
        severities=severities,
        params=params,
        placeholder_words=frozenset(fold_words(w) for w in r.strings(ph, "placeholders", "words", default=[])),
        nonfree_patterns=tuple(patterns),
        stale_field=r.string(stale, "stale", "field", default="last_reviewed"),
        stale_days=r.integer(stale, "stale", "max_age_days", default=365, minimum=1),
        stale_status=r.strings(stale, "stale", "when_status", default=["active"]),
        privacy_field=r.string(privacy, "privacy", "field", default="data_sharing"),
        privacy_values=r.strings(privacy, "privacy", "risky_values", default=["personal"]),
    )
    for key, name in (("stale.field", rules.stale_field), ("privacy.field", rules.privacy_field)):
        if params and name not in params:
            r.problem(key, f"unknown parameter {name!r}", "name a parameter defined under [params]")
    r.done()
    return rules


def _severities(r: Reader, table: dict[str, Any]) -> dict[str, Severity]:
    out: dict[str, Severity] = {}
    for code, severity in table.items():
        if code not in FINDING_CODES:
            r.problem(
                f"severities.{code}",
                "unknown finding code",
                f"use one of: {', '.join(FINDING_CODES)}",
            )
        elif severity not in ("error", "warning"):
            r.problem(
                f"severities.{code}",
                f"severity {severity!r} is not allowed",
                'use "error" or "warning"',
            )
        else:
            out[code] = severity
    for code in FINDING_CODES:
        if code not in table:
            r.problem(f"severities.{code}", "missing", 'add it with "error" or "warning"')
    return out


def _param(r: Reader, name: str, table: Any, enums: dict[str, tuple[str, ...]]) -> ParamRule:
    prefix = f"params.{name}"
    if not isinstance(table, dict):
        r.problem(prefix, "expected a table", f"write [{prefix}]")
        table = {}
    r.keys(table, prefix, ["kind", "enum", "required", "not_before", "label", "section", "point", "hint"],
           ["kind", "required", "label", "hint"])  # fmt: skip
    kind = r.string(table, prefix, "kind", choices=KINDS)
    enum_name = r.string(table, prefix, "enum", default=None)
    if kind in ("enum", "list") and enum_name not in enums:
        r.problem(f"{prefix}.enum", f"kind {kind} needs an enum defined under [enums]",
                  f"use one of: {', '.join(enums) or '(none defined)'}")  # fmt: skip
    required = table.get("required", "no")
    condition = None
    if isinstance(required, dict):
        r.keys(required, f"{prefix}.required", ["field", "in"], ["field", "in"])
        condition = Condition(
            r.string(required, f"{prefix}.required", "field"),
            tuple(fold_enum(v) for v in r.strings(required, f"{prefix}.required", "in", nonempty=True)),
        )
    elif required not in ("always", "no"):
        r.problem(f"{prefix}.required", f"{required!r} is not allowed",
                  '"always", "no", or { field = "status", in = ["active"] }')  # fmt: skip
    return ParamRule(
        name=name,
        kind=kind,
        required=required == "always",
        condition=condition,
        enum=tuple(fold_enum(v) for v in enums.get(enum_name or "", ())),
        not_before=r.string(table, prefix, "not_before", default=None) or None,
        label=r.string(table, prefix, "label"),
        section=r.string(table, prefix, "section", default=None) or None,
        point=r.string(table, prefix, "point", default=None) or None,
        hint=r.string(table, prefix, "hint"),
    )
