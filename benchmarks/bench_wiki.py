"""Benchmark of the bot on a large local wiki (issue 5): N realistic partnership pages (default
10,000) in the bench dev wiki (``.devwiki-bench/``, port 8090; see :mod:`benchmarks.fixture`),
measuring in one run, each as a separate process:

* a full dry-run pass, a full real pass, an incremental pass with nothing changed and one with 1%
  of the pages edited by a person (incremental rows only when ``python -m bot run --help`` lists
  ``--incremental``): API requests (the pass's own, and the login's), wall time of the process,
  the pass's own time, CPU time and peak RSS of the process (``wait4``), pages/s;
* two baselines on the same wiki: Pywikibot's ``PreloadingGenerator`` (default groupsize) over the
  infobox's ``embeddedin`` list with a full ``mwparserfromhell.parse`` of every page
  (``bot.parse.find_infobox_full``) and the same validation; and one request per page, measured on
  a 500-page sample and extrapolated to N;
* the summary page's size after the real pass (and its numbered subpages, if any), or, without a
  real pass, what the dry run's diff adds to them;
* py-spy profiles of a dry-run pass, of the PreloadingGenerator baseline and of a no-change
  incremental pass (time per category, top functions by inclusive and own time).

Usage: ./scripts/bench [--pages N] [--json PATH] [--seed S] [--rebuild-fixture] [--no-profile]
       [--real] [--baselines] [--sample K]
With N > 20,000 the real and incremental passes and the baselines run only with --real and
--baselines (a first real pass over 100,000 pages saves ~30,000 tags: most of an hour here).
Exit status 0 when every target is met, 1 otherwise. Logs, run reports, dry-run diffs and raw
profiles go to bench-out/wiki/; benchmarks/README.md has the figures measured so far.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import fixture as fx

ROOT = fx.ROOT
OUT = ROOT / "bench-out" / "wiki"
SUMMARY_TITLE = "Partnership tracker"
MAX_PAGE_BYTES = 2 * 1024 * 1024  # MediaWiki's default $wgMaxArticleSize (2048 KiB)
RSS_BOUND_MB = 300.0
SPEEDUP_BOUND = 10.0
BIG = 20_000
MODULE = "benchmarks.bench_wiki"


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


def _tail(path: str, lines: int = 6) -> str:
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
    if code != 0 or not report_path.is_file():
        run.ok = False
        run.note = f"exit {code}: {_tail(out.replace('.out', '.err'), 4)}"
        return run
    report = json.loads(report_path.read_text(encoding="utf-8"))
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
    from bot.parse import find_infobox_full, name_set
    from bot.validate import check_page

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
        run.note = f"exit {code}: {_tail(out.replace('.out', '.err'), 4)}"
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


# ---------------------------------------------------------------------------------------------
# The wiki as a person sees it (tests/wiki/api.py's client)


def admin_api(wiki: fx.BenchWiki) -> Any:
    from tests.wiki.api import WikiApi

    creds = wiki.credentials()
    api = WikiApi(wiki.api, timeout=120)
    api.login(str(creds["admin_user"]), str(creds["admin_password"]))
    return api


_INFOBOX = re.compile(
    r"\{\{\s*(?:Template:)?(?:[Pp]artnership[ _]infobox|Infobox partnership)\s*\n.*?\n\}\}\n", re.DOTALL
)


def change_pages(wiki: fx.BenchWiki, count: int, share: float, seed: int) -> dict[str, int]:
    """Edit ``share`` of the fixture's pages as Admin (a person, not the bot): a third get prose
    only, a third lose their metrics, a third get a complete infobox."""
    rng = random.Random(seed + 7)
    n = max(1, round(count * share))
    chosen = sorted(rng.sample(range(count), n))
    api = admin_api(wiki)
    kinds: Counter[str] = Counter()
    for start in range(0, n, 50):
        titles = [fx.title_of(i) for i in chosen[start : start + 50]]
        data = api.get(action="query", titles="|".join(titles), prop="revisions", rvprop="content|ids", rvslots="main")
        for page in data["query"]["pages"]:
            rev = page["revisions"][0]
            text = rev["slots"]["main"]["content"]
            kind = ("prose", "break", "fix")[rng.randrange(3)]
            if kind == "break" and re.search(r"\n\|\s*metrics\s*=", text):
                new = re.sub(r"\n\|\s*metrics\s*=[^\n]*", "", text, count=1)
            elif kind == "fix" and _INFOBOX.search(text):
                index = int(page["title"].rsplit(" ", 1)[1])
                box = fx._infobox(random.Random(index), index, True)
                m = _INFOBOX.search(text)
                assert m is not None
                new = text[: m.start()] + box + text[m.end() :]
            else:
                kind = "prose"
                new = text.replace(
                    "\n[[Category:", "\nThe partners met again this year to review the work.\n\n[[Category:", 1
                )
            api.edit(page["title"], new, "benchmark: a person's edit", baserevid=rev["revid"])
            kinds[kind] += 1
    api.close()
    return dict(kinds)


def summary_pages(wiki: fx.BenchWiki) -> dict[str, Any]:
    """Sizes (bytes) of the summary page and of its subpages."""
    from tests.wiki.api import WikiApi

    api = WikiApi(wiki.api, timeout=60)
    sizes: dict[str, int] = {}
    data = api.get(action="query", titles=SUMMARY_TITLE, prop="info")
    for page in data["query"]["pages"]:
        if not page.get("missing"):
            sizes[page["title"]] = int(page["length"])
    for q in api.query(
        generator="allpages", gapprefix=f"{SUMMARY_TITLE}/", gapnamespace=0, gaplimit="max", prop="info"
    ):
        for page in q.get("pages", []):
            sizes[page["title"]] = int(page["length"])
    api.close()
    return {
        "pages": sizes,
        "subpages": len(sizes) - (SUMMARY_TITLE in sizes),
        "largest_bytes": max(sizes.values(), default=0),
        "total_bytes": sum(sizes.values()),
    }


# ---------------------------------------------------------------------------------------------
# Profile


def profile(wiki: fx.BenchWiki, name: str, *args: str) -> dict[str, Any]:
    """py-spy (including idle time, so waits on the wiki show) over ``python -m ARGS``. The raw
    samples (collapsed stacks) stay in bench-out/wiki/profile-NAME.txt."""
    pyspy = fx.PYTHON.parent / "py-spy"
    if not pyspy.exists():
        return {"error": "py-spy is not installed in .venv"}
    raw = OUT / f"profile-{name}.txt"
    raw.unlink(missing_ok=True)
    record = ["record", "--idle", "--rate", "250", "--format", "raw", "--output", str(raw)]
    cmd = [str(pyspy), *record, "--", str(fx.PYTHON), "-m", *args]
    code, wall, _rss, out, _cpu = measure(cmd, wiki.bot_env(), f"profile-{name}")
    if code != 0 or not raw.is_file():
        return {"error": f"py-spy exit {code}: {_tail(out.replace('.out', '.err'), 4)}"}
    return {"run": name, "wall_s": round(wall, 2), **summarise_profile(raw.read_text(encoding="utf-8"))}


def print_profile(prof: dict[str, Any], what: str, functions: int = 12) -> None:
    if "error" in prof:
        print(f"\nprofile of {what}: {prof['error']}")
        return
    print(f"\nprofile of {what} (py-spy, idle included, {prof['samples']} samples, {prof['wall_s']} s wall):")
    for name, p in prof["categories"]:
        print(f"  {p:5.1f}%  {name}")
    print("  top functions, inclusive:")
    for name, p in prof["inclusive"][:functions]:
        print(f"  {p:5.1f}%  {name}")
    print("  top functions, own time:")
    for name, p in prof["own"][:functions]:
        print(f"  {p:5.1f}%  {name}")


_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^():]+?)(?::\d+)?\)$")
CATEGORIES = [
    ("waiting for the wiki (HTTP response)", ("socket.py", "ssl.py", "http/client.py", "selectors.py")),
    ("JSON decoding", ("json/decoder.py", "json/__init__.py")),
    ("mwparserfromhell", ("mwparserfromhell/",)),
    ("parse (bot/parse.py, wikitext.py)", ("bot/parse.py", "bot/wikitext.py")),
    ("validate (bot/validate.py, values.py)", ("bot/validate.py", "bot/values.py")),
    ("plan/tagging/render", ("bot/plan.py", "bot/tagging.py", "bot/render.py", "bot/publish.py")),
    ("diffs (difflib)", ("difflib.py",)),
    ("state store (sqlite)", ("bot/state.py",)),
    ("pywikibot/requests (other)", ("pywikibot/", "requests/", "urllib3/")),
    ("imports (start-up)", ("<frozen importlib._bootstrap>", "<frozen importlib._bootstrap_external>")),
]


def _short(frame: str) -> str:
    m = _FRAME.match(frame.strip())
    if not m:
        return frame.strip()
    path = m["file"]
    for marker in ("site-packages/", "/lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
            if marker == "/lib/python3":
                path = path.split("/", 1)[1] if "/" in path else path
            break
    path = path.replace(str(ROOT) + "/", "")
    return f"{m['func']} ({path})"


def summarise_profile(raw: str, top: int = 15) -> dict[str, Any]:
    """Inclusive and own time per function, and time per category (a sample counts for the first
    category that any of its frames falls in, searching from the leaf)."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    cats: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, n = line.rpartition(" ")
        if not stack or not n.isdigit():
            continue
        count = int(n)
        frames = [_short(f) for f in stack.split(";")[1:]]  # the first is the process
        if not frames:
            continue
        total += count
        own[frames[-1]] += count
        for f in set(frames):
            inclusive[f] += count
        cat = "other"
        for frame in reversed(frames):
            hit = next((name for name, keys in CATEGORIES if any(k in frame for k in keys)), None)
            if hit:
                cat = hit
                break
        cats[cat] += count

    def pct(c: Counter[str], k: int) -> list[tuple[str, float]]:
        return [(name, round(100 * v / total, 1)) for name, v in c.most_common(k)] if total else []

    return {"samples": total, "categories": pct(cats, 20), "inclusive": pct(inclusive, top), "own": pct(own, top)}


