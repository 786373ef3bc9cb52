"""What the gateway makes of a wiki that refuses or fails: API errors, HTTP errors, dropped
connections and answers that are not JSON become the bot's own exceptions (``bot.errors``) with a
one-line message, after the retries Pywikibot makes (``max_retries`` 1 here, no waits)."""

from __future__ import annotations

import pytest
import requests

from bot.errors import EditConflict, LoginFailed, PageProtected, WikiError, WikiUnavailable
from bot.model import PageSnapshot
from bot.wiki.pwb import PywikibotGateway
from tests.transport import FakeTransport, Reply, Script, api_error, page, pages

BASE = PageSnapshot(title="A", revid=10, timestamp=None, text="old", user="Someone", protected=False, pageid=1)
SAVED = {"edit": {"result": "Success", "pageid": 1, "title": "A", "oldrevid": 10, "newrevid": 11}}
READ = pages(page(1, "A", "text of A"))
DNS_FAILURE = requests.ConnectionError(
    "HTTPConnectionPool(host='fake.wiki.test', port=80): Max retries exceeded with url: /api.php (Caused by "
    "NewConnectionError('<urllib3.connection.HTTPConnection object>: Failed to resolve: [Errno -2] Name or "
    "service not known'))"
)


def one_line(error: BaseException) -> str:
    text = str(error)
    assert "\n" not in text and "\r" not in text, text
    return text


def test_maxlag_is_waited_out_once_then_read(wiki: FakeTransport, gateway: PywikibotGateway) -> None:
    script = Script(api_error("maxlag", "Waiting for a database server: 7 seconds lagged.", lag=0, type="db"), READ)
    wiki.handler = script
    assert gateway.read(["A"])["A"] is not None
    assert [c["maxlag"] for c in script.calls] == ["30", "30"]


@pytest.mark.parametrize(
    ("answers", "expected", "words"),
    [
        (
            [api_error("maxlag", "Waiting for a database server: 9 seconds lagged.", lag=0)] * 2,
            WikiUnavailable,
            "maxlag",
        ),
        (
            [api_error("readonly", "The wiki is in read-only mode.", readonlyreason="upgrade")] * 2,
            WikiUnavailable,
            "retries",
        ),
        ([Reply(500, "<html>Internal error</html>")] * 2, WikiUnavailable, "retries"),
        ([Reply(503, "<html>Service Unavailable</html>")] * 2, WikiUnavailable, "retries"),
        ([requests.ConnectionError("Connection aborted.")] * 2, WikiUnavailable, "retries"),
        ([Reply(200, "<html>a proxy's page</html>")] * 2, WikiUnavailable, "retries"),
        ([api_error("internal_api_error_DBQueryError", "[abc] Database query error.")] * 2, WikiUnavailable, "retries"),
        ([api_error("notloggedin", "Please log in.\nThen try again.")], LoginFailed, "notloggedin"),
        ([api_error("weirdcode", "Something\nunexpected.")], WikiError, "weirdcode: Something unexpected."),
    ],
    ids=["maxlag", "readonly", "http-500", "http-503", "dropped", "not-json", "db-error", "logged-out", "unknown"],
)
def test_a_failing_read_ends_in_the_bots_exception_after_the_retries(
    wiki: FakeTransport,
    gateway: PywikibotGateway,
    answers: list[object],
    expected: type[WikiError],
    words: str,
) -> None:
    script = Script(*answers)  # type: ignore[arg-type]
    wiki.handler = script
    with pytest.raises(WikiError) as err:
        gateway.read(["A"])
    assert type(err.value) is expected
    assert words in one_line(err.value) and one_line(err.value).startswith("API query request: ")
    assert not script.answers, "every answer (the retries) was asked for"


@pytest.mark.parametrize(
    ("failure", "answers"), [(Reply(502, "<html>Bad gateway</html>"), 2), (requests.ConnectionError("reset"), 1)]
)
def test_a_transient_failure_is_retried(
    wiki: FakeTransport, gateway: PywikibotGateway, failure: object, answers: int
) -> None:
    """And counted: the request count is of the answers received, retries included (a connection
    that failed brought none)."""
    wiki.handler = Script(failure, READ)  # type: ignore[arg-type]
    before = gateway.requests
    page_a = gateway.read(["A"])["A"]
    assert page_a is not None and page_a.text == "text of A"
    assert len(wiki.calls) == 2 and gateway.requests - before == answers


def test_a_host_that_does_not_resolve_is_unavailable(wiki: FakeTransport, gateway: PywikibotGateway) -> None:
    """Pywikibot raises the built-in ``ConnectionError`` for a name it cannot resolve, and does not
    retry it; the gateway tries again, then reports the wiki unavailable."""
    script = Script(DNS_FAILURE, DNS_FAILURE, DNS_FAILURE)
    wiki.handler = script
    with pytest.raises(WikiUnavailable) as err:
        gateway.read(["A"])
    assert "check that the wiki is up" in one_line(err.value)
    assert len(script.calls) == 3


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("editconflict", EditConflict),
        ("pagedeleted", EditConflict),
        ("protectedpage", PageProtected),
        ("cascadeprotected", PageProtected),
        ("permissiondenied", PageProtected),
        ("abusefilter-disallowed", WikiError),
    ],
)
def test_a_refused_save(wiki: FakeTransport, gateway: PywikibotGateway, code: str, expected: type[WikiError]) -> None:
    wiki.handler = Script(api_error(code, f"The wiki says no ({code}).\nSee the help."))
    with pytest.raises(WikiError) as err:
        gateway.save("A", "new", BASE, "tag")
    assert type(err.value) is expected
    assert one_line(err.value).startswith("API edit request: ") and code in str(err.value)


def test_a_bad_token_is_renewed_once(wiki: FakeTransport, gateway: PywikibotGateway) -> None:
    """``badtoken``: Pywikibot fetches new tokens and sends the edit again with the new one."""
    script = Script(api_error("badtoken", "Invalid CSRF token."), SAVED)
    wiki.handler = script
    assert gateway.save("A", "new", BASE, "tag").revid == 11
    assert len(script.calls) == 2
    tokens = [c for c in wiki.calls if c.has("meta", "tokens")]
    assert tokens, "the tokens were asked for again"


def test_a_bad_token_twice_is_a_lost_session(wiki: FakeTransport, gateway: PywikibotGateway) -> None:
    wiki.handler = Script(api_error("badtoken", "Invalid CSRF token."), api_error("badtoken", "Invalid CSRF token."))
    with pytest.raises(LoginFailed) as err:
        gateway.save("A", "new", BASE, "tag")
    assert "the session was lost (badtoken" in one_line(err.value)


def test_a_save_the_wiki_did_not_accept(wiki: FakeTransport, gateway: PywikibotGateway) -> None:
    """An edit answered without ``Success`` (a captcha, a hook's refusal) is reported, not taken for a save."""
    wiki.handler = Script({"edit": {"result": "Failure", "captcha": {"type": "image"}}})
    with pytest.raises(WikiError) as err:
        gateway.save("A", "new", BASE, "tag")
    assert one_line(err.value) == "saving [[A]]: the wiki refused the edit (captcha); the page was left as it was"
