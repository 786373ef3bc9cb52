"""The scheduler's decisions with an injected clock (no sleeping), and the run lock."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Config, load_config
from bot.errors import LockHeld, WikiUnavailable
from bot.lock import RunLock, describe_holder, is_locked
from bot.model import RunReport
from bot.pipeline.context import next_runs
from bot.pipeline.runner import Outcome
from bot.schedule import Ticker, backoff_delay
from bot.state import StateStore
from tests.conftest import ROOT

T = dt.datetime(2026, 11, 25, 12, 3, 30, tzinfo=dt.UTC)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    base = load_config(ROOT / "config" / "bot.toml")
    return dataclasses.replace(base, run=dataclasses.replace(base.run, state_path=tmp_path / "state.sqlite"))


def report() -> RunReport:
    return RunReport("", False, 1, 1, 1, 0, 0, 0, 0, (), 3, 0, 0, 0.1, False, False)


def test_next_runs_follow_the_crontab_in_utc(config: Config) -> None:
    nxt = next_runs(config, T)
    assert nxt["incremental"] == dt.datetime(2026, 11, 25, 12, 10, tzinfo=dt.UTC)
    assert nxt["full"] == dt.datetime(2026, 11, 26, 3, 0, tzinfo=dt.UTC)


def test_seconds_field_and_disabled_incremental(config: Config) -> None:
    cfg = dataclasses.replace(
        config, schedule=dataclasses.replace(config.schedule, incremental="", reread="", full="*/5 * * * * *")
    )
    nxt = next_runs(cfg, T)
    assert nxt == {"full": dt.datetime(2026, 11, 25, 12, 3, 35, tzinfo=dt.UTC), "reread": None, "incremental": None}


def test_the_weekly_reread_is_scheduled_by_default(config: Config) -> None:
    """Without a ``reread`` key the full sweep that reads every page runs on Sundays at 04:00 UTC."""
    assert config.schedule.reread == "0 4 * * 0"
    assert next_runs(config, T)["reread"] == dt.datetime(2026, 11, 29, 4, 0, tzinfo=dt.UTC)  # a Sunday


def test_backoff_doubles_after_the_threshold_up_to_the_cap(config: Config) -> None:
    assert [backoff_delay(config, n).total_seconds() / 60 for n in range(0, 9)] == [0, 0, 0, 10, 20, 40, 80, 160, 240]


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def test_ticker_backs_off_after_repeated_failures_and_recovers(config: Config) -> None:
    clock = Clock(T)
    calls: list[str] = []
    failing = True

    def runner(kind: str, next_run: dt.datetime | None) -> Outcome:
        calls.append(kind)
        with StateStore(config.run.state_path) as store:
            if failing:
                store.record_failure(kind, clock(), "WikiUnavailable: down")
                raise WikiUnavailable("down")
            store.save_pass([], kind, clock(), {}, replace_all=False)
        return Outcome(report(), [])

    notices: list[str | None] = []
    ticker = Ticker(config, runner, clock, notices.append)
    for _ in range(3):
        assert ticker.tick("incremental").startswith("failed")
        clock.now += dt.timedelta(minutes=10)
    assert len(calls) == 3
    clock.now -= dt.timedelta(minutes=5)  # 5 min after the 3rd failure: within the 10 min back-off
    assert ticker.tick("incremental").startswith("backoff: 3 failures")
    assert ticker.tick("incremental").startswith("backoff: 3 failures")
    assert len(calls) == 3
    assert len(notices) == 1 and "3 passes failed in a row" in str(notices[0])  # said once
    clock.now += dt.timedelta(minutes=6)
    failing = False
    assert ticker.tick("full") == "ok"
    assert calls == ["incremental"] * 3 + ["full"]
    assert notices[1:] == [None]  # and withdrawn once a pass succeeds
    with StateStore(config.run.state_path) as store:
        assert store.consecutive_failures() == 0


def test_ticker_skips_when_another_pass_holds_the_lock(config: Config) -> None:
    def runner(kind: str, next_run: dt.datetime | None) -> Outcome:
        raise LockHeld("another pass is running")

    assert Ticker(config, runner, Clock(T)).tick("incremental") == "skipped: locked"


def test_lock_refuses_a_second_holder_and_names_the_first(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite.lock"
    with RunLock(path, what="full pass"):
        assert is_locked(path)
        with pytest.raises(LockHeld, match=r"pid \d+ on .* full pass"):
            RunLock(path).__enter__()
        with pytest.raises(LockHeld, match="held the lock for over"):
            RunLock(path, wait=True, timeout=0.6).__enter__()
    assert not is_locked(path)
    with RunLock(path):
        pass


def test_lock_held_by_another_process_and_released_when_it_dies(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite.lock"
    code = (
        "import sys, time; from pathlib import Path; from bot.lock import RunLock\n"
        "with RunLock(Path(sys.argv[1]), what='other process'):\n"
        "    print('locked', flush=True); time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        with pytest.raises(LockHeld, match="other process"):
            RunLock(path).__enter__()
        assert "other process" in describe_holder(path)
    finally:
        proc.kill()
        proc.wait()
    with RunLock(path):  # the kernel released the dead holder's lock
        pass


def test_backoff_notice_on_the_status_page(config: Config) -> None:
    from bot.markers import END_MARKER, START_MARKER
    from bot.pipeline.step5_status import BACKOFF_PREFIX, save_backoff_notice
    from tests.fakes import FakeWiki

    wiki = FakeWiki()
    status = f"A person's line.\n{START_MARKER}\n; Checked: 2026-11-25 12:00 UTC\n; Pages: 3\n{END_MARKER}\nBelow."
    wiki.put(config.pages.status, status, "PartnershipBot")
    wiki.put(config.pages.shutoff, "<!-- off -->", "Admin")
    assert save_backoff_notice(wiki, config, "3 passes failed <b>")
    text = wiki.pages[config.pages.status].text
    assert text.splitlines()[3] == BACKOFF_PREFIX + "<nowiki>3 passes failed &lt;b></nowiki>"
    assert text.startswith("A person's line.\n") and text.endswith(f"{END_MARKER}\nBelow.")
    assert not save_backoff_notice(wiki, config, "3 passes failed <b>")  # no change, no edit
    assert save_backoff_notice(wiki, config, None)
    assert wiki.pages[config.pages.status].text == status
    wiki.put(config.pages.shutoff, "stop", "Admin")
    assert not save_backoff_notice(wiki, config, "again")
