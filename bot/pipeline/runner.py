"""One pass (:mod:`bot.pipeline.one_pass`) with everything around it, shared by ``run`` and the scheduler: the run lock, the state
database, the login, the pass itself, the failure record, and signal handling.

A failed pass is recorded in the state database (so ``status`` and the back-off see it) and its
error re-raised for the caller to report; its page records are not touched.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from bot.config import Config
from bot.errors import BotError, ConfigError
from bot.lock import RunLock
from bot.model import RunReport
from bot.pipeline.context import Clock
from bot.pipeline.one_pass import Pass
from bot.render import Row
from bot.state import StateStore
from bot.wiki import Gateway, connect

log = logging.getLogger(__name__)


def lock_path(config: Config) -> Path:
    return config.run.state_path.with_name(config.run.state_path.name + ".lock")


def login(config: Config) -> Gateway:
    """Log in to the configured wiki. A configuration problem found only there (a namespace the
    wiki does not have) is reported like any other: one line naming the config file and the key."""
    try:
        return connect(config.site)
    except ConfigError as exc:
        raise ConfigError(
            [p if p.startswith(f"{config.path}:") else f"{config.path}: {p}" for p in exc.problems]
        ) from None


@dataclass
class Outcome:
    report: RunReport
    rows: list[Row]


class StopFlag:
    """Set by SIGTERM/SIGINT (see :func:`stop_on_signals`); polled by the pass between pages."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def set(self) -> None:
        self._event.set()

    def __call__(self) -> bool:
        return self._event.is_set()


@contextmanager
def stop_on_signals(flag: StopFlag, also: Callable[[], None] | None = None) -> Iterator[None]:
    """While inside, the first SIGTERM or SIGINT sets ``flag`` (the pass finishes the page in hand
    and stops); a second SIGINT interrupts at once. Only in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, _frame: FrameType | None) -> None:
        if flag() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        log.warning("%s received: finishing the page in hand, then stopping", signal.Signals(signum).name)
        flag.set()
        if also:
            also()

    old = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def run_once(
    config: Config,
    clock: Clock,
    *,
    kind: str = "full",
    dry_run: bool = False,
    should_stop: Callable[[], bool] | None = None,
    on_diff: Callable[[str], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    next_run: dt.datetime | None = None,
    gateway: Gateway | None = None,
    wait_for_lock: bool | None = None,
    want_rows: bool = False,
    reread: bool = False,
) -> Outcome:
    """Take the lock, log in (unless ``gateway`` is given), run one pass, record it. ``want_rows``:
    the outcome must carry the summary table's rows, even when nothing changed. ``reread``: a full
    pass reads every page's text (``kind`` ``reread`` says the same)."""
    if kind == "reread":
        kind, reread = "full", True
    wait = config.schedule.on_lock == "wait" if wait_for_lock is None else wait_for_lock
    what = f"{kind} pass{' (dry run)' if dry_run else ''}"
    with RunLock(lock_path(config), wait=wait, what=what), StateStore(config.run.state_path) as store:
        started = clock()
        try:
            gw = gateway or login(config)
            job = Pass(
                gw,
                config,
                clock,
                store,
                kind=kind,
                dry_run=dry_run,
                on_diff=on_diff,
                on_progress=on_progress,
                should_stop=should_stop,
                setup_requests=0 if gateway else gw.requests,
                next_run=next_run,
                keep_quiet=not want_rows,
                reread=reread,
            )
            report = job.run()
        except BotError as exc:
            if not dry_run:
                store.record_failure(kind, started, f"{type(exc).__name__}: {exc}")
            raise
        return Outcome(report, job.rows)
