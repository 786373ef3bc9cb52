"""The contract's rules as data: the community's rules page (``Module:Partnership tracker/rules.json``,
shipped as ``templates_wiki/Module/Partnership tracker/rules.json``) → a frozen :class:`Rules`. Pure.

Loading checks everything before the bot does any work, and reports every problem at once in one
``ConfigError``, each line naming the source (file, or page and revision), the JSON path and the
fix: first the text must be JSON, then it must follow the JSON Schema ``config/rules.schema.json``
(keys, types, finding codes, severities, parameter types, the shape of ``required``), then the
checks a schema cannot make: a set of values that is not defined, a condition on a parameter that
is not enumerated or on a value it does not allow, ``not_before``, ``stale.field`` or
``privacy.field`` naming no parameter.

The licence rule is written so that Python and Lua evaluate it identically (no regular
expressions): see :func:`bot.values.is_nonfree_licence`.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.errors import ConfigError
from bot.model import PageSnapshot, Severity
from bot.schema import read_utf8
from bot.values import fold_enum, fold_words

_ROOT = Path(__file__).resolve().parent.parent
#: The rules file shipped with the bot: the page ``install-templates`` installs, and what ``check`` reads.
DEFAULT_RULES = _ROOT / "templates_wiki" / "Module" / "Partnership tracker" / "rules.json"
SCHEMA_FILE = _ROOT / "config" / "rules.schema.json"

#: Every finding code of contract §2.
FINDING_CODES = (
    "missing", "placeholder", "invalid", "date_order", "nonfree_license", "no_infobox",
    "multiple_infoboxes", "stale", "privacy_risk", "unknown_param", "duplicate_param",
)  # fmt: skip
KINDS = ("text", "url", "enum", "list", "date", "link", "licence")
#: A phrase of the licence rule: each word's alternatives, in order.
Phrase = tuple[frozenset[str], ...]
#: A label or help text on the rules page: one text for every language, or language code → text
#: (``{"en": "Goals", "fr": "Objectifs"}``).
LangText = str | Mapping[str, str]


def text(value: LangText, lang: str) -> str:
    """*value* in *lang*: a plain string is every language's; of a language map, *lang*'s text,
    else English's, else the first one given (an empty map gives "")."""
    if isinstance(value, str):
        return value
    return value.get(lang) or value.get("en") or next(iter(value.values()), "")


@dataclass(frozen=True)
class Condition:
    """Required only when enumerated ``field`` (normalised) is one of ``values``."""

    field: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class ParamRule:
    name: str
    kind: str
    """The parameter's ``type`` on the rules page."""
    required: bool
    condition: Condition | None
    enum: tuple[str, ...]
    """The allowed values (folded), for ``enum`` and ``list``."""
    not_before: str | None
    label: str
    section: str | None
    point: str | None
    hint: str
    """The parameter's ``help`` on the rules page."""
    values_name: str | None = None
    """The name of its set of values (``values`` on the rules page)."""
    value_labels: tuple[tuple[str, str], ...] = ()
    """(value, display name) of each allowed value, in the page's order (English, see :func:`text`)."""
    label_text: LangText = ""
    """``label`` as the rules page gives it (a string, or a language map); ``label`` is its English."""
    hint_text: LangText = ""
    """``help`` as the rules page gives it; ``hint`` is its English."""
    value_label_text: tuple[tuple[str, LangText], ...] = ()
    """(value, display name as the page gives it) of each allowed value."""

    def label_in(self, lang: str) -> str:
        """The parameter's label in *lang* (English, else the first language given)."""
        return text(self.label_text or self.label, lang)

    def hint_in(self, lang: str) -> str:
        """The parameter's help text in *lang*."""
        return text(self.hint_text or self.hint, lang)

    def value_labels_in(self, lang: str) -> tuple[tuple[str, str], ...]:
        """(value, display name in *lang*) of each allowed value, in the page's order."""
        if not self.value_label_text:
            return self.value_labels
        return tuple((value, text(label, lang)) for value, label in self.value_label_text)


@dataclass(frozen=True)
class Rules:
    guidance_page: str
    infobox_name: str
    aliases: tuple[str, ...]
    severities: dict[str, Severity]
    params: dict[str, ParamRule]
    placeholder_words: frozenset[str]
    nonfree_phrases: tuple[Phrase, ...]
    stale_field: str
    stale_days: int
    stale_status: tuple[str, ...]
    privacy_field: str
    privacy_values: tuple[str, ...]
    revision: int = 0
    """The rules page's revision these came from (0: a file)."""
    digest: str = ""
    """A hash of the rules' content (not of their formatting): a change makes the next pass a full sweep."""


def load_rules(path: Path = DEFAULT_RULES) -> Rules:
    """Read and check a rules file; raise ``ConfigError`` listing every problem."""
    text = read_utf8(path)
    return parse_rules_text(text, str(path))


