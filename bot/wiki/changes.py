"""The gateway's queries for incremental passes: the wiki's clock, its recent changes (with the
infobox's redirects in the same request), and which of some pages use a template. Each takes the gateway's continued query (``PywikibotGateway._continued``)
so that every request goes through the same counting, retries and one-at-a-time lock."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from bot.errors import WikiError
from bot.model import Change, RecentChanges
from bot.wiki.support import api_stamp, api_time, merge_pages

log = logging.getLogger("bot.wiki")

Continued = Callable[[dict[str, Any]], Iterator[dict[str, Any]]]


def api_clock(value: object) -> dt.datetime:
    """The wiki's clock from an answer's ``curtimestamp``."""
    when = api_time(value) if isinstance(value, str) else None
    if when is None:
        raise WikiError("the wiki's answer lacks its clock (curtimestamp): is it MediaWiki 1.24 or later?")
    return when


def server_time(continued: Continued) -> dt.datetime:
    """The wiki's clock (one request)."""
    for data in continued({"curtimestamp": 1}):
        return api_clock(data.get("curtimestamp"))
    raise WikiError("the wiki gave no answer to a query for its clock")  # not reached


def recent_changes(
    continued: Continued, since: dt.datetime, limit: int, redirects_of: str | None = None
) -> RecentChanges:
    """Edits, creations and log actions at or after ``since``, oldest first, by anyone (this
    account's own too: the pass leaves out only the revisions it remembers saving); one request
    per 5,000 changes for a bot (500 otherwise), no more once ``limit`` changes came
    (``complete`` false). The clock is the wiki's when the first answer was made: later changes
    may appear too and do no harm. ``redirects_of``: a title whose redirects are asked in the same
    request (``prop=redirects``, 5,000 for a bot; ``RecentChanges.redirects``), at no extra cost."""
    params: dict[str, Any] = {
        "list": "recentchanges",
        "rcdir": "newer",
        "rcstart": api_stamp(since),
        "rctype": "edit|new|log",
        "rcprop": "title|ids|loginfo",
        "rclimit": "max",
        "curtimestamp": 1,
    }
    if redirects_of is not None:
        params.update(titles=redirects_of, prop="redirects", rdlimit="max", rdprop="title")
    now: dt.datetime | None = None
    out: list[Change] = []
    redirects: list[str] = []
    for data in continued(params):
        now = now or api_clock(data.get("curtimestamp"))
        out.extend(_change(entry) for entry in data.get("query", {}).get("recentchanges", []))
        redirects.extend(redirect_titles(data))
        if len(out) > limit and "continue" in data:
            return RecentChanges(now, tuple(out), complete=False)
    if now is None:  # not reached: continued() yields at least one answer
        raise WikiError("the wiki gave no answer to a query for its recent changes")
    return RecentChanges(now, tuple(out), redirects=tuple(redirects) if redirects_of is not None else None)


def redirect_titles(data: dict[str, Any]) -> list[str]:
    """The redirects' titles in one answer to ``prop=redirects``."""
    return [str(r["title"]) for page in data.get("query", {}).get("pages", []) for r in page.get("redirects", [])]


def _change(entry: dict[str, Any]) -> Change:
    kind = str(entry.get("type", "edit"))
    params = entry.get("logparams") or {}
    target = params.get("target_title") if isinstance(params, dict) else None
    return Change(
        kind="edit" if kind in ("edit", "new") else str(entry.get("logtype") or kind),
        title=str(entry.get("title", "")),
        namespace=int(entry.get("ns", -1)),
        pageid=int(entry.get("pageid") or 0),
        target=str(target) if target else None,
        target_namespace=int(params["target_ns"]) if target and "target_ns" in params else None,
        revid=int(entry.get("revid") or 0),
    )


def members(
    continued: Continued,
    batch: int,
    template: str,
    namespaces: Sequence[int],
    pageids: Sequence[int],
    titles: Sequence[str],
) -> dict[int, tuple[str, int]]:
    """Of the pages given by id or title, those that exist, lie in ``namespaces``, are not
    redirects and transclude ``template``: page id → (title, latest revision id). No content:
    one request per ``batch`` pages."""
    pending: dict[int, dict[str, Any]] = {}
    for key, values in (("pageids", [str(p) for p in pageids]), ("titles", list(titles))):
        for i in range(0, len(values), batch):
            params = {
                key: "|".join(values[i : i + batch]),
                "prop": "info|templates",
                "tltemplates": template,
                "tllimit": "max",
            }
            for data in continued(params):
                merge_pages(pending, data)
    out: dict[int, tuple[str, int]] = {}
    for pageid, page in pending.items():
        if page.get("missing") or page.get("invalid") or page.get("redirect") or not pageid:
            continue
        if page.get("templates") and page.get("ns") in namespaces and "lastrevid" in page:
            out[pageid] = (str(page["title"]), int(page["lastrevid"]))
    return out
