"""Stage 1, finding the pages: which pages a pass reads, and what it takes from the stored state
instead (:func:`find`: the infobox's names, the kind of pass, then :func:`select`).

Three ways, chosen by :func:`select`:

* **every page** (``run --reread``, a first pass, or an incremental pass with nothing stored):
  every page transcluding the infobox is read, about one request per 500 pages;
* **stored readings** (a full pass with pages stored): the latest revision of every page is
  listed (one request per 5,000, the wiki's clock in the first) and stage 2 re-validates each page
  whose stored reading is of that revision, made by the same reader, and whose last decision was
  settled; only the others, and those whose tag would change, are read
  (:func:`bot.pipeline.step2_read.read_pages`). Tags and table come out as if every page had
  been read;
* **recent changes** (an incremental pass with a usable mark, see
  :mod:`bot.pipeline.step1_recent_changes`): only the
  pages the wiki's recent changes touched are looked at, in requests that do not grow with the
  number of pages; when nothing that matters changed the pass is *quiet*: it reads no page and
  loads no stored result (the status page's figures come from SQL counts);
* **listing** (an incremental pass without a usable mark): the latest revision of every page is
  listed (one request per 5,000) and the changed ones read.

Every way also gives the mark the next incremental pass starts from: the wiki's clock before the
first page was read, so that nothing changed during this pass is missed next time.

The infobox's names (its name, aliases and the wiki's redirects to it) are asked by every pass:
a full pass asks the redirects (one request), an incremental one gets them with its recent changes
(or, listing without them, asks); a name added or gone makes the pages transcluding it be read
again whatever their revision (:func:`renamed`). Every way also passes on the bot's saves that
the next pass may still see in recent changes (``Selection.own``).

Two things recent changes cannot tell, and the incremental ways add: the pages an earlier pass left
to be decided again (:data:`RECHECK_KEY`; their stored revision may be the latest, the bot's own)
are read whatever changed, and no pass is quiet while any wait; and before the table is rebuilt
from the stored results, the titles it lists that the state does not know (another state database
on the same wiki, a lost one) are asked about: those still using the infobox are read, the others'
rows go because the wiki says so, never because the state forgot them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot import display, overview, render, split
from bot.config import Config
from bot.model import PageRecord, PageSnapshot, RecentChanges
from bot.parse import name_set
from bot.pipeline import step1_recent_changes as changes
from bot.pipeline.context import PassContext
from bot.plan import translation_page
from bot.state import FINGERPRINT_KEY, MARK_KEY, NAMES_KEY, RECHECK_KEY, SAVING_KEY, SUMMARY_KEY, StateStore
from bot.titles import title_key
from bot.wiki import Gateway

log = logging.getLogger(__name__)


@dataclass
class Selection:
    """The pages a pass reads (``pages``, a lazy iterator), the stored records it keeps as they are
    (``kept``), the stored page ids that left (``removed``), every stored record (``stored``, empty
    in a quiet pass and in a sweep from stored readings, which fetches them as it goes; a pass
    reading every page needs their tag memories) and the next mark. :func:`find` adds
    the infobox's ``names`` and the settings' ``fingerprint``; ``summary_parts`` holds the summary's
    numbered parts when they were read to learn the table's titles (the summary's plan reuses them)."""

    kind: str
    how: str
    mark: dt.datetime
    pages: Iterator[PageSnapshot] = field(default_factory=lambda: iter(()))
    stored: dict[int, PageRecord] = field(default_factory=dict)
    kept: list[PageRecord] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    quiet: bool = False
    summary_parts: dict[str, PageSnapshot | None] = field(default_factory=dict)
    names: frozenset[str] = frozenset()
    fingerprint: str = ""
    own: frozenset[int] = frozenset()
    """Revisions earlier passes saved that the next pass's recent changes may still show (kept
    with this pass's own saves: :func:`bot.pipeline.step1_recent_changes.own_to_remember`)."""
    listed: dict[int, tuple[str, int]] | None = None
    """A sweep from stored readings: every page using the infobox (page id → title, latest
    revision), in the wiki's order; stage 2 decides which to read (``pages`` is then empty)."""
    recheck: set[int] = field(default_factory=set)
    """Pages an earlier pass left to be read again (a sweep from stored readings reads them)."""
    revalidated: int = 0
    """Pages a sweep from stored readings decided without reading them (set by stage 2)."""
    tag_redirects: tuple[str, ...] | None = None
    """The tag template's redirects, when asked with the infobox's (a sweep from stored readings)."""
    revisions: dict[str, int] = field(default_factory=dict)
    """A sweep from stored readings: the latest revisions of the published pages the pass's first
    request does not read (:func:`published_parts`; 0: missing)."""
    protected: frozenset[str] = frozenset()
    """Of those pages, the ones the bot may not edit (asked with their revisions)."""


