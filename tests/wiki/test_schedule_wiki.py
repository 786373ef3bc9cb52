"""Scheduled operation against the real wiki: incremental passes, the daemon, SIGTERM in the
middle of a pass, and the run lock between processes."""

from __future__ import annotations

import json
import math
import re
import signal
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import load_config
from bot.lock import RunLock
from bot.pipeline.runner import lock_path
from bot.render import END_MARKER, START_MARKER

from .api import WikiApi
from .botrun import INCOMPLETE, Bot, bot_fixture, contribs, make_page
from .conftest import DevWiki
from .test_devwiki import unique

TAG = "{{Partnership incomplete|missing=metrics}}\n"
#: A summary page of this module's own: the other modules' bots (each with a state of its own) edit
#: the shared one, and an incremental pass that sees the summary edited within its 10-minute
#: overlap is rightly not quiet.
SUMMARY = unique("Schedule tracker")


@pytest.fixture(scope="module")
def bot(devwiki: DevWiki, admin_api: WikiApi, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    admin_api.edit(SUMMARY, f"{START_MARKER}\n{END_MARKER}", "tests: a summary page of our own")
    yield from bot_fixture(
        devwiki,
        admin_api,
        tmp_path_factory,
        summary=f'"{SUMMARY}"',
        full='"0 0 1 1 *"',
        incremental='"*/2 * * * * *"',
        max_tags_per_run="500",
        max_row_drop="500",
    )


def last_runs(bot: Bot) -> list[tuple[str, int, dict[str, object]]]:
    db = sqlite3.connect(load_config(bot.config).run.state_path)
    try:
        rows = db.execute("SELECT kind, ok, report FROM runs ORDER BY id DESC LIMIT 5").fetchall()
    finally:
        db.close()
    return [(k, ok, json.loads(r)) for k, ok, r in rows]


def test_incremental_reads_only_the_edited_page_and_drops_deleted_ones(bot: Bot, admin_api: WikiApi) -> None:
    edited, _ = make_page(admin_api, "Incremental edited")
    doomed, _ = make_page(admin_api, "Incremental deleted")
    bot.ok("run")
    assert bot.ok("run", "--incremental").report["pages_read"] == 0
    fixed = admin_api.read(edited)[1].replace("| status = proposed", "| status = proposed | metrics = 3 events")
    admin_api.edit(edited, fixed, "tests: fix")
    out = bot.ok("run", "--incremental")
    assert out.report["kind"] == "incremental" and out.report["pages_read"] == 1 and out.report["untagged"] == 1
    assert admin_api.read(edited)[1] == fixed.removeprefix(TAG)
    admin_api.delete(doomed)
    out = bot.ok("run", "--incremental")
    assert out.report["pages_read"] == 0 and out.report["summary_saved"]
    summary = admin_api.read(SUMMARY)[1]
    assert f"[[:{doomed}|" not in summary and f"[[:{edited}|" in summary
    again = bot.ok("run", "--incremental")
    # recent changes, the site's pages, and which touched pages use the infobox (one request per
    # 500: the other modules' edits of the last 10 minutes are in the overlap too)
    touched = int(re.search(r"(\d+) pages touched", again.stderr).group(1))  # type: ignore[union-attr]
    assert again.report["edits"] == again.report["pages_read"] == 0, again.text
    assert again.report["api_requests"] <= 2 + math.ceil(touched / 500), again.text


def test_lock_held_by_another_pass_refuses_a_manual_run(bot: Bot) -> None:
    with RunLock(lock_path(load_config(bot.config)), what="a test holding the lock"):
        out = bot.run("run")
    assert out.code == 6
    assert "a test holding the lock" in out.stderr and "another pass is running" in out.stderr


def test_sigterm_mid_pass_leaves_consistent_state_and_next_pass_completes(
    bot: Bot, admin_api: WikiApi, devwiki: DevWiki
) -> None:
    bot.ok("run")
    pages = dict(make_page(admin_api, "Sigterm") for _ in range(40))
    before = contribs(admin_api, devwiki.bot_account)
    proc = bot.start("run")
    deadline = time.monotonic() + 60
    while contribs(admin_api, devwiki.bot_account) == before and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(timeout=60)
    assert code in (0, 5), f"exit {code}"
    texts = {t: admin_api.read(t)[1] for t in pages}
    for title, body in pages.items():  # every page either untouched or tagged, nothing half-done
        assert texts[title] in (body, TAG + body), title
    if code == 5:
        kind, ok, report = last_runs(bot)[0]
        assert (kind, ok) == ("full", 0) and "Interrupted" in str(report["error"])
        assert sum(t.startswith(TAG) for t in texts.values()) < len(pages)
    bot.ok("run")
    assert all(admin_api.read(t)[1] == TAG + body for t, body in pages.items())
    assert bot.ok("run").report["edits"] == 0


def test_daemon_keeps_the_table_current_and_stops_on_sigterm(bot: Bot, admin_api: WikiApi) -> None:
    bot.ok("run")
    proc = bot.start("schedule")
    try:
        title, body = make_page(admin_api, "Scheduled")
        deadline = time.monotonic() + 60
        started = time.time()

        def daemon_has_run() -> bool:  # an incremental pass of the daemon's, after the page was made
            return any(
                kind == "incremental" and ok and float(str(r.get("seconds", 0))) >= 0 for kind, ok, r in last_runs(bot)
            ) and (time.time() - started > 2)

        while time.monotonic() < deadline and not (f"[[:{title}|" in admin_api.read(SUMMARY)[1] and daemon_has_run()):
            assert proc.poll() is None, "the scheduler exited"
            time.sleep(0.5)
        assert admin_api.read(title)[1] == TAG + body
        assert f"[[:{title}|" in admin_api.read(SUMMARY)[1]
        runs = last_runs(bot)
        assert any(kind == "incremental" and ok for kind, ok, _ in runs), runs
        status = bot.ok("status")
        assert "next incremental pass" in status.stdout and "last passes" in status.stdout
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
    assert code == 0
    second = bot.run("run", "--incremental")
    assert second.code == 0, second.stderr


def test_second_daemon_refuses_to_start(bot: Bot) -> None:
    first = bot.start("schedule")
    try:
        time.sleep(3)
        assert first.poll() is None
        second = bot.run("schedule")
        assert second.code == 6 and "python -m bot schedule" in second.stderr
    finally:
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=60) == 0


def test_pages_seeded_by_the_bots_account_reach_the_next_incremental_pass(
    bot: Bot, admin_api: WikiApi, tmp_path: Path
) -> None:
    """Recent changes leave the bot's own edits out; ``seed`` therefore forgets the mark, and the
    next incremental pass lists every page and finds the seeded one."""
    bot.ok("run")
    title = unique("Seeded")
    page = tmp_path / f"{title}.wiki"
    page.write_text(INCOMPLETE.format(title=title), encoding="utf-8")
    assert "1 created" in bot.ok("seed", str(page)).stdout
    out = bot.ok("run", "--incremental")
    assert out.report["pages_read"] >= 1 and out.report["tagged"] >= 1
    assert f"[[:{title}|" in admin_api.read(SUMMARY)[1]
