"""What a tag edit may change, checked independently of bot.tagging: the text outside calls of the
tag template must survive.

A *tag call* here is ``{{Partnership incomplete…}}`` in the forms the tests write — any letter
case, ``_`` or spaces, a ``Template:``/``:Template:``/``safesubst:`` prefix, the redirect
``Incomplete partnership``, parameters holding at most one level of nested templates — outside
HTML comments, ``<nowiki>`` and ``<pre>`` (those are a person's text, byte for byte). The bot
may also put ``<nowiki/>`` where removing a call would join the bytes around it into markup.
"""

from __future__ import annotations

import difflib
import re

TAG_CALL = re.compile(
    r"\{\{\s*(?:safesubst:\s*)?:?\s*(?:template\s*:\s*)?(?:partnership[ _]+incomplete|incomplete[ _]+partnership)\s*"
    r"(?:\|(?:[^{}]|\{\{[^{}]*\}\})*)?\}\}",
    re.IGNORECASE,
)
_HIDDEN = re.compile(r"<!--.*?(?:-->|\Z)|<(nowiki|pre)(?:\s[^>]*)?>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_HOLE = re.compile("\ue000(\\d+)\ue001")
SEPARATOR = "<nowiki/>"


def outside_tag_calls(text: str) -> str:
    """``text`` without its tag calls (and without ``<nowiki/>``); comments and ``<nowiki>``/``<pre>``
    bodies are kept whole, also inside a call's parameters (they go with the call)."""
    hidden: list[str] = []

    def hole(m: re.Match[str]) -> str:
        hidden.append(m.group(0))
        return f"\ue000{len(hidden) - 1}\ue001"

    stripped = TAG_CALL.sub("", _HIDDEN.sub(hole, text)).replace(SEPARATOR, "")
    return _HOLE.sub(lambda m: hidden[int(m.group(1))], stripped)


def text_lost(before: str, after: str) -> int:
    """Characters (blanks aside) outside tag calls that ``before`` has and ``after`` lacks or
    holds in another order, plus any added there: 0 when a tag edit kept a person's text."""
    a, b = ("".join(outside_tag_calls(t).split()) for t in (before, after))
    if a == b:
        return 0
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in ops if op != "equal")


def tag_calls_only_change(before: str, after: str) -> str | None:
    """None when ``after`` differs from ``before`` only in tag calls (blanks of the lines they
    stood on may go; a new tag line may come on top); else what else changed."""
    lost = text_lost(before, after)
    if lost:
        diff = difflib.unified_diff(before.splitlines(), after.splitlines(), "before", "after", lineterm="", n=0)
        return f"{lost} characters outside tag calls changed:\n" + "\n".join(list(diff)[:12])
    return None
