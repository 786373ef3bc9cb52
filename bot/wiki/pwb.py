"""The :class:`~bot.wiki.Gateway` on Pywikibot: explicit Action API queries through Pywikibot's
request machinery (session, login, tokens, throttle, maxlag waits, retries on 5xx).

Why explicit queries rather than Pywikibot's page generators: the request count is the product's
promise (a full read of N pages in about N/500 requests), so every query here states its limits
and continuation, and every HTTP answer is counted at the session (a ``requests`` response hook),
retries included. Logging in is :mod:`bot.wiki.login`'s.

Failure mapping (one function, :func:`wiki_error`): API ``editconflict`` → ``EditConflict``;
protection codes → ``PageProtected``; maxlag or read-only beyond the retry budget, 5xx, answers that
are not JSON, dropped connections, a host name that does not resolve → ``WikiUnavailable``; login problems → ``LoginFailed``; any other API error → ``WikiError`` with the
API's code and text.

A save whose edit MediaWiki merged into a person's later revision (no edit conflict: the two
changes lie at least one unchanged line apart) is reported as such (:class:`bot.wiki.Saved`, from
the answer's ``oldrevid``), so that the caller reads the page again.

Pywikibot retries a request whose answer was lost (dropped connection, 5xx, cut response), so a
save can reach the wiki twice: the second finds its text already there and is answered
``nochange``, and :meth:`PywikibotGateway.save` then reports the revision that holds the text,
never the stale base. Where the wiki is lenient, the gateway is not: the configured namespaces
must exist on the wiki (the API drops an unknown number from a filter, which then matches every
namespace) and listings are filtered by namespace again. Pywikibot's own log records are
redacted (passwords, tokens) for operators who switch its debug log on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

import requests

from bot.config import SiteConfig
from bot.errors import EditConflict, WikiError, WikiUnavailable
from bot.model import Listing, PageSnapshot, RecentChanges
from bot.wiki import Saved, SiteRead, changes
from bot.wiki.ahead import read_ahead
from bot.wiki.login import log_in
from bot.wiki.support import RequestCounter, api_stamp, api_time, merge_pages, wiki_error

log = logging.getLogger("bot.wiki")

#: Pages per content batch: the API's limit for revision content (bots with apihighlimits / others).
HIGH_LIMIT, LOW_LIMIT = 500, 50
#: One request in flight per process (Pywikibot's session is shared by gateways and read-ahead).
_ONE_AT_A_TIME = threading.Lock()
#: Attempts for a request whose connection failed outright (Pywikibot retries 5xx and maxlag itself).
CONNECT_ATTEMPTS = 3


class PywikibotGateway:
    """A logged-in session on one wiki. Create it with :meth:`connect`."""

    def __init__(self, site: Any, rights: frozenset[str], counter: RequestCounter | None = None) -> None:
        self._site = site
        self._rights = rights
        self._counter = counter
        self._batch = HIGH_LIMIT if "apihighlimits" in rights else LOW_LIMIT

    # -- set-up ---------------------------------------------------------------------------------

    @classmethod
    def connect(cls, cfg: SiteConfig) -> PywikibotGateway:
        """Log in (:func:`bot.wiki.login.log_in`) and return the gateway."""
        session = log_in(cfg)
        return cls(session.site, session.rights, session.counter)

    @property
    def user(self) -> str:
        return str(self._site.user() or "")

    @property
    def requests(self) -> int:
        return self._counter.count if self._counter else 0

    # -- reads ----------------------------------------------------------------------------------

    def redirects_to(self, title: str) -> tuple[str, ...]:
        data = self._query(titles=title, prop="redirects", rdlimit="max", rdprop="title")
        return tuple(changes.redirect_titles(data))

    def redirects_and_revisions(
        self, targets: Sequence[str], titles: Sequence[str]
    ) -> tuple[dict[str, tuple[str, ...]], dict[str, int], frozenset[str]]:
        """See :meth:`bot.wiki.Gateway.redirects_and_revisions`: ``prop=redirects|info`` (with
        ``inprop=protection``) on every name; a continued answer (more redirects than one answer
        holds) adds to the first."""
        redirects: dict[str, list[str]] = {t: [] for t in targets}
        revisions = dict.fromkeys(titles, 0)
        protected: set[str] = set()
        names = list(dict.fromkeys([*targets, *titles]))
        for i in range(0, len(names), LOW_LIMIT):
            params = {
                "titles": "|".join(names[i : i + LOW_LIMIT]),
                "prop": "redirects|info",
                "inprop": "protection",
            }
            for data in self._continued({**params, "rdlimit": "max", "rdprop": "title"}):
                query = data.get("query", {})
                alias = {n["to"]: n["from"] for n in query.get("normalized", [])}
                for page in query.get("pages", []):
                    name = alias.get(page["title"], page["title"])
                    if name in redirects:
                        redirects[name] += [str(r["title"]) for r in page.get("redirects", [])]
                    if name in revisions and "lastrevid" in page:  # (a continued answer leaves info out)
                        revisions[name] = int(page["lastrevid"])
                        if not self._may_edit(page.get("protection", [])):
                            protected.add(name)
        return {t: tuple(dict.fromkeys(r)) for t, r in redirects.items()}, revisions, frozenset(protected)

    def transcluding_pages(self, template: str, namespaces: Sequence[int]) -> Iterator[PageSnapshot]:
        params: dict[str, Any] = {
            "generator": "embeddedin",
            "geititle": template,
            "geinamespace": "|".join(str(n) for n in namespaces),
            "geilimit": self._batch,
            "geifilterredir": "nonredirects",
            **self._page_props(),
        }
        pending: dict[int, dict[str, Any]] = {}
        for data in read_ahead(self._continued(params)):
            merge_pages(pending, data)
            if data.get("batchcomplete") or "continue" not in data:
                for pageid in sorted(pending):
                    if not _in_namespaces(pending[pageid], namespaces):
                        continue
                    snapshot = self._snapshot(pending[pageid])
                    if snapshot is not None:
                        yield snapshot
                pending.clear()

    def list_revisions(self, template: str, namespaces: Sequence[int]) -> Listing:
        params: dict[str, Any] = {
            "generator": "embeddedin",
            "geititle": template,
            "geinamespace": "|".join(str(n) for n in namespaces),
            "geilimit": "max",
            "geifilterredir": "nonredirects",
            "prop": "info",
            "curtimestamp": 1,
        }
        out: dict[int, tuple[str, int]] = {}
        now: dt.datetime | None = None
        for data in self._continued(params):
            now = now or changes.api_clock(data.get("curtimestamp"))
            for page in data.get("query", {}).get("pages", []):
                if "lastrevid" in page and _in_namespaces(page, namespaces):
                    out[int(page["pageid"])] = (str(page["title"]), int(page["lastrevid"]))
        if now is None:  # not reached: continued() yields at least one answer
            raise WikiError("the wiki gave no answer to a listing of pages")
        return Listing(now, out)

    def read_pages(self, pageids: Sequence[int]) -> Iterator[PageSnapshot]:
        for i in range(0, len(pageids), self._batch):
            chunk = pageids[i : i + self._batch]
            params = {"pageids": "|".join(str(p) for p in chunk), **self._page_props()}
            pending: dict[int, dict[str, Any]] = {}
            for data in self._continued(params):
                merge_pages(pending, data)
            for pageid in sorted(pending):
                snapshot = self._snapshot(pending[pageid])
                if snapshot is not None:
                    yield snapshot

    def read(self, titles: Sequence[str]) -> dict[str, PageSnapshot | None]:
        """Continued: an answer holds at most 8 MiB, so several ~2 MB pages (summary subpages)
        arrive over several responses; a page whose text comes later is not a missing page."""
        return self._read(titles, {}, [])

    def read_site(self, titles: Sequence[str]) -> SiteRead:
        """:meth:`read` with ``meta=siteinfo&siprop=extensiontags`` in its first request."""
        tags: list[str] = []
        pages = self._read(titles, {"meta": "siteinfo", "siprop": "extensiontags"}, tags)
        return SiteRead(pages, frozenset(t.strip("<>").lower() for t in tags))

    def _read(self, titles: Sequence[str], extra: dict[str, str], tags: list[str]) -> dict[str, PageSnapshot | None]:
        out: dict[str, PageSnapshot | None] = {}
        for i in range(0, len(titles), LOW_LIMIT):
            chunk = list(titles[i : i + LOW_LIMIT])
            alias: dict[str, str] = {}
            pending: dict[int, dict[str, Any]] = {}
            params = {"titles": "|".join(chunk), **self._page_props(), **(extra if i == 0 else {})}
            for data in self._continued(params):
                alias.update({n["to"]: n["from"] for n in data.get("query", {}).get("normalized", [])})
                tags += data.get("query", {}).get("extensiontags", [])
                merge_pages(pending, data)
            found = {alias.get(page["title"], page["title"]): self._snapshot(page) for page in pending.values()}
            for title in chunk:
                out[title] = found.get(title)
        return out

    def created_since(self, namespaces: Sequence[int], since: dt.datetime) -> frozenset[str]:
        titles: set[str] = set()
        for ns in namespaces:
            params = {
                "list": "logevents",
                "letype": "create",
                "lenamespace": ns,
                "leend": api_stamp(since),
                "lelimit": "max",
                "leprop": "title",
            }
            for data in self._continued(params):
                titles.update(e["title"] for e in data.get("query", {}).get("logevents", []) if "title" in e)
        return frozenset(titles)

    def server_time(self) -> dt.datetime:
        return changes.server_time(self._continued)

    def recent_changes(self, since: dt.datetime, limit: int, redirects_of: str | None = None) -> RecentChanges:
        return changes.recent_changes(self._continued, since, limit, redirects_of)

    def members(
        self, template: str, namespaces: Sequence[int], pageids: Sequence[int], titles: Sequence[str]
    ) -> dict[int, tuple[str, int]]:
        return changes.members(self._continued, self._batch, template, namespaces, pageids, titles)

    # -- writes ---------------------------------------------------------------------------------

    def save(
        self, title: str, text: str, base: PageSnapshot | None, summary: str, *, content_model: str | None = None
    ) -> Saved:
        """See :meth:`bot.wiki.Gateway.save`. The edit's ``oldrevid`` is the revision it was
        applied to: the base's, unless MediaWiki merged the edit into a later revision."""
        params: dict[str, Any] = {
            "action": "edit",
            "title": title,
            "text": text,
            "summary": summary,
            "bot": True,
            "minor": True,
            "watchlist": "nochange",
            "formatversion": 2,
        }
        if content_model is not None:
            params["contentmodel"] = content_model
        if base is None:
            params["createonly"] = True
        else:
            params["nocreate"] = True
            # baserevid alone: with basetimestamp too, MediaWiki (1.43 and 1.39, EditPage) suppresses the
            # conflict with an edit made in the same second as the base revision ("edit conflict
            # with self", a strict timestamp comparison) and the bot's text would replace it.
            params["baserevid"] = base.revid
        try:
            params["token"] = self._site.tokens["csrf"]
            result = self._submit(params)
        except WikiError:
            raise
        except Exception as exc:
            raise wiki_error(exc, f"saving [[{title}]]") from None
        edit = result.get("edit", {})
        if edit.get("result") != "Success":
            why = edit.get("info") or edit.get("code") or ", ".join(k for k in edit if k != "result")
            raise WikiError(f"saving [[{title}]]: the wiki refused the edit ({why}); the page was left as it was")
        base_revid = base.revid if base is not None else 0
        if edit.get("nochange"):
            # The latest revision holds exactly the decided text (else EditConflict): as decided.
            return Saved(self._revision_holding(title, text, base), base_revid, base_revid)
        applied_on = int(edit.get("oldrevid") or 0) if base is not None else 0
        return Saved(int(edit["newrevid"]), applied_on, base_revid)

    def _revision_holding(self, title: str, text: str, base: PageSnapshot | None) -> int:
        """The revision that holds ``text`` after a save the wiki answered with ``nochange``.

        Why: ``nochange`` does not say which revision holds the text, and it is not always the
        base. When the answer to an earlier attempt of the same save was lost (a dropped
        connection, a 5xx or a cut response after the wiki saved), the retry finds the text
        already there: the revision holding it is the one that attempt created. Returning the base
        revision would store a record (revision, "tag present") that no revision matches. So the
        latest revision is taken when its content is ``text`` (as MediaWiki stores it: line breaks
        normalised, trailing whitespace trimmed). When it is not — a person's edit was merged
        with ours, or already held our change — no revision holds exactly what was decided on:
        ``EditConflict``, and the caller reads the page again and decides afresh."""
        data = self._query(titles=title, prop="revisions", rvprop="ids|sha1", rvslots="main")
        pages = data.get("query", {}).get("pages", [])
        revisions = pages[0].get("revisions", []) if pages else []
        stored = text.replace("\r\n", "\n").rstrip()
        digest = hashlib.sha1(stored.encode("utf-8")).hexdigest()
        if revisions:
            latest = revisions[-1]
            sha1 = latest.get("slots", {}).get("main", {}).get("sha1") or latest.get("sha1")
            if sha1 == digest:
                return int(latest["revid"])
        if base is None:
            return 0
        raise EditConflict(
            f"saving [[{title}]]: the wiki reports no change, but its latest text is not the bot's: someone "
            "edited the page meanwhile"
        )

    # -- plumbing -------------------------------------------------------------------------------

    def _page_props(self) -> dict[str, Any]:
        return {
            "prop": "revisions|info",
            "rvprop": "ids|timestamp|user|content",
            "rvslots": "main",
            "inprop": "protection",
        }

    def _snapshot(self, page: dict[str, Any]) -> PageSnapshot | None:
        if page.get("missing") or page.get("invalid") or not page.get("revisions"):
            return None
        rev = page["revisions"][-1]
        slot = rev.get("slots", {}).get("main", {})
        text = slot.get("content", rev.get("content"))
        if not isinstance(text, str):
            log.warning("skipping [[%s]]: its current text is hidden or not wikitext", page.get("title"))
            return None
        return PageSnapshot(
            title=page["title"],
            revid=int(rev["revid"]),
            timestamp=api_time(rev.get("timestamp")),
            text=text,
            user=str(rev.get("user", "")),
            protected=not self._may_edit(page.get("protection", [])),
            pageid=int(page.get("pageid", 0)),
            namespace=int(page["ns"]) if "ns" in page else None,
        )

    def _may_edit(self, protection: list[dict[str, Any]]) -> bool:
        needed = {"sysop": "editprotected", "autoconfirmed": "editsemiprotected"}
        for entry in protection:
            if entry.get("type") != "edit":
                continue
            level = str(entry.get("level", ""))
            if needed.get(level, level) not in self._rights:
                return False
        return True

    def _query(self, **params: Any) -> dict[str, Any]:
        return self._submit({"action": "query", "formatversion": 2, **params})

    def _continued(self, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Run a query with the API's ``continue`` protocol, one response at a time."""
        cont: dict[str, Any] = {"continue": ""}
        while True:
            data = self._query(**params, **cont)
            yield data
            if "continue" not in data:
                return
            cont = data["continue"]

    def _submit(self, params: dict[str, Any]) -> dict[str, Any]:
        """One API call with retries on connections that failed outright, ``retry_wait`` seconds
        apart and doubling (Pywikibot itself retries 5xx, dropped connections, answers that are not
        JSON and maxlag, up to ``max_retries``)."""
        from pywikibot import config
        from pywikibot.exceptions import APIError

        what = f"API {params.get('action')} request"
        for attempt in range(1, CONNECT_ATTEMPTS + 1):
            try:
                with _ONE_AT_A_TIME:
                    result: dict[str, Any] = self._site.simple_request(**params).submit()
                return result
            # The built-in ConnectionError: Pywikibot's for a host name it could not resolve.
            except (requests.exceptions.ConnectionError, ConnectionError) as exc:
                if attempt == CONNECT_ATTEMPTS:
                    raise wiki_error(exc, what) from None
                time.sleep(min(30, config.retry_wait * 2 ** (attempt - 1)))
            except APIError as exc:
                raise wiki_error(exc, what) from None
            except WikiError:
                raise
            except Exception as exc:
                raise wiki_error(exc, what) from None
        raise WikiUnavailable(f"{what}: no answer")  # not reached


def _in_namespaces(page: dict[str, Any], namespaces: Sequence[int]) -> bool:
    """Whether the API's page lies in one of the namespaces asked for. The API ignores a namespace
    filter it cannot apply, so a listing is never trusted to respect it: a page outside is left
    out (and logged), never read, tagged or listed."""
    if page.get("ns") in namespaces:
        return True
    log.warning("ignoring [[%s]]: namespace %s is not one of %s", page.get("title"), page.get("ns"), list(namespaces))
    return False
