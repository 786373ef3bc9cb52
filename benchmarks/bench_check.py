"""Benchmark of the offline checker: parse+validate of N generated realistic pages (8–15 KB, real
Wikipedia markup around the infobox), against the straightforward way (mwparserfromhell.parse of
the whole page, then its templates) measured in the same run on the same pages, with a check that
both ways give identical findings on every page. Pages are generated one at a time (streamed).

Usage: ./scripts/bench-check [N] [--seed S]   (N defaults to 10000)
The last line reads: ``speedup: <ratio>x, findings identical: yes|no``."""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import time

from bot.parse import find_infobox, find_infobox_full, name_set
from bot.rules import load_rules
from bot.validate import check_page
from tests.generate import pages

TARGET = 20.0


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rules = load_rules()
    names = name_set((rules.infobox_name, *rules.aliases))
    as_of = dt.date(2026, 11, 25)
    fast_s = full_s = 0.0
    total_bytes = identical = incomplete = 0
    mismatches: list[str] = []
    rss_early = 0.0
    tty = sys.stderr.isatty()
    for i, (title, text) in enumerate(pages(args.n, args.seed), 1):
        total_bytes += len(text.encode())
        t0 = time.perf_counter()
        fast = check_page(title, find_infobox(text, names), rules, as_of)
        t1 = time.perf_counter()
        full = check_page(title, find_infobox_full(text, names), rules, as_of)
        t2 = time.perf_counter()
        fast_s += t1 - t0
        full_s += t2 - t1
        incomplete += not fast.complete
        if fast.findings == full.findings:
            identical += 1
        elif len(mismatches) < 5:
            mismatches.append(
                f"{title}: fast {[(f.field, f.code) for f in fast.findings]} vs full {[(f.field, f.code) for f in full.findings]}"
            )
        if i == max(1, args.n // 10):
            rss_early = rss_mb()
        if tty and i % 200 == 0:
            print(f"\r{i}/{args.n} pages", end="", file=sys.stderr, flush=True)
    if tty:
        print("\r", end="", file=sys.stderr)
    n = args.n
    speedup = full_s / fast_s if fast_s else float("inf")
    ok = identical == n
    print(
        f"pages:                 {n} ({total_bytes / 1e6:.1f} MB, {total_bytes / n / 1e3:.1f} KB/page, {incomplete} incomplete)"
    )
    print(f"parse+validate:        {n / fast_s:,.0f} pages/s ({total_bytes / fast_s / 1e6:.1f} MB/s, {fast_s:.2f} s)")
    print(f"full mwparserfromhell: {n / full_s:,.0f} pages/s ({total_bytes / full_s / 1e6:.2f} MB/s, {full_s:.2f} s)")
    print(f"peak RSS:              {rss_early:.0f} MB after {max(1, n // 10)} pages, {rss_mb():.0f} MB after {n}")
    print(f"identical findings:    {identical}/{n}")
    for line in mismatches:
        print(f"  mismatch: {line}")
    print(f"target:                >= {TARGET:.0f}x: {'met' if speedup >= TARGET else 'NOT met'}")
    print(f"speedup: {speedup:.1f}x, findings identical: {'yes' if ok else 'no'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