def parse_rules_text(text: str, source: str, revision: int = 0) -> Rules:
    """Check and read the rules page's text; ``source`` names it in messages (a file, or a page
    and revision). Raises ``ConfigError`` with one line per problem."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        where = f"line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else "?"
        raise ConfigError([f"{source}: not JSON at {where} ({_msg(exc)}); fix the syntax there"]) from None
    problems = [f"{source}: at {path}: {what}; {fix}" for path, what, fix in schema_problems(data)]
    if problems:
        raise ConfigError(problems)
    return parse_rules(data, source, revision)


def _msg(exc: ValueError) -> str:
    return exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)


@functools.cache
def _validator() -> Any:
    import jsonschema  # here: without the dependencies the CLI gives its one-line advice, not a traceback

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def json_path(parts: Iterable[str | int]) -> str:
    """``params.start.required.status[0]``; the whole document is ``(top)``."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


def schema_problems(data: Any) -> list[tuple[str, str, str]]:
    """(JSON path, what is wrong, the fix) for each place ``data`` breaks the rules schema, in
    document order."""
    out: list[tuple[str, str, str]] = []
    for err in sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        path = list(err.absolute_path)
        kind, spec = err.validator, err.validator_value
        if kind == "additionalProperties" and isinstance(err.instance, dict):
            allowed = sorted(err.schema.get("properties", {}))
            for key in sorted(set(err.instance) - set(allowed)):
                fix = f"remove it or use one of: {', '.join(allowed)}" if allowed else "remove it"
                out.append((json_path([*path, key]), "unknown key", fix))
            if allowed:
                continue
        if kind == "required":
            missing = [k for k in spec if k not in err.instance]
            out.extend((json_path([*path, k]), "missing", _add(path, k)) for k in missing)
        elif kind == "enum":
            out.append(
                (json_path(path), f"{err.instance!r} is not allowed", f"use one of: {', '.join(map(str, spec))}")
            )
        elif kind == "type":
            out.append(
                (json_path(path), f"expected {_a(spec)}, got {json.dumps(err.instance)[:60]}", f"write {_a(spec)}")
            )
        elif kind == "oneOf" and path and path[-1] == "required":
            out.append((json_path(path), f"{json.dumps(err.instance)[:60]} is not allowed",
                        'write true, false, or {"status": ["active"]} (one enumerated parameter and its values)'))  # fmt: skip
        elif kind == "oneOf" and path and path[-1] in ("label", "help"):
            out.append((json_path(path), f"{json.dumps(err.instance)[:60]} is not allowed",
                        'write a text in quotes, or one per language: {"en": "…", "fr": "…"}'))  # fmt: skip
        elif kind == "not" and path and path[0] == "params":
            out.append((json_path([*path, "values"]), "only enum and list parameters take values", "remove it"))
        elif kind == "pattern":
            out.append((json_path(path), f"{err.instance!r} does not match {spec}", _pattern_fix(path)))
        else:
            out.append((json_path(path), err.message, "see docs/contract.md, section 'The rules page'"))
    return out


def _a(spec: Any) -> str:
    names: dict[str, str] = {"object": "an object {…}", "array": "a list […]", "string": "a string in quotes", "integer": "a number",
             "boolean": "true or false"}  # fmt: skip
    return " or ".join(names.get(str(s), str(s)) for s in (spec if isinstance(spec, list) else [spec]))


def _add(path: list[str | int], key: str) -> str:
    if path and path[0] == "params" and key == "values":
        return 'enum and list parameters name their set of allowed values: add "values": "<set name>"'
    if path == ["severities"]:
        return f'add "{key}": "error" or "warning"'
    return f'add "{key}"'


def _pattern_fix(path: list[str | int]) -> str:
    if path and path[0] == "licences":
        return 'write lower-case words of letters and digits, one space apart, alternatives with "|", e.g. "no derivatives|derivs"'
    if path and path[0] == "values":
        return "write lower-case letters and digits, words joined by '-'"
    if path and path[0] == "infobox":
        return "give a plain page title"
    return "write a lower-case name of letters, digits and '_'"


