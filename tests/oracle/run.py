"""Compare many pages with the oracle: ``./scripts/oracle [--pages N] [--seed S] [--json PATH]``.

Runs against the tests' own wiki (``DEVWIKI_TEST_DIR``, default ``.devwiki-test/``), which
``scripts/oracle`` starts when it is not running. Prints pages compared, infobox count, findings and
parameter differences by kind with the shortest example of each, and the oracle's self-tests.
Exit status: 0 when counts and findings agree everywhere, 1 when any differs, 2 when the oracle
itself failed its self-test or the wiki could not be used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bot.rules import Rules, load_rules
from tests.conftest import AS_OF, ROOT
from tests.oracle import ours
from tests.oracle.compare import Difference, Example, Tally, differences, known_differences
from tests.oracle.generate import Page, sample
from tests.oracle.reading import OracleReading, read
from tests.oracle.selftest import ArgsCheck, round_trips, wiki_agrees
from tests.oracle.shrink import shrink, still
from tests.oracle.wiki import OracleWiki, install
from tests.wiki.api import WikiApi


@dataclass
class SelfTest:
    """The oracle's own checks over a run."""

    round_trips: int = 0
    round_trip_failures: list[str] = field(default_factory=list)
    args_pages: int = 0
    args_params: int = 0
    args_not_expanded: int = 0
    args_problems: list[str] = field(default_factory=list)

    def ok(self) -> bool:
        return not self.round_trip_failures and not self.args_problems and self.args_pages > 0

    def render(self) -> str:
        lines = [
            f"oracle self-test: {self.round_trips} trees gave back the text MediaWiki parsed"
            + (f", {len(self.round_trip_failures)} did not" if self.round_trip_failures else ""),
            f"oracle self-test: on {self.args_pages} pages the wiki's own argument map (Lua) agreed on "
            f"{self.args_params} parameters"
            + (f", {len(self.args_problems)} disagreements" if self.args_problems else "")
            + (f" ({self.args_not_expanded} pages never expand their infobox)" if self.args_not_expanded else ""),
        ]
        lines += [f"  round trip: {p}" for p in self.round_trip_failures[:10]]
        lines += [f"  arguments: {p}" for p in self.args_problems[:10]]
        return "\n".join(lines)


@dataclass
class Run:
    tally: Tally
    selftest: SelfTest
    seconds: float = 0.0
    requests: int = 0

    def render(self, examples: int = 3) -> str:
        return (
            f"{self.tally.render(examples=examples)}\n{self.selftest.render()}\n"
            f"{self.seconds:.1f} s, {self.requests} API requests"
        )


def _one(
    wiki: OracleWiki, page: Page, check_args: bool, rules: Rules, as_of: dt.date
) -> tuple[OracleReading, list[Difference], ArgsCheck | None]:
    reading = read(wiki, page.text)
    diffs = differences(reading, ours.read(page.text), rules, as_of, page.text)
    args = wiki_agrees(wiki, reading) if check_args and reading.count == 1 else None
    return reading, diffs, args


def compare_pages(
    wiki: OracleWiki,
    pages: Sequence[Page],
    *,
    rules: Rules,
    as_of: dt.date = AS_OF,
    workers: int = 3,
    args_every: int = 20,
) -> Run:
    """Read every page both ways and tally the differences; every ``args_every``-th page with one
    infobox is also checked against the wiki's own argument map."""
    started, before = time.monotonic(), wiki.requests
    run = Run(Tally(allowances=known_differences()), SelfTest())
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = pool.map(lambda ip: _one(wiki, ip[1], ip[0] % args_every == 0, rules, as_of), enumerate(pages))
        for page, (reading, diffs, args) in zip(pages, results, strict=True):
            run.tally.add(page.origin, page.text, diffs)
            run.selftest.round_trips += 1
            if not round_trips(reading, page.text):
                run.selftest.round_trip_failures.append(f"[{page.origin}] {page.text[:200]!r}")
            if args is not None:
                if not args.expanded:
                    run.selftest.args_not_expanded += 1
                    continue
                run.selftest.args_pages += 1
                run.selftest.args_params += args.compared
                run.selftest.args_problems += [f"[{page.origin}] {p}" for p in args.problems]
    run.seconds = time.monotonic() - started
    run.requests = wiki.requests - before
    return run


def shrink_examples(run: Run, wiki: OracleWiki, rules: Rules, *, per_kind: int, as_of: dt.date = AS_OF) -> None:
    """Replace the examples shown for each kind by minimal pages that still show that kind."""
    for key, details in run.tally.details.items():
        shown = run.tally.examples(key, per_kind)
        details.clear()
        for example in shown:
            text = shrink(example.text, still(wiki, key, rules, as_of))
            found = differences(read(wiki, text), ours.read(text), rules, as_of, text)
            detail = next(d.detail for d in found if (d.level, d.kind) == key)
            details.setdefault(detail, Example(example.origin, text, detail))


def oracle_wiki_dir() -> Path:
    return Path(os.environ.get("DEVWIKI_TEST_DIR") or ROOT / ".devwiki-test")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/oracle", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=3000, help="pages to compare (default 3000)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated and sampled pages")
    parser.add_argument("--json", type=Path, help="also write the figures and examples to this file")
    parser.add_argument("--workers", type=int, default=3, help="requests in flight (default 3)")
    parser.add_argument("--examples", type=int, default=3, help="example pages shown per kind (default 3)")
    parser.add_argument("--no-shrink", action="store_true", help="show the example pages as they are, not shrunk")
    args = parser.parse_args(argv)
    try:
        creds = json.loads((oracle_wiki_dir() / "credentials.json").read_text(encoding="utf-8"))
        with WikiApi(creds["api"]) as admin:
            admin.login(creds["admin_user"], creds["admin_password"])
            install(admin)
        wiki = OracleWiki(creds["api"])
        pages = sample(args.seed, args.pages)
        print(f"oracle: comparing {len(pages)} pages (seed {args.seed}) on {creds['api']}", flush=True)
        rules = load_rules()
        run = compare_pages(wiki, pages, rules=rules, workers=args.workers)
        if not args.no_shrink:
            shrink_examples(run, wiki, rules, per_kind=args.examples)
    except (OSError, ValueError, KeyError) as exc:
        print(f"oracle: the wiki could not be used: {exc}", file=sys.stderr)
        return 2
    print(run.render(examples=args.examples))
    if args.json:
        doc = {
            **run.tally.to_json(examples=args.examples),
            "selftest": vars(run.selftest),
            "seconds": run.seconds,
            "requests": run.requests,
        }
        args.json.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if not run.selftest.ok():
        return 2
    return 1 if run.tally.pages_with["count"] or run.tally.pages_with["findings"] else 0


if __name__ == "__main__":
    sys.exit(main())
