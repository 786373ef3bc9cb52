"""Stage 3, deciding one page: validate it and decide its tag edit (:class:`Judge`). Used while
reading (stage 2) and again for each page read afresh just before its save (stage 4), so a page is
always decided the same way from the text in hand.

The judge is made once per pass, after the pages are found: the infobox's names, the tag template
and its redirects (asked of the wiki once per full pass; an incremental pass reuses the stored
ones), what the state remembers of each page's tag, and the wiki's extension tags (how every page
is read). The one question it may still ask the wiki is which pages are new (the grace period),
and only when a pass is about to add a tag.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from bot import (
    angles,
    exclusion,
    i18n,
    messages,
    parse,
    plan,
    preprocess,
    rules,
    tagging,
    titles,
    validate,
    values,
    wikitext,
)
from bot.config import Config
from bot.model import NO_INFOBOX, PageResult, PageSnapshot, ParseOutcome, TagMemory, encode_reading
from bot.parse import find_infobox
from bot.pipeline.context import PassContext
from bot.plan import REDIRECT, Decision, Policy, decide, translation_page
from bot.state import TAG_NAMES_KEY, StateStore
from bot.tagging import tag_names
from bot.validate import check_page
from bot.wiki import Gateway
from bot.wikitext import read

#: Bump to make every stored reading stale (the next full sweep reads every page again) when what
#: a reading or a settled decision means changes in a way the code's bytes do not show.
READER_VERSION = 1
#: The code a reading and a settled decision come from: a change of any makes stored readings stale.
READER_MODULES = (angles, preprocess, titles, wikitext, parse, tagging, plan, exclusion)
#: Readings are stored in batches of this many pages while a pass reads.
READINGS_BATCH = 500


def validator_fingerprint(cfg: Config) -> str:
    """What a page's result depends on besides its reading and the date: the rules' content, the
    validator's code, the wiki's language and its messages (findings keep their text; a change of
    any re-validates every stored reading)."""
    code = b"".join(Path(m.__file__ or "").read_bytes() for m in (validate, values, messages, rules))
    words = b"".join(
        (i18n.I18N_ROOT / f"{lang}.json").read_bytes() for lang in sorted({i18n.FALLBACK, cfg.site.language})
    )
    return hashlib.sha256(cfg.rules.digest.encode() + cfg.site.language.encode() + code + words).hexdigest()[:16]


def reader_fingerprint(extension_tags: frozenset[str], names: frozenset[str], policy: Policy) -> int:
    """What a stored reading and a settled decision depend on besides the page's revision: the
    reader's version and code, the wiki's extension tags, the infobox's names, the tag template's
    name and redirects and the bot's user name (a positive 63-bit number; 0 means "none")."""
    code = b"".join(Path(m.__file__ or "").read_bytes() for m in READER_MODULES)
    what = json.dumps(
        [READER_VERSION, sorted(extension_tags), sorted(names), policy.template, sorted(policy.tag_names), policy.user]
    )
    return int.from_bytes(hashlib.sha256(what.encode() + code).digest()[:8], "big") >> 1 or 1


@dataclass
class Readings:
    """Where the pass's readings go: stored in batches while pages are read (a reading is a fact
    about one revision, so it may be stored before the pass completes); nowhere in a dry run or
    without a state database."""

    store: StateStore | None
    fingerprint: int
    pending: list[tuple[int, int, int, bytes]] = field(default_factory=list)

    def add(self, page: PageSnapshot, outcome: ParseOutcome) -> None:
        if self.store is None or not page.pageid or not page.revid:
            return
        self.pending.append((page.pageid, page.revid, self.fingerprint, encode_reading(outcome)))
        if len(self.pending) >= READINGS_BATCH:
            self.flush()

    def flush(self) -> None:
        if self.store is not None and self.pending:
            self.store.put_readings(self.pending)
        self.pending.clear()


class GracePeriod:
    """Which pages were created within ``grace_days``: asked of the wiki once, on first need."""

    def __init__(self, gw: Gateway, cfg: Config, now: dt.datetime) -> None:
        self._gw, self._cfg, self._now = gw, cfg, now
        self._created: frozenset[str] | None = None

    def young(self, title: str) -> bool:
        grace = self._cfg.tagging.grace_days
        if not grace:
            return False
        if self._created is None:
            since = self._now - dt.timedelta(days=grace)
            self._created = self._gw.created_since(self._cfg.site.namespaces, since)
        return title in self._created


