"""Messages for the editor who has to fix a page: what is wrong, what a good value looks like, and
the guidance it comes from. Pure string building; the rules supply labels, hints and sections."""

from __future__ import annotations

from difflib import get_close_matches

from bot.rules import ParamRule, Rules


def _guide(rules: Rules, rule: ParamRule) -> str:
    if not rule.section:
        return ""
    point = f" ({rule.point})" if rule.point else ""
    return f" Guidance: [[{rules.guidance_page}#{rule.section}]]{point}."


def _named(rule: ParamRule) -> str:
    return rule.name if rule.label == rule.name else f"{rule.name} ({rule.label})"


def _why(rule: ParamRule, status_value: str | None) -> str:
    if rule.condition is None:
        return "It is required on every partnership page."
    return f"It is required because {rule.condition.field} is {status_value}."


def missing(rules: Rules, rule: ParamRule, cond_value: str | None) -> str:
    return f"{_named(rule)} is missing. {_why(rule, cond_value)} Add {rule.hint}.{_guide(rules, rule)}"


def placeholder(rules: Rules, rule: ParamRule, value: str, cond_value: str | None) -> str:
    return (
        f"{_named(rule)} holds only the placeholder {value!r}. {_why(rule, cond_value)} "
        f"Replace it with {rule.hint}.{_guide(rules, rule)}"
    )


def invalid_enum(rules: Rules, rule: ParamRule, value: str) -> str:
    return (
        f"{rule.name} is {value!r}, which is not an allowed {rule.label}. Use one of: "
        f"{', '.join(rule.enum)} — {rule.hint}.{_guide(rules, rule)}"
    )


def invalid_list(rules: Rules, rule: ParamRule, bad: list[str]) -> str:
    return (
        f"{rule.name} has {', '.join(repr(b) for b in bad)}, not among the allowed {rule.label}. "
        f"Each item must be one of: {', '.join(rule.enum)} — {rule.hint}.{_guide(rules, rule)}"
    )


def invalid_date(rules: Rules, rule: ParamRule, value: str) -> str:
    return (
        f"{rule.name} is {value!r}, which is not a real calendar date written YYYY-MM-DD, YYYY-MM or "
        f"YYYY. Write {rule.hint}.{_guide(rules, rule)}"
    )


def invalid_url(rules: Rules, rule: ParamRule, value: str) -> str:
    return f"{rule.name} is {value!r}, which is not an http(s) address. Write {rule.hint}.{_guide(rules, rule)}"


def invalid_link(rules: Rules, rule: ParamRule, value: str) -> str:
    return (
        f"{rule.name} is {value!r}, which holds no [[wikilink]], [external link] or http(s) URL. "
        f"Give {rule.hint}.{_guide(rules, rule)}"
    )


def date_order(rules: Rules, rule: ParamRule, end: str, start: str) -> str:
    return (
        f"{rule.name} ({end}) is before start ({start}). Correct whichever date is wrong; "
        f"the end must not be before the start.{_guide(rules, rule)}"
    )


def nonfree_license(rules: Rules, rule: ParamRule, value: str) -> str:
    return (
        f"content_license is {value!r}: NonCommercial, NoDerivatives and Wikipedia-only licences are "
        f"not free, so the content cannot be used on Wikimedia projects. Ask the partner for "
        f"{rule.hint.split(';')[0]}.{_guide(rules, rule)}"
    )


def no_infobox(rules: Rules) -> str:
    return (
        f"No {{{{{rules.infobox_name}}}}} was found on this page. Add one (copy the blank skeleton from "
        f"[[Template:{rules.infobox_name}/doc]]). An infobox inside <!-- comments -->, <nowiki> or "
        f"<pre>, or one never closed with }}}}, does not count."
    )


def multiple_infoboxes(rules: Rules, count: int) -> str:
    return (
        f"This page has {count} {{{{{rules.infobox_name}}}}} templates; a page describes one "
        f"partnership. Keep one infobox and move the others to their own pages."
    )


def stale(rules: Rules, rule: ParamRule, value: str, as_of: str) -> str:
    return (
        f"{rule.name} is {value}, more than {rules.stale_days} days before {as_of}, and the "
        f"partnership is still active. Review the page, then set {rule.hint}.{_guide(rules, rule)}"
    )


def privacy_risk(rules: Rules, rule: ParamRule, value: str) -> str:
    return (
        f"{rule.name} is {value}: the partner receives private user information. Make sure this is "
        f"in line with the privacy policy and explained on the page.{_guide(rules, rule)}"
    )


def unknown_param(rules: Rules, name: str, positional: bool) -> str:
    if positional:
        return (
            f"An unnamed value (parameter {name}) is not part of {{{{{rules.infobox_name}}}}}. "
            f"Give it a name (name = value) or remove it; a stray | can cause this."
        )
    guess = get_close_matches(name, list(rules.params), n=1) or [
        p for p in rules.params if p.lower() == name.lower().replace(" ", "_")
    ]
    hint = f" Did you mean {guess[0]}? (names are case-sensitive)" if guess else ""
    return f"{name} is not a parameter of {{{{{rules.infobox_name}}}}}, so it is ignored.{hint}"


def duplicate_param(name: str, times: int, last: str) -> str:
    return f"{name} is given {times} times; only the last value ({last!r}) counts. Remove the others."
