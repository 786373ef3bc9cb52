"""The revisions a pass saves, remembered so that later passes leave out exactly those from the
wiki's recent changes (and not every edit under the bot's account): :class:`OwnSaves` is the
pass's gateway, the wiki's with every save's revision id noted.

Every save of a pass goes through it: tags, the summary and its numbered parts, the data page,
the status page, the TemplateData doc. A save the wiki answered with ``nochange`` notes the
revision that holds the decided text: the pass decided on that very text, so nothing is lost by
leaving its entry out.

It also notes the latest revision it saw of every page read or saved by title (``latest``): the
revisions the bot's own published pages stand at when a pass ends (:mod:`bot.pipeline.settled`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from bot.model import Listing, PageSnapshot, RecentChanges
from bot.wiki import Gateway, Saved, SiteRead


class OwnSaves:
    """A :class:`~bot.wiki.Gateway` that passes every call to ``gateway`` and adds each save's
    revision id to ``revids``; ``latest``: title → the latest revision id seen of each page read
    by title (:meth:`read`, :meth:`read_site`; 0: missing) or saved (-1: the wiki merged the save
    into a person's later revision, whose text the bot did not decide on)."""

    def __init__(self, gateway: Gateway, revids: set[int], latest: dict[str, int] | None = None) -> None:
        self._gw, self.revids = gateway, revids
        self.latest: dict[str, int] = {} if latest is None else latest

    def save(
        self, title: str, text: str, base: PageSnapshot | None, summary: str, *, content_model: str | None = None
    ) -> Saved:
        saved = self._gw.save(title, text, base, summary, content_model=content_model)
        if saved.revid:
            self.revids.add(saved.revid)
            self.latest[title] = -1 if saved.merged else saved.revid  # a merged revision holds a person's text
        return saved

    @property
    def user(self) -> str:
        return self._gw.user

    @property
    def requests(self) -> int:
        return self._gw.requests

    def redirects_to(self, title: str) -> tuple[str, ...]:
        return self._gw.redirects_to(title)

    def redirects_and_revisions(
        self, targets: Sequence[str], titles: Sequence[str]
    ) -> tuple[dict[str, tuple[str, ...]], dict[str, int], frozenset[str]]:
        return self._gw.redirects_and_revisions(targets, titles)

    def transcluding_pages(self, template: str, namespaces: Sequence[int]) -> Iterator[PageSnapshot]:
        return self._gw.transcluding_pages(template, namespaces)

    def list_revisions(self, template: str, namespaces: Sequence[int]) -> Listing:
        return self._gw.list_revisions(template, namespaces)

    def read_pages(self, pageids: Sequence[int]) -> Iterator[PageSnapshot]:
        return self._gw.read_pages(pageids)

    def read(self, titles: Sequence[str]) -> dict[str, PageSnapshot | None]:
        return self._seen(self._gw.read(titles))

    def read_site(self, titles: Sequence[str]) -> SiteRead:
        site = self._gw.read_site(titles)
        self._seen(site.pages)
        return site

    def _seen(self, pages: dict[str, PageSnapshot | None]) -> dict[str, PageSnapshot | None]:
        self.latest.update({title: page.revid if page else 0 for title, page in pages.items()})
        return pages

    def created_since(self, namespaces: Sequence[int], since: dt.datetime) -> frozenset[str]:
        return self._gw.created_since(namespaces, since)

    def server_time(self) -> dt.datetime:
        return self._gw.server_time()

    def recent_changes(self, since: dt.datetime, limit: int, redirects_of: str | None = None) -> RecentChanges:
        return self._gw.recent_changes(since, limit, redirects_of)

    def members(
        self, template: str, namespaces: Sequence[int], pageids: Sequence[int], titles: Sequence[str]
    ) -> dict[int, tuple[str, int]]:
        return self._gw.members(template, namespaces, pageids, titles)
