"""Logging in through the fake wiki: a refused login is one ``LoginFailed`` line, and an account
without ``apihighlimits`` reads 50 pages per request. The tests here log in themselves, in order,
to the family's second site (Pywikibot keeps one site object per code and process: the other
modules' logged-in site is not this one)."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from bot.errors import LoginFailed
from tests.transport import BOT_RIGHTS, SECOND_CODE, SITE, Call, FakeTransport, Script, connect, page, pages

OWN_SITE = replace(SITE, code=SECOND_CODE)


def refuse_login(call: Call) -> dict[str, object] | None:
    if call.action != "login":
        return None
    return {"login": {"result": "Failed", "reason": "Incorrect username or password entered.\nPlease try again."}}


def test_a_refused_login_is_one_line(caplog: pytest.LogCaptureFixture) -> None:
    """MediaWiki's reason holds a line break; the message is one line, and names what was done."""
    transport = FakeTransport(refuse_login)
    with pytest.raises(LoginFailed) as err:
        connect(transport, OWN_SITE)
    text = str(err.value)
    assert "\n" not in text and text.startswith(f"logging in to fakewiki:{SECOND_CODE}: ")
    assert "Incorrect username or password entered. Please try again." in text
    assert any(c.action == "login" for c in transport.calls)


def test_without_apihighlimits_reads_go_50_pages_a_request(caplog: pytest.LogCaptureFixture) -> None:
    rights = tuple(r for r in BOT_RIGHTS if r != "apihighlimits")
    transport = FakeTransport(rights=rights)
    with caplog.at_level(logging.WARNING, logger="bot.wiki"):
        gateway = connect(transport, OWN_SITE)
    assert "lacks apihighlimits" in caplog.text and gateway.user == "FakeBot"
    ids = list(range(1, 52))
    script = Script(*(lambda call: pages(*(page(int(i), f"P{i}", "x") for i in call.listed)),) * 2)
    transport.handler = script
    assert len(list(gateway.read_pages(ids))) == 51
    assert [len(c.listed) for c in script.calls] == [50, 1]
    assert gateway.requests == len(transport.calls), "every HTTP request is counted, the login's too"
