"""The bot-exclusion protocol (``{{bots}}`` / ``{{nobots}}``, https://en.wikipedia.org/wiki/Template:Bots),
decided the way Pywikibot's ``Page.botMayEdit`` decides it (``BasePage._check_bot_may_edit``), but
pure and linear in the size of the page.

Every ``{{bots}}`` and ``{{nobots}}`` call on the page is looked at (nested ones included; ones
inside comments, ``<nowiki>``, ``<pre>``, other unparsed tags and ``<includeonly>`` are not, as
Pywikibot drops those parts before it looks). Any one of them that excludes the bot denies the edit:

========================================  ==========================================================
``{{nobots}}``                            deny
``{{nobots|A,B}}``                        deny when the user (or script) is listed or ``all`` is
``{{nobots|deny=…}}`` (any named param)   deny (Pywikibot declines a named parameter on nobots)
``{{bots}}``                              allow
``{{bots|allow=all}}`` / ``=A,B``         allow only when ``all`` or the user is listed
                                          (so ``allow=none`` denies)
``{{bots|deny=all}}`` / ``=A,B``          deny when ``all`` or the user is listed
                                          (so ``deny=none`` allows)
``{{bots|allowscript=…}}``                allow only when ``all`` or ``script`` is listed
``{{bots|denyscript=…}}``                 deny when ``all`` or ``script`` is listed
``{{bots|X}}``, ``{{bots|allow=}}``,      ignored (Pywikibot warns and ignores)
unknown keys
========================================  ==========================================================

Only the *first* parameter of a call counts, in Pywikibot's order: positional parameters first,
then named ones sorted by name (so ``{{bots|deny=X|allow=Y}}`` reads ``allow=Y``). A quirk kept
from Pywikibot: ``{{nobots|}}`` (one empty positional parameter) lists nobody and allows.

Differences from Pywikibot, on purpose: names compare case-insensitively, with ``_`` equal to
space and whitespace folded, and only the part before ``@`` counts (a BotPassword login
``PartnershipBot@tracker`` is the user ``PartnershipBot``); ``all`` is case-insensitive too.
Pywikibot's per-family "edit restricted" and archive templates are not known here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.parse import normalize_name
from bot.wikitext import MASK, mask, template_spans

_NAME_HEAD = re.compile(r"[^|{}]{0,300}(?=\||\}\})")
_TOKENS = re.compile(r"\{\{|\}\}|\[\[|\]\]|\||=")
_INCLUDEONLY_OPEN = re.compile(r"<includeonly\s*>", re.IGNORECASE)
_INCLUDEONLY_CLOSE = re.compile(r"</includeonly\s*>", re.IGNORECASE)
_TEMPLATES = frozenset({"Bots", "Nobots"})


@dataclass(frozen=True)
class BotsCall:
    """One ``{{bots}}``/``{{nobots}}`` call: its normalised name and its parameters in Pywikibot's
    order (positional values first, then ``name=value`` sorted by name; keys and values trimmed)."""

    name: str
    params: tuple[str, ...]


def _fold(name: str) -> str:
    """A user or script name as compared here: before ``@``, ``_`` = space, folded, case-insensitive."""
    return " ".join(name.split("@", 1)[0].replace("_", " ").split()).casefold()


def _mask_includeonly(masked: str) -> str:
    """Blank ``<includeonly>…</includeonly>`` in an already masked page, keeping every offset. An
    unclosed one stays, as in Pywikibot (whose decision this module reproduces; the tag finder
    follows MediaWiki's preprocessor instead, see :mod:`bot.tagging`)."""
    parts: list[str] = []
    pos = kept = 0
    while (m := _INCLUDEONLY_OPEN.search(masked, pos)) is not None:
        close = _INCLUDEONLY_CLOSE.search(masked, m.end())
        if close is None:
            break
        end = close.end()
        parts.append(masked[kept : m.start()])
        parts.append(MASK * (end - m.start()))
        pos = kept = end
    parts.append(masked[kept:])
    return "".join(parts)


#: Stands in for a nested ``{{bots}}`` call already read, inside another call's parameter: it keeps
#: the parameter's text short (linear time) and can never equal a user name or ``all``.
NESTED = "\uffff"


def _split(masked: str, start: int, end: int, skip: dict[int, int]) -> list[tuple[str | None, str]]:
    """Parameters of the call whose parameters run over ``masked[start:end]`` (from its first ``|``):
    split at ``|`` outside nested templates and links, each part at its first ``=`` outside them;
    masked characters dropped, names and values trimmed (``None`` as name for a positional one).
    Calls already read (``skip``: start → end) are jumped over and stand as :data:`NESTED` in the
    text, so each character is read by one call only, however deeply calls nest."""
    params: list[tuple[str | None, str]] = []
    depth, pos, piece = 0, start, start
    in_part = False
    key: list[str] | None = None
    cur: list[str] = []

    def finish(at: int) -> None:
        cur.append(masked[piece:at])
        value = "".join(cur).replace(MASK, "").strip()
        params.append((None if key is None else "".join(key).replace(MASK, "").strip(), value))

    while (m := _TOKENS.search(masked, pos, end)) is not None:
        tok, pos = m.group(0), m.end()
        if tok == "{{" and m.start() in skip:
            cur.append(masked[piece : m.start()])
            cur.append(NESTED)
            pos = piece = skip[m.start()]
        elif tok in ("{{", "[["):
            depth += 1
        elif tok in ("}}", "]]"):
            depth = max(0, depth - 1)
        elif depth == 0 and tok == "=" and in_part and key is None:
            cur.append(masked[piece : m.start()])
            key, cur, piece = cur, [], m.end()
        elif depth == 0 and tok == "|":
            if in_part:
                finish(m.start())
            in_part, key, cur, piece = True, None, [], m.end()
    if in_part:
        finish(end)
    return params


def _pywikibot_order(params: list[tuple[str | None, str]]) -> tuple[str, ...]:
    """Pywikibot's ``templatesWithParams`` view: last duplicate wins; consecutive integer keys from
    1 are positional and come first; the rest are ``name=value`` sorted by name."""
    args: dict[str, str] = {}
    number = 0
    for key, value in params:
        if key is None:
            number += 1
            key = str(number)
        args[key] = value
    intkeys: dict[int, str] = {}
    named: dict[str, str] = {}
    for key in sorted(args):
        try:
            intkeys[int(key)] = args[key]
        except ValueError:
            named[key] = args[key]
    positional: list[str] = []
    for i in range(1, len(intkeys) + 1):
        if i in intkeys:
            positional.append(intkeys[i])
            continue
        for k, v in intkeys.items():
            if k < 1 or k >= i:
                named[str(k)] = v
        break
    return tuple(positional + [f"{key}={value}" for key, value in named.items()])


def bots_calls(text: str) -> list[BotsCall]:
    """Every ``{{bots}}``/``{{nobots}}`` call of the page outside comments and unparsed tags, in
    order of closing (inner calls first). Linear in the size of the page."""
    masked = _mask_includeonly(mask(text))
    calls: list[BotsCall] = []
    read: dict[int, int] = {}
    for span in template_spans(masked):
        head = _NAME_HEAD.match(masked, span.start + 2, span.end)
        if head is None:
            continue
        name = normalize_name(head.group(0))
        if name not in _TEMPLATES:
            continue
        params = _split(masked, head.end(), span.end - 2, read)
        read[span.start] = span.end
        calls.append(BotsCall(name, _pywikibot_order(params)))
    return calls


def call_allows(call: BotsCall, user: str, script: str | None = None) -> bool:
    """Whether one call lets ``user`` (running ``script``, if given) edit; see the module's table."""
    if call.name == "Nobots" and not call.params:
        return False
    if call.params:
        key, sep, value = call.params[0].partition("=")
        if not sep:
            key, value = value, key
        key = key.strip()
        names = {_fold(n) for n in value.split(",")}
    else:
        key, value, names = "", "", set()
    me = _fold(user)
    who = "all" in names or me in names
    by_script = "all" in names or (script is not None and _fold(script) in names)
    if call.name == "Nobots":
        return not key and not who and not by_script
    if (value and not key) or (key and not value):
        return True  # not valid: Pywikibot ignores it
    if key == "allow":
        return who
    if key == "deny":
        return not who
    if key == "allowscript":
        return by_script
    if key == "denyscript":
        return not by_script
    return True  # {{bots}} without parameters, or an unknown key


def bots_allowed(text: str, user: str, script: str | None = None) -> bool:
    """True when no ``{{bots}}``/``{{nobots}}`` call on the page excludes ``user``.

    ``user`` is the bot's account (``"PartnershipBot"`` or a BotPassword login
    ``"PartnershipBot@tracker"``); ``script`` the name Pywikibot would compare with
    ``allowscript``/``denyscript`` (its calling module), ``None`` when there is none."""
    return all(call_allows(call, user, script) for call in bots_calls(text))
