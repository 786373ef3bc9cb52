"""Pages of the bench wiki as a person sees them (tests/wiki/api.py's client): edits made as Admin
between incremental passes, and the sizes of the summary page (and its subpages) after a real pass
or in a dry run's diff."""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks import fixture as fx

SUMMARY_TITLE = "Partnership tracker"


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
    """Sizes (bytes) of the summary page and of its numbered subpages (``Partnership tracker/3``;
    the data page and its parts, ``Partnership tracker/data/3.json``, are not the table's)."""
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
            if re.fullmatch(re.escape(SUMMARY_TITLE) + r"/\d+", page["title"]):  # not the data page and its parts
                sizes[page["title"]] = int(page["length"])
    api.close()
    return {
        "pages": sizes,
        "subpages": len(sizes) - (SUMMARY_TITLE in sizes),
        "largest_bytes": max(sizes.values(), default=0),
        "total_bytes": sum(sizes.values()),
    }


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
