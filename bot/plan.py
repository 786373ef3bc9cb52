"""What the bot should do to one partnership page: a pure decision from the page as read, its
findings, and what the bot remembers of its tag. No I/O; the clock comes in as ``now``.

Rules (contract §4 and the tagging settings):

* the wanted tag follows the findings (:func:`bot.tagging.tag_for`); a complete page loses its tag;
* the page's tag is every real tag on it (:func:`bot.tagging.find_tags`: any call MediaWiki would
  show as the notice, through a redirect, nested, or beside other text); the edit leaves exactly
  one (:func:`bot.tagging.retag`) — two notices are never left, even when the first says the right
  thing;
* an existing tag is updated only when its lists change (a person's harmless respacing stays);
* a new tag is not added to a page created within ``grace_days`` (it is listed, not tagged), nor
  for ``retag_after_days`` after a person removed the bot's tag (seen as: the store says the tag
  stood last time, now it is gone, and the last edit was not the bot's);
* an edit that is due is skipped, with the reason, when ``{{bots}}``/``{{nobots}}`` excludes the
  bot or a protection forbids it; nothing else on the page is ever touched.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot import edit_summaries
from bot.exclusion import bots_allowed
from bot.model import NO_INFOBOX, PageResult, PageSnapshot, TagMemory, tag_memory
from bot.tagging import Tag, find_tag, retag, tag_for
from bot.wikitext import View, read

#: A redirect page: MediaWiki honours ``#REDIRECT`` only at the very start of the text.
REDIRECT = re.compile(r"\s*#redirect\s*:?\s*\[\[", re.IGNORECASE)
_TRANSLATION = re.compile(r"/[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")


def translation_page(title: str) -> bool:
    """A Translate extension subpage (``Title/de``, ``Title/pt-br``, ``Title/zh-hans``): it copies
    the source page's infobox, is edited only through Special:Translate, and is not listed."""
    return bool(_TRANSLATION.search(title))


@dataclass(frozen=True, slots=True)
class Policy:
    template: str
    """The tag template's name, e.g. ``Partnership incomplete``."""
    user: str
    """The bot's user name, for ``{{bots}}`` and to recognise its own edits."""
    retag_after_days: int
    shutoff_page: str
    tag_names: frozenset[str] = frozenset()
    """More names the tag template answers to: the redirects to it, asked of the wiki once per pass
    (:func:`bot.tagging.tag_names`); the template's own name always counts."""
    rules_revision: int = 0
    """The rules page's revision applied, linked from edit summaries (0: rules from a file)."""
    lang: str = "en"
    """The language of the edit summaries (``[site] language``)."""


@dataclass(frozen=True, slots=True)
class Edit:
    """A planned change of one page's tag line."""

    base: PageSnapshot
    text: str
    old: Tag | None
    new: Tag | None
    summary: str

    @property
    def kind(self) -> str:
        """``tag`` (a new tag), ``untag`` or ``update``."""
        if self.old is None:
            return "tag"
        return "untag" if self.new is None else "update"


@dataclass(frozen=True, slots=True)
class Planned:
    """An edit decided while reading, held without the page's text: a pass over 100,000 pages may
    plan tens of thousands, and each page is read again (in batches) just before it is saved."""

    pageid: int
    title: str
    revid: int
    kind: str

    @classmethod
    def of(cls, edit: Edit) -> Planned:
        return cls(edit.base.pageid, edit.base.title, edit.base.revid, edit.kind)


@dataclass(frozen=True, slots=True)
class Decision:
    edit: Edit | None
    skip: str | None
    """Why a due edit is not made (None when there is nothing to skip)."""
    memory: TagMemory
    """What to remember of the page's tag if the decision is carried out."""


def decide(
    page: PageSnapshot,
    result: PageResult,
    policy: Policy,
    memory: TagMemory | None,
    young: bool,
    now: dt.datetime,
    view: View | None = None,
) -> Decision:
    """The decision for one page. ``view``: the page's text as read once for this decision
    (:func:`bot.wikitext.read`, with the wiki's extension tags); read here when not given."""
    view = view if view is not None and view.text == page.text else read(page.text)
    current = find_tag(view, policy.template, policy.tag_names)
    old = current.tag if current else None
    wanted = tag_for(result)
    keep = tag_memory(old is not None)
    if REDIRECT.match(page.text):
        return Decision(None, "redirect: never tagged (a line above #REDIRECT would break it)", keep)
    if translation_page(page.title):
        return Decision(None, "translation subpage: edited through Special:Translate, not tagged", keep)
    if any(f.code == NO_INFOBOX for f in result.findings):
        return Decision(
            None, "the infobox is not in the page's own text (transcluded through another page?): not tagged", keep
        )
    text = retag(view, wanted, policy.template, policy.tag_names)
    if text == page.text:
        return Decision(None, None, keep)
    if wanted is not None and old is None:
        if young:
            return Decision(None, "new page: not tagged during the grace period", keep)
        removed_at = memory.removed_at if memory else None
        if memory and memory.tagged and page.user != policy.user:
            removed_at = page.timestamp or now
        if removed_at is not None and now - removed_at < dt.timedelta(days=policy.retag_after_days):
            until = (removed_at + dt.timedelta(days=policy.retag_after_days)).date().isoformat()
            return Decision(
                None, f"tag removed by an editor: not re-added before {until}", tag_memory(False, removed_at)
            )
    if not bots_allowed(view, policy.user):
        return Decision(None, "excluded by {{bots}}/{{nobots}}", keep)
    if page.protected:
        return Decision(None, "protected: the bot may not edit it", keep)
    summary = edit_summaries.tag_edit(old, wanted, policy.shutoff_page, policy.rules_revision, policy.lang)
    edit = Edit(page, text, old, wanted, summary)
    return Decision(edit, None, tag_memory(wanted is not None))