# ---------------------------------------------------------------------------------------------
# Targets, table


@dataclass
class Target:
    name: str
    measured: float | None
    bound: float
    unit: str
    passed: bool
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "measured": self.measured,
            "bound": self.bound,
            "unit": self.unit,
            "pass": self.passed,
        }
        if self.note:
            out["note"] = self.note
        return out


def _fmt(v: float | int | None, digits: int = 1) -> str:
    if v is None:
        return "–"
    if isinstance(v, int):
        return f"{v:,}"
    return f"{v:,.{digits}f}"


def table(runs: list[Run]) -> str:
    head = ("run", "pages", "requests", "+login", "wall s", "pass s", "CPU s", "peak RSS MB", "pages/s", "note")
    rows = [head]
    for r in runs:
        if not r.ok:
            wall, rss = _fmt(r.wall_s) if r.wall_s else "–", _fmt(r.rss_mb, 0) if r.rss_mb else "–"
            rows.append((r.name, "–", "–", "–", wall, "–", "–", rss, "–", r.note or "failed"))
            continue
        rows.append(
            (
                r.name,
                _fmt(r.pages),
                _fmt(r.requests),
                _fmt(r.setup_requests),
                _fmt(r.wall_s, 2),
                _fmt(r.pass_s, 2),
                _fmt(r.cpu_s, 2),
                _fmt(r.rss_mb, 0),
                _fmt(r.pages_per_s, 0),
                r.note,
            )
        )
    return _grid(rows)


