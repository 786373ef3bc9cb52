"""What an incremental pass asks of the wiki, through the real gateway at the transport seam (issue
16): a quiet pass makes two requests (the special pages; recent changes with the infobox's
redirects), leaves out the bot's own saves by revision id and nothing else by user; an edit under
the bot's account that the bot did not save, or a new redirect to the infobox, makes it look.

The state comes from a full pass over the in-memory wiki (``tests/fakes.py``); the transport then
answers from that wiki's pages and change log as MediaWiki 1.43 would (formatversion 2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.config import Config
from bot.model import RunReport
from bot.pipeline.one_pass import Pass
from bot.state import StateStore
from bot.wiki.pwb import PywikibotGateway
from bot.wiki.support import api_stamp
from tests.fakes import FakeWiki
from tests.passes import COMPLETE, INCOMPLETE, NOW, wiki_with
from tests.transport import Call, FakeTransport, Script, page, pages

ROOT = Path(__file__).resolve().parents[2]
INFOBOX = "Template:Partnership infobox"


def settled(config: Config, store: StateStore) -> FakeWiki:
    """The in-memory wiki after a full pass (stored in ``store``), an hour later."""
    wiki = wiki_with({"A": COMPLETE, "B": INCOMPLETE})
    wiki.tick(dt.timedelta(hours=1))
    Pass(wiki, config, lambda: NOW, store, kind="full").run()
    wiki.tick(dt.timedelta(hours=1))
    return wiki


def answers(fake: FakeWiki) -> Callable[[Call], dict[str, Any]]:
    """The fake wiki's pages and change log, as API answers."""

    def snapshot(title: str) -> dict[str, Any]:
        by_id = {str(p.pageid): p for p in fake.pages.values()}
        got = fake.pages.get(title) or by_id.get(title)
        if got is None:
            return {"ns": 0, "title": title, "missing": True}
        return page(got.pageid, got.title, got.text, revid=got.revid, ns=got.namespace or 0)

    def answer(call: Call) -> dict[str, Any]:
        if call.get("list") == "recentchanges":
            entries = [
                {"type": "edit", "ns": c.namespace, "title": c.title, "pageid": c.pageid, "revid": c.revid}
                for when, _, c in fake.log
                if api_stamp(when) >= call["rcstart"]
            ]
            redirects = [{"ns": 10, "title": t} for t in fake.redirects.get(call["titles"], ())]
            target = {"pageid": 77, "ns": 10, "title": call["titles"], "redirects": redirects}
            return {"curtimestamp": api_stamp(fake.time), "query": {"pages": [target], "recentchanges": entries}}
        if call.get("prop") == "info|templates":  # members: no content
            uses = [{"ns": 10, "title": INFOBOX}]
            listed = (fake.pages[t] for t in fake._listed(INFOBOX))
            return pages(
                *(
                    page(p.pageid, p.title, templates=uses, lastrevid=p.revid)
                    for p in listed
                    if str(p.pageid) in call.listed
                )
            )
        return pages(*(snapshot(t) for t in call.listed), extensiontags=["<pre>", "<nowiki>"])

    return answer


def warm(wiki: FakeTransport, gateway: PywikibotGateway) -> None:
    """Pywikibot's own set-up request (``siprop=extensions``, once per session, at the first
    ``meta=siteinfo``) made before a count."""
    wiki.handler = Script(pages(extensiontags=["<pre>"]))
    gateway.read_site(["Main Page"])


def incremental(gateway: PywikibotGateway, config: Config, store: StateStore, dry_run: bool = False) -> RunReport:
    return Pass(gateway, config, lambda: NOW, store, kind="incremental", dry_run=dry_run).run()


def test_a_quiet_pass_makes_two_requests_and_leaves_out_only_the_bots_saves(
    wiki: FakeTransport, gateway: PywikibotGateway, config: Config, tmp_path: Path
) -> None:
    with StateStore(tmp_path / "state.sqlite") as store:
        fake = settled(config, store)
        own = store.saved_revisions()
        assert own  # B's tag, the summary, the status page
        warm(wiki, gateway)
        script = Script(*[answers(fake)] * 2)
        wiki.handler = script
        report = incremental(gateway, config, store)
    assert report.source == "recent changes, quiet" and report.api_requests == 2 == len(script.calls)
    rc = script.calls[1]
    assert rc["list"] == "recentchanges" and "rcexcludeuser" not in rc.params
    assert (rc["titles"], rc["prop"], rc["rdlimit"]) == (INFOBOX, "redirects", "max")


def test_an_edit_under_the_bots_account_by_hand_is_read(
    wiki: FakeTransport, gateway: PywikibotGateway, config: Config, tmp_path: Path
) -> None:
    with StateStore(tmp_path / "state.sqlite") as store:
        fake = settled(config, store)
        fake.put("A", INCOMPLETE, "PartnershipBot")  # an operator with the bot's login
        warm(wiki, gateway)
        script = Script(*[answers(fake)] * 4)
        wiki.handler = script
        report = incremental(gateway, config, store, dry_run=True)
    # the special pages, recent changes, members of A, reading A (a dry run: no tag saved)
    assert report.source == "recent changes" and report.pages_read == 1 and report.incomplete == 2
    assert report.api_requests == 4 == len(script.calls)


def test_a_new_redirect_to_the_infobox_reads_the_pages_using_it(
    wiki: FakeTransport, gateway: PywikibotGateway, config: Config, tmp_path: Path
) -> None:
    with StateStore(tmp_path / "state.sqlite") as store:
        fake = settled(config, store)
        fake.put("C", INCOMPLETE.replace("{{Partnership infobox", "{{PI"))
        fake.log.pop()  # C's creation was long ago: only the redirect is new
        fake.redirects[INFOBOX] += ("Template:PI",)
        answer = answers(fake)
        listing = pages({"pageid": fake.pages["C"].pageid, "ns": 0, "title": "C", "lastrevid": fake.pages["C"].revid})
        listing["curtimestamp"] = api_stamp(fake.time)  # a listing carries the wiki's clock
        warm(wiki, gateway)
        script = Script(answer, answer, listing, answer, answer)
        wiki.handler = script
        report = incremental(gateway, config, store, dry_run=True)
    # the special pages, recent changes with the redirects, the pages using PI (the redirect's one
    # request), members of C, reading C
    assert report.source == "recent changes" and report.pages_read == 1 and report.pages_seen == 3
    assert script.calls[2]["geititle"] == "Template:PI" and report.api_requests == 5 == len(script.calls)
