"""The bot-exclusion protocol (``{{bots}}`` / ``{{nobots}}``, https://en.wikipedia.org/wiki/Template:Bots),
decided the way Pywikibot's ``Page.botMayEdit`` decides it (``BasePage._check_bot_may_edit``), but
pure and linear in the size of the page.

Every ``{{bots}}`` and ``{{nobots}}`` call on the page is looked at, read from the page's view
(:func:`bot.wikitext.read`: the page as MediaWiki's preprocessor reads it when viewed; nested calls
included, and calls in the body of an extension tag whose body is wikitext, such as ``<ref>``; not
those in comments, ``<nowiki>``, ``<pre>`` and other unparsed tags, or ``<includeonly>``). A name
counts as MediaWiki resolves it (:func:`bot.titles.call_key`). Any one of them that excludes the
bot denies the edit:

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
``PartnershipBot@tracker`` is the user ``PartnershipBot``); ``all`` is case-insensitive too. The
page is read as MediaWiki shows it (contract §1.1): an unclosed ``<includeonly>`` hides the rest of
the page, extension tags are the wiki's, a call's name resolves as MediaWiki resolves it
(``{{Template:Nobots}}``, ``{{safesubst:nobots}}``; not ``{{:Nobots}}``, a main-namespace page).
Pywikibot's per-family "edit restricted" and archive templates are not known here.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.titles import template_keys
from bot.wikitext import View, as_view

_TEMPLATES = template_keys(("Bots", "Nobots"))


@dataclass(frozen=True)
class BotsCall:
    """One ``{{bots}}``/``{{nobots}}`` call: its normalised name and its parameters in Pywikibot's
    order (positional values first, then ``name=value`` sorted by name; keys and values trimmed)."""

    name: str
    params: tuple[str, ...]


def _fold(name: str) -> str:
    """A user or script name as compared here: before ``@``, ``_`` = space, folded, case-insensitive."""
    return " ".join(name.split("@", 1)[0].replace("_", " ").split()).casefold()


#: Stands in for a nested call inside a call's parameter: it keeps the parameter's text short
#: (linear time) and can never equal a user name or ``all``.
NESTED = "\uffff"


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


def bots_calls(page: View | str) -> list[BotsCall]:
    """Every ``{{bots}}``/``{{nobots}}`` call of the page (its view, or its text), in order of
    closing (inner calls first), those in extension bodies (``<ref>``, …) last. Linear in the size
    of the page: a call inside another one's parameter stands there as :data:`NESTED`."""
    view = as_view(page)
    found = []
    for v in (view, *(body for _offset, body in view.bodies)):
        calls = [(node, key) for node, key in zip(v.nodes, v.keys, strict=True) if key in _TEMPLATES]
        for node, key in sorted(calls, key=lambda call: call[0].end):
            params = [(None if p.positional else p.name, p.value) for p in v.params(node, NESTED)]
            found.append(BotsCall(key or "", _pywikibot_order(params)))
    return found


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


def bots_allowed(page: View | str, user: str, script: str | None = None) -> bool:
    """True when no ``{{bots}}``/``{{nobots}}`` call on the page excludes ``user``.

    ``user`` is the bot's account (``"PartnershipBot"`` or a BotPassword login
    ``"PartnershipBot@tracker"``); ``script`` the name Pywikibot would compare with
    ``allowscript``/``denyscript`` (its calling module), ``None`` when there is none."""
    return all(call_allows(call, user, script) for call in bots_calls(page))