def parse_rules(data: dict[str, Any], source: str, revision: int = 0) -> Rules:
    """Read rules that already follow the schema; the checks the schema cannot make raise one
    ``ConfigError`` (lines as in :func:`parse_rules_text`)."""
    problems: list[str] = []

    def problem(path: str, what: str, fix: str) -> None:
        problems.append(f"{source}: at {path}: {what}; {fix}")

    sets = {name: tuple((v["value"], v["label"]) for v in items) for name, items in data["values"].items()}
    params = {name: _param(name, p, sets, problem) for name, p in data["params"].items()}
    for rule in params.values():
        cond = rule.condition
        if cond and (cond.field not in params or params[cond.field].kind != "enum"):
            problem(f"params.{rule.name}.required.{cond.field}", f"{cond.field!r} is not an enumerated parameter",
                    'name a parameter of type "enum", e.g. "status"')  # fmt: skip
        elif cond:
            allowed = params[cond.field].enum
            for i, value in enumerate(cond.values):
                if value not in allowed:
                    problem(f"params.{rule.name}.required.{cond.field}[{i}]", f"{cond.field} has no value {value!r}",
                            f"use one of: {', '.join(allowed)}")  # fmt: skip
        if rule.not_before and (rule.not_before not in params or params[rule.not_before].kind != "date"):
            problem(f"params.{rule.name}.not_before", f"{rule.not_before!r} is not a date parameter",
                    'name a parameter of type "date"')  # fmt: skip
    stale, privacy, infobox = data.get("stale", {}), data.get("privacy", {}), data["infobox"]
    rules = Rules(
        guidance_page=data.get("guidance_page", "Wikimedia Foundation partnership reflections"),
        infobox_name=infobox["name"],
        aliases=tuple(infobox.get("aliases", ())),
        severities=dict(data["severities"]),
        params=params,
        placeholder_words=frozenset(fold_words(w) for w in data.get("placeholders", ())),
        nonfree_phrases=tuple(parse_phrase(p) for p in data.get("licences", {}).get("nonfree_phrases", ())),
        stale_field=stale.get("field", "last_reviewed"),
        stale_days=stale.get("max_age_days", 365),
        stale_status=tuple(stale.get("when_status", ("active",))),
        privacy_field=privacy.get("field", "data_sharing"),
        privacy_values=tuple(privacy.get("risky_values", ("personal",))),
        revision=revision,
        digest=hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16],
    )
    for key, name in (("stale.field", rules.stale_field), ("privacy.field", rules.privacy_field)):
        if name not in params:
            problem(key, f"unknown parameter {name!r}", 'name a parameter defined under "params"')
    if problems:
        raise ConfigError(problems)
    return rules


def parse_phrase(phrase: str) -> Phrase:
    """``"no derivatives|derivs"`` → ({no}, {derivatives, derivs})."""
    return tuple(frozenset(word.split("|")) for word in phrase.split(" "))


def _param(
    name: str, table: dict[str, Any], sets: dict[str, tuple[tuple[str, LangText], ...]], problem: Any
) -> ParamRule:
    set_name = table.get("values")
    if set_name is not None and set_name not in sets:
        problem(f"params.{name}.values", f"no set of values named {set_name!r}",
                f'define it under "values", or use one of: {", ".join(sets) or "(none defined)"}')  # fmt: skip
    labels = sets.get(set_name or "", ())
    required = table["required"]
    condition = None
    if isinstance(required, dict):
        ((field, values),) = required.items()
        condition = Condition(field, tuple(fold_enum(v) for v in values))
    return ParamRule(
        name=name,
        kind=table["type"],
        required=required is True,
        condition=condition,
        enum=tuple(fold_enum(v) for v, _ in labels),
        not_before=table.get("not_before"),
        label=text(table["label"], "en"),
        section=table.get("section"),
        point=table.get("point"),
        hint=text(table["help"], "en"),
        values_name=set_name,
        value_labels=tuple((value, text(label, "en")) for value, label in labels),
        label_text=table["label"],
        hint_text=table["help"],
        value_label_text=labels,
    )


@dataclass(frozen=True)
class RulesChoice:
    """The rules a pass applies, and what is wrong with the page's current revision ("" when that
    revision is the one applied)."""

    rules: Rules
    problem: str = ""


def choose_rules(title: str, page: PageSnapshot | None, stored: tuple[int, str] | None) -> RulesChoice:
    """The rules for a pass: the rules page's current revision when it is valid; else the last
    valid revision a completed pass applied (``stored``: revision id and text), with the problem
    named. Raises ``ConfigError`` (the pass then saves nothing) when neither exists: a missing
    page or an invalid one with no valid revision ever applied. Why not the shipped file: the bot
    would then tag by rules the community never had on its wiki."""
    if page is None:
        why = f"[[{title}]] does not exist (deleted or moved?)"
    else:
        try:
            return RulesChoice(parse_rules_text(page.text, f"{title} (revision {page.revid})", page.revid))
        except ConfigError as exc:
            why = f"revision {page.revid} of [[{title}]] is invalid: " + " | ".join(exc.problems)
    if stored is not None:
        revid, text = stored
        try:
            rules = parse_rules_text(text, f"{title} (revision {revid})", revid)
        except ConfigError:
            pass  # e.g. the bot's schema changed since: as good as nothing stored
        else:
            return RulesChoice(rules, f"{why}. The bot applies revision {revid}, the last valid one.")
    raise ConfigError(
        [
            f"{why}; no valid revision of it was ever applied, so the bot saves nothing: fix the page "
            "(docs/contract.md, 'The rules page'), or run install-templates to create it"
        ]
    )
