"""A full sweep that finds nothing changed leaves the summary and its data alone (issue 16,
:mod:`bot.pipeline.settled`), and rebuilds them whenever a reread pass would write something else:
a published page edited by a person (the main page, a numbered part, the data page), a month
begun, a page read, a last pass with an error. Each case is checked against a ``reread`` pass."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from bot.config import Config, load_config
from bot.errors import SafetyStop
from bot.pipeline.one_pass import Pass
from bot.pipeline.own_saves import OwnSaves
from bot.pipeline.settled import build_fingerprint, is_published, published
from bot.render import END_MARKER, START_MARKER
from bot.state import PUBLISHED_KEY, StateStore
from bot.wiki import Saved
from tests.conftest import ROOT
from tests.fakes import FakeWiki
from tests.passes import COMPLETE, INCOMPLETE, NOW, wiki_with

MAIN, DATA = "Partnership tracker", "Partnership tracker/data.json"
INSTALLED = (ROOT / "templates_wiki" / "Main" / "Partnership tracker" / "data.json").read_text(encoding="utf-8")


@pytest.fixture
def config() -> Config:
    base = load_config(ROOT / "config" / "devwiki.toml")
    return dataclasses.replace(base, max_page_bytes=6_000, max_row_drop=1000)


def wiki_of(n: int) -> FakeWiki:
    pages = {f"Org {i:03}": (INCOMPLETE if i % 3 else COMPLETE).replace("Example Org", f"Org {i:03}") for i in range(n)}
    wiki = wiki_with(pages)
    wiki.put(DATA, INSTALLED, "Admin")
    return wiki


def sweep(wiki: FakeWiki, config: Config, store: StateStore, when: dt.datetime, **kw: object) -> str:
    return Pass(wiki, config, lambda: when, store, **kw).run().source  # type: ignore[arg-type]


def published_texts(wiki: FakeWiki, config: Config) -> dict[str, str]:
    return {t: p.text for t, p in wiki.pages.items() if is_published(config, t)}


def test_nothing_changed_saves_nothing_and_plans_no_table(config: Config, store: StateStore) -> None:
    wiki = wiki_of(10)
    assert sweep(wiki, config, store, NOW) == "every page"
    saves = len(wiki.saves)
    assert sweep(wiki, config, store, NOW + dt.timedelta(minutes=5)) == "stored readings, settled"
    assert len(wiki.saves) == saves
    entry = store.published()
    assert entry is not None and entry[0] == "2026-11" and entry[1] == build_fingerprint(config)
    assert set(entry[2]) == set(published_texts(wiki, config)) >= {MAIN, DATA, "Partnership tracker/data/2.json"}


@pytest.mark.parametrize("edited", ["main", "part", "data", "data part"])
def test_a_published_page_edited_by_a_person_is_rebuilt_as_a_reread_would(
    config: Config, store: StateStore, tmp_path: object, edited: str
) -> None:
    """The table is split into parts (a small page budget); a person's edit between the markers of
    the main page or of a part, or of the data page, is undone by the next sweep exactly as by a
    ``reread`` pass on a twin wiki."""
    wikis = [wiki_of(60), wiki_of(60)]
    with StateStore(store.path.parent / "twin.sqlite") as twin:
        for wiki, state in zip(wikis, (store, twin), strict=True):
            sweep(wiki, config, state, NOW)
        entry = store.published()
        assert entry is not None and f"{MAIN}/2" in entry[2]  # split: the parts are known
        for wiki in wikis:
            if edited.startswith("data"):
                title = DATA if edited == "data" else "Partnership tracker/data/2.json"
                wiki.put(title, json.dumps({"generator": "partnership-tracker", "version": 1, "rows": []}))
            else:
                title = MAIN if edited == "main" else f"{MAIN}/2"
                text = wiki.pages[title].text
                a, b = text.index(START_MARKER) + len(START_MARKER), text.index(END_MARKER)
                wiki.put(title, text[:a] + "\nvandalised\n" + text[b:])
        later = NOW + dt.timedelta(hours=2)
        assert sweep(wikis[0], config, store, later) == "stored readings"
        sweep(wikis[1], config, twin, later, reread=True)
        mine, theirs = (published_texts(w, config) for w in wikis)
        assert "vandalised" not in "".join(mine.values())
        assert _no_stamps(mine) == _no_stamps(theirs)
        assert sweep(wikis[0], config, store, later + dt.timedelta(minutes=1)) == "stored readings, settled"


def test_a_month_begun_rebuilds_the_overview(config: Config, store: StateStore) -> None:
    wiki = wiki_of(10)
    sweep(wiki, config, store, NOW)
    december = dt.datetime(2026, 12, 1, 0, 5, tzinfo=dt.UTC)
    assert sweep(wiki, config, store, december) == "stored readings"
    entry = store.published()
    assert entry is not None and entry[0] == "2026-12"
    assert sweep(wiki, config, store, december + dt.timedelta(hours=1)) == "stored readings, settled"


def test_an_edited_partnership_page_or_a_pass_with_an_error_rebuilds(config: Config, store: StateStore) -> None:
    wiki = wiki_of(10)
    sweep(wiki, config, store, NOW)
    wiki.put("Org 001", COMPLETE.replace("Example Org", "Org 001"))
    assert sweep(wiki, config, store, NOW + dt.timedelta(hours=1)) == "stored readings"
    wiki.put(DATA, wiki.pages[DATA].text, "Admin", protected=True)  # the data page: an error line
    wiki.put("Org 002", COMPLETE.replace("Example Org", "Org 002"))
    Pass(wiki, config, lambda: NOW + dt.timedelta(hours=2), store).run()
    assert store.get(PUBLISHED_KEY) == ""
    assert sweep(wiki, config, store, NOW + dt.timedelta(hours=3)) == "stored readings"


def test_a_dry_run_or_a_printed_table_is_never_settled(config: Config, store: StateStore) -> None:
    wiki = wiki_of(5)
    sweep(wiki, config, store, NOW)
    assert sweep(wiki, config, store, NOW, dry_run=True) == "stored readings"
    assert sweep(wiki, config, store, NOW, keep_quiet=False) == "stored readings"


def test_the_published_pages_are_the_summary_the_data_and_their_parts(config: Config) -> None:
    yes = [MAIN, f"{MAIN}/1", f"{MAIN}/12", DATA, "Partnership tracker/data/3.json", "Partnership tracker/data/3"]
    no = ["Partnership tracker/Status", f"{MAIN}/1/x", "Partnership tracker/data.json/x", "Other"]
    assert all(is_published(config, t) for t in yes) and not any(is_published(config, t) for t in no)
    entry = json.loads(published(config, {MAIN: 5, "Other": 7, f"{MAIN}/1": 0}, NOW))
    assert entry == {"month": "2026-11", "build": build_fingerprint(config), "pages": {MAIN: 5, f"{MAIN}/1": 0}}


def test_the_data_page_moved_elsewhere_or_other_words_rebuild(config: Config, store: StateStore) -> None:
    """A new data page title, or anything the published pages are built with (here the page
    budget), makes the next sweep rebuild: the stored revisions no longer describe those pages."""
    wiki = wiki_of(10)
    sweep(wiki, config, store, NOW)
    moved = dataclasses.replace(config, pages=dataclasses.replace(config.pages, data="Elsewhere/data.json"))
    wiki.put("Elsewhere/data.json", INSTALLED, "Admin")
    assert build_fingerprint(moved) != build_fingerprint(config)
    assert sweep(wiki, moved, store, NOW + dt.timedelta(hours=1)) == "stored readings"
    assert json.loads(wiki.pages["Elsewhere/data.json"].text)["pages"] == 10
    assert sweep(wiki, moved, store, NOW + dt.timedelta(hours=2)) == "stored readings, settled"
    wider = dataclasses.replace(moved, max_page_bytes=7_000)
    assert sweep(wiki, wider, store, NOW + dt.timedelta(hours=3)) != "stored readings, settled"


def test_a_save_merged_into_a_persons_revision_is_never_taken_for_the_bots_own() -> None:
    class Merging(FakeWiki):
        def save(self, title: str, text: str, base: object, summary: str, *, content_model: str | None = None) -> Saved:
            return Saved(revid=99, applied_on=98, base_revid=97)  # MediaWiki merged it into 98

    latest: dict[str, int] = {}
    OwnSaves(Merging(), set(), latest).save(MAIN, "text", None, "s")
    assert latest == {MAIN: -1}


def _no_stamps(texts: dict[str, str]) -> dict[str, str]:
    """The texts with the stamp lines (*Data as of …*) left out."""
    return {t: "\n".join(x for x in s.splitlines() if "ptracker-stamp" not in x) for t, s in texts.items()}


def test_a_page_going_stale_rebuilds_once_and_staying_stale_does_not(config: Config, store: StateStore) -> None:
    """The ``stale`` warning names no day: the day a page goes stale the data changes (a rebuild,
    the data page saved); the days after, nothing does (settled, no save)."""
    wiki = wiki_of(5)
    active = COMPLETE.replace("status = proposed", "status = active | start = 2020 | agreement = mou")
    wiki.put("Reviewed", active.replace("}}", "| feedback = [[Talk:X]] | last_reviewed = 2025-11-26\n}}", 1))
    day = dt.timedelta(days=1)
    sweep(wiki, config, store, NOW)  # 2026-11-25: 364 days after the review
    assert sweep(wiki, config, store, NOW + day) == "stored readings, settled"
    data = wiki.pages[DATA].revid
    assert sweep(wiki, config, store, NOW + 3 * day) == "stored readings"  # 367 days: stale
    assert wiki.pages[DATA].revid != data and "stale" in wiki.pages[DATA].text
    published_saves = [s for s in wiki.saves if is_published(config, s.title)]
    assert sweep(wiki, config, store, NOW + 4 * day) == "stored readings, settled"
    assert [
        s for s in wiki.saves if is_published(config, s.title)
    ] == published_saves  # (the status page's heartbeat aside)


def test_a_rebuilding_sweep_keeps_unchanged_pages_as_ids_and_stores_them_as_a_reread_would(
    config: Config, store: StateStore
) -> None:
    """A sweep holds the pages it re-validated to their stored result as ids alone; when it must
    rebuild (a month begun, one page edited) it restores their stored records, and stores every
    page as a ``reread`` pass on a twin wiki does: same results, memories and skips, every page
    settled, so the next sweep reads nothing and is settled again."""
    december = dt.datetime(2026, 12, 1, 0, 5, tzinfo=dt.UTC)
    wikis = [wiki_of(30), wiki_of(30)]
    with StateStore(store.path.parent / "twin.sqlite") as twin:
        for wiki, state in zip(wikis, (store, twin), strict=True):
            sweep(wiki, config, state, NOW)
            wiki.put("Org 004", COMPLETE.replace("Example Org", "Org 004"))
        report = Pass(wikis[0], config, lambda: december, store).run()
        assert (report.source, report.pages_read, report.pages_seen) == ("stored readings", 1, 30)
        assert sweep(wikis[1], config, twin, december, reread=True) == "every page"

        def stored(state: StateStore) -> dict[str, tuple[object, ...]]:
            return {r.title: (r.revid, r.result, r.memory, r.skip, r.settled != 0) for r in state.pages().values()}

        assert stored(store) == stored(twin) and all(v[-1] for v in stored(store).values())
        assert published_texts(wikis[0], config) == published_texts(wikis[1], config)
        assert sweep(wikis[0], config, store, december + dt.timedelta(hours=1)) == "stored readings, settled"


@pytest.mark.parametrize("title", [DATA, f"{MAIN}/2", "Partnership tracker/data/2.json"])
def test_a_published_page_protected_without_a_new_revision_is_reported_as_a_reread_would(
    config: Config, store: StateStore, title: str
) -> None:
    """Protecting a page makes no revision of it: a sweep that finds the data page or a numbered
    part of the summary or of the data protected rebuilds, and says so in an error line as a
    ``reread`` pass does; one that finds the summary protected stops as a ``reread`` pass does."""
    wikis = [wiki_of(60), wiki_of(60)]
    with StateStore(store.path.parent / "twin.sqlite") as twin:
        for wiki, state in zip(wikis, (store, twin), strict=True):
            sweep(wiki, config, state, NOW)
            wiki.pages[title] = dataclasses.replace(wiki.pages[title], protected=True)  # (an admin's protection)
        later = NOW + dt.timedelta(hours=1)
        swept = Pass(wikis[0], config, lambda: later, store).run()
        reread = Pass(wikis[1], config, lambda: later, twin, reread=True).run()
        assert swept.source == "stored readings" and swept.errors == reread.errors
        assert any(e.startswith(title) and "protected" in e for e in swept.errors)
        for wiki, state in zip(wikis, (store, twin), strict=True):
            wiki.pages[MAIN] = dataclasses.replace(wiki.pages[MAIN], protected=True)
            with pytest.raises(SafetyStop, match="protected"):
                Pass(wiki, config, lambda: later + dt.timedelta(hours=1), state, reread=state is twin).run()