def target_table(targets: list[Target]) -> str:
    rows = [("target", "measured", "bound", "unit", "pass")]
    for t in targets:
        rows.append(
            (
                t.name,
                _fmt(t.measured, 2)
                if t.measured is not None
                else "not available yet"
                if "not available" in t.note
                else "not measured",
                _fmt(t.bound, 2),
                t.unit,
                "yes" if t.passed else "NO",
            )
        )
    return _grid(rows)


def _grid(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, r in enumerate(rows):
        cells = [
            c.ljust(w) if i == 0 or i == len(r) - 1 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def revision() -> dict[str, Any]:
    """The commit the bot was measured at, and whether bot/ had uncommitted changes."""

    def git(*a: str) -> str:
        proc = subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True, check=False)
        return proc.stdout.strip() if proc.returncode == 0 else ""

    return {
        "commit": git("rev-parse", "--short", "HEAD") or "unknown",
        "dirty": bool(git("status", "--porcelain", "--", "bot", "config")),
    }


def not_available(name: str, why: str = "not available yet") -> Run:
    return Run(name, ok=False, note=why)


# ---------------------------------------------------------------------------------------------
# The bench


@dataclass
class Results:
    """Everything one bench run measured."""

    pages: int
    runs: list[Run] = field(default_factory=list)
    dry: Run | None = None
    preload: Run | None = None
    per_page: Run | None = None
    real: Run | None = None
    incr0: Run | None = None
    incr1: Run | None = None
    incremental: bool = False
    summary: dict[str, Any] = field(default_factory=dict)
    dry_summary: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)


