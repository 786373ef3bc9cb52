"""The shutoff page while a pass saves (issue 11, item 4): read again at least every
``shutoff_check_edits`` edits or ``shutoff_check_seconds`` seconds, whichever comes first, and right
before the summary and status writes; the stop says how many edits the pass made, and what they
saved is remembered. The pass's timer is passed in, so seconds pass here without waiting."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.config import Config, load_config
from bot.errors import ConfigError, ShutoffEngaged
from bot.pipeline.one_pass import Pass
from bot.state import StateStore
from tests.conftest import ROOT
from tests.fakes import FakeWiki
from tests.passes import INCOMPLETE, NOW, wiki_with

SHUTOFF = "User:PartnershipBot/Shutoff"
PAGES = {f"Org {i:02}": INCOMPLETE for i in range(40)}


def engage_during(wiki: FakeWiki, save: int, seconds_per_save: float, clock: list[float]) -> list[float]:
    """Each save takes ``seconds_per_save`` on the pass's timer; during save number ``save`` a person
    engages the shutoff. Returns the timer's reading at each save from that one on."""
    times: list[float] = []

    def hook(_title: str) -> None:
        clock[0] += seconds_per_save
        if times or len(wiki.saves) + 1 == save:
            times.append(clock[0])
        if len(times) == 1:
            wiki.put(SHUTOFF, "Stop, please.", "Admin")
        wiki.before_save = hook

    wiki.before_save = hook
    return times


def capped(config: Config) -> Config:
    return dataclasses.replace(config, tagging=dataclasses.replace(config.tagging, max_tags_per_run=100))


@pytest.mark.parametrize("seconds_per_save", [0.0, 3.0, 11.0])
@pytest.mark.parametrize("save", [1, 4, 10, 11, 17])
def test_at_most_10_edits_or_10_seconds_follow_a_shutoff(
    config: Config, tmp_path: Path, seconds_per_save: float, save: int
) -> None:
    """Counted from the save during which the shutoff was engaged (that one included): at most 10
    edits, and at most 10 s on the pass's timer to the last one. No time passing: the edit count
    stops the pass; three seconds a save: the timer (4 edits at most); over 10 s a save: the next
    check. What the edits saved is remembered, and the stop says how many there were."""
    wiki = wiki_with(PAGES)
    clock = [0.0]
    times = engage_during(wiki, save, seconds_per_save, clock)
    with StateStore(tmp_path / "state.sqlite") as store:
        with pytest.raises(ShutoffEngaged) as stop:
            Pass(wiki, capped(config), lambda: NOW, store, timer=lambda: clock[0]).run()
        remembered = sum(r.memory.tagged for r in store.pages().values())
    edits_after, seconds_after = len(times), times[-1] - times[0]
    assert edits_after <= (10 if seconds_per_save == 0 else 4 if seconds_per_save == 3 else 1)
    assert seconds_after <= 10
    assert len(wiki.saves) == save - 1 + edits_after == remembered
    assert all(s.title.startswith("Org") for s in wiki.saves)  # no summary, no status
    assert f"the pass stopped after {len(wiki.saves)} edits" in str(stop.value)


def test_the_shutoff_is_read_again_right_before_the_summary_and_status_writes(config: Config) -> None:
    """Engaged during the last tag save: the summary is not written."""
    wiki = wiki_with({"Org": INCOMPLETE})

    def engage(_title: str) -> None:
        wiki.put(SHUTOFF, "Stop, please.", "Admin")

    wiki.before_save = engage
    with pytest.raises(ShutoffEngaged, match="after 1 edits"):
        Pass(wiki, config, lambda: NOW, timer=lambda: 0.0).run()
    assert [s.title for s in wiki.saves] == ["Org"]


def test_the_config_may_ask_for_less_never_more(tmp_path: Path) -> None:
    source = (ROOT / "config" / "devwiki.toml").read_text(encoding="utf-8")
    path = tmp_path / "bot.toml"
    path.write_text(source.replace("shutoff_check_edits = 10", "shutoff_check_edits = 3"), encoding="utf-8")
    assert load_config(path).run.shutoff_check_edits == 3
    path.write_text(source.replace("shutoff_check_seconds = 10", "shutoff_check_seconds = 60"), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert err.value.problems == [
        f"{path}: key 'run.shutoff_check_seconds': 60 is above the maximum 10 (the shutoff must stop the bot "
        "within 10 edits or seconds); use 10 or less"
    ]
    assert load_config(ROOT / "config" / "bot.toml").run.shutoff_check_seconds == 10


def test_a_shutoff_before_the_status_write_keeps_the_tags_remembered(config: Config, tmp_path: Path) -> None:
    """Engaged while the summary is saved: the status page is not written, and the tags saved
    before are remembered (a tag a person then removes is not put straight back)."""
    wiki = wiki_with({"Org 1": INCOMPLETE, "Org 2": INCOMPLETE})

    def engage(title: str) -> None:  # the fake calls the hook once: it sets itself again
        if title == "Partnership tracker":
            wiki.put(SHUTOFF, "Stop, please.", "Admin")
        wiki.before_save = engage

    wiki.before_save = engage
    with StateStore(tmp_path / "state.sqlite") as store:
        with pytest.raises(ShutoffEngaged, match="after 3 edits"):
            Pass(wiki, config, lambda: NOW, store, timer=lambda: 0.0).run()
        remembered = {r.title for r in store.pages().values() if r.memory.tagged}
    assert remembered == {"Org 1", "Org 2"}
    assert [s.title for s in wiki.saves] == ["Org 1", "Org 2", "Partnership tracker"]


def test_a_split_table_reads_the_shutoff_before_each_of_its_pages(config: Config) -> None:
    """A table split over parts: the shutoff engaged while the first part is saved stops the pass
    before the second."""
    wiki = wiki_with({f"Org {i:02}": INCOMPLETE for i in range(90)})
    small = dataclasses.replace(capped(config), max_page_bytes=10_000)

    def engage(title: str) -> None:
        if title.startswith("Partnership tracker/"):
            wiki.put(SHUTOFF, "Stop, please.", "Admin")
        wiki.before_save = engage

    wiki.before_save = engage
    with pytest.raises(ShutoffEngaged):
        Pass(wiki, small, lambda: NOW, timer=lambda: 0.0).run()
    summary_saves = [s.title for s in wiki.saves if s.title.startswith("Partnership tracker")]
    assert summary_saves == ["Partnership tracker/1"]
