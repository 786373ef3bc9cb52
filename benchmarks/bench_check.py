"""Benchmark of the offline checker: the checker's reading and validation (``bot.check.check_text``:
the text as the wiki saves it, MediaWiki's preprocessor, the infobox, the rules) of N generated
realistic pages (8–15 KB, real Wikipedia markup around the infobox), against the straightforward way
(mwparserfromhell.parse of the whole page, then its templates; ``tests.second_opinion``) measured in
the same run on the same pages, with a check that both ways give identical findings on every page.
Pages are generated one at a time (streamed).

Then pathological pages (5 MB each), checked offline and read the way a pass reads a page (one view;
the infobox, the tag and ``{{bots}}`` from it): the issue's two (``{{`` and unclosed ``<ref>``) must
check in under a second each (a benchmark figure, not a test; more shapes are shown for information;
mwparserfromhell is not run on them, it is quadratic there).

Usage: ./scripts/bench-check [N] [--seed S] [--no-pathological]   (N defaults to 10000)
The last line reads: ``speedup: <ratio>x, findings identical: yes|no, pathological under 1 s: yes|no``."""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import time

from bot.check import check_text
from bot.exclusion import bots_allowed
from bot.parse import find_infobox, name_set
from bot.rules import Rules, load_rules
from bot.tagging import find_tags
from bot.validate import check_page
from bot.wikitext import DEFAULT_EXTENSION_TAGS, read
from tests.generate import pages
from tests.second_opinion import find_infobox_full

TARGET = 20.0
PATHOLOGICAL_LIMIT = 1.0
SIZE = 5_000_000

#: The issue's pathological pages, about 5 MB each: each must check in under PATHOLOGICAL_LIMIT.
REQUIRED: dict[str, str] = {"5 MB of {{": "{{", "5 MB of unclosed <ref>": "<ref>"}
#: More shapes, for information (linear, but not held to the limit): the repeated unit.
MORE: dict[str, str] = {
    "5 MB of <ref name=a|": "<ref name=a|",
    "5 MB of <!--": "<!--",
    "5 MB of [[a": "[[a",
    "5 MB of {{x|": "{{x|",
    "5 MB of {{Partnership infobox|": "{{Partnership infobox|",
}


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _row(label: str, text: str, rules: Rules, as_of: dt.date, names: frozenset[str], required: bool) -> bool:
    """Time the offline checker and a pass's reading of one page (one view; the infobox, the tag and
    {{bots}} from it); print a row. True when a required page checks under the limit."""
    t0 = time.perf_counter()
    check_text("Pathological", text, rules, as_of)
    t1 = time.perf_counter()
    view = read(text, DEFAULT_EXTENSION_TAGS)
    find_infobox(view, names)
    find_tags(view, "Partnership incomplete")
    bots_allowed(view, "PartnershipBot")
    t2 = time.perf_counter()
    under = t1 - t0 < PATHOLOGICAL_LIMIT
    verdict = ("ok" if under else f"OVER {PATHOLOGICAL_LIMIT:.0f} s") if required else "(for information)"
    print(f"  {label:<34} {t1 - t0:8.2f} {t2 - t1:9.2f}  {verdict}")
    return under or not required


def pathological(rules: Rules, as_of: dt.date) -> bool:
    """The pathological pages: True when the issue's two check in under the limit."""
    names = name_set((rules.infobox_name, *rules.aliases))
    print(f"pathological pages (seconds)   {'check':>10} {'pass read':>9}")
    ok = True
    for label, unit in REQUIRED.items():
        ok = _row(label, unit * (SIZE // len(unit)), rules, as_of, names, True) and ok
    for label, unit in MORE.items():
        _row(label, unit * (SIZE // len(unit)), rules, as_of, names, False)
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-pathological", action="store_true", help="skip the 5 MB pages")
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
        fast = check_text(title, text, rules, as_of)
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
    print(f"read+validate:         {n / fast_s:,.0f} pages/s ({total_bytes / fast_s / 1e6:.1f} MB/s, {fast_s:.2f} s)")
    print(f"full mwparserfromhell: {n / full_s:,.0f} pages/s ({total_bytes / full_s / 1e6:.2f} MB/s, {full_s:.2f} s)")
    print(f"peak RSS:              {rss_early:.0f} MB after {max(1, n // 10)} pages, {rss_mb():.0f} MB after {n}")
    print(f"identical findings:    {identical}/{n}")
    for line in mismatches:
        print(f"  mismatch: {line}")
    print(f"target:                >= {TARGET:.0f}x: {'met' if speedup >= TARGET else 'NOT met'}")
    fast_enough = True if args.no_pathological else pathological(rules, as_of)
    tail = "" if args.no_pathological else f", pathological under 1 s: {'yes' if fast_enough else 'no'}"
    print(f"speedup: {speedup:.1f}x, findings identical: {'yes' if ok else 'no'}{tail}")
    return 0 if ok and fast_enough else 1


if __name__ == "__main__":
    sys.exit(main())