def find(ctx: PassContext, summary: PageSnapshot | None) -> Selection:
    """How this pass finds its pages, and the names the infobox answers to. An incremental pass
    is one only with stored pages and names made under the same settings (:func:`fingerprint`,
    taken once: a deploy during the pass is seen next time); else it is a full sweep, which asks
    the wiki for the infobox's redirects. ``summary``: the summary page as read (None: missing)."""
    cfg, store = ctx.cfg, ctx.store
    fp = fingerprint(cfg)
    same = store is not None and store.get(FINGERPRINT_KEY) == fp
    cached_names = store.get(NAMES_KEY) if store and same else None
    incremental = ctx.kind == "incremental" and store is not None and cached_names is not None and store.counts()[0] > 0
    if ctx.kind == "incremental" and not incremental:
        why = "the infobox's names or the settings changed" if store and not same else "nothing stored yet"
        log.info("incremental pass: %s: a full sweep instead", why)
    sel = select(
        ctx.gw,
        cfg,
        store,
        incremental=incremental,
        now=ctx.now,
        may_be_quiet=ctx.may_be_quiet,
        summary_title=summary.title if summary else cfg.pages.summary,
        summary=summary,
        reread=ctx.reread,
    )
    infobox, tag = f"Template:{cfg.rules.infobox_name}", f"Template:{cfg.pages.tag_template}"
    if sel.listed is not None:  # both templates' redirects and the published parts' revisions: one request
        asked = published_parts(cfg, store)
        redirects, sel.revisions, sel.protected = ctx.gw.redirects_and_revisions([infobox, tag], asked)
        sel.names, sel.tag_redirects = infobox_names(cfg, redirects[infobox]), redirects[tag]
    elif not incremental:
        sel.names = infobox_names(cfg, ctx.gw.redirects_to(infobox))
    sel.fingerprint = fp
    return sel


