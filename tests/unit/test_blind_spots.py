"""The incremental pass's two former blind spots (issue 16), against the in-memory wiki: a redirect
to the infobox added or removed, and edits under the bot's account that the bot did not make. After
each, the incremental pass leaves what a full pass with a fresh state would (no diff), at the cost
stated; a quiet pass still costs what it did (two requests)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from bot.config import Config
from bot.model import RunReport
from bot.pipeline import step1_recent_changes as changes
from bot.pipeline.one_pass import Pass
from bot.state import MARK_KEY, NAMES_KEY, SAVED_KEY, StateStore
from tests.fakes import FakeWiki
from tests.passes import COMPLETE, INCOMPLETE, NOW, wiki_with

INFOBOX = "Template:Partnership infobox"
VIA_PI = INCOMPLETE.replace("{{Partnership infobox", "{{PI")


def run(wiki: FakeWiki, config: Config, store: StateStore, kind: str = "incremental", **kw: object) -> RunReport:
    return Pass(wiki, config, lambda: NOW, store, kind=kind, **kw).run()  # type: ignore[arg-type]


def settled(pages: dict[str, str], config: Config, store: StateStore) -> FakeWiki:
    """A wiki after a completed full pass an hour after its pages were made, and an hour later."""
    wiki = wiki_with(pages)
    wiki.tick(dt.timedelta(hours=1))
    run(wiki, config, store, kind="full")
    wiki.tick(dt.timedelta(hours=1))
    return wiki


def full_pass_diffs(wiki: FakeWiki, config: Config, tmp_path: Path) -> list[str]:
    """What a full dry run with a fresh state would change (empty: the wiki is as it leaves it)."""
    diffs: list[str] = []
    with StateStore(tmp_path / f"fresh-{len(wiki.log)}.sqlite") as fresh:
        Pass(wiki, config, lambda: NOW, fresh, kind="full", dry_run=True, on_diff=diffs.append).run()
    return diffs


# -- a redirect to the infobox -----------------------------------------------------------------------


def test_a_new_redirect_to_the_infobox_reads_the_pages_using_it(
    config: Config, store: StateStore, tmp_path: Path
) -> None:
    """B calls ``{{PI}}``, not yet a redirect: no row. Then PI becomes one, with no edit of B:
    the incremental pass learns the redirects with its recent changes (no extra request), lists
    the pages using PI (one request) and reads them whatever their revision."""
    wiki = settled({"A": COMPLETE, "B": VIA_PI}, config, store)
    assert "[[:B|" not in wiki.pages["Partnership tracker"].text
    wiki.redirects[INFOBOX] += ("Template:PI",)
    before = wiki.requests
    report = run(wiki, config, store)
    assert report.source == "recent changes" and report.pages_read == 1 and report.tagged == 1
    assert "[[:B|" in wiki.pages["Partnership tracker"].text
    assert wiki.pages["B"].text.startswith("{{Partnership incomplete|missing=metrics}}\n")
    assert "PI" in json.loads(store.get(NAMES_KEY) or "[]")
    # the special pages, recent changes with the redirects, pages using PI (the redirect's only
    # cost), members, reading B, B's tag (read again, saved), the summary and the status page (each
    # after the shutoff page)
    assert wiki.requests - before == 1 + 1 + 1 + 1 + 1 + 2 + 2 + 2
    assert not full_pass_diffs(wiki, config, tmp_path)
    assert run(wiki, config, store).source == "recent changes, quiet"  # the names are stored


def test_a_removed_redirect_takes_the_pages_using_it_out(config: Config, store: StateStore, tmp_path: Path) -> None:
    wiki = wiki_with({"A": COMPLETE, "B": VIA_PI})
    wiki.redirects[INFOBOX] += ("Template:PI",)
    wiki.tick(dt.timedelta(hours=1))
    run(wiki, config, store, kind="full")
    wiki.tick(dt.timedelta(hours=1))
    assert "[[:B|" in wiki.pages["Partnership tracker"].text and wiki.pages["B"].text.startswith("{{Partnership")
    wiki.redirects[INFOBOX] = tuple(r for r in wiki.redirects[INFOBOX] if r != "Template:PI")
    report = run(wiki, config, store)
    assert report.source == "recent changes" and report.pages_seen == 1
    assert "[[:B|" not in wiki.pages["Partnership tracker"].text
    assert not full_pass_diffs(wiki, config, tmp_path)


def test_a_redirect_change_seen_by_a_listing_pass_too(config: Config, store: StateStore, tmp_path: Path) -> None:
    """Without a usable mark the pass lists every page's revision; B's revision did not change,
    yet it is read because PI became a redirect (one more request: the redirects)."""
    wiki = settled({"A": COMPLETE, "B": VIA_PI}, config, store)
    wiki.redirects[INFOBOX] += ("Template:PI",)
    store.set_meta(MARK_KEY, "")
    report = run(wiki, config, store)
    assert report.source == "listing" and report.pages_read == 1 and "[[:B|" in wiki.pages["Partnership tracker"].text
    assert not full_pass_diffs(wiki, config, tmp_path)


# -- edits under the bot's account ------------------------------------------------------------------


def test_an_edit_under_the_bots_account_by_anything_else_is_seen(
    config: Config, store: StateStore, tmp_path: Path
) -> None:
    """An operator with the bot's login makes B incomplete and removes A's tag by hand: the next
    incremental pass reads both (the bot saved neither revision), as a full pass would."""
    wiki = settled({"A": INCOMPLETE, "B": COMPLETE}, config, store)
    assert wiki.pages["A"].text.startswith("{{Partnership incomplete")
    wiki.put("B", INCOMPLETE, "PartnershipBot")
    wiki.put("A", COMPLETE, "PartnershipBot")
    report = run(wiki, config, store)
    assert report.pages_read == 2 and report.tagged == 1
    assert wiki.pages["B"].text.startswith("{{Partnership incomplete|missing=metrics}}\n")
    assert not full_pass_diffs(wiki, config, tmp_path)


def test_the_bots_own_saves_are_left_out_and_forgotten_once_out_of_sight(config: Config, store: StateStore) -> None:
    """Every save of a pass is remembered (the tag and the summary here); the next pass leaves
    them out and is quiet; once recent changes can no longer show them they are forgotten."""
    wiki = settled({"A": INCOMPLETE}, config, store)
    mine = {s.revid for s in wiki.pages.values() if s.user == "PartnershipBot"}
    assert len(mine) == 3 and store.saved_revisions() == mine  # A's tag, the summary, the status page
    assert run(wiki, config, store).source == "recent changes, quiet"
    assert store.saved_revisions() == mine  # still in the window the next pass reads
    wiki.tick(dt.timedelta(hours=1))
    assert run(wiki, config, store).source == "recent changes, quiet"
    assert store.saved_revisions() == frozenset()


def test_the_memory_of_saves_is_bounded() -> None:
    kept = frozenset(range(changes.MAX_OWN))
    assert changes.own_to_remember(kept, {10**9}) == [*range(1, changes.MAX_OWN), 10**9]
    assert changes.in_window({5, 6}, ()) == frozenset()


def test_an_unreadable_memory_means_no_save_is_left_out(config: Config, store: StateStore) -> None:
    wiki = settled({"A": INCOMPLETE}, config, store)
    store.set_meta(SAVED_KEY, "not JSON")
    report = run(wiki, config, store)  # the summary's save is anyone's edit: the table is checked
    assert report.source == "recent changes" and report.pages_read == 0 and report.edits == 0
