"""Measured processes of the wiki bench (:mod:`benchmarks.bench_wiki`): the :class:`Run` record of
one process, a bot pass (``python -m bot run ... --report-json``) and the two baselines
(Pywikibot's ``PreloadingGenerator`` with a full parse, and one request per page), each timed with
its peak RSS and CPU time from ``wait4``. Logs go to bench-out/wiki/."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import fixture as fx

ROOT = fx.ROOT
OUT = ROOT / "bench-out" / "wiki"
MODULE = "benchmarks.bench_wiki"
"""The module whose ``main`` runs a baseline child (``python -m MODULE _baseline KIND``)."""


# ---------------------------------------------------------------------------------------------
# Measuring one process


@dataclass
class Run:
    """One measured process."""

    name: str
    pages: int = 0
    requests: int | None = None
    """API requests of the pass itself (or of the baseline's work), login excluded."""
    setup_requests: int | None = None
    wall_s: float = 0.0
    """Wall time of the whole process: start-up, imports, login and the pass."""
    pass_s: float | None = None
    """The pass's own time (as the bot reports it), or the baseline's time after login."""
    rss_mb: float = 0.0
    cpu_s: float = 0.0
    """CPU time (user + system) of the process: the client's own work, the wiki's excluded."""
    exit_code: int = 0
    ok: bool = True
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def pages_per_s(self) -> float | None:
        return self.pages / self.wall_s if self.wall_s and self.pages else None


def measure(cmd: Sequence[str], env: dict[str, str], log_name: str) -> tuple[int, float, float, str, float]:
    """Run ``cmd``; return (exit code, wall seconds, peak RSS in MB, path of its stdout log, CPU
    seconds). Peak RSS and CPU time (user + system) are the child's own, from ``wait4``."""
    OUT.mkdir(parents=True, exist_ok=True)
    out_path = OUT / f"{log_name}.out"
    err_path = OUT / f"{log_name}.err"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        t0 = time.monotonic()
        proc = subprocess.Popen(list(cmd), cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return proc.returncode, wall, usage.ru_maxrss / 1024, str(out_path), cpu


def tail(path: str, lines: int = 6) -> str:
    """The last ``lines`` lines of a log, on one line (empty when it cannot be read)."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return " | ".join(text.strip().splitlines()[-lines:])


def bot_pass(wiki: fx.BenchWiki, name: str, *args: str) -> Run:
    """``python -m bot run ARGS --report-json`` as one measured process."""
    report_path = OUT / f"{name}.report.json"
    report_path.unlink(missing_ok=True)
    cmd = [str(fx.PYTHON), "-m", "bot", "run", *args, "--report-json", str(report_path)]
    code, wall, rss, out, cpu = measure(cmd, wiki.bot_env(), name)
    run = Run(name, wall_s=wall, rss_mb=rss, exit_code=code, cpu_s=cpu)
    if code not in (0, 7) or not report_path.is_file():
        run.ok = False
        run.note = f"exit {code}: {tail(out.replace('.out', '.err'), 4)}"
        return run
    report = json.loads(report_path.read_text(encoding="utf-8"))
    if code == 7:  # the pass completed; some page of its own could not be saved (measured all the same)
        run.note = f"exit 7: {(report.get('errors') or [''])[0][:90]}"
    run.pages = int(report.get("pages_seen", 0))
    run.requests = int(report.get("api_requests", 0))
    run.setup_requests = int(report.get("setup_requests", 0))
    run.pass_s = float(report.get("seconds", 0.0))
    run.extra = {
        k: report[k]
        for k in (
            "pages_read",
            "complete",
            "incomplete",
            "tagged",
            "untagged",
            "updated",
            "edits",
            "summary_saved",
            "status_saved",
            "kind",
        )
        if k in report
    }
    run.extra["skipped"] = len(report.get("skipped", []))
    return run


def incremental_available() -> bool:
    proc = subprocess.run(
        [str(fx.PYTHON), "-m", "bot", "run", "--help"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return "--incremental" in proc.stdout


# ---------------------------------------------------------------------------------------------
# Baselines (run in a child process: ``python -m benchmarks.bench_wiki _baseline KIND``)


def _baseline_child(kind: str, sample: int) -> int:
    """Print one JSON line: pages, requests, setup_requests, seconds (after login), complete."""
    import pywikibot
    from pywikibot import pagegenerators
    from pywikibot.comms import http

    from bot.config import config_path, load_config
    from bot.parse import name_set
    from bot.validate import check_page
    from tests.second_opinion import find_infobox_full

    config = load_config(config_path(None))
    rules = config.rules
    count = [0]

    def hook(response: Any, *args: Any, **kwargs: Any) -> Any:
        count[0] += 1
        return response

    http.session.hooks["response"].append(hook)
    site = pywikibot.Site(config.site.code, config.site.family)
    site.login()
    setup = count[0]
    t0 = time.monotonic()
    template = pywikibot.Page(site, f"Template:{rules.infobox_name}")
    redirects = [p.title(with_ns=False) for p in template.backlinks(filter_redirects=True, namespaces=[10])]
    names = name_set((rules.infobox_name, *rules.aliases, *redirects))
    today = dt.datetime.now(dt.UTC).date()
    refs = template.getReferences(only_template_inclusion=True, namespaces=config.site.namespaces)
    complete = pages = 0
    if kind == "preload":
        gen = pagegenerators.PreloadingGenerator(refs)
    else:
        gen = (p for i, p in enumerate(refs) if i < sample)
    for page in gen:
        result = check_page(page.title(), find_infobox_full(page.text, names), rules, today)
        complete += result.complete
        pages += 1
    seconds = time.monotonic() - t0
    print(
        json.dumps(
            {
                "pages": pages,
                "requests": count[0] - setup,
                "setup_requests": setup,
                "seconds": seconds,
                "complete": complete,
            }
        )
    )
    return 0


def baseline(wiki: fx.BenchWiki, kind: str, total: int, sample: int) -> Run:
    name = f"baseline-{kind}"
    cmd = [str(fx.PYTHON), "-m", MODULE, "_baseline", kind, "--sample", str(sample)]
    code, wall, rss, out, cpu = measure(cmd, wiki.bot_env(), name)
    run = Run(name, wall_s=wall, rss_mb=rss, exit_code=code, cpu_s=cpu)
    lines = Path(out).read_text(encoding="utf-8").strip().splitlines()
    if code != 0 or not lines:
        run.ok = False
        run.note = f"exit {code}: {tail(out.replace('.out', '.err'), 4)}"
        return run
    data = json.loads(lines[-1])
    run.pages, run.requests, run.setup_requests = data["pages"], data["requests"], data["setup_requests"]
    run.pass_s = data["seconds"]
    run.extra = {"complete": data["complete"]}
    if kind == "per-page" and run.pages:
        # Extrapolate the per-page work to N; start-up and login stay as measured.
        factor = total / run.pages
        measured_wall, measured_pass = run.wall_s, data["seconds"]
        run.extra.update(
            sample_pages=run.pages,
            sample_requests=run.requests,
            sample_seconds=round(measured_pass, 2),
            sample_wall_s=round(measured_wall, 2),
        )
        run.pass_s = measured_pass * factor
        run.wall_s = measured_wall - measured_pass + run.pass_s
        run.extra["sample_cpu_s"] = round(run.cpu_s, 2)
        run.cpu_s *= factor  # an over-estimate: start-up and login are scaled too
        per_page = (run.requests - math.ceil(run.pages / 500)) / run.pages  # the list is one request per 500
        run.requests = round(per_page * total) + math.ceil(total / 500)
        run.pages = total
        run.note = f"extrapolated from {data['pages']} pages"
    return run
