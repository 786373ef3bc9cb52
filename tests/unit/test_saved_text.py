"""Offline ``check`` reads a page as the wiki stores it once saved (bot.check.saved_text); the same
cases are saved on the real wiki in tests/wiki/test_save_normalisation.py."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.check import check_text, saved_text
from bot.rules import Rules
from tests.conftest import AS_OF

#: (text sent, text stored): the cases the wiki test saves too.
SAVED = [
    ("a\r\nb\r\n", "a\nb"),
    ("a\rb", "a\nb"),
    ("a\r\rb", "a\n\nb"),
    ("e\u0301 and \u212b", "\u00e9 and \u00c5"),  # NFC
    ("a\x01b\x0bc\x0cd\x1fe\x7ff", "a\ufffdb\ufffdc\ufffdd\ufffde\x7ff"),  # C0 controls, not DEL
    ("a\x00b", "a\ufffdb"),
    ("tab\tkept\nline", "tab\tkept\nline"),
    ("x\ufffey\uffffz", "x\ufffdy\ufffdz"),
    ("text \t\n \n\n", "text"),  # trailing whitespace trimmed
    ("  leading kept", "  leading kept"),
    ("nbsp at the end\u00a0", "nbsp at the end\u00a0"),  # PHP's rtrim leaves U+00A0
]


@pytest.mark.parametrize(("text", "stored"), SAVED)
def test_saved_text(text: str, stored: str) -> None:
    assert saved_text(text) == stored


@given(st.text(max_size=50))
def test_saving_twice_changes_nothing_more(text: str) -> None:
    assert saved_text(saved_text(text)) == saved_text(text)


def test_check_reads_the_saved_text(rules: Rules) -> None:
    """A CR-only file reads as lines, and a control character in a value is U+FFFD as on the wiki."""
    text = "{{Partnership infobox\r| partner = Kiwix\r| status = active\x0b\r}}"
    result = check_text("P", text, rules, AS_OF)
    invalid = [f for f in result.findings if f.field == "status"]
    assert invalid and "\ufffd" in invalid[0].message
    assert not [f for f in result.findings if f.field == "partner"]
