"""``python -m bot schedule``: APScheduler 3 wiring, no business logic.

Three cron jobs (UTC) from ``[schedule]``: the full sweep (from stored readings: only pages whose
revision changed are read), the full sweep that reads every page (``reread``, weekly by default;
``run --reread``) and incremental passes, each with
``max_instances=1``, ``coalesce=True`` and the configured misfire grace time, on a single worker
thread so the daemon never runs two passes at once. Across processes the run lock does that (a
manual ``run`` during a daemon's pass exits or waits, as configured), and a daemon lock keeps a
second daemon from starting. SIGTERM/SIGINT: the pass in hand finishes its current page, then the
daemon exits.

Back-off: after ``backoff_after_failures`` failed passes in a row, a due run is skipped unless the
last failure is older than an interval that starts at the incremental period and doubles with each
further failure, up to ``backoff_max_minutes``. The log says so, and :func:`Ticker.tick` returns
why, which the tests read with an injected clock.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from bot.config import Config, cron_trigger
from bot.errors import BotError, LockHeld
from bot.lock import RunLock
from bot.pipeline.context import next_run
from bot.pipeline.runner import Outcome, StopFlag, lock_path, login, run_once, stop_on_signals
from bot.pipeline.step5_status import save_backoff_notice
from bot.state import StateStore

log = logging.getLogger("bot.schedule")

Runner = Callable[[str, dt.datetime | None], Outcome]


def backoff_delay(config: Config, failures: int) -> dt.timedelta:
    """How long to wait after the last failure before trying again (0 below the threshold)."""
    over = failures - config.schedule.backoff_after_failures
    if over < 0:
        return dt.timedelta(0)
    delay: dt.timedelta = min(
        dt.timedelta(minutes=10) * (2**over), dt.timedelta(minutes=config.schedule.backoff_max_minutes)
    )
    return delay


@dataclass
class Ticker:
    """What a scheduled job does when it fires: check the back-off, run a pass, log the outcome.
    ``runner(kind, next_run)`` runs one pass; ``clock`` gives the time."""

    config: Config
    runner: Runner
    clock: Callable[[], dt.datetime]
    announce: Callable[[str | None], None] = lambda _notice: None
    """Tells the wiki (the status page) when back-off starts (a notice) and ends (None)."""
    _backing_off: bool = False

    def tick(self, kind: str) -> str:
        now = self.clock()
        failures, last_failure = self._failures()
        wait = backoff_delay(self.config, failures)
        if wait and last_failure is not None and now - last_failure < wait:
            until = (last_failure + wait).isoformat(timespec="minutes")
            log.warning("backing off after %d failed passes in a row: next attempt after %s", failures, until)
            if not self._backing_off:
                self._backing_off = True
                self._announce(f"{failures} passes failed in a row; the next attempt is after {until} UTC")
            return f"backoff: {failures} failures, next attempt after {until}"
        try:
            outcome = self.runner(kind, next_run(self.config, now))
        except LockHeld as exc:
            log.info("%s pass skipped: %s", kind, exc)
            return "skipped: locked"
        except BotError as exc:
            log.error("%s pass failed: %s", kind, exc)
            return f"failed: {exc}"
        log.info("%s", outcome.report.line())
        if self._backing_off:
            self._backing_off = False
            self._announce(None)
        return "ok"

    def _announce(self, notice: str | None) -> None:
        try:
            self.announce(notice)
        except BotError as exc:  # the wiki may well be the thing that is down
            log.warning("could not update the status page about the back-off: %s", exc)

    def _failures(self) -> tuple[int, dt.datetime | None]:
        with StateStore(self.config.run.state_path) as store:
            failures = store.consecutive_failures()
            runs = store.runs(1)
        last = dt.datetime.fromisoformat(runs[0]["started"]) if runs and not runs[0]["ok"] else None
        return failures, last


def serve(config: Config, clock: Callable[[], dt.datetime]) -> int:
    """Run the scheduler until SIGTERM/SIGINT. Returns the exit code."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.schedulers.blocking import BlockingScheduler

    stop = StopFlag()
    daemon_lock = config.run.state_path.with_name(config.run.state_path.name + ".daemon")
    with RunLock(daemon_lock, wait=config.schedule.on_lock == "wait", what="python -m bot schedule"):
        scheduler = BlockingScheduler(timezone="UTC", executors={"default": ThreadPoolExecutor(1)})
        busy = threading.Lock()

        def runner(kind: str, next_run: dt.datetime | None) -> Outcome:
            return run_once(config, clock, kind=kind, should_stop=stop, next_run=next_run, wait_for_lock=False)

        def announce(notice: str | None) -> None:
            save_backoff_notice(login(config), config, notice)

        ticker = Ticker(config, runner, clock, announce)

        def job(kind: str) -> None:
            if stop():
                return
            with busy:
                ticker.tick(kind)

        jobs = (
            ("full", config.schedule.full),
            ("reread", config.schedule.reread),
            ("incremental", config.schedule.incremental),
        )
        for kind, expr in jobs:
            if expr.strip():
                scheduler.add_job(
                    job,
                    cron_trigger(expr),
                    args=[kind],
                    id=kind,
                    max_instances=1,
                    coalesce=True,
                    misfire_grace_time=config.schedule.misfire_grace_seconds,
                )
        log.info("scheduler started: full %r, reread %r, incremental %r (UTC); lock %s", config.schedule.full,
                 config.schedule.reread, config.schedule.incremental, lock_path(config))  # fmt: skip
        with stop_on_signals(stop, also=lambda: scheduler.shutdown(wait=False)):
            scheduler.start()
            with busy:  # a pass in hand finishes its page first
                pass
    log.info("scheduler stopped")
    return 0
