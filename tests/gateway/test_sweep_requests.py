"""Issue 16: a full sweep from stored readings with nothing changed makes at most ⌈N/5000⌉+3
requests, counted at the transport seam (the real Pywikibot gateway; every HTTP request of the
pass reaches the fake). The state comes from a first pass on the in-memory wiki; the fake
transport then serves that same wiki's pages (ids, revisions, texts), so nothing changed."""

from __future__ import annotations

import math
from pathlib import Path

from bot.config import Config
from bot.pipeline.one_pass import Pass
from bot.state import StateStore
from bot.wiki.pwb import PywikibotGateway
from tests.fakes import FakeWiki
from tests.passes import COMPLETE, INCOMPLETE, NOW, wiki_with
from tests.transport import ACCOUNT, Answer, Call, FakeTransport, api_error, is_setup, page, pages

ROOT = Path(__file__).resolve().parents[2]
N = 5_001  # two listing requests of 5,000


def serve(wiki: FakeWiki) -> tuple[list[Call], object]:
    """A handler answering the sweep's queries from ``wiki``, and the calls it saw."""
    calls: list[Call] = []

    def handler(call: Call) -> Answer:
        if is_setup(call):
            return None
        calls.append(call)
        if call.get("generator") == "embeddedin" and call.get("prop") == "info":
            listed = sorted(wiki.list_revisions(call.get("geititle"), [0]).pages.items())
            start = int(call.get("geicontinue") or 0)
            chunk = listed[start : start + 5000]
            answer = pages(*(page(pid, title, lastrevid=revid) for pid, (title, revid) in chunk))
            answer["curtimestamp"] = wiki.time.strftime("%Y-%m-%dT%H:%M:%SZ")
            if start + 5000 < len(listed):
                answer["continue"] = {"geicontinue": str(start + 5000), "continue": "gcontinue||"}
            return answer
        if call.has("prop", "redirects"):
            answers = []
            for title in call.get("titles").split("|"):
                found = [{"title": r} for r in wiki.redirects.get(title, ())]
                snap = wiki.pages.get(title)
                if snap is None:
                    answers.append({"ns": 10, "title": title, "missing": True, "redirects": found})
                else:
                    answers.append(page(snap.pageid, title, lastrevid=snap.revid, redirects=found))
            return pages(*answers)
        if call.get("titles") and call.has("prop", "revisions"):
            out = []
            for title in call.get("titles").split("|"):
                snap = wiki.pages.get(title)
                if snap is None:
                    out.append({"ns": 0, "title": title, "missing": True})
                else:
                    out.append(page(snap.pageid, title, snap.text, revid=snap.revid, ns=snap.namespace or 0))
            top = {"extensiontags": [f"<{t}>" for t in sorted(wiki.extension_tags)]} if call.get("meta") else {}
            return pages(*out, **top)
        return api_error("fake-unexpected", f"no answer for {dict(call.params)}")

    return calls, handler


def test_a_sweep_with_nothing_changed_makes_at_most_n_over_5000_plus_3_requests(
    wiki: FakeTransport, gateway: PywikibotGateway, config: Config, store: StateStore
) -> None:
    fake = wiki_with({f"Org {i:05}": (INCOMPLETE if i % 100 == 0 else COMPLETE) for i in range(N)})
    fake.user = ACCOUNT  # the same account as the gateway's: the same reader fingerprint
    first = Pass(fake, config, lambda: NOW, store).run()
    assert first.pages_read == N
    calls, handler = serve(fake)
    wiki.handler = handler  # type: ignore[assignment]
    before, seen = gateway.requests, len(wiki.calls)
    report = Pass(gateway, config, lambda: NOW, store, dry_run=True).run()
    assert report.pages_read == 0 and report.pages_seen == N, report.line()
    assert report.source == "stored readings"
    every = [dict(c.params) for c in wiki.calls[seen:]]
    assert gateway.requests - before == report.api_requests == len(every), every
    # Pywikibot's own one-time set-up query (siteinfo|userinfo, made on the first query of a
    # process that logged in) aside, the pass's requests: the site's pages, the two templates'
    # redirects and the listing, one per 5,000 pages.
    own = [dict(c.params) for c in wiki.calls[seen:] if not is_setup(c)]
    assert len(own) == len(calls) <= math.ceil(N / 5000) + 3, own


def test_a_settled_sweep_saves_nothing_and_stays_within_the_bound(
    wiki: FakeTransport, gateway: PywikibotGateway, config: Config, store: StateStore
) -> None:
    """Not a dry run: the sweep finds nothing changed, so it neither plans the table nor writes the
    data page; its requests are the site's pages, one for both templates' redirects with the
    published pages' revisions, and the listing (the status page is not due: its heartbeat)."""
    fake = wiki_with({f"Org {i:05}": (INCOMPLETE if i % 100 == 0 else COMPLETE) for i in range(N)})
    fake.user = ACCOUNT
    Pass(fake, config, lambda: NOW, store).run()
    calls, handler = serve(fake)
    wiki.handler = handler  # type: ignore[assignment]
    report = Pass(gateway, config, lambda: NOW, store).run()
    assert report.source == "stored readings, settled" and report.edits == 0, report.line()
    own = [dict(c.params) for c in wiki.calls if not is_setup(c)]
    assert not [c for c in own if c.get("action") == "edit"], own
    assert report.api_requests == len(calls) <= math.ceil(N / 5000) + 3, own
    both = [c for c in own if "redirects" in c.get("prop", "")]
    assert len(both) == 1 and both[0]["prop"] == "redirects|info", both


def test_redirects_and_revisions_answers_by_the_titles_given(wiki: FakeTransport, gateway: PywikibotGateway) -> None:
    """Normalised titles map back to the names asked; a missing page's revision is 0; a page the
    bot may not edit is named; redirects continued over two answers are added up, without repeats."""
    answers = [
        pages(
            page(5, "Template:Box", lastrevid=50, redirects=[{"title": "Template:B1"}]),
            {"ns": 0, "title": "Summary/2", "missing": True},
            page(7, "Summary/1", lastrevid=71, protection=[{"type": "edit", "level": "sysop", "expiry": "infinity"}]),
            normalized=[{"from": "template:Box", "to": "Template:Box"}],
            **{"continue": {"rdcontinue": "x", "continue": "||"}},
        ),
        pages(
            page(5, "Template:Box", lastrevid=50, redirects=[{"title": "Template:B2"}, {"title": "Template:B1"}]),
            page(7, "Summary/1", lastrevid=71),
            normalized=[{"from": "template:Box", "to": "Template:Box"}],
        ),
    ]
    seen: list[Call] = []

    def handler(call: Call) -> Answer:
        if is_setup(call):
            return None
        seen.append(call)
        return answers[len(seen) - 1]

    wiki.handler = handler
    redirects, revisions, protected = gateway.redirects_and_revisions(["template:Box"], ["Summary/1", "Summary/2"])
    assert redirects == {"template:Box": ("Template:B1", "Template:B2")}
    assert revisions == {"Summary/1": 71, "Summary/2": 0}
    assert protected == {"Summary/1"}, "edit-protected at sysop: the bot (no editprotected) may not edit it"
    assert len(seen) == 2 and seen[0].get("titles") == "template:Box|Summary/1|Summary/2"
    assert seen[0].get("inprop") == "protection"
    assert seen[1].get("rdcontinue") == "x"