def dry_run_summary_sizes(stdout: Path) -> dict[str, int]:
    """Bytes a dry run would add to the summary page (and its subpages): the ``+`` lines of their
    diffs in the dry run's output. On a first pass that is the whole table."""
    sizes: dict[str, int] = {}
    title: str | None = None
    try:
        handle = stdout.open(encoding="utf-8", errors="replace")
    except OSError:
        return sizes
    with handle:
        for line in handle:
            if line.startswith("--- "):
                name = line[4:].rsplit(" (", 1)[0]
                title = name if name == SUMMARY_TITLE or name.startswith(SUMMARY_TITLE + "/") else None
            elif title and line.startswith("+") and not line.startswith("+++ "):
                sizes[title] = sizes.get(title, 0) + len(line[1:].encode())
    return sizes


def run_all(wiki: fx.BenchWiki, args: argparse.Namespace, say: Callable[[str], None]) -> Results:
    n = args.pages
    big = n > BIG
    res = Results(n)

    def record(run: Run) -> Run:
        res.runs.append(run)
        state = "ok" if run.ok else f"FAILED ({run.note})"
        say(f"{run.name}: {state}; {run.requests} requests, {run.wall_s:.1f} s wall, {run.rss_mb:.0f} MB")
        return run

    say(f"full dry-run pass over {n:,} pages")
    res.dry = record(bot_pass(wiki, "full-dry-run", "--dry-run"))
    res.dry_summary = dry_run_summary_sizes(OUT / "full-dry-run.out")
    if not big or args.baselines:
        say("baseline: PreloadingGenerator + full mwparserfromhell parse")
        res.preload = record(baseline(wiki, "preload", n, args.sample))
        say(f"baseline: one request per page, {args.sample}-page sample")
        res.per_page = record(baseline(wiki, "per-page", n, args.sample))
    if not args.no_profile:
        say("profiling a dry-run pass with py-spy")
        res.profiles["full-dry-run"] = profile(wiki, "full-dry-run", "bot", "run", "--dry-run")
        if res.preload is not None:
            say("profiling the PreloadingGenerator baseline with py-spy")
            res.profiles["baseline-preload"] = profile(wiki, "baseline-preload", MODULE, "_baseline", "preload")
    res.incremental = incremental_available()
    if big and not args.real:
        res.runs.append(not_available("full-real", f"skipped above {BIG:,} pages (--real)"))
        return res
    say(f"full real pass over {n:,} pages (saves the tags of a first pass)")
    res.real = record(bot_pass(wiki, "full-real"))
    res.summary = summary_pages(wiki)
    say(f"summary: {res.summary['largest_bytes']:,} bytes on the largest page, {res.summary['subpages']} subpages")
    if not res.incremental:
        res.runs.append(not_available("incremental-no-change"))
        res.runs.append(not_available("incremental-1pct-changed"))
        return res
    say("incremental pass, nothing changed")
    res.incr0 = record(bot_pass(wiki, "incremental-no-change", "--incremental"))
    if not args.no_profile:
        say("profiling an incremental pass (nothing changed) with py-spy")
        res.profiles["incremental-no-change"] = profile(wiki, "incremental-no-change", "bot", "run", "--incremental")
    say(f"editing {max(1, round(n / 100))} pages as a person")
    t0 = time.monotonic()
    res.changed = change_pages(wiki, n, 0.01, args.seed)
    say(f"edited {sum(res.changed.values())} pages in {time.monotonic() - t0:.1f} s: {res.changed}")
    res.incr1 = record(bot_pass(wiki, "incremental-1pct-changed", "--incremental"))
    if res.incr1.ok:
        res.incr1.note = f"{sum(res.changed.values())} pages edited"
    return res


