"""``python -m bot status``: what the state database knows, printed locally (no wiki needed): the
last passes with their figures or errors, whether a pass runs now and who holds the lock, the next
scheduled runs, and the back-off state."""

from __future__ import annotations

import datetime as dt
import json

from bot.config import Config
from bot.lock import describe_holder, is_locked
from bot.pipeline.context import next_runs
from bot.pipeline.runner import lock_path
from bot.schedule import backoff_delay
from bot.state import StateStore


def print_status(config: Config, now: dt.datetime, *, as_json: bool = False) -> int:
    with StateStore(config.run.state_path) as store:
        runs = store.runs(10)
        failures = store.consecutive_failures()
        pages = len(store.pages())
    lock = lock_path(config)
    running = describe_holder(lock) if is_locked(lock) else None
    upcoming = next_runs(config, now)
    doc = {
        "state": str(config.run.state_path),
        "pages_stored": pages,
        "running": running,
        "consecutive_failures": failures,
        "backoff_minutes": backoff_delay(config, failures).total_seconds() / 60,
        "next": {k: v.isoformat() if v else None for k, v in upcoming.items()},
        "runs": runs,
    }
    if as_json:
        print(json.dumps(doc, indent=1))
        return 0
    print(f"state: {config.run.state_path} ({pages} pages remembered)")
    print(f"running now: {running or 'no'}")
    for kind, when in upcoming.items():
        print(f"next {kind} pass: {when.isoformat(timespec='minutes') if when else 'not scheduled'}")
    if failures:
        print(f"failed passes in a row: {failures} (back-off {doc['backoff_minutes']:.0f} min)")
    print("last passes:" if runs else "no pass recorded yet")
    for run in runs:
        r = run["report"]
        if run["ok"]:
            figures = (
                f"{r.get('pages_seen')} pages, {r.get('complete')} complete, {r.get('edits')} edits, "
                f"{r.get('api_requests')} requests, {r.get('seconds')} s"
            )
        else:
            figures = f"FAILED: {r.get('error')}"
        print(f"  {run['started']}  {run['kind']:<11}  {figures}")
    return 0
