"""What an incremental pass learns from the wiki's recent changes, as pure functions.

An incremental pass does not list every page that uses the infobox (one request per 5,000 pages:
20 at 100,000). It asks the wiki what changed since the last completed pass (``list=recentchanges``,
one request per 5,000 changes, everyone's) and looks closer only at the pages those changes
touched:

* the revisions this bot's passes saved are left out, by revision id (:func:`others`; every
  ``Gateway.save`` of a pass is remembered, :mod:`bot.pipeline.own_saves`, and kept while recent
  changes may still show it, :func:`in_window`, at most ``MAX_OWN``); any other edit under the bot's
  account (an operator with its login, another tool or set-up) counts as anyone's;
* a content model change's log entry (``contentmodel``: the bot's creation of a data part in the
  ``json`` model writes one, with no revision id) is left out: every content model change makes a
  revision of its own, listed as an edit, which says all (at 100,000 pages the first pass's 36 data
  parts made the next incremental pass rebuild the table: 24 requests and 22 s instead of a quiet
  pass);
* an edit or a creation in a configured namespace touches its page id;
* a log action (move, delete, restore, merge, import, protect, ...) touches its page id, its title
  and, for a move, the new title; the stored pages under those titles are looked at too (MediaWiki
  1.43 (and 1.39) gives the page id of moved, deleted and restored pages; a title whose entry has none is
  looked up by title);
* any change to the summary page or one of its numbered subpages means the table must be
  checked again even when no partnership page changed.

The same request asks for the infobox's redirects (``prop=redirects``, no extra request); when they
differ from the stored names, the pages transcluding a name added or gone are read whatever their
revision (one request per such name, :func:`bot.pipeline.step1_find.renamed`).

The wiki is then asked which touched pages still use the infobox (one request per 500 pages, no
content). Only those whose revision or title differ from the stored ones are read; stored pages
that no longer qualify (deleted, moved out of the namespaces, infobox gone) leave the table.

What recent changes cannot show is left to the daily full sweep: as with the listing, a date
passing a ``stale`` limit, the end of a re-tag hold; unlike the listing, a page that starts or stops
using the infobox without an edit of its own through a wrapper template edited or the infobox
deleted, and a new page whose links tables were written more than the overlap after its edit
(a page of the table that the state does not know is asked about before its row goes, see
:mod:`bot.pipeline.step1_find`). ``seed`` and ``install-templates`` forget the mark, so the pass
after them lists. The pass lists every page instead when the mark is missing, too old for the
wiki's recent changes (kept 30 days on Wikimedia wikis, 90 by default) or ahead of the wiki's clock,
when more than ``MAX_CHANGES`` changes came since, when the last pass died or failed while saving
tags. When the namespaces, the infobox's name or aliases, the summary's settings or the table's
code changed, the pass is a full sweep.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from bot.model import Change, Touched

#: Changes are read from this long before the last mark: a change committed a little after the
#: wiki's clock said (long transactions, deferred updates, lagged links tables) is still seen.
OVERLAP = dt.timedelta(minutes=10)
#: A mark older than this is not trusted: the wiki may have dropped older recent changes.
MAX_MARK_AGE = dt.timedelta(days=7)
#: More changes than this since the mark: listing every page is cheaper (10 requests for a bot).
MAX_CHANGES = 50_000
#: At most this many revision ids of the bot's own saves are remembered (the newest). A forgotten
#: one is only looked at as anyone's edit would be: its page's stored revision is that revision,
#: so the page is not read again, but the pass is not quiet and asks the wiki about the page. A
#: first pass over 100,000 pages saves some 32,000 tags (measured: 10,000 made the next incremental
#: pass 64 requests and 22 s instead of 2); the list is pruned to what recent changes still show.
MAX_OWN = 100_000
#: The log type of a content model change (``action=changecontentmodel``, or a creation with
#: ``contentmodel``); MediaWiki writes a revision for each as well.
CONTENT_MODEL = "contentmodel"


def others(changes: Sequence[Change], own: AbstractSet[int]) -> tuple[Change, ...]:
    """The changes less the revisions this bot saved (``own``) and content model log entries
    (their revisions are listed as edits). Edits under the bot's account that it did not make (an
    operator with its login, another tool) stay: they are anyone's."""
    return tuple(c for c in changes if not (c.revid and c.revid in own) and c.kind != CONTENT_MODEL)


def in_window(own: AbstractSet[int], changes: Sequence[Change]) -> frozenset[int]:
    """The remembered saves that recent changes still show. The others can never come again: a
    later pass reads from a later time, and every remembered save was made before this pass's
    changes were read (a save whose entry the wiki wrote late is then seen as anyone's edit:
    its page's stored revision is that revision, so the page is not read again)."""
    return frozenset(c.revid for c in changes if c.revid in own)


def own_to_remember(kept: AbstractSet[int], saved: AbstractSet[int]) -> list[int]:
    """What the state keeps of the bot's saves: those earlier passes made that the next pass may
    still see (``kept``) and this pass's (``saved``), the newest ``MAX_OWN``, ascending."""
    return sorted(kept | saved)[-MAX_OWN:]


def touched(changes: Sequence[Change], namespaces: Sequence[int], summary_title: str) -> Touched:
    """Sort the changes into what an incremental pass must look at (see the module's text).
    ``summary_title`` is best given as the wiki spells it; underscores and a lower-case first
    letter are forgiven here."""
    pageids: set[int] = set()
    titles: set[str] = set()
    unknown: set[str] = set()
    summary = False
    main = _normal(summary_title)
    for change in changes:
        for title in (change.title, change.target):
            if title is not None and (_normal(title) == main or _normal(title).startswith(main + "/")):
                summary = True
        if change.kind == "edit":
            if change.namespace in namespaces and change.pageid:
                pageids.add(change.pageid)
            continue
        mine = [
            t
            for t, ns in ((change.title, change.namespace), (change.target, change.target_namespace))
            if t and ns in namespaces
        ]
        titles.update(mine)
        if change.pageid and mine:
            pageids.add(change.pageid)
        elif not change.pageid:
            unknown.update(mine)
    return Touched(frozenset(pageids), frozenset(titles), frozenset(unknown), summary)


def _normal(title: str) -> str:
    title = title.replace("_", " ").strip()
    return title[:1].upper() + title[1:]


def mark_usable(mark: dt.datetime | None, now: dt.datetime, saving: bool) -> bool:
    """Whether recent changes since ``mark`` can replace the listing: a mark exists, is younger than
    ``MAX_MARK_AGE`` by the wiki's clock (``now``) and not ahead of it by more than the overlap (a
    clock set back, a database restored), and no pass died while saving tags after it."""
    return mark is not None and not saving and -OVERLAP <= now - mark < MAX_MARK_AGE


def parse_mark(value: str | None) -> dt.datetime | None:
    """A stored mark (ISO 8601), or None when absent or unreadable (the pass then lists)."""
    if not value:
        return None
    try:
        mark = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return mark if mark.tzinfo is not None else mark.replace(tzinfo=dt.UTC)
