"""A wiki in memory that follows the ``bot.wiki.Gateway`` Protocol: a dict of pages and a list of
saves. Tests of the job use it; the real gateway is tested against the local dev wiki.

It behaves as MediaWiki does where the job depends on it: trailing whitespace is stripped on save,
every save gets a new revision id, a protected page raises ``PageProtected``. A save whose base is
not the current revision is merged into it as MediaWiki 1.43 and 1.39 merge (a three-way line merge: both
changes apply when at least one unchanged line lies between them, and the answer's ``applied_on``
names the revision merged into; measured on the dev wiki), else raises ``EditConflict``.
``before_save`` lets a test act "between read and save" (e.g. a person's edit).

Recent changes: every edit, save, move and deletion is logged with the fake's own clock, which
moves one second per change (``tick`` moves it further); ``recent_changes`` gives everyone's,
the bot's own included, each edit with its revision id, and the redirects of a template asked about
(``redirects``, as ``prop=redirects`` in the same request)."""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from bot.errors import EditConflict, PageProtected
from bot.model import Change, Listing, PageSnapshot, RecentChanges
from bot.parse import find_infobox, name_set
from bot.rules import DEFAULT_RULES
from bot.wiki import Saved, SiteRead
from bot.wikitext import DEFAULT_EXTENSION_TAGS

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
RULES_PAGE = "Module:Partnership tracker/rules.json"
RULES_PAGEID = 999_999


def namespace(title: str) -> int:
    """The fake's namespaces: the main namespace (0) for a title without a prefix; any prefix
    stands for a namespace the bot is not configured for (118, Draft)."""
    return 0 if ":" not in title else 118


@dataclass(frozen=True)
class Save:
    title: str
    text: str
    base_revid: int | None
    summary: str


