"""The gateway's reads over canned answers: what it asks (batched, continued, with its limits) and how
it reads what comes back (continuation, pages whose revisions arrive later, missing, invalid and
hidden pages, normalised titles, redirects, namespaces, the wiki's extension tags)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.wiki.pwb import PywikibotGateway
from tests.transport import Call, FakeTransport, Script, page, pages

INFOBOX = "Template:Partnership infobox"
UTC = dt.UTC


def test_transcluding_pages_follows_continuation_and_merges_late_revisions(
    wiki: FakeTransport, gateway: PywikibotGateway
) -> None:
    """Three answers: the first lists two pages but has the text of only one (``rvcontinue``), the
    second brings the other's text and ends the batch, the third is a new batch. Pages come out
    whole, by page id, once per batch; each request carries the previous answer's ``continue``."""
    a, b, c = page(1, "A", "text of A"), page(2, "B"), page(3, "C", "text of C")
    b_text = page(2, "B", "text of B")
    script = Script(
        pages(b, a, **{"continue": {"rvcontinue": "2|20", "continue": "gcontinue||"}}),
        pages(
            {"pageid": 1, "ns": 0, "title": "A"},
            b_text,
            batchcomplete=True,
            **{"continue": {"geicontinue": "0|3", "continue": "-||"}},
        ),
        pages(c, batchcomplete=True),
    )
    wiki.handler = script
    got = list(gateway.transcluding_pages(INFOBOX, [0]))
    assert [(p.pageid, p.title, p.text, p.revid) for p in got] == [
        (1, "A", "text of A", 10),
        (2, "B", "text of B", 20),
        (3, "C", "text of C", 30),
    ]
    first, second, third = script.calls
    assert first["generator"] == "embeddedin" and first["geititle"] == INFOBOX and first["geinamespace"] == "0"
    assert first["geilimit"] == "500" and first["geifilterredir"] == "nonredirects"
    assert (
        first["prop"] == "revisions|info"
        and first["rvslots"] == "main"
        and first["rvprop"] == "ids|timestamp|user|content"
    )
    assert first["continue"] == "" and first["formatversion"] == "2"
    assert (second["rvcontinue"], second["continue"]) == ("2|20", "gcontinue||")
    assert (third["geicontinue"], third["continue"]) == ("0|3", "-||") and "rvcontinue" not in third
    assert not script.answers, "every answer was asked for"


def test_listings_leave_out_pages_outside_the_namespaces_and_unreadable_ones(
    wiki: FakeTransport, gateway: PywikibotGateway
) -> None:
    """The API drops a namespace filter it cannot apply: a page outside is never returned. A page
    whose text is hidden (revision deleted) or not given is skipped, not an empty page."""
    hidden = page(4, "Hidden", "x")
    hidden["revisions"][0]["slots"]["main"] = {"texthidden": True}
    wiki.handler = Script(pages(page(1, "A", "a"), page(2, "Template:T", "t", ns=10), hidden, page(5, "No revision")))
    assert [p.title for p in gateway.transcluding_pages(INFOBOX, [0])] == ["A"]


def test_list_revisions_has_no_content_and_follows_continuation(wiki: FakeTransport, gateway: PywikibotGateway) -> None:
    script = Script(
        pages(
            {"pageid": 1, "ns": 0, "title": "A", "lastrevid": 11},
            **{"continue": {"geicontinue": "0|2", "continue": "gcontinue||"}, "curtimestamp": "2026-11-25T08:30:00Z"},
        ),
        pages(
            {"pageid": 2, "ns": 0, "title": "B", "lastrevid": 22},
            {"pageid": 3, "ns": 4, "title": "Project:C", "lastrevid": 33},
        ),
    )
    wiki.handler = script
    listing = gateway.list_revisions(INFOBOX, [0])
    assert listing.pages == {1: ("A", 11), 2: ("B", 22)}
    assert listing.now == dt.datetime(2026, 11, 25, 8, 30, tzinfo=UTC)
    first, second = script.calls
    assert first["prop"] == "info" and first["geilimit"] == "max" and "rvprop" not in first
    assert first["curtimestamp"] == "1"
    assert second["geicontinue"] == "0|2"