def select(
    gw: Gateway,
    cfg: Config,
    store: StateStore | None,
    *,
    incremental: bool,
    now: dt.datetime,
    may_be_quiet: bool,
    summary_title: str,
    summary: PageSnapshot | None = None,
    max_changes: int = changes.MAX_CHANGES,
    reread: bool = True,
) -> Selection:
    """Choose how this pass finds its pages (see the module's text). ``incremental``: pages and
    the infobox's names are stored and an incremental pass was asked for. ``may_be_quiet``: a
    pass that changed nothing may skip the summary (not in a dry run, nor when the table is to be
    printed). ``summary_title``: the summary page's title as the wiki spells it; ``summary``: the
    page as read (its table's rows are not dropped unasked). More than ``max_changes`` recent
    changes: the listing is cheaper. Pages an earlier pass left to be decided again
    (:data:`RECHECK_KEY`) are read whatever the way, and no pass is quiet while there are any.
    ``reread``: a full pass reads every page; else, with pages stored, it sweeps from stored
    readings (the settings' and the rules' changes need no reading: every page is re-validated)."""
    namespaces, infobox = cfg.site.namespaces, f"Template:{cfg.rules.infobox_name}"
    if not incremental and not reread and store is not None and store.counts()[0] > 0:
        every = gw.list_revisions(infobox, namespaces)
        using = {pid: item for pid, item in every.pages.items() if not translation_page(item[0])}
        sel = Selection("full", "stored readings", every.now, listed=using, own=store.saved_revisions())
        sel.recheck = stored_recheck(store)
        return sel
    if not incremental or store is None:
        mark = gw.server_time()
        pages = (p for p in gw.transcluding_pages(infobox, namespaces) if not translation_page(p.title))
        own = store.saved_revisions() if store else frozenset()
        return Selection("full", "every page", mark, pages, store.pages() if store else {}, own=own)
    recheck, own, stored_names = stored_recheck(store), store.saved_revisions(), _stored_names(store)
    mark_seen = changes.parse_mark(store.get(MARK_KEY))
    why = _why_list(store, mark_seen, now)
    recent = None if why or mark_seen is None else gw.recent_changes(mark_seen - changes.OVERLAP, max_changes, infobox)
    if recent is not None and not changes.mark_usable(mark_seen, recent.now, saving=False):
        why = "its mark is too old for recent changes, or ahead of the wiki's clock"
    elif recent is not None and not recent.complete:
        why = f"more than {max_changes:,} recent changes"
    if recent is None or why:
        log.info("incremental pass: %s; listing every page's revision", why)
        every = gw.list_revisions(infobox, namespaces)
        mark = recent.now if recent else every.now
        names, forced = renamed(gw, cfg, stored_names, _redirects(gw, recent, infobox))
        stored = store.pages()
        listing = {pid: item for pid, item in every.pages.items() if not translation_page(item[0])}
        changed = sorted(
            pid
            for pid, (title, revid) in listing.items()
            if pid in recheck or pid in forced or _is_changed(stored.get(pid), title, revid)
        )
        removed = [pid for pid in stored if pid not in listing]
        log.info("incremental (listing): %d pages, %d changed, %d gone", len(listing), len(changed), len(removed))
        sel = _split(gw, "listing", mark, stored, changed, removed)
        sel.names, sel.own = names, own
        return sel
    theirs = changes.others(recent.changes, own)
    names, forced = renamed(gw, cfg, stored_names, _redirects(gw, recent, infobox))
    recheck |= forced  # read whatever their revision: the names the infobox answers to changed
    own = changes.in_window(own, recent.changes)
    touched = changes.touched(theirs, namespaces, summary_title)
    hits = store.records(touched.pageids | recheck, touched.titles)
    ids, titles = sorted(touched.pageids | recheck | hits.keys()), sorted(touched.unknown)
    probe = _members(gw, cfg, ids, titles)
    removed = sorted(pid for pid in hits if pid not in probe)
    changed = sorted(
        pid for pid, (title, revid) in probe.items() if pid in recheck or _is_changed(hits.get(pid), title, revid)
    )
    log.info(
        "incremental: %d recent changes (%d of them this bot's saves or content model entries), %d pages touched, %d changed, %d gone%s",
        len(recent.changes),
        len(recent.changes) - len(theirs),
        len(probe),
        len(changed),
        len(removed),
        ", the summary page edited" if touched.summary else "",
    )
    nothing = not changed and not removed and not touched.summary and not recheck and names == stored_names
    if nothing and may_be_quiet and store.get(SUMMARY_KEY) == "1":
        return Selection("incremental", "recent changes", recent.now, quiet=True, names=names, own=own)
    stored = store.pages()
    changed = sorted(
        pid for pid, (title, revid) in probe.items() if pid in recheck or _is_changed(stored.get(pid), title, revid)
    )
    # The table is rebuilt from the stored pages: a row of a page this state does not know (another
    # state database, a lost one) goes only once the wiki says its page no longer qualifies.
    known = {r.title for r in stored.values()} | {title for title, _ in probe.values()}
    listed, parts = table_titles(gw, cfg, summary)
    unknown = sorted(t for t in listed if t not in known)
    found = _members(gw, cfg, [], unknown) if unknown else {}
    extra = {pid for pid, (title, revid) in found.items() if _is_changed(stored.get(pid), title, revid)}
    if unknown:
        log.info("incremental: %d rows of pages not in the state, %d still qualify", len(unknown), len(found))
    removed = [pid for pid in removed if pid not in found]
    sel = _split(gw, "recent changes", recent.now, stored, sorted(set(changed) | extra), removed)
    sel.summary_parts, sel.names, sel.own = parts, names, own
    return sel


def published_parts(cfg: Config, store: StateStore | None) -> list[str]:
    """The published pages of the last table build (:meth:`bot.state.StateStore.published`) whose
    revisions the pass's first request does not give (the numbered parts): a sweep asks them with
    the redirects, for :mod:`bot.pipeline.settled`."""
    entry = store.published() if store is not None else None
    main = (cfg.pages.summary, cfg.pages.data)
    return [t for t in entry[2] if t not in main] if entry else []


def infobox_names(cfg: Config, redirects: Sequence[str]) -> frozenset[str]:
    """The names the infobox answers to: its name, its aliases and the wiki's redirects to it."""
    return name_set((cfg.rules.infobox_name, *cfg.rules.aliases), redirects)


def renamed(
    gw: Gateway, cfg: Config, stored: frozenset[str], redirects: Sequence[str]
) -> tuple[frozenset[str], set[int]]:
    """The infobox's names now (``redirects``: the wiki's redirects to it, as just asked) and the
    pages to read whatever their revision because a name was added or went: those transcluding
    it (one request per name and 5,000 pages; none when the names are the stored ones). Why
    those: a page calling ``{{R}}`` keeps the link to ``R`` in the wiki's links tables whether or
    not ``R`` exists or redirects, and no edit of its own shows in recent changes when ``R`` becomes
    (or stops being) a redirect to the infobox, so the stored reading of exactly these pages is
    what changed; every other page reads the same under either set of names."""
    names = infobox_names(cfg, redirects)
    forced: set[int] = set()
    for key in sorted(names ^ stored):
        found = gw.list_revisions(_key_title(key), cfg.site.namespaces)
        forced |= {pid for pid, (title, _) in found.pages.items() if not translation_page(title)}
    if names != stored:
        log.info(
            "the infobox's names changed (%s): %d pages using them are read again",
            ", ".join(f"+{k}" if k in names else f"-{k}" for k in sorted(names ^ stored)),
            len(forced),
        )
    return names, forced


