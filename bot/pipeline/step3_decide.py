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

import datetime as dt
import json
from dataclasses import dataclass

from bot.config import Config
from bot.model import PageResult, PageSnapshot, TagMemory
from bot.parse import find_infobox
from bot.pipeline.context import PassContext
from bot.plan import Decision, Policy, decide
from bot.state import TAG_NAMES_KEY
from bot.tagging import tag_names
from bot.validate import check_page
from bot.wiki import Gateway
from bot.wikitext import read


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
    stored tag ``memory`` by page id, the wiki's extension ``tags``, and the grace period."""

    cfg: Config
    now: dt.datetime
    tags: frozenset[str]
    names: frozenset[str]
    policy: Policy
    memory: dict[int, TagMemory]
    grace: GracePeriod

    def decide(self, page: PageSnapshot) -> tuple[PageResult, Decision]:
        """The page's findings and the decision on its tag, from one reading of its text."""
        view = read(page.text, self.tags)  # the one reading of the page: infobox, tag and {{bots}}
        result = check_page(
            page.title, find_infobox(view, self.names), self.cfg.rules, self.now.date(), self.cfg.site.language
        )
        remembered = self.memory.get(page.pageid)
        decision = decide(page, result, self.policy, remembered, False, self.now, view=view)
        if decision.edit is not None and decision.edit.kind == "tag" and self.grace.young(page.title):
            decision = decide(page, result, self.policy, remembered, True, self.now, view=view)
        return result, decision


def make_judge(
    ctx: PassContext, tags: frozenset[str], names: frozenset[str], memory: dict[int, TagMemory], incremental: bool
) -> Judge:
    """The pass's judge. The tag template's redirects are asked once per full pass, like the
    infobox's; an incremental pass takes them from the state."""
    pages = ctx.cfg.pages
    template = f"Template:{pages.tag_template}"
    cached = json.loads(ctx.store.get(TAG_NAMES_KEY) or "{}") if incremental and ctx.store else {}
    found = cached.get(template) or tag_names(pages.tag_template, ctx.gw.redirects_to(template))
    policy = Policy(
        pages.tag_template,
        ctx.gw.user,
        ctx.cfg.tagging.retag_after_days,
        pages.shutoff,
        frozenset(found),
        ctx.cfg.rules.revision,
        ctx.cfg.site.language,
    )
    return Judge(ctx.cfg, ctx.now, tags, names, policy, memory, GracePeriod(ctx.gw, ctx.cfg, ctx.now))