def test_read_pages_asks_for_many_pages_per_request(wiki: FakeTransport, gateway: PywikibotGateway) -> None:
    """A bot account reads 500 pages per request: 501 page ids take two requests, never one per
    page; a page deleted meanwhile (``missing``) is left out."""
    ids = list(range(1, 502))

    def answer(call: Call) -> dict[str, Any]:
        return pages(
            *(page(int(i), f"P{i}", f"text {i}") if i != "7" else {"pageid": 7, "missing": True} for i in call.listed)
        )

    script = Script(answer, answer)
    wiki.handler = script
    got = list(gateway.read_pages(ids))
    assert [len(c.listed) for c in script.calls] == [500, 1]
    assert [p.pageid for p in got] == [i for i in ids if i != 7]


def test_read_maps_answers_back_to_the_titles_as_given(wiki: FakeTransport, gateway: PywikibotGateway) -> None:
    """Titles come back normalised (``normalized``): the keys are the titles asked for. A missing
    page and an invalid title are ``None``; a redirect is read as the redirect page itself (no
    ``redirects`` parameter: the bot never follows one)."""
    script = Script(
        pages(
            page(1, "Partnership A", "infobox"),
            {"ns": 0, "title": "Nowhere", "missing": True},
            {
                "title": "Bad[title",
                "invalidreason": "The requested page title contains invalid characters",
                "invalid": True,
            },
            page(2, "Old name", "#REDIRECT [[Partnership A]]", redirect=True),
            normalized=[{"fromencoded": False, "from": "partnership_A", "to": "Partnership A"}],
        )
    )
    wiki.handler = script
    got = gateway.read(["partnership_A", "Nowhere", "Bad[title", "Old name"])
    assert list(got) == ["partnership_A", "Nowhere", "Bad[title", "Old name"]
    assert got["partnership_A"] is not None and got["partnership_A"].title == "Partnership A"
    assert got["Nowhere"] is None and got["Bad[title"] is None
    assert got["Old name"] is not None and got["Old name"].text.startswith("#REDIRECT")
    (call,) = script.calls
    assert call["titles"] == "partnership_A|Nowhere|Bad[title|Old name" and "redirects" not in call.params


def test_read_waits_for_text_that_comes_in_a_later_answer(wiki: FakeTransport, gateway: PywikibotGateway) -> None:
    """An answer holds at most 8 MiB: a large page's text may come only with the continuation.
    It is not taken for a missing page."""
    wiki.handler = Script(
        pages(
            page(1, "Big/1", "one"),
            {"pageid": 2, "ns": 0, "title": "Big/2"},
            **{"continue": {"rvcontinue": "2|20", "continue": "||"}},
        ),
        pages(page(2, "Big/2", "two"), batchcomplete=True),
    )
    got = gateway.read(["Big/1", "Big/2"])
    assert {t: p.text if p else None for t, p in got.items()} == {"Big/1": "one", "Big/2": "two"}


def test_read_asks_50_titles_per_request(wiki: FakeTransport, gateway: PywikibotGateway) -> None:
    titles = [f"T{n}" for n in range(51)]
    script = Script(pages(*(page(n + 1, t, "x") for n, t in enumerate(titles[:50]))), pages(page(51, "T50", "x")))
    wiki.handler = script
    assert all(gateway.read(titles).values())
    assert [len(c.listed) for c in script.calls] == [50, 1]


