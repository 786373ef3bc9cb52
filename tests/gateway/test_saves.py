"""The gateway's saves over canned answers: the edit it sends (bot, minor, base revision without
timestamp, create-only or no-create, the CSRF token) and what it makes of the answer: a plain save,
a save MediaWiki merged into a person's later revision (``oldrevid``), a creation, and ``nochange``
(a retried save whose first attempt reached the wiki)."""

from __future__ import annotations

import hashlib

import pytest

from bot.errors import EditConflict
from bot.model import PageSnapshot
from bot.wiki import Saved
from bot.wiki.pwb import PywikibotGateway
from tests.transport import FakeTransport, Script, pages

BASE = PageSnapshot(title="A", revid=10, timestamp=None, text="old", user="Someone", protected=False, pageid=1)


def edit(**fields: object) -> dict[str, object]:
    return {"edit": {"result": "Success", "pageid": 1, "title": "A", "contentmodel": "wikitext", **fields}}


def revision(revid: int, text: str) -> dict[str, object]:
    """The latest revision as ``prop=revisions&rvprop=ids|sha1&rvslots=main`` gives it."""
    sha1 = hashlib.sha1(text.encode("utf-8")).hexdigest()
    return pages(
        {"pageid": 1, "ns": 0, "title": "A", "revisions": [{"revid": revid, "slots": {"main": {"sha1": sha1}}}]}
    )


def test_a_save_sends_one_edit_based_on_the_revision_read(wiki: FakeTransport, gateway: PywikibotGateway) -> None:
    """Flags go as the API reads them: present with an empty value."""
    script = Script(edit(oldrevid=10, newrevid=11, newtimestamp="2026-11-25T10:00:00Z"))
    wiki.handler = script
    assert gateway.save("A", "{{Tag}}\nold", BASE, "tagging") == Saved(11, 10, 10)
    (call,) = script.calls
    assert call.method == "POST" and call.action == "edit"
    assert (call["title"], call["text"], call["summary"]) == ("A", "{{Tag}}\nold", "tagging")
    assert call["baserevid"] == "10" and all(call.get(flag, "absent") == "" for flag in ("nocreate", "bot", "minor"))
    assert "basetimestamp" not in call and "createonly" not in call
    assert call["token"] == "csrf-token+\\" and call["watchlist"] == "nochange" and call["maxlag"] == "5"


def test_a_save_merged_into_a_later_revision_says_so(wiki: FakeTransport, gateway: PywikibotGateway) -> None:
    """MediaWiki applied the edit to a person's revision 12 (saved after the base 10): no conflict,
    but ``oldrevid`` says so, and :attr:`Saved.merged` tells the caller to read the page again."""
    wiki.handler = Script(edit(oldrevid=12, newrevid=13))
    saved = gateway.save("A", "{{Tag}}\nold", BASE, "tagging")
    assert saved == Saved(revid=13, applied_on=12, base_revid=10) and saved.merged


def test_a_page_is_created_only_when_it_does_not_exist(wiki: FakeTransport, gateway: PywikibotGateway) -> None:
    script = Script(edit(new=True, oldrevid=0, newrevid=5))
    wiki.handler = script
    saved = gateway.save("A", "new page", None, "creating")
    assert saved == Saved(5, 0, 0) and not saved.merged
    (call,) = script.calls
    assert call.get("createonly", "absent") == "" and "nocreate" not in call and "baserevid" not in call


def test_no_change_reports_the_revision_that_holds_the_text(wiki: FakeTransport, gateway: PywikibotGateway) -> None:
    """A retried save whose first attempt was saved is answered ``nochange``: the revision holding
    the text (as MediaWiki stores it: trailing whitespace trimmed) is the one reported, not the base."""
    script = Script(edit(nochange=True), revision(11, "{{Tag}}\nold"))
    wiki.handler = script
    assert gateway.save("A", "{{Tag}}\nold\n\n", BASE, "tagging") == Saved(11, 10, 10)
    check = script.calls[1]
    assert (check["titles"], check["prop"], check["rvprop"]) == ("A", "revisions", "ids|sha1")


def test_no_change_on_a_text_that_is_not_the_bots_is_a_conflict(wiki: FakeTransport, gateway: PywikibotGateway) -> None:
    wiki.handler = Script(edit(nochange=True), revision(12, "a person's text"))
    with pytest.raises(EditConflict) as err:
        gateway.save("A", "{{Tag}}\nold", BASE, "tagging")
    assert "someone edited the page meanwhile" in str(err.value)


def test_a_content_model_is_sent_only_when_asked(wiki: FakeTransport, gateway: PywikibotGateway) -> None:
    """``content_model`` (the data page: ``json``) goes as ``contentmodel``; without it no
    ``contentmodel`` is sent, so every other save is as before."""
    script = Script(edit(new=True, oldrevid=0, newrevid=5), edit(oldrevid=10, newrevid=11))
    wiki.handler = script
    assert gateway.save("A.json", "{}", None, "creating", content_model="json") == Saved(5, 0, 0)
    gateway.save("A", "{{Tag}}\nold", BASE, "tagging")
    first, second = script.calls
    assert first["contentmodel"] == "json" and first.get("createonly", "absent") == ""
    assert "contentmodel" not in second
