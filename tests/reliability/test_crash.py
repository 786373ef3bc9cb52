"""Issue 6, part 2: crash consistency. A pass is killed with SIGKILL at seeded points: at the n-th
request before the wiki sees it, at the n-th request after the wiki acted on it but before the
bot heard back, or after a random time. Afterwards every page is either as it was or as intended
and the stored state is not ahead of the wiki; the next pass completes the job, and the wiki then
equals what a pass that was never interrupted made of the same pages."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.wiki.api import WikiApi
from tests.wiki.conftest import DevWiki

from . import counters
from .env import BotRunner, forget_dead_processes, write_config
from .proxy import FaultProxy, Seen
from .scenario import Harness, Scenario, scenario_bodies

SUMMARY = "User:PartnershipBot/Crash summary"
STATUS = "User:PartnershipBot/Crash status"
SHORT_TRIALS = 5
CRASH_PAGES = ("tag 1", "tag 2", "update", "untag", "complete", "two boxes")
FULL_TRIALS = 64


@pytest.fixture(scope="module")
def harness(
    relwiki: DevWiki,
    rel_admin: WikiApi,
    direct_bot: BotRunner,
    proxy: FaultProxy,
    proxied_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Harness:
    work = tmp_path_factory.mktemp("crash")
    config = write_config(work, namespace=12, summary=SUMMARY, status=STATUS)
    scenario = Scenario(rel_admin, relwiki.bot_account, "Help:", scenario_bodies("Crash", CRASH_PAGES), SUMMARY, STATUS)
    h = Harness(scenario, BotRunner(relwiki, proxied_dir, config, work), work / "state.sqlite")
    h.fresh()
    proxy.reset()
    t0 = time.monotonic()
    h.bot.ok("run")  # the reference: a pass never interrupted
    h.seconds_per_pass = time.monotonic() - t0
    scenario.record_reference()
    h.requests_per_pass = len(proxy.log)
    h.reference_log = list(proxy.log)
    return h


@dataclass(frozen=True)
class KillPoint:
    """Where to kill: at request ``n`` (``before`` the wiki sees it, or ``after`` it acted), or
    ``seconds`` after the start."""

    n: int = 0
    phase: str = "before"
    seconds: float = 0.0
    saves_only: bool = False
    """Count only saves (``action=edit``): ``n = 1`` is the first save of the pass."""

    def __str__(self) -> str:
        what = "save" if self.saves_only else "request"
        return f"{self.seconds:.2f}s" if self.seconds else f"{what} {self.n} ({self.phase})"

    def hit(self, seen: Seen, log: list[Seen]) -> bool:
        if not self.n or (self.saves_only and not seen.is_edit):
            return False
        number = sum(s.is_edit for s in log[: seen.number]) if self.saves_only else seen.number
        return number == self.n


def draw_point(rng: random.Random, h: Harness) -> KillPoint:
    if rng.random() < 0.25:
        return KillPoint(seconds=rng.uniform(0.2, h.seconds_per_pass))
    return KillPoint(n=rng.randint(1, h.requests_per_pass), phase=rng.choice(("before", "after")))


def killed_pass(h: Harness, proxy: FaultProxy, point: KillPoint, args: tuple[str, ...] = ("run",)) -> bool:
    """Run one pass and SIGKILL it at ``point``. Returns whether it was killed (a pass can end
    before its kill point)."""
    holder: dict[str, subprocess.Popen[str]] = {}
    killed = False

    def kill(seen: Seen) -> None:
        nonlocal killed
        if point.hit(seen, proxy.log) and "proc" in holder and not killed:
            killed = True
            os.kill(holder["proc"].pid, signal.SIGKILL)

    def policy(seen: Seen) -> str | None:
        if point.phase == "before" and point.hit(seen, proxy.log):
            kill(seen)
            return "drop" if killed else None  # the request never reached the wiki
        return None

    proxy.reset(policy, after=kill if point.phase == "after" else None)
    proc, _report = h.bot.start(*args)
    holder["proc"] = proc
    if point.seconds:
        try:
            proc.wait(timeout=point.seconds)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            killed = True
    try:
        stdout, stderr = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    counters.record_output(stdout + stderr)
    forget_dead_processes(h.bot.pywikibot_dir)
    proxy.faults.clear()  # the "drop" above stands for the kill, not for a fault
    if killed:
        assert proc.returncode == -signal.SIGKILL, (proc.returncode, stderr)
    else:
        assert proc.returncode == 0, stderr
    return killed


def trial(h: Harness, proxy: FaultProxy, rng: random.Random) -> list[str]:
    """Fresh pages; one or two killed passes, each checked; then passes until the job is done."""
    h.fresh()
    points = [draw_point(rng, h) for _ in range(rng.choice((1, 1, 2)))]
    for point in points:
        killed = killed_pass(h, proxy, point)
        counters.add("kill_points", killed)
        problems = h.between_problems()
        assert not problems, f"after a kill at {point}:\n" + "\n".join(problems)
    proxy.reset()
    out = h.bot.run("run")
    assert out.code == 0, out.text
    problems = h.final_check()
    assert not problems, f"kill points {', '.join(map(str, points))}:\n" + "\n".join(problems)
    return [str(p) for p in points]


def test_sigkill_at_seeded_points_short(harness: Harness, clean_proxy: FaultProxy) -> None:
    rng = random.Random(6)
    for _ in range(SHORT_TRIALS):
        trial(harness, clean_proxy, rng)


@pytest.mark.full
@pytest.mark.parametrize("seed", range(1, 9))
def test_sigkill_at_seeded_points_full(harness: Harness, clean_proxy: FaultProxy, seed: int) -> None:
    rng = random.Random(1000 + seed)
    for _ in range(FULL_TRIALS // 8):
        trial(harness, clean_proxy, rng)


@pytest.mark.parametrize("which", ["some", pytest.param("every", marks=pytest.mark.full)])
def test_kill_right_after_a_save_reached_the_wiki(harness: Harness, clean_proxy: FaultProxy, which: str) -> None:
    """The most dangerous moment: the wiki saved, the bot died before it knew. Short run: the
    first tag save and the last save of the pass (the status page); full run: after every save."""
    saves = sum(s.is_edit for s in harness.reference_log)
    points = range(1, saves + 1) if which == "every" else (1, saves)
    for n in points:
        harness.fresh()
        assert killed_pass(harness, clean_proxy, KillPoint(n=n, phase="after", saves_only=True))
        counters.add("kill_points")
        assert not harness.between_problems()
        clean_proxy.reset()
        harness.bot.ok("run")
        problems = harness.final_check()
        assert not problems, f"kill after request {n}:\n" + "\n".join(problems)


# --- incremental passes ---------------------------------------------------------------------------

#: What a person changes after a completed full pass: a fix (untag), a regression (tag), a new
#: status with new requirements (update).
CHANGES = {
    "Help:Crash tag 1": ("| status = proposed", "| metrics = 50 articles a year\n| status = proposed"),
    "Help:Crash untag": ("| metrics = 50 articles a year\n", ""),
    "Help:Crash update": ("| status = proposed", "| status = active"),
}


@pytest.fixture(scope="module")
def incremental(harness: Harness, proxy: FaultProxy) -> Harness:
    """The scenario of an incremental pass: the pages after a completed full pass and a person's
    changes, with the reference of an uninterrupted incremental pass."""
    texts = dict(harness.scenario.reference)
    for title, (old, new) in CHANGES.items():
        assert old in texts[title], title
        texts[title] = texts[title].replace(old, new, 1)
    base = harness.scenario
    scenario = Scenario(base.api, base.bot_account, "", texts, base.summary, base.status)
    inc = Harness(scenario, harness.bot, harness.state)
    prepare(harness, inc)
    proxy.reset()
    out = harness.bot.ok("run", "--incremental")
    assert out.report["kind"] == "incremental" and out.report["pages_read"] == len(CHANGES), out.report
    scenario.record_reference()
    inc.requests_per_pass, inc.reference_log = len(proxy.log), list(proxy.log)
    return inc


def prepare(full: Harness, inc: Harness) -> None:
    """Fresh pages, a completed full pass (stored state), then the person's changes."""
    full.fresh()
    full.bot.ok("run")
    inc.scenario.reset()
    inc.damaged = set()


def incremental_trial(full: Harness, inc: Harness, proxy: FaultProxy, rng: random.Random) -> None:
    prepare(full, inc)
    point = KillPoint(n=rng.randint(1, inc.requests_per_pass), phase=rng.choice(("before", "after")))
    counters.add("kill_points", killed_pass(inc, proxy, point, ("run", "--incremental")))
    problems = inc.between_problems()
    assert not problems, f"after a kill at {point}:\n" + "\n".join(problems)
    proxy.reset()
    inc.bot.ok("run", "--incremental")
    problems = inc.final_check()
    assert not problems, f"kill point {point}:\n" + "\n".join(problems)


@pytest.mark.parametrize("trials", [2, pytest.param(24, marks=pytest.mark.full)])
def test_sigkill_during_incremental_passes(
    harness: Harness, incremental: Harness, clean_proxy: FaultProxy, trials: int
) -> None:
    rng = random.Random(77 + trials)
    for _ in range(trials):
        incremental_trial(harness, incremental, clean_proxy, rng)