def test_read_site_gets_the_extension_tags_with_the_first_request_only(
    wiki: FakeTransport, gateway: PywikibotGateway
) -> None:
    titles = [f"T{n}" for n in range(51)]
    script = Script(
        pages(*(page(n + 1, t, "x") for n, t in enumerate(titles[:50])), extensiontags=["<pre>", "<nowiki>", "<Ref>"]),
        pages(page(51, "T50", "x")),
    )
    wiki.handler = script
    site = gateway.read_site(titles)
    assert site.extension_tags == frozenset({"pre", "nowiki", "ref"})
    assert len(site.pages) == 51 and all(site.pages.values())
    first, second = script.calls
    assert first.has("meta", "siteinfo") and first["siprop"] == "extensiontags"
    assert not second.has("meta", "siteinfo")


def test_redirects_to(wiki: FakeTransport, gateway: PywikibotGateway) -> None:
    script = Script(
        pages(
            {"pageid": 9, "ns": 10, "title": INFOBOX, "redirects": [{"pageid": 10, "ns": 10, "title": "Template:PI"}]}
        )
    )
    wiki.handler = script
    assert gateway.redirects_to(INFOBOX) == ("Template:PI",)
    assert script.calls[0]["prop"] == "redirects" and script.calls[0]["rdlimit"] == "max"


def test_server_time_and_created_since(wiki: FakeTransport, gateway: PywikibotGateway) -> None:
    since = dt.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    script = Script(
        {"batchcomplete": True, "curtimestamp": "2026-11-25T08:30:00Z"},
        {
            "query": {"logevents": [{"title": "New A"}, {"logid": 5}]},
            "continue": {"lecontinue": "x", "continue": "-||"},
        },
        {"query": {"logevents": [{"title": "New B"}]}},
    )
    wiki.handler = script
    assert gateway.server_time() == dt.datetime(2026, 11, 25, 8, 30, tzinfo=UTC)
    assert gateway.created_since([0], since) == frozenset({"New A", "New B"})
    log = script.calls[1]
    assert (log["list"], log["letype"], log["lenamespace"], log["leend"]) == (
        "logevents",
        "create",
        "0",
        "2026-11-20T12:00:00Z",
    )


def test_recent_changes_stop_at_the_limit(wiki: FakeTransport, gateway: PywikibotGateway) -> None:
    """More changes than ``limit`` with more to come: cut, ``complete`` false, no further request."""
    change = {"type": "edit", "ns": 0, "title": "A", "pageid": 1}
    more = {"continue": {"rccontinue": "20261125|9", "continue": "-||"}}
    script = Script(
        {"curtimestamp": "2026-11-25T08:30:00Z", "query": {"recentchanges": [change] * 3}, **more},
        {"curtimestamp": "2026-11-25T08:30:01Z", "query": {"recentchanges": [change] * 3}, **more},
    )
    wiki.handler = script
    got = gateway.recent_changes(dt.datetime(2026, 11, 25, tzinfo=UTC), limit=4)
    assert not got.complete and len(got.changes) == 6 and got.now == dt.datetime(2026, 11, 25, 8, 30, tzinfo=UTC)
    assert "rcexcludeuser" not in script.calls[0] and script.calls[1]["rccontinue"] == "20261125|9"


def test_members_by_id_and_by_title(wiki: FakeTransport, gateway: PywikibotGateway) -> None:
    using = [{"ns": 10, "title": INFOBOX}]
    script = Script(
        pages(
            {"pageid": 1, "ns": 0, "title": "A", "lastrevid": 11, "templates": using},
            {"pageid": 2, "ns": 0, "title": "B", "lastrevid": 22},
        ),
        pages(
            {"pageid": 3, "ns": 0, "title": "R", "lastrevid": 33, "redirect": True, "templates": using},
            {"ns": 0, "title": "Gone", "missing": True},
        ),
    )
    wiki.handler = script
    assert gateway.members(INFOBOX, [0], [1, 2], ["R", "Gone"]) == {1: ("A", 11)}
    by_id, by_title = script.calls
    assert (by_id["pageids"], by_id["tltemplates"], by_id["prop"]) == ("1|2", INFOBOX, "info|templates")
    assert by_title["titles"] == "R|Gone"
