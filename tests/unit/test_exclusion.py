"""{{bots}}/{{nobots}} (bot/exclusion.py): a table of cases decided as Pywikibot's botMayEdit decides
them, the differences we chose (name folding, BotPassword suffix), masking, and linear time."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.exclusion import BotsCall, bots_allowed, bots_calls, call_allows
from tests.conftest import CORPUS, corpus_pages

USER = "PartnershipBot"

CASES = [
    # (page text, allowed for PartnershipBot)
    ("No templates at all.", True),
    ("{{bots}}", True),
    ("{{nobots}}", False),
    ("{{Nobots}}", False),
    ("{{Template:Nobots}}", False),
    ("{{ nobots }}", False),
    ("{{bots|allow=all}}", True),
    ("{{bots|allow=none}}", False),
    ("{{bots|allow=PartnershipBot}}", True),
    ("{{bots|allow=OtherBot,PartnershipBot}}", True),
    ("{{bots|allow=OtherBot, ThirdBot}}", False),
    ("{{bots|deny=all}}", False),
    ("{{bots|deny=none}}", True),
    ("{{bots|deny=PartnershipBot}}", False),
    ("{{bots|deny=OtherBot,PartnershipBot}}", False),
    ("{{bots|deny=OtherBot}}", True),
    # names: case-insensitive, _ = space, whitespace trimmed and folded
    ("{{bots|deny=partnershipbot}}", False),
    ("{{bots|deny= PARTNERSHIPBOT }}", False),
    ("{{bots|deny=All}}", False),
    ("{{bots|allow=ALL}}", True),
    ("{{bots|deny=Partnership_Bot}}", True),  # a different account: "Partnership Bot"
    # nobots with a list (Pywikibot reads the positional list as names)
    ("{{nobots|PartnershipBot}}", False),
    ("{{nobots|OtherBot}}", True),
    ("{{nobots|all}}", False),
    ("{{nobots|deny=OtherBot}}", False),  # a named parameter on nobots: declined
    ("{{nobots|}}", True),  # Pywikibot quirk: an empty list names nobody
    # invalid bots calls are ignored
    ("{{bots|PartnershipBot}}", True),
    ("{{bots|allow=}}", True),
    ("{{bots|deny=}}", True),
    ("{{bots|optout=all}}", True),
    ("{{bots|Deny=all}}", True),  # parameter names are case-sensitive
    # only the first parameter counts: positional first, then named sorted by name
    ("{{bots|deny=all|allow=PartnershipBot}}", True),  # reads allow=PartnershipBot
    ("{{bots|allow=OtherBot|deny=none}}", False),
    ("{{bots|deny=all|deny=none}}", True),  # the last duplicate wins
    # any denying call denies
    ("{{bots}}\n{{nobots}}", False),
    ("{{bots|deny=OtherBot}} {{bots|allow=none}}", False),
    ("{{bots|allow=all}} {{bots|allow=PartnershipBot}}", True),
    # nested calls count
    ("{{Talk header|note={{nobots}}}}", False),
    ("{{bots|deny={{nobots}}}}", False),
    # comments, nowiki, pre, includeonly hide a call
    ("<!-- {{nobots}} -->", True),
    ("<nowiki>{{nobots}}</nowiki>", True),
    ("<pre>{{bots|deny=all}}</pre>", True),
    ("<includeonly>{{nobots}}</includeonly>", True),
    ("<nowiki>{{nobots}}", False),  # an unclosed nowiki hides nothing (literal text, as in MediaWiki)
    ("{{bots|deny=<!-- PartnershipBot -->OtherBot}}", True),
    ("{{bots|deny=Other<!-- x -->Bot,PartnershipBot}}", False),
    ("{{nobots<!-- c -->}}", False),
    # unclosed or other templates
    ("{{nobots", True),
    ("{{nobotsx}}", True),
    ("{{bots2|deny=all}}", True),
    ("{{User:X/nobots}}", True),
    ("{{:Nobots}}", True),  # a main-namespace page, not the template
    # parameter values with links
    ("{{bots|deny=[[User:X|X]],PartnershipBot}}", False),
]


@pytest.mark.parametrize(("text", "allowed"), CASES)
def test_table_of_cases(text: str, allowed: bool) -> None:
    assert bots_allowed(text, USER) is allowed
    assert bots_allowed("Before.\n" + text + "\nAfter.", USER) is allowed


@pytest.mark.parametrize(
    ("user", "denied"),
    [("PartnershipBot", True), ("PartnershipBot@tracker", True), ("partnershipBot", True), ("Partnership Bot", False)],
)
def test_botpassword_login_and_folding(user: str, denied: bool) -> None:
    assert bots_allowed("{{bots|deny=PartnershipBot}}", user) is not denied


def test_user_with_space_matches_underscore() -> None:
    assert not bots_allowed("{{bots|deny=Partnership_Bot}}", "Partnership Bot@x")
    assert bots_allowed("{{bots|allow=Partnership_Bot}}", "Partnership_Bot")


@pytest.mark.parametrize(
    ("text", "script", "allowed"),
    [
        ("{{bots|allowscript=partnership}}", "partnership", True),
        ("{{bots|allowscript=partnership}}", None, False),
        ("{{bots|allowscript=all}}", None, True),
        ("{{bots|denyscript=partnership}}", "partnership", False),
        ("{{bots|denyscript=other}}", "partnership", True),
        ("{{nobots|partnership}}", "partnership", False),
    ],
)
def test_script_keys(text: str, script: str | None, allowed: bool) -> None:
    assert bots_allowed(text, USER, script) is allowed


def test_calls_in_pywikibot_order() -> None:
    (call,) = bots_calls("{{bots|z=1| deny = a , b |first|allow=x|1=second}}")
    assert call == BotsCall("Bots", ("second", "allow=x", "deny=a , b", "z=1"))
    assert bots_calls("{{nobots}}") == [BotsCall("Nobots", ())]
    (call,) = bots_calls("{{bots|one|3=three}}")
    assert call.params == ("one", "3=three")


def test_call_allows_direct() -> None:
    assert not call_allows(BotsCall("Nobots", ()), USER)
    assert call_allows(BotsCall("Bots", ()), USER)


def test_real_pages() -> None:
    """Of the 70 real articles only al-Haytham carries {{bots|deny=Citation bot}}: it excludes that
    bot (under its own name or a BotPassword login), not us."""
    for page in corpus_pages():
        assert bots_allowed(page.read_text(encoding="utf-8"), USER), page.name
    text = (CORPUS / "al_Haytham.wiki").read_text(encoding="utf-8")
    assert not bots_allowed(text, "Citation bot")
    assert not bots_allowed(text, "Citation_bot@maintenance")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_any_text_is_handled_and_unchanged_by_a_trailing_bots(text: str) -> None:
    result = bots_allowed(text, USER)
    assert isinstance(result, bool)
    if "{{" not in text and "<" not in text and "}" not in text:
        assert bots_allowed(text + "\n{{nobots}}", USER) is False