@dataclass
class FakeWiki:
    user: str = "PartnershipBot"
    pages: dict[str, PageSnapshot] = field(default_factory=dict)
    redirects: dict[str, tuple[str, ...]] = field(default_factory=dict)
    created: dict[str, dt.datetime] = field(default_factory=dict)
    saves: list[Save] = field(default_factory=list)
    requests: int = 0
    before_save: Callable[[str], None] | None = None
    batch: int = 500
    rc_batch: int = 5000
    time: dt.datetime = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
    """The wiki's clock (a day before the job tests' ``NOW``)."""
    log: list[tuple[dt.datetime, str, Change]] = field(default_factory=list)
    extension_tags: frozenset[str] = DEFAULT_EXTENSION_TAGS
    """What ``meta=siteinfo&siprop=extensiontags`` answers (Meta-Wiki's list)."""
    """(when, by whom, what) of every change, oldest first."""
    models: dict[str, str] = field(default_factory=dict)
    """Content models given to saves, by title (a page saved without one has the wiki's default)."""
    _revids: Iterator[int] = field(default_factory=lambda: itertools.count(1000))
    _pageids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        """The rules page, as install-templates leaves it (not in recent changes; revision 1)."""
        text = DEFAULT_RULES.read_text(encoding="utf-8").rstrip()
        self.pages.setdefault(RULES_PAGE, PageSnapshot(RULES_PAGE, 1, T0, text, "Admin", False, RULES_PAGEID, 828))

    def put(
        self, title: str, text: str, user: str = "Editor", *, protected: bool = False, when: dt.datetime = T0
    ) -> int:
        """Create or edit a page as ``user`` (test set-up; not counted as a request)."""
        revid = next(self._revids)
        old = self.pages.get(title)
        pageid = old.pageid if old else next(self._pageids)
        self.pages[title] = PageSnapshot(title, revid, when, text.rstrip(), user, protected, pageid, namespace(title))
        self.created.setdefault(title, when)
        self._changed(user, Change("edit", title, namespace(title), pageid, revid=revid))
        return revid

    def move(self, old: str, new: str, user: str = "Editor") -> None:
        """Rename a page; it keeps its page id (the move adds a revision, as on a wiki)."""
        page = self.pages.pop(old)
        self.pages[new] = replace(page, title=new, revid=next(self._revids), namespace=namespace(new))
        self._changed(user, Change("move", old, namespace(old), page.pageid, new, namespace(new)))

    def delete(self, title: str, user: str = "Admin") -> None:
        """Delete a page (its log entry carries the page id, as in MediaWiki 1.43 and 1.39)."""
        page = self.pages.pop(title)
        self._changed(user, Change("delete", title, namespace(title), page.pageid))

    def tick(self, delta: dt.timedelta) -> None:
        """Let time pass on the wiki."""
        self.time += delta

    def _changed(self, user: str, change: Change) -> None:
        self.time += dt.timedelta(seconds=1)
        self.log.append((self.time, user, change))

    def _listed(self, template: str) -> list[str]:
        names = name_set((template, *self.redirects.get(template, ())))
        # (a page in the JSON content model transcludes nothing, as on MediaWiki: the data page's
        # findings may quote the infobox's name)
        return [
            t
            for t, p in sorted(self.pages.items())
            if ":" not in t and self.models.get(t) != "json" and find_infobox(p.text, names).count > 0
        ]

    # -- the Gateway Protocol -----------------------------------------------------------------------

    def redirects_to(self, title: str) -> tuple[str, ...]:
        self.requests += 1
        return self.redirects.get(title, ())

    def redirects_and_revisions(
        self, targets: Sequence[str], titles: Sequence[str]
    ) -> tuple[dict[str, tuple[str, ...]], dict[str, int], frozenset[str]]:
        self.requests += max(1, -(-len(set(targets) | set(titles)) // 50))
        found = {t: self.pages[t].revid if t in self.pages else 0 for t in titles}
        protected = frozenset(t for t in titles if t in self.pages and self.pages[t].protected)
        return {t: self.redirects.get(t, ()) for t in targets}, found, protected

    def transcluding_pages(self, template: str, namespaces: Sequence[int]) -> Iterator[PageSnapshot]:
        titles = self._listed(template)
        for i in range(0, len(titles), self.batch):
            self.requests += 1
            yield from (self.pages[t] for t in titles[i : i + self.batch])

    def list_revisions(self, template: str, namespaces: Sequence[int]) -> Listing:
        titles = self._listed(template)
        self.requests += max(1, -(-len(titles) // 5000))
        return Listing(self.time, {self.pages[t].pageid: (t, self.pages[t].revid) for t in titles})

    def read_pages(self, pageids: Sequence[int]) -> Iterator[PageSnapshot]:
        by_id = {p.pageid: p for p in self.pages.values()}
        for i in range(0, len(pageids), self.batch):
            self.requests += 1
            yield from (by_id[p] for p in pageids[i : i + self.batch] if p in by_id)

    def read(self, titles: Sequence[str]) -> dict[str, PageSnapshot | None]:
        self.requests += max(1, (len(titles) + 49) // 50)
        return {t: self.pages.get(t) for t in titles}

    def read_site(self, titles: Sequence[str]) -> SiteRead:
        return SiteRead(self.read(titles), self.extension_tags)

    def server_time(self) -> dt.datetime:
        self.requests += 1
        return self.time

    def recent_changes(self, since: dt.datetime, limit: int, redirects_of: str | None = None) -> RecentChanges:
        """In answers of ``rc_batch`` changes, cut as the real gateway cuts: once more than
        ``limit`` came and more remain."""
        redirects = self.redirects.get(redirects_of, ()) if redirects_of is not None else None
        found = [c for when, _who, c in self.log if when >= since]
        out: list[Change] = []
        for i in range(0, max(1, len(found)), self.rc_batch):
            self.requests += 1
            out += found[i : i + self.rc_batch]
            if len(out) > limit and i + self.rc_batch < len(found):
                return RecentChanges(self.time, tuple(out), complete=False)
        return RecentChanges(self.time, tuple(out), redirects=redirects)

    def members(
        self, template: str, namespaces: Sequence[int], pageids: Sequence[int], titles: Sequence[str]
    ) -> dict[int, tuple[str, int]]:
        self.requests += -(-len(pageids) // self.batch) + -(-len(titles) // self.batch)
        listed = [self.pages[t] for t in self._listed(template)]
        return {p.pageid: (p.title, p.revid) for p in listed if p.pageid in set(pageids) or p.title in titles}

    def created_since(self, namespaces: Sequence[int], since: dt.datetime) -> frozenset[str]:
        self.requests += 1
        return frozenset(t for t, when in self.created.items() if when >= since)

    def save(
        self, title: str, text: str, base: PageSnapshot | None, summary: str, *, content_model: str | None = None
    ) -> Saved:
        """``content_model``, when given, is remembered in :attr:`models` (the title's model)."""
        self.requests += 1
        if content_model is not None:
            self.models[title] = content_model
        if self.before_save:
            hook, self.before_save = self.before_save, None
            hook(title)
        current = self.pages.get(title)
        if base is None and current is not None:
            raise EditConflict(f"{title}: created meanwhile")
        if base is not None and current is None:
            raise EditConflict(f"{title}: deleted since revision {base.revid}")
        if current is not None and current.protected:
            raise PageProtected(f"{title}: protected")
        base_revid = base.revid if base else 0
        applied_on = current.revid if base and current else 0
        if current is not None and current.text == text.rstrip():  # "nochange": the text is there
            return Saved(current.revid, base_revid, base_revid)
        if base is not None and current is not None and current.revid != base.revid:
            merged = merge3(base.text, current.text, text.rstrip())
            if merged is None or merged == current.text:  # the real gateway: no revision holds ours
                raise EditConflict(f"{title}: changed since revision {base.revid}")
            text = merged
        self.saves.append(Save(title, text, base.revid if base else None, summary))
        revid = next(self._revids)
        pageid = current.pageid if current else next(self._pageids)
        snapshot = PageSnapshot(title, revid, T0, text.rstrip(), self.user, pageid=pageid, namespace=namespace(title))
        self.pages[title] = replace(snapshot, protected=current.protected if current else False)
        self._changed(self.user, Change("edit", title, namespace(title), pageid, revid=revid))
        return Saved(revid, applied_on, base_revid)


def merge3(base: str, theirs: str, ours: str) -> str | None:
    """``ours`` (an edit of ``base``) merged into ``theirs`` (a later revision of it), as MediaWiki
    merges: by lines, both changes applied when every hunk of one lies at least one unchanged line
    away from every hunk of the other; None (an edit conflict) when two hunks overlap or touch."""
    a = base.split("\n")
    hunks: list[tuple[int, int, list[str], str]] = []
    for side, text in (("ours", ours), ("theirs", theirs)):
        b = text.split("\n")
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
        hunks += [(i1, i2, b[j1:j2], side) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"]
    hunks.sort(key=lambda h: (h[0], h[1]))
    for (_, i2, _, s1), (k1, _, _, s2) in itertools.pairwise(hunks):
        if s1 != s2 and k1 <= i2:
            return None
    out, at = [], 0
    for i1, i2, lines, _ in hunks:
        out += a[at:i1] + lines
        at = i2
    return "\n".join(out + a[at:])
