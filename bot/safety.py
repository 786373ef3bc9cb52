"""The checks that stop a pass before (or while) it writes: the on-wiki shutoff page and the cap
on new tags. Pure: they look at what was read and planned, and raise."""

from __future__ import annotations

from collections.abc import Sequence

from bot.config import Config
from bot.errors import SafetyStop, ShutoffEngaged
from bot.model import PageSnapshot
from bot.plan import Planned
from bot.wikitext import has_text_outside_comments


def shutoff_engaged(page: PageSnapshot | None) -> bool:
    """The shutoff rule, the one place it is written: the shutoff page is engaged when it exists
    and holds anything but comments (blank lines and comments alone leave the bot running)."""
    return page is not None and has_text_outside_comments(page.text)


def check_shutoff(page: PageSnapshot | None, edits: int = 0) -> None:
    """Raise ``ShutoffEngaged`` when the shutoff page is engaged (:func:`shutoff_engaged`);
    ``edits``: how many the pass saved before this check (the message says so)."""
    if page is not None and shutoff_engaged(page):
        done = (
            f"the pass stopped after {edits} edits (what they saved is remembered)"
            if edits
            else "the bot stops without writing"
        )
        raise ShutoffEngaged(
            f"the shutoff page [[{page.title}]] holds text outside comments (revision {page.revid} by "
            f"{page.user or 'unknown'}): {done}. Empty that page (keep only the comment) to let the bot run again."
        )


def check_caps(planned: Sequence[Planned], config: Config, dry_run: bool = False) -> None:
    """Raise ``SafetyStop`` when more new tags are planned than ``max_tags_per_run``."""
    new_tags = sum(p.kind == "tag" for p in planned)
    cap = config.tagging.max_tags_per_run
    if new_tags > cap:
        advice = (
            "the diffs above show them; if the tags are right, raise the cap for one run"
            if dry_run
            else "check a few pages with --dry-run; if the tags are right, raise the cap for one run"
        )
        raise SafetyStop(
            f"this pass would tag {new_tags} pages, more than max_tags_per_run = {cap} "
            f"({config.path}): nothing was saved. {advice[0].upper()}{advice[1:]}."
        )
