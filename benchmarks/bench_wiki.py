"""Benchmark of the bot on a large local wiki (issue 5): N realistic partnership pages (default
10,000) in the bench dev wiki (``.devwiki-bench/``, port 8090; see :mod:`benchmarks.fixture`),
measuring in one run, each as a separate process:

* a full dry-run pass, a full real pass, an incremental pass with nothing changed, a full sweep
  from stored readings with nothing changed (issue 16; the state database's size per page after
  it), then, with 1% of the pages edited by a person, a full sweep (dry run) and an incremental pass (incremental rows only when ``python -m bot run --help`` lists
  ``--incremental``): API requests (the pass's own, and the login's), wall time of the process,
  the pass's own time, CPU time and peak RSS of the process (``wait4``), pages/s;
* two baselines on the same wiki: Pywikibot's ``PreloadingGenerator`` (default groupsize) over the
  infobox's ``embeddedin`` list with a full ``mwparserfromhell.parse`` of every page
  (``tests.second_opinion.find_infobox_full``) and the same validation; and one request per page, measured on
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
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from benchmarks import fixture as fx
from benchmarks.measure import MODULE, OUT, ROOT, Run, _baseline_child, baseline, bot_pass, incremental_available
from benchmarks.profiles import profile
from benchmarks.report import BIG, Results, evaluate, print_report, revision
from benchmarks.wiki_pages import change_pages, dry_run_summary_sizes, summary_pages


def not_available(name: str, why: str = "not available yet") -> Run:
    return Run(name, ok=False, note=why)


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
    say("full sweep from stored readings, nothing changed")
    res.sweep0 = record(bot_pass(wiki, "full-sweep-no-change"))
    if res.sweep0.ok and wiki.state_path.is_file() and res.sweep0.pages:
        res.state_bytes_per_page = round(wiki.state_path.stat().st_size / res.sweep0.pages, 1)
        res.sweep0.note = "; ".join(filter(None, [f"state {res.state_bytes_per_page:,.0f} B/page", res.sweep0.note]))
    if not args.no_profile:
        say("profiling an incremental pass (nothing changed) with py-spy")
        res.profiles["incremental-no-change"] = profile(wiki, "incremental-no-change", "bot", "run", "--incremental")
    say(f"editing {max(1, round(n / 100))} pages as a person")
    t0 = time.monotonic()
    res.changed = change_pages(wiki, n, 0.01, args.seed)
    say(f"edited {sum(res.changed.values())} pages in {time.monotonic() - t0:.1f} s: {res.changed}")
    say("full sweep from stored readings (dry run), 1% changed")
    res.sweep1 = record(bot_pass(wiki, "full-sweep-1pct-changed", "--dry-run"))
    if res.sweep1.ok:
        res.sweep1.note = "; ".join(
            filter(None, [f"dry run, {res.sweep1.extra.get('pages_read')} read", res.sweep1.note])
        )
    res.incr1 = record(bot_pass(wiki, "incremental-1pct-changed", "--incremental"))
    if res.incr1.ok:
        res.incr1.note = f"{sum(res.changed.values())} pages edited"
    return res


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
            "state_bytes_per_page": res.state_bytes_per_page,
            "incremental_available": res.incremental,
            "profiles": res.profiles,
            "bot_revision": revision(),
            "load_average": {"start": load_start, "end": os.getloadavg()[0]},
            "seconds": round(elapsed, 1),
            "cpus": os.cpu_count(),
        }
        Path(args.json).write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return 0 if all(t.passed is not False for t in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