def _key_title(key: str) -> str:
    """A title of a name key (:func:`bot.titles.title_key`: a template's name without its prefix, a
    main-namespace title with a leading colon, any other namespace's title as it is)."""
    for title in (key[1:] if key.startswith(":") else key, f"Template:{key}"):
        if title_key(title) == key:
            return title
    return f"Template:{key}"


def _stored_names(store: StateStore) -> frozenset[str]:
    """The infobox's names the last completed pass stored (empty when none or unreadable)."""
    try:
        names = json.loads(store.get(NAMES_KEY) or "[]")
    except ValueError:
        return frozenset()
    return frozenset(n for n in names if isinstance(n, str)) if isinstance(names, list) else frozenset()


def _redirects(gw: Gateway, recent: RecentChanges | None, infobox: str) -> tuple[str, ...]:
    """The infobox's redirects: those that came with the recent changes, else asked (one request)."""
    if recent is not None and recent.redirects is not None:
        return recent.redirects
    return gw.redirects_to(infobox)


def stored_recheck(store: StateStore) -> set[int]:
    """The page ids an earlier pass left to be read again (empty when none or unreadable)."""
    try:
        ids = json.loads(store.get(RECHECK_KEY) or "[]")
    except ValueError:
        return set()
    return {i for i in ids if isinstance(i, int)} if isinstance(ids, list) else set()


def table_titles(
    gw: Gateway, cfg: Config, summary: PageSnapshot | None
) -> tuple[set[str], dict[str, PageSnapshot | None]]:
    """The titles linked in the Page column of the summary table as it stands: the main page's
    and, when it is split, its numbered parts' (read in one request per 50); and those parts as
    read (None: missing)."""
    inner = render.current_inner(summary.text) if summary is not None else None
    if inner is None:
        return set(), {}
    titles = set(render.linked_titles(inner))
    main = cfg.pages.summary
    parts = [split.subpage_title(main, n) for n in range(1, split.parts_listed(inner, main) + 1)]
    read = dict(gw.read(parts)) if parts else {}
    for page in read.values():
        if page is not None:
            titles.update(render.linked_titles(render.current_inner(page.text) or ""))
    return titles, read


def _members(gw: Gateway, cfg: Config, ids: list[int], titles: list[str]) -> dict[int, tuple[str, int]]:
    """Of these pages, those that use the infobox in the configured namespaces (no translations)."""
    if not ids and not titles:
        return {}
    found = gw.members(f"Template:{cfg.rules.infobox_name}", cfg.site.namespaces, ids, titles)
    return {pid: item for pid, item in found.items() if not translation_page(item[0])}


def fingerprint(cfg: Config) -> str:
    """What the stored pages and table depend on besides the pages: the namespaces, the summary's
    title and page budget, the infobox's name and aliases, the rules' content (a changed rules page
    re-decides every page), the language (stored findings keep their messages' text, so a new
    language re-decides every page in it), and the code that renders the table. A
    change makes the next incremental pass a full sweep (pages of a dropped namespace leave, the
    names are asked again, the table is rebuilt)."""
    code = b"".join(Path(m.__file__ or "").read_bytes() for m in (render, split, overview, display))
    site, rules = cfg.site, cfg.rules
    text = json.dumps(
        [
            list(site.namespaces),
            cfg.pages.summary,
            cfg.max_page_bytes,
            rules.infobox_name,
            list(rules.aliases),
            rules.digest,
            site.language,
        ]
    )
    return hashlib.sha256(text.encode() + code).hexdigest()[:16]


def _why_list(store: StateStore, mark: dt.datetime | None, now: dt.datetime) -> str:
    """Why recent changes cannot serve this pass ("" when they can), judged before asking the wiki.
    (Changed settings make the pass a full sweep: see :func:`find`.)"""
    if mark is None:
        return "no mark from a completed pass"
    if store.get(SAVING_KEY):
        return "the last pass died or failed while saving tags"
    if now - mark >= changes.MAX_MARK_AGE + dt.timedelta(days=1):  # the bot's clock: a rough first look
        return "its mark is too old for recent changes"
    return ""


def _split(
    gw: Gateway,
    how: str,
    mark: dt.datetime,
    stored: dict[int, PageRecord],
    changed: list[int],
    removed: list[int],
) -> Selection:
    """Read the changed pages; keep the other stored ones, less those removed."""
    skip = set(changed) | set(removed)
    kept = [stored[pid] for pid in sorted(stored) if pid not in skip]
    return Selection("incremental", how, mark, gw.read_pages(changed), stored, kept, sorted(removed))


def _is_changed(record: PageRecord | None, title: str, revid: int) -> bool:
    return record is None or record.revid != revid or record.title != title
