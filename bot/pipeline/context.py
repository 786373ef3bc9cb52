"""What every stage of one pass shares, set once when the pass starts (:class:`PassContext`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from bot.config import Config, cron_trigger
from bot.state import StateStore
from bot.wiki import Gateway

Clock = Callable[[], dt.datetime]


@dataclass(frozen=True)
class PassContext:
    """The pass's fixed values: the wiki, the configuration, the state database (None: nothing is
    remembered), the one time the pass runs at (``now``: the clock is asked once), what was asked
    for, and the caller's hooks. ``started`` and ``requests`` are the monotonic time and the wiki's
    request count when the pass began (for the report). ``next_run``: the next scheduled pass
    (shown on the status page; None when none is scheduled)."""

    gw: Gateway
    cfg: Config
    store: StateStore | None
    now: dt.datetime
    kind: str
    dry_run: bool
    may_be_quiet: bool
    setup_requests: int
    next_run: dt.datetime | None
    on_diff: Callable[[str], None]
    on_progress: Callable[[int], None]
    should_stop: Callable[[], bool]
    timer: Callable[[], float]
    """Seconds from any start (``time.monotonic``; tests pass their own), for the shutoff's cadence."""
    started: float
    requests: int
    rules_problem: str = ""
    """What is wrong with the rules page's current revision ("" when the pass applies it)."""
    rules_entry: str = ""
    """The state entry (:data:`bot.state.RULES_KEY`) to store when the pass completes: the rules
    revision it applies, when not stored yet ("" otherwise)."""
    saved: frozenset[int] | set[int] = frozenset()
    """The revision ids the pass's saves made so far (filled by its gateway,
    :class:`bot.pipeline.own_saves.OwnSaves`), remembered when it ends."""
    reread: bool = False
    """A full pass reads every page's text (``run --reread``) instead of re-validating stored readings."""
    latest: dict[str, int] | None = None
    """Title → the latest revision the pass saw of each page it read by title or saved (filled by
    its gateway, :class:`bot.pipeline.own_saves.OwnSaves`; 0: missing)."""


def next_runs(config: Config, now: dt.datetime) -> dict[str, dt.datetime | None]:
    """When each kind of pass fires next after ``now`` by the config's ``[schedule]`` (None when
    not scheduled)."""
    out: dict[str, dt.datetime | None] = {}
    sched = config.schedule
    for kind, expr in (("full", sched.full), ("reread", sched.reread), ("incremental", sched.incremental)):
        out[kind] = cron_trigger(expr).get_next_fire_time(None, now + dt.timedelta(seconds=1)) if expr.strip() else None
    return out


def next_run(config: Config, now: dt.datetime) -> dt.datetime | None:
    """The next scheduled pass of either kind after ``now`` (None when none is scheduled)."""
    upcoming = [t for t in next_runs(config, now).values() if t is not None]
    return min(upcoming) if upcoming else None