@dataclass(frozen=True)
class Judge:
    """How this pass decides a page: ``names`` the infobox answers to, the tag ``policy``, the
    stored tag ``memory`` by page id, the wiki's extension ``tags``, and the grace period.
    ``readings`` receives what each page's text was read as; ``settled`` holds, by page id, the
    revision of each page whose last decision in this pass was settled (see :meth:`decide`)."""

    cfg: Config
    now: dt.datetime
    tags: frozenset[str]
    names: frozenset[str]
    policy: Policy
    memory: dict[int, TagMemory]
    grace: GracePeriod
    readings: Readings = field(default_factory=lambda: Readings(None, 0))
    settled: dict[int, int] = field(default_factory=dict)

    @property
    def fingerprint(self) -> int:
        return self.readings.fingerprint

    def decide(self, page: PageSnapshot) -> tuple[PageResult, Decision]:
        """The page's findings and the decision on its tag, from one reading of its text. The
        decision is *settled* when it makes no edit and skips nothing, or skips for a reason the
        text alone decides (a redirect, a translation page, no infobox of its own): deciding the
        same revision again with the same wanted tag gives the same decision, whatever the date,
        the stored memory or the page's age."""
        view = read(page.text, self.tags)  # the one reading of the page: infobox, tag and {{bots}}
        outcome = find_infobox(view, self.names)
        self.readings.add(page, outcome)
        result = check_page(page.title, outcome, self.cfg.rules, self.now.date(), self.cfg.site.language)
        remembered = self.memory.get(page.pageid)
        decision = decide(page, result, self.policy, remembered, False, self.now, view=view)
        if decision.edit is not None and decision.edit.kind == "tag" and self.grace.young(page.title):
            decision = decide(page, result, self.policy, remembered, True, self.now, view=view)
        if decision.edit is None and (decision.skip is None or _text_decides_skip(page, result)):
            self.settled[page.pageid] = page.revid
        else:
            self.settled.pop(page.pageid, None)
        return result, decision

    def saved(self, base: PageSnapshot, text: str, revid: int) -> None:
        """The bot saved ``text`` (decided on ``base``) as revision ``revid``: decide that text as
        the wiki now holds it (trailing whitespace stripped, as MediaWiki saves), so its reading
        is stored and, as an edit made by :func:`bot.plan.retag` leaves nothing to do, the next
        full sweep need not read the page again."""
        page = dataclasses.replace(base, revid=revid, text=text.rstrip(), user=self.policy.user)
        self.decide(page)
        before, after = (_as_read(find_infobox(read(t, self.tags), self.names)) for t in (base.text, page.text))
        if before != after:  # a tag inside the infobox went: the stored result is the base's, read again
            self.settled.pop(page.pageid, None)


def _as_read(outcome: ParseOutcome) -> tuple[object, ...]:
    """A reading without the infobox's place in the text (a tag line above it moves it)."""
    return (outcome.infobox.params if outcome.infobox else None, outcome.problem, outcome.count)


def _text_decides_skip(page: PageSnapshot, result: PageResult) -> bool:
    """The skips :func:`bot.plan.decide` makes before it looks at the tag: from the text alone."""
    return bool(
        REDIRECT.match(page.text) or translation_page(page.title) or any(f.code == NO_INFOBOX for f in result.findings)
    )


def make_judge(
    ctx: PassContext,
    tags: frozenset[str],
    names: frozenset[str],
    memory: dict[int, TagMemory],
    incremental: bool,
    tag_redirects: tuple[str, ...] | None = None,
) -> Judge:
    """The pass's judge. The tag template's redirects are asked once per full pass, like the
    infobox's (``tag_redirects``: already asked with them); an incremental pass takes them from
    the state."""
    pages = ctx.cfg.pages
    template = f"Template:{pages.tag_template}"
    cached = json.loads(ctx.store.get(TAG_NAMES_KEY) or "{}") if incremental and ctx.store else {}
    if tag_redirects is None and not cached.get(template):
        tag_redirects = ctx.gw.redirects_to(template)
    found = cached.get(template) or tag_names(pages.tag_template, tag_redirects or ())
    policy = Policy(
        pages.tag_template,
        ctx.gw.user,
        ctx.cfg.tagging.retag_after_days,
        pages.shutoff,
        frozenset(found),
        ctx.cfg.rules.revision,
        ctx.cfg.site.language,
    )
    fp = reader_fingerprint(tags, names, policy)
    readings = Readings(None if ctx.dry_run else ctx.store, fp)
    return Judge(ctx.cfg, ctx.now, tags, names, policy, memory, GracePeriod(ctx.gw, ctx.cfg, ctx.now), readings)