def evaluate(res: Results) -> list[Target]:
    n, dry, preload, incr0 = res.pages, res.dry, res.preload, res.incr0
    assert dry is not None
    targets: list[Target] = []
    bound = math.ceil(n / 500) + math.ceil(n / 5000) + 3
    ok = dry.ok and dry.requests is not None and dry.requests <= bound
    measured = dry.requests if dry.ok else None
    targets.append(
        Target(f"full read of {n:,} pages: requests (dry-run pass, login excluded)", measured, bound, "requests", ok)
    )
    name = f"full dry-run pass over {n:,} pages vs PreloadingGenerator+full parse (wall)"
    if preload is not None and preload.ok and dry.ok:
        ratio = preload.wall_s / dry.wall_s
        note = (
            f"after login {(preload.pass_s or 0) / (dry.pass_s or 1):.1f}x; in client CPU time "
            f"{preload.cpu_s / dry.cpu_s:.1f}x (the wiki's time excluded)"
        )
        targets.append(Target(name, round(ratio, 2), SPEEDUP_BOUND, "x faster", ratio >= SPEEDUP_BOUND, note))
    else:
        why = f"baseline not run above {BIG:,} pages (--baselines)" if preload is None else "a run failed"
        targets.append(Target(name, None, SPEEDUP_BOUND, "x faster", False, why))
    label = "no-change incremental pass"
    if incr0 is not None and incr0.ok and incr0.requests is not None and incr0.pass_s is not None:
        targets.append(
            Target(f"{label}: requests (login excluded)", incr0.requests, 3, "requests", incr0.requests <= 3)
        )
        targets.append(
            Target(
                f"{label}: seconds (the pass; process wall {incr0.wall_s:.2f} s)",
                incr0.pass_s,
                2.0,
                "s",
                incr0.pass_s < 2.0,
            )
        )
    else:
        if not res.incremental:
            why = "not available yet: `python -m bot run --help` lists no --incremental"
        elif incr0 is None:
            why = f"skipped: no real pass above {BIG:,} pages without --real"
        else:
            why = f"failed: {incr0.note}"
        targets.append(Target(f"{label}: requests (login excluded)", None, 3, "requests", False, why))
        targets.append(Target(f"{label}: seconds", None, 2.0, "s", False, why))
    rss_runs = [r for r in (dry, res.real) if r is not None and r.ok]
    if n >= 100_000 and rss_runs:
        worst = max(rss_runs, key=lambda r: r.rss_mb)
        targets.append(
            Target(
                f"peak RSS of a {n:,}-page pass ({worst.name})",
                round(worst.rss_mb, 1),
                RSS_BOUND_MB,
                "MB",
                worst.rss_mb < RSS_BOUND_MB,
            )
        )
    else:
        at_n = max((r.rss_mb for r in rss_runs), default=0.0)
        targets.append(
            Target(
                "peak RSS of a 100,000-page pass",
                None,
                RSS_BOUND_MB,
                "MB",
                False,
                f"measured only with --pages 100000; at {n:,} pages: {at_n:.1f} MB",
            )
        )
    summary = res.summary
    if not summary and res.dry_summary:
        # No real pass: the dry run's diff of the summary page(s) (a first pass adds the whole table).
        sizes = res.dry_summary
        summary = {
            "largest_bytes": max(sizes.values()),
            "total_bytes": sum(sizes.values()),
            "subpages": sum("/" in t for t in sizes),
            "from": "the dry run's diff (no real pass)",
        }
    if summary:
        over = summary["total_bytes"] > MAX_PAGE_BYTES
        ok = summary["largest_bytes"] <= MAX_PAGE_BYTES and (not over or summary["subpages"] > 0)
        source = summary.get("from", "after the real pass")
        note = f"table {summary['total_bytes']:,} bytes in all" + (
            ": fits on one page at this N, the split is not exercised"
            if not over
            else f", split into {summary['subpages']} subpages"
        )
        targets.append(
            Target(
                f"summary: largest page, {source} ({summary['subpages']} subpages)",
                summary["largest_bytes"],
                MAX_PAGE_BYTES,
                "bytes",
                ok,
                note,
            )
        )
    else:
        targets.append(Target("summary: largest page", None, MAX_PAGE_BYTES, "bytes", False, "no pass measured it"))
    return targets


