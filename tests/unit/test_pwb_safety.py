"""Safety checks of the Pywikibot gateway that need no wiki: redaction of Pywikibot's log records,
the namespace check, the namespace filter on listings (the reliability suite exercises them on the
real wiki)."""

from __future__ import annotations

import logging

import pytest

from bot.config import SiteConfig
from bot.errors import ConfigError
from bot.wiki.checks import check_namespaces
from bot.wiki.pwb import _in_namespaces
from bot.wiki.support import hide_secrets_in_pywikibot_logs, redact

SITE = SiteConfig(family="devwiki", code="en", namespaces=(0, 100), maxlag=5, max_retries=2, retry_wait=1)


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ("Body: 'action=login&lgname=Bot%40app&lgpassword=s3cr3t&maxlag=30&lgtoken=abc%2B%5C'", "s3cr3t"),
        ("Body: 'action=login&lgname=Bot%40app&lgpassword=s3cr3t&maxlag=30&lgtoken=abc%2B%5C'", "abc%2B"),
        ("action=edit&title=X&token=0123abcd%2B%5C&text=hello", "0123abcd"),
        ("API Error: query=\n\"{'action': ['login'], 'lgpassword': ['s3cr3t'], 'lgtoken': ['t0k']}\"", "s3cr3t"),
        ("API Error: query=\n\"{'action': ['login'], 'lgpassword': ['s3cr3t'], 'lgtoken': ['t0k']}\"", "t0k"),
        ("clientlogin: password=hunter2 loginreturnurl=x", "hunter2"),
    ],
)
def test_redact_hides_passwords_and_tokens(line: str, secret: str) -> None:
    assert secret not in redact(line)
    assert "<hidden>" in redact(line)


def test_redact_leaves_ordinary_text_alone() -> None:
    text = "action=query&prop=revisions&titles=Password%20policy&rvprop=content"
    assert redact(text) == text


def test_pywikibot_log_records_are_redacted_when_made(caplog: pytest.LogCaptureFixture) -> None:
    previous = logging.getLogRecordFactory()
    try:
        hide_secrets_in_pywikibot_logs()
        hide_secrets_in_pywikibot_logs()  # installing twice wraps once
        with caplog.at_level(logging.DEBUG):
            logging.getLogger("pywiki.data.api").debug("Body: %r", "lgpassword=s3cr3t&lgtoken=t0k")
            logging.getLogger("elsewhere").info("other loggers' lgpassword=words stay")
        assert "s3cr3t" not in caplog.text and "t0k" not in caplog.text
        assert "lgpassword=words" in caplog.text
    finally:
        logging.setLogRecordFactory(previous)


def test_a_namespace_the_wiki_lacks_is_a_config_error_naming_key_and_fix() -> None:
    with pytest.raises(ConfigError) as err:
        check_namespaces(SITE, {0: "(main)", 1: "Talk", 4: "Project"})
    (line,) = err.value.problems
    assert "key 'site.namespaces'" in line and "namespace 100 does not exist" in line
    assert "0 (main), 1 Talk, 4 Project" in line and "e.g. [0]" in line
    check_namespaces(SITE, {0: "(main)", 100: "Portal"})


def test_listings_drop_pages_outside_the_namespaces_asked_for() -> None:
    assert _in_namespaces({"ns": 0, "title": "A"}, (0,))
    assert not _in_namespaces({"ns": 10, "title": "Template:A"}, (0,))
    assert not _in_namespaces({"title": "No namespace given"}, (0,))
