"""Issue 6, part 1: full passes of the real bot through the fault proxy, against the real wiki.

Every pass is checked while it is in progress and after it: each page is always either as it was
or as intended; the stored state never claims more than the wiki holds; once the job completes,
the wiki is exactly what a fault-free pass made of the same pages, the bot changed nothing but
tag lines, saved no page twice, and kept every edit a person made during the pass."""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.wiki.api import WikiApi
from tests.wiki.botrun import Outcome
from tests.wiki.conftest import DevWiki

from . import counters
from .env import BotRunner, write_config
from .proxy import AFTER_FAULTS, ALL_FAULTS, FaultProxy, Hook, RandomFaults, Script, Seen
from .scenario import Harness, Scenario, scenario_bodies

SUMMARY = "User:PartnershipBot/Faults summary"
STATUS = "User:PartnershipBot/Faults status"
MAX_RETRIES = 4
FULL_SEEDS = range(1, 21)
SHORT_SEEDS = (1, 2)


@pytest.fixture(scope="module")
def harness(
    relwiki: DevWiki,
    rel_admin: WikiApi,
    direct_bot: BotRunner,
    proxy: FaultProxy,
    proxied_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Harness:
    work = tmp_path_factory.mktemp("faults")
    config = write_config(work, namespace=0, summary=SUMMARY, status=STATUS, max_retries=MAX_RETRIES, retry_wait=1)
    scenario = Scenario(rel_admin, relwiki.bot_account, "", scenario_bodies("Faults"), SUMMARY, STATUS)
    h = Harness(scenario, BotRunner(relwiki, proxied_dir, config, work), work / "state.sqlite")
    h.fresh()
    proxy.reset()
    h.bot.ok("run")  # the reference: a pass without faults
    scenario.record_reference()
    h.requests_per_pass = len(proxy.log)
    assert sum(scenario.reference_edits.values()) >= 7, scenario.reference_edits
    return h


@pytest.fixture
def faults(harness: Harness, clean_proxy: FaultProxy) -> Iterator[FaultProxy]:
    harness.fresh()
    yield clean_proxy


def forget_login(bot: BotRunner) -> None:
    """Remove Pywikibot's cookie jar: the next pass logs in again (through the proxy's faults)."""
    for jar in bot.pywikibot_dir.glob("*.lwp"):
        jar.unlink()


def longest_repeat(log: list[Seen]) -> int:
    """The longest run of consecutive identical requests (token aside): one call and its retries."""
    best, run, last = 0, 0, None
    for seen in log:
        key = tuple(sorted((k, v) for k, v in seen.params.items() if k not in ("token", "lgtoken")))
        run = run + 1 if key == last else 1
        best, last = max(best, run), key
    return best


def assert_clean_failure(out: Outcome) -> None:
    """A pass that gave up: exit 2 with one ``error:`` line saying what to do, no traceback."""
    assert out.code == 2, out.text
    errors = [line for line in out.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, out.text
    assert "Traceback" not in out.stderr.split(errors[0])[-1], out.text
    assert any(w in errors[0] for w in ("run again", "check", "later")), errors[0]


def run_until_done(h: Harness, proxy: FaultProxy, *, passes: int = 5, relogin: random.Random | None = None) -> int:
    """Passes until one completes (at most ``passes``); every pass, finished or not, is checked.
    Returns the number of passes it took."""
    for n in range(1, passes + 1):
        if relogin is not None and relogin.random() < 0.3:
            forget_login(h.bot)
        before = sum(proxy.faults.values())
        out = h.bot.run("run")
        problems = h.between_problems()
        assert not problems, "\n".join(problems) + "\n" + out.text
        assert longest_repeat(proxy.log) <= MAX_RETRIES + 2, "a request was retried beyond the configured limit"
        injected = sum(proxy.faults.values()) - before
        if out.code == 0:
            counters.add("passes_survived", injected > 0)
            return n
        assert_clean_failure(out)
        counters.add("extra_passes_failed_cleanly")
    raise AssertionError(f"the job did not complete in {passes} passes")


def is_content_read(seen: Seen) -> bool:
    return seen.action == "query" and "content" in seen.params.get("rvprop", "") and "generator" in seen.params


def titled(title: str) -> Callable[[Seen], bool]:
    return lambda s: s.is_edit and s.params.get("title") == title


def test_every_kind_of_fault_in_one_pass(harness: Harness, faults: FaultProxy) -> None:
    """Each fault once, on a different request (reads, tag edits, the summary and status saves):
    the pass completes as if nothing happened."""
    edited = [t for t in harness.scenario.titles if harness.scenario.reference_edits[t]]
    script = (
        Script()
        .when(is_content_read, "drop")
        .when(lambda s: s.params.get("prop") == "redirects", "http_503")
        .when(lambda s: "Shutoff" in s.params.get("titles", ""), "delay")
        .when(titled(edited[0]), "maxlag")
        .when(titled(edited[1]), "drop_after")
        .when(titled(edited[2]), "truncate")
        .when(titled(edited[3]), "truncate_json")
        .when(titled(edited[4]), "badtoken")
        .when(titled(SUMMARY), "http_500_after")
        .when(titled(edited[5]), "assertuser")
    )
    faults.reset(script)
    assert run_until_done(harness, faults, passes=1) == 1
    assert set(faults.faults) == set(ALL_FAULTS), faults.faults
    problems = harness.final_check()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("fault", ["drop_after", pytest.param("truncate", marks=pytest.mark.full)])
def test_lost_answer_to_a_save_merged_with_a_persons_edit(harness: Harness, faults: FaultProxy, fault: str) -> None:
    """A person saves just before the bot; the wiki merges the bot's save into the person's text
    and the answer is lost. The retry is answered "no change", yet no revision holds the text the
    bot decided on: the bot reads the page again instead of recording a revision it cannot vouch
    for, and the person's edit stays."""
    title = next(t for t in harness.scenario.titles if harness.scenario.reference_edits[t])
    hook_done: set[str] = set()

    def hook(seen: Seen) -> None:
        if seen.is_edit and seen.params.get("title") == title and title not in hook_done:
            hook_done.add(title)
            harness.scenario.human_edit(title)

    faults.reset(Script().when(titled(title), fault), hook=hook)
    assert run_until_done(harness, faults, passes=1) == 1
    assert faults.faults[fault] == 1
    problems = harness.final_check()
    assert not problems, "\n".join(problems)


@pytest.mark.full
@pytest.mark.parametrize("fault", ALL_FAULTS)
def test_one_fault_at_each_kind_of_request_is_absorbed(harness: Harness, faults: FaultProxy, fault: str) -> None:
    """The fault hits the page listing, the first tag edit, the summary save and the status save:
    Pywikibot's retries absorb each, and the pass completes as if nothing happened."""
    script = (
        Script()
        .when(is_content_read, fault)
        .when(lambda s: s.is_edit and s.params.get("title", "").startswith("Faults"), fault)
        .when(lambda s: s.is_edit and s.params.get("title") == SUMMARY, fault)
        .when(lambda s: s.is_edit and s.params.get("title") == STATUS, fault)
    )
    faults.reset(script)
    assert run_until_done(harness, faults, passes=1) == 1
    assert sum(faults.faults.values()) >= (2 if fault in ("badtoken", "assertuser") else 3), faults.faults
    problems = harness.final_check()
    assert not problems, "\n".join(problems)


def human_edits(h: Harness, rng: random.Random, share: float) -> Hook:
    """A proxy hook: just before the bot's first save of a partnership page, a person edits it
    (for ``share`` of the pages)."""
    decided: set[str] = set()

    def hook(seen: Seen) -> None:
        title = seen.params.get("title", "")
        if seen.is_edit and title in h.scenario.titles and title not in decided:
            decided.add(title)
            if rng.random() < share:
                h.scenario.human_edit(title)

    return hook


def campaign(h: Harness, proxy: FaultProxy, seed: int, rate: float) -> None:
    rng = random.Random(seed)
    proxy.reset(RandomFaults(seed, rate), hook=human_edits(h, rng, 0.3))
    run_until_done(h, proxy, relogin=rng)
    problems = h.final_check()
    assert not problems, f"seed {seed}:\n" + "\n".join(problems)
    # A further pass changes nothing: the job is done.
    proxy.reset()
    out = h.bot.ok("run")
    assert out.report["edits"] == 0 or (out.report["edits"] == 1 and out.report["status_saved"]), out.report


@pytest.mark.parametrize("seed", SHORT_SEEDS)
def test_random_faults_and_human_edits(harness: Harness, faults: FaultProxy, seed: int) -> None:
    campaign(harness, faults, seed, rate=0.2)


@pytest.mark.full
@pytest.mark.parametrize("seed", FULL_SEEDS)
def test_random_faults_and_human_edits_full(harness: Harness, faults: FaultProxy, seed: int) -> None:
    campaign(harness, faults, 1000 + seed, rate=0.3)


@pytest.mark.full
@pytest.mark.parametrize("seed", range(1, 9))
def test_faults_on_writes_only(harness: Harness, faults: FaultProxy, seed: int) -> None:
    """Every kind of fault, only on saves, often: the dangerous ones for duplicate edits."""
    rng = random.Random(seed)
    faults.reset(RandomFaults(seed, 0.6, kinds=(*AFTER_FAULTS, "badtoken", "assertuser"), writes_only=True))
    run_until_done(harness, faults, passes=6, relogin=rng)
    problems = harness.final_check()
    assert not problems, f"seed {seed}:\n" + "\n".join(problems)


OUTAGES = ("http_503", "maxlag", "drop", "truncate_json", "badtoken", "assertuser")


@pytest.mark.parametrize("fault", [f if f == "http_503" else pytest.param(f, marks=pytest.mark.full) for f in OUTAGES])
def test_a_persistent_fault_fails_the_pass_cleanly_within_the_retry_budget(
    harness: Harness, faults: FaultProxy, fault: str
) -> None:
    """From the first save on, every applicable request fails: the pass gives up after the
    configured retries with one clear line, having written nothing it cannot account for, and
    records the failure; the next healthy pass completes the job."""
    started = False

    def policy(seen: Seen) -> str | None:
        nonlocal started
        started = started or seen.is_edit
        return fault if started and (fault not in ("badtoken", "assertuser") or seen.is_edit) else None

    faults.reset(policy)
    main_config = harness.bot.config
    cfg = harness.scenario
    harness.bot.config = write_config(
        harness.bot.workdir, namespace=0, summary=cfg.summary, status=cfg.status, max_retries=2, name="impatient.toml"
    )
    try:
        t0 = time.monotonic()
        out = harness.bot.run("run")
        elapsed = time.monotonic() - t0
    finally:
        harness.bot.config = main_config
    assert_clean_failure(out)
    assert elapsed < 60, f"gave up only after {elapsed:.0f}s"
    assert longest_repeat(faults.log) <= 2 + 2
    assert not harness.between_problems()
    db = sqlite3.connect(harness.state)
    try:
        (ok,) = db.execute("SELECT ok FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        db.close()
    assert ok == 0
    counters.add("extra_passes_failed_cleanly")
    faults.reset()
    harness.bot.ok("run")
    problems = harness.final_check()
    assert not problems, "\n".join(problems)
