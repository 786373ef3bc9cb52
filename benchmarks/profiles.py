"""py-spy profiles of the wiki bench's passes, and their summaries: time per category and the top
functions by inclusive and own time."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks import fixture as fx
from benchmarks.measure import OUT, ROOT, measure, tail


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
    if code != 0 and raw.is_file() and _reaped_race(Path(out.replace(".out", ".err"))):
        code = 0  # the profile was written whole
    if code != 0 or not raw.is_file():
        return {"error": f"py-spy exit {code}: {tail(out.replace('.out', '.err'), 4)}"}
    return {"run": name, "wall_s": round(wall, 2), **summarise_profile(raw.read_text(encoding="utf-8"))}


def _reaped_race(err: Path) -> bool:
    """py-spy's known race (benfred/py-spy#759): its sampler thread reaps the profiled process,
    then the main thread's wait fails with ECHILD and py-spy exits 1 after writing every sample."""
    try:
        return "No child process (os error 10)" in err.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


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
    (
        "read and parse (bot/parse.py and the reader)",
        ("bot/parse.py", "bot/wikitext.py", "bot/angles.py", "bot/preprocess.py", "bot/titles.py"),
    ),
    ("validate (bot/validate.py, values.py)", ("bot/validate.py", "bot/values.py")),
    ("plan/tagging/render", ("bot/plan.py", "bot/tagging.py", "bot/render.py", "bot/pipeline/step5_summary.py")),
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
