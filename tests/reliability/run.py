"""``python -m tests.reliability.run [--short] [--json PATH] [PYTEST ARGS...]`` (what
``./scripts/reliability`` runs): the whole reliability suite with its long runs
(``RELIABILITY_FULL=1``; ``--short`` for the seeded subset that ``./scripts/test`` runs), then the
figures, one per line:

    faults injected, passes survived, kill points tried, fuzz cases run,
    pages damaged (must be 0), human edits overwritten (0), duplicate edits (0),
    tampering probes, random edit sequences, human text lost (0), wrong or missing tags (0),
    rows lost (0), pages over the size limit (0), secrets in written files (0),
    edits after shutoff (max, at most 10), seconds after shutoff (max, at most 10)

``--json PATH`` writes them with the keys of :data:`tests.reliability.counters.KEYS`. Exit status 0
when every test passed, the figures that must be zero are zero, the bounded ones within their
bound, and faults, kill points, fuzz cases, probes and edit sequences were actually exercised; 1
otherwise."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.reliability.counters import BOUNDS, KEYS, MUST_BE_ZERO

ROOT = Path(__file__).resolve().parents[2]
SUITE = ["tests/reliability", "tests/unit/test_config_malformed.py"]
LABELS = {
    "faults_injected": "faults injected",
    "passes_survived": "passes survived",
    "kill_points": "kill points tried",
    "fuzz_cases": "fuzz cases run",
    "pages_damaged": "pages damaged",
    "human_edits_overwritten": "human edits overwritten",
    "duplicate_edits": "duplicate edits",
    "probes": "tampering probes",
    "edit_sequences": "random edit sequences",
    "human_text_lost": "human text lost",
    "wrong_tags": "wrong or missing tags",
    "lost_rows": "rows lost",
    "pages_over_limit": "pages over the size limit",
    "secrets_found": "secrets in written files",
    "shutoff_max_edits_after": "edits after shutoff (max)",
    "shutoff_max_seconds_after": "seconds after shutoff (max)",
}
MUST_BE_POSITIVE = ("faults_injected", "passes_survived", "kill_points", "fuzz_cases", "probes", "edit_sequences")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./scripts/reliability", description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", metavar="PATH", help="write the figures as JSON")
    parser.add_argument("--short", action="store_true", help="only the seeded short subset (as in ./scripts/test)")
    args, pytest_args = parser.parse_known_args(argv)
    with tempfile.TemporaryDirectory(prefix="reliability-") as tmp:
        figures_path = Path(tmp) / "figures.json"
        env = dict(os.environ, RELIABILITY_COUNTERS=str(figures_path))
        env["RELIABILITY_FULL"] = "0" if args.short else "1"
        t0 = time.monotonic()
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *SUITE, *pytest_args]
        print("==", " ".join(command[1:]), flush=True)
        result = subprocess.run(command, cwd=ROOT, env=env, check=False)
        seconds = time.monotonic() - t0
        figures = json.loads(figures_path.read_text(encoding="utf-8")) if figures_path.exists() else {}
    values = {key: int(figures.get(key, 0)) for key in KEYS}
    print(f"== reliability ({'short subset' if args.short else 'full suite'}, {seconds:.0f} s)")
    width = max(len(label) for label in LABELS.values())
    for key in KEYS:
        due = "  (must be 0)" if key in MUST_BE_ZERO else f"  (at most {BOUNDS[key]})" if key in BOUNDS else ""
        print(f"{LABELS[key]:<{width}}  {values[key]:>7}{due}")
    for key, value in sorted(figures.items()):
        if key not in KEYS:
            print(f"{key.removeprefix('extra_').replace('_', ' '):<{width}}  {value:>7}")
    if args.json:
        Path(args.json).write_text(json.dumps(values, indent=1) + "\n", encoding="utf-8")
    problems = []
    if result.returncode != 0:
        problems.append(f"pytest exited with {result.returncode}")
    problems += [f"{LABELS[k]} is {values[k]}, must be 0" for k in MUST_BE_ZERO if values[k]]
    problems += [f"{LABELS[k]} is {values[k]}, at most {b}" for k, b in BOUNDS.items() if values[k] > b]
    if not pytest_args:
        problems += [f"no {LABELS[k]}: the suite did not exercise it" for k in MUST_BE_POSITIVE if not values[k]]
    for problem in problems:
        print(f"FAILED: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
