"""Messages for the editor who has to fix a page: what is wrong, what a good value looks like, and
the guidance it comes from, in the wiki's language. Pure string building: the words are the
``ptracker-finding-*`` messages of the catalogs (:mod:`bot.i18n`), the rules supply labels, help
texts (both in the language, :func:`bot.rules.text`) and sections.

Every function takes the :class:`bot.i18n.Messages` of the language to write in. A finding's text
is the main message, then (after a space) the guidance sentence when the rule names a section of
the guidance page. Values the editor wrote are quoted as Python's ``repr`` quotes them (the same
in every language, so a value with a quote in it stays readable).
"""

from __future__ import annotations

from difflib import get_close_matches

from bot.i18n import Messages
from bot.rules import ParamRule, Rules


def _guide(m: Messages, rules: Rules, rule: ParamRule) -> str:
    if not rule.section:
        return ""
    if rule.point:
        return " " + m.text("ptracker-finding-guidance-point", rules.guidance_page, rule.section, rule.point)
    return " " + m.text("ptracker-finding-guidance", rules.guidance_page, rule.section)


def _named(m: Messages, rule: ParamRule) -> str:
    label = rule.label_in(m.lang)
    return rule.name if label == rule.name else f"{rule.name} ({label})"


def _why(m: Messages, rule: ParamRule, status_value: str | None) -> str:
    if rule.condition is None:
        return m.text("ptracker-finding-required-always")
    return m.text("ptracker-finding-required-when", rule.condition.field, status_value or "")


def _hint(m: Messages, rule: ParamRule) -> str:
    return rule.hint_in(m.lang)


def missing(m: Messages, rules: Rules, rule: ParamRule, cond_value: str | None) -> str:
    text = m.text("ptracker-finding-missing", _named(m, rule), _why(m, rule, cond_value), _hint(m, rule))
    return text + _guide(m, rules, rule)


def placeholder(m: Messages, rules: Rules, rule: ParamRule, value: str, cond_value: str | None) -> str:
    why = _why(m, rule, cond_value)
    text = m.text("ptracker-finding-placeholder", _named(m, rule), repr(value), why, _hint(m, rule))
    return text + _guide(m, rules, rule)


def invalid_enum(m: Messages, rules: Rules, rule: ParamRule, value: str) -> str:
    allowed = ", ".join(rule.enum)
    label = rule.label_in(m.lang)
    text = m.text("ptracker-finding-invalid-enum", rule.name, repr(value), label, allowed, _hint(m, rule))
    return text + _guide(m, rules, rule)


def invalid_list(m: Messages, rules: Rules, rule: ParamRule, bad: list[str]) -> str:
    items, allowed = ", ".join(repr(b) for b in bad), ", ".join(rule.enum)
    label = rule.label_in(m.lang)
    text = m.text("ptracker-finding-invalid-list", rule.name, items, label, allowed, _hint(m, rule))
    return text + _guide(m, rules, rule)


def invalid_date(m: Messages, rules: Rules, rule: ParamRule, value: str) -> str:
    return m.text("ptracker-finding-invalid-date", rule.name, repr(value), _hint(m, rule)) + _guide(m, rules, rule)


def invalid_url(m: Messages, rules: Rules, rule: ParamRule, value: str) -> str:
    return m.text("ptracker-finding-invalid-url", rule.name, repr(value), _hint(m, rule)) + _guide(m, rules, rule)


def invalid_link(m: Messages, rules: Rules, rule: ParamRule, value: str) -> str:
    return m.text("ptracker-finding-invalid-link", rule.name, repr(value), _hint(m, rule)) + _guide(m, rules, rule)


def date_order(m: Messages, rules: Rules, rule: ParamRule, end: str, start: str) -> str:
    text = m.text("ptracker-finding-date-order", rule.name, end, start, rule.not_before or "start")
    return text + _guide(m, rules, rule)


def nonfree_license(m: Messages, rules: Rules, rule: ParamRule, value: str) -> str:
    """The help text's first part (up to a ``;``) says what to ask for."""
    ask = _hint(m, rule).split(";")[0].rstrip()
    return m.text("ptracker-finding-nonfree-license", rule.name, repr(value), ask) + _guide(m, rules, rule)


def no_infobox(m: Messages, rules: Rules) -> str:
    return m.text("ptracker-finding-no-infobox", rules.infobox_name)


def multiple_infoboxes(m: Messages, rules: Rules, count: int) -> str:
    return m.text("ptracker-finding-multiple-infoboxes", count, rules.infobox_name)


def stale(m: Messages, rules: Rules, rule: ParamRule, value: str, as_of: str) -> str:
    text = m.text("ptracker-finding-stale", rule.name, value, rules.stale_days, as_of, _hint(m, rule))
    return text + _guide(m, rules, rule)


def privacy_risk(m: Messages, rules: Rules, rule: ParamRule, value: str) -> str:
    return m.text("ptracker-finding-privacy-risk", rule.name, value) + _guide(m, rules, rule)


def unknown_param(m: Messages, rules: Rules, name: str, positional: bool) -> str:
    """A close known name (or the same one but for case and spaces) is suggested."""
    if positional:
        return m.text("ptracker-finding-unknown-positional", name, rules.infobox_name)
    guess = get_close_matches(name, list(rules.params), n=1) or [
        p for p in rules.params if p.lower() == name.lower().replace(" ", "_")
    ]
    text = m.text("ptracker-finding-unknown-param", name, rules.infobox_name)
    return text + (" " + m.text("ptracker-finding-did-you-mean", guess[0]) if guess else "")


def duplicate_param(m: Messages, name: str, times: int, last: str) -> str:
    return m.text("ptracker-finding-duplicate-param", name, times, repr(last))
