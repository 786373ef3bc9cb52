"""Hostile input never crashes the checker and never makes it hang. Time is not asserted here
(the benchmark measures it); each case would take minutes if scanning were quadratic."""

from __future__ import annotations

import pytest

from bot.check import check_text
from bot.rules import Rules
from tests.conftest import AS_OF

BOX = (
    "{{Partnership infobox|partner=P|model=legal|goals=privacy|metrics=m|coi_disclosure=None known"
    "|community_role=c|status=proposed}}"
)
CASES = {
    "unclosed-braces-5000-before": ("{{" * 5000 + BOX, True),
    "unclosed-braces-5000-inside": ("{{Partnership infobox|partner=" + "{{" * 5000 + "}}", None),
    "unclosed-infoboxes-5000": ("{{Partnership infobox|" * 5000, None),
    "nesting-200-around": ("{{a|" * 200 + BOX + "}}" * 200, True),
    "nesting-200-inside": (BOX[:-2] + "|metrics=" + "{{a|" * 200 + "x" + "}}" * 200 + "}}", True),
    "nul-bytes": ("\x00" + BOX.replace("partner=P", "partner=P\x00") + "\x00", True),
    "unclosed-nowiki-100k": ("<nowiki>" * 100_000 + BOX, True),
    "unclosed-comments": ("<!--" * 50_000, None),
    "open-links-100k": ("[[" * 100_000 + BOX, True),
    "five-megabytes": ("Lorem [[ipsum]] {{cite|x=1}} <ref>r</ref>\n" * 120_000 + BOX, True),
    "five-megabyte-infobox": (BOX[:-2] + "|metrics=" + "[[a|b]] " * 600_000 + "}}", True),
}


@pytest.mark.parametrize(("text", "complete"), list(CASES.values()), ids=list(CASES))
def test_hostile_input(text: str, complete: bool | None, rules: Rules) -> None:
    result = check_text("T", text, rules, AS_OF)
    if complete is None:
        assert [f.code for f in result.findings] == ["no_infobox"]
    else:
        assert result.complete is complete, result.findings
