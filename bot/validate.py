"""Infobox → findings (contract §2). Pure: the rules and the as-of date come in as arguments.

Order of reasoning for each parameter of the rules:

1. the value (comments gone, trimmed, last duplicate winning) is *absent* when empty, or for a
   list when no item is left; it is a *placeholder* when it only stands in for an answer (for a
   list: every item was a placeholder);
2. the parameter is required always, or when an enumerated field (e.g. ``status``) holds one of
   the listed values — an invalid or absent status makes no status rule apply;
3. required and absent → ``missing``; required and placeholder → ``placeholder``; optional and
   either → nothing;
4. present → its format (enum, list, date, URL, link) → at most one ``invalid`` per field; then
   the cross-field checks (``date_order``, ``nonfree_license``, ``stale``, ``privacy_risk``).

Unknown parameters (positional ones included) and duplicates are warnings; they never change
whether a page is complete.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping

from bot import messages as msg
from bot.i18n import Messages, messages
from bot.model import MULTIPLE_INFOBOXES, Finding, Infobox, PageResult, ParseOutcome, finding, table_values
from bot.rules import ParamRule, Rules
from bot.values import (
    date_before,
    fold_enum,
    has_link,
    is_http_url,
    is_nonfree_licence,
    is_placeholder,
    parse_date,
    split_list,
)


def check_page(title: str, outcome: ParseOutcome, rules: Rules, as_of: dt.date, lang: str = "en") -> PageResult:
    """Findings for a parsed page, sorted in contract order, plus the values the table shows.
    The findings' messages are in *lang* (a catalog of ``i18n/``; English by default)."""
    m = messages(lang)
    if outcome.infobox is None:
        code = outcome.problem or "no_infobox"
        multiple = code == MULTIPLE_INFOBOXES
        message = msg.multiple_infoboxes(m, rules, outcome.count) if multiple else msg.no_infobox(m, rules)
        return PageResult(title, (finding(None, code, rules.severities[code], message),))
    findings = validate(outcome.infobox, rules, as_of, lang)
    return PageResult(title, findings, table_values(outcome.infobox.values))


def validate(infobox: Infobox, rules: Rules, as_of: dt.date, lang: str = "en") -> tuple[Finding, ...]:
    """The infobox's findings, sorted in contract order, their messages in *lang*."""
    m = messages(lang)
    values = infobox.values
    out: dict[tuple[str, str], Finding] = {}

    def add(field: str, code: str, message: str) -> None:
        out.setdefault((field, code), finding(field, code, rules.severities[code], message))

    present: dict[str, str] = {}
    for rule in rules.params.values():
        raw = values.get(rule.name, "")
        state, value = _presence(raw, rule, rules)
        cond_value = _condition_value(rule, values, rules)
        required = rule.required or cond_value is not None
        if state == "absent" and required:
            add(rule.name, "missing", msg.missing(m, rules, rule, cond_value))
        elif state == "placeholder" and required:
            add(rule.name, "placeholder", msg.placeholder(m, rules, rule, raw, cond_value))
        elif state == "present":
            problem = _format_problem(m, rule, value, rules)
            if problem:
                add(rule.name, "invalid", problem)
            else:
                present[rule.name] = value
    _cross_checks(m, present, rules, as_of, add)
    counts = Counter(p.name for p in infobox.params)
    for p in infobox.params:
        if p.name not in rules.params:
            add(p.name, "unknown_param", msg.unknown_param(m, rules, p.name, p.positional))
        if counts[p.name] > 1:
            add(
                p.name,
                "duplicate_param",
                msg.duplicate_param(m, p.name, counts[p.name], values[p.name]),
            )
    return tuple(sorted(out.values(), key=lambda f: f.sort_key))


def _presence(raw: str, rule: ParamRule, rules: Rules) -> tuple[str, str]:
    """("absent" | "placeholder" | "present", the usable value). For lists, placeholder items
    are dropped and the value is the remaining items joined by ", "."""
    if rule.kind == "list":
        items = split_list(raw)
        real = [i for i in items if not is_placeholder(i, rules.placeholder_words)]
        if real:
            return "present", ", ".join(real)
        return ("placeholder" if items else "absent"), ""
    if not raw:
        return "absent", ""
    if is_placeholder(raw, rules.placeholder_words):
        return "placeholder", ""
    return "present", raw


def _condition_value(rule: ParamRule, values: Mapping[str, str], rules: Rules) -> str | None:
    """The (folded) value of the field the rule depends on, when it triggers the requirement."""
    if rule.condition is None:
        return None
    value = fold_enum(values.get(rule.condition.field, ""))
    allowed = rules.params[rule.condition.field].enum
    return value if value in allowed and value in rule.condition.values else None


def _format_problem(m: Messages, rule: ParamRule, value: str, rules: Rules) -> str | None:
    if rule.kind == "enum" and fold_enum(value) not in rule.enum:
        return msg.invalid_enum(m, rules, rule, value)
    if rule.kind == "list":
        bad = [item for item in split_list(value) if fold_enum(item) not in rule.enum]
        return msg.invalid_list(m, rules, rule, bad) if bad else None
    if rule.kind == "date" and parse_date(value) is None:
        return msg.invalid_date(m, rules, rule, value)
    if rule.kind == "url" and not is_http_url(value):
        return msg.invalid_url(m, rules, rule, value)
    if rule.kind == "link" and not has_link(value):
        return msg.invalid_link(m, rules, rule, value)
    return None


def _cross_checks(
    m: Messages, present: Mapping[str, str], rules: Rules, as_of: dt.date, add: Callable[[str, str, str], None]
) -> None:
    for rule in rules.params.values():
        if rule.not_before and rule.name in present and rule.not_before in present:
            end, start = parse_date(present[rule.name]), parse_date(present[rule.not_before])
            if end and start and date_before(end, start):
                add(
                    rule.name,
                    "date_order",
                    msg.date_order(m, rules, rule, present[rule.name], present[rule.not_before]),
                )
        if (
            rule.kind == "licence"
            and rule.name in present
            and is_nonfree_licence(present[rule.name], rules.nonfree_phrases)
        ):
            add(rule.name, "nonfree_license", msg.nonfree_license(m, rules, rule, present[rule.name]))
    status = fold_enum(present.get("status", ""))
    reviewed = parse_date(present.get(rules.stale_field, ""))
    if reviewed and status in rules.stale_status and (as_of - reviewed.last_day()).days > rules.stale_days:
        rule = rules.params[rules.stale_field]
        add(rule.name, "stale", msg.stale(m, rules, rule, present[rule.name], as_of.isoformat()))
    if fold_enum(present.get(rules.privacy_field, "")) in rules.privacy_values:
        rule = rules.params[rules.privacy_field]
        add(rule.name, "privacy_risk", msg.privacy_risk(m, rules, rule, present[rule.name]))
