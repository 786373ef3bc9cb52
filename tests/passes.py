"""Shared helpers for tests that run a whole pass (:class:`bot.pipeline.one_pass.Pass`) against the
in-memory wiki (tests/fakes.py): the pass's time, a wiki holding the bot's own pages, two
partnership pages (complete, and missing a field), and running a pass."""

from __future__ import annotations

import datetime as dt

from bot.config import Config
from bot.model import RunReport
from bot.pipeline.one_pass import Pass
from bot.render import END_MARKER, START_MARKER
from bot.state import StateStore
from tests.fakes import FakeWiki

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
SUMMARY = f"Intro text.\n{START_MARKER}\n(table)\n{END_MARKER}\n== See also ==\nOutro."
TEMPLATE = "Partnership incomplete"
COMPLETE = """{{Partnership infobox
| partner = Example Org | model = content | goals = free-content | metrics = 100 files a month
| coi_disclosure = None known | community_role = Volunteers curate uploads | status = proposed
}}
Some prose."""
INCOMPLETE = COMPLETE.replace("| metrics = 100 files a month", "")


def wiki_with(pages: dict[str, str]) -> FakeWiki:
    """An in-memory wiki with the summary page (markers, text around them), an idle shutoff page,
    a redirect to the infobox, and ``pages`` (title → text) by an editor."""
    wiki = FakeWiki(redirects={"Template:Partnership infobox": ("Template:Infobox partnership",)})
    wiki.put("Partnership tracker", SUMMARY, "Admin")
    wiki.put("User:PartnershipBot/Shutoff", "<!-- write anything outside this comment to stop the bot -->", "Admin")
    for title, text in pages.items():
        wiki.put(title, text)
    return wiki


def run(wiki: FakeWiki, config: Config, store: StateStore | None = None, **kwargs: object) -> RunReport:
    """One pass at ``NOW``; ``kwargs`` as :class:`~bot.pipeline.one_pass.Pass` takes them."""
    return Pass(wiki, config, lambda: NOW, store, **kwargs).run()  # type: ignore[arg-type]