def print_report(res: Results, targets: list[Target], fixture: fx.Fixture, load_start: float) -> None:
    dry, preload, per_page = res.dry, res.preload, res.per_page
    assert dry is not None
    rev = revision()
    print(
        f"\nBench: {res.pages:,} pages ({fixture.info.get('bytes', 0) / 1e6:.1f} MB of wikitext), bot at "
        f"{rev['commit']}{' + uncommitted changes' if rev['dirty'] else ''}, {os.cpu_count()} CPUs (load average "
        f"{load_start:.1f} at the start), {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC\n"
    )
    print(table(res.runs))
    print()
    if preload is not None and preload.ok and dry.ok:
        print(
            f"dry-run vs PreloadingGenerator+full parse: {preload.wall_s / dry.wall_s:.1f}x wall, "
            f"{(preload.pass_s or 0) / (dry.pass_s or 1):.1f}x after login, {preload.cpu_s / dry.cpu_s:.1f}x in "
            f"client CPU time; requests {preload.requests} vs {dry.requests}"
        )
    if preload is not None and preload.ok and dry.ok:
        same = preload.extra.get("complete") == dry.extra.get("complete")
        print(
            f"complete pages: dry run {dry.extra.get('complete')}, baseline {preload.extra.get('complete')}"
            f" ({'the same' if same else 'DIFFERENT: the two ways disagree'})"
        )
    if per_page is not None and per_page.ok and dry.ok:
        print(
            f"dry-run vs one request per page (extrapolated): {per_page.wall_s / dry.wall_s:.1f}x wall; "
            f"requests {per_page.requests:,} vs {dry.requests}"
        )
    if res.dry_summary:
        parts = ", ".join(f"{t}: {b:,}" for t, b in sorted(res.dry_summary.items()))
        print(f"dry run: bytes its diff adds to the summary page(s): {parts}")
    if res.summary:
        s = res.summary
        print(
            f"summary page after the real pass: {s['largest_bytes']:,} bytes largest, {s['total_bytes']:,} total, "
            f"{s['subpages']} subpages (limit {MAX_PAGE_BYTES:,})"
        )
    for pname, prof in res.profiles.items():
        print_profile(prof, f"a {pname} pass")
    print()
    print(target_table(targets))
    for t in targets:
        if t.note:
            print(f"  note: {t.name}: {t.note}")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_baseline"]:
        p = argparse.ArgumentParser()
        p.add_argument("kind", choices=("preload", "per-page"))
        p.add_argument("--sample", type=int, default=500)
        a = p.parse_args(argv[1:])
        return _baseline_child(a.kind, a.sample)
    parser = argparse.ArgumentParser(prog="scripts/bench", description="The bot on a large local wiki (issue 5).")
    parser.add_argument("--pages", type=int, default=10_000, help="pages in the fixture (default 10000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", metavar="PATH", help="write the results as JSON")
    parser.add_argument("--rebuild-fixture", action="store_true", help="build the fixture even when cached")
    parser.add_argument("--no-profile", action="store_true", help="skip the py-spy profiles")
    parser.add_argument("--real", action="store_true", help=f"real and incremental passes also above {BIG:,} pages")
    parser.add_argument("--baselines", action="store_true", help=f"baselines also above {BIG:,} pages")
    parser.add_argument("--sample", type=int, default=500, help="pages of the one-request-per-page baseline")
    args = parser.parse_args(argv)
    t_start = time.monotonic()
    load_start = os.getloadavg()[0]
    wiki = fx.BenchWiki()
    OUT.mkdir(parents=True, exist_ok=True)

    def say(msg: str) -> None:
        print(f"bench: {msg}", file=sys.stderr, flush=True)

    fixture = fx.ensure(wiki, args.pages, args.seed, rebuild=args.rebuild_fixture, log=lambda m: say(f"fixture: {m}"))
    res = run_all(wiki, args, say)
    targets = evaluate(res)
    print_report(res, targets, fixture, load_start)
    elapsed = time.monotonic() - t_start
    print(f"\nbench finished in {elapsed:.0f} s; logs in {OUT.relative_to(ROOT)}/")
    if args.json:
        doc = {
            "targets": [t.as_dict() for t in targets],
            "runs": [{**asdict(r), "pages_per_s": r.pages_per_s} for r in res.runs],
            "pages": res.pages,
            "seed": args.seed,
            "fixture": fixture.info,
            "summary_page": res.summary,
            "dry_run_summary_bytes": res.dry_summary,
            "changed_pages": res.changed,
            "incremental_available": res.incremental,
            "profiles": res.profiles,
            "bot_revision": revision(),
            "load_average": {"start": load_start, "end": os.getloadavg()[0]},
            "seconds": round(elapsed, 1),
            "cpus": os.cpu_count(),
        }
        Path(args.json).write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return 0 if all(t.passed for t in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
