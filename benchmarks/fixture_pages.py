"""The bench wiki's pages (:mod:`benchmarks.fixture`) and the XML dump they are imported from.

Pages (:func:`pages`): real Wikipedia prose, sections, tables and references from
``tests.generate.Sources`` around a ``{{Partnership infobox}}``, sized like the example corpus
(``templates_wiki/examples/*.wiki``, 2.1–3.7 KB), about 70% complete; the incomplete ones carry the
example corpus's defects (``tests.generate.DEFECTS`` plus unknown and duplicate parameters, a
missing partner, a completed partnership without its report, two infoboxes) and, as there, some
pages spell the infobox's name differently or already carry a ``{{Partnership incomplete}}`` tag.

Dump (:func:`write_dump`): a MediaWiki XML export of the pages, for ``importDump.php``.

The page builder's functions and constants are hashed into the fixture's key
(:func:`benchmarks.fixture.fixture_key`), so that a change there rebuilds the snapshot.
"""

from __future__ import annotations

import hashlib
import html
import random
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from tests import generate

EXAMPLES = Path(__file__).resolve().parent.parent / "templates_wiki" / "examples"

EXTRA_DEFECTS: list[dict[str, str | None]] = [
    {"partner": None},
    {"status": "completed", "end": "2024-06"},  # completed: impact_report and lessons missing
    {"content_license": "CC BY-NC 4.0"},
    {"last_reviewed": "2021-03-01"},
    {"goals": None},
    {"feedback": "TBD"},
    {"model": None, "agreement": "handshake"},
]  # fmt: skip
#: Spellings of the infobox's name seen in the example corpus (46 of 49 use the first).
NAMES = ["Partnership infobox", "partnership infobox", "Infobox partnership", "Template:Partnership_infobox",
         "  Partnership infobox  "]  # fmt: skip
NAME_WEIGHTS = [90, 3, 4, 1.5, 1.5]
P_COMPLETE = 0.70
P_TAGGED = 0.04  # pages that already carry a tag (2 of 49 examples): some right, some stale
P_UNKNOWN_PARAM = 0.15  # of incomplete pages
P_DUPLICATE_PARAM = 0.10
P_TWO_INFOBOXES = 0.05


def example_sizes(root: Path = EXAMPLES) -> list[int]:
    sizes = sorted(len(p.read_bytes()) for p in root.glob("*.wiki"))
    if not sizes:
        raise FileNotFoundError(f"no example pages in {root}")
    return sizes


def _infobox(rng: random.Random, index: int, complete: bool) -> str:
    params: dict[str, str | None] = dict(generate.COMPLETE, partner=f"Partner {index}")
    extra: list[tuple[str, str]] = []
    if not complete:
        pool = generate.DEFECTS + EXTRA_DEFECTS
        for defect in rng.sample(pool, rng.randint(1, 3)):
            params.update(defect)
        if rng.random() < P_UNKNOWN_PARAM:
            extra.append((rng.choice(["logo", "metric", "website", "notes"]), "something"))
        if rng.random() < P_DUPLICATE_PARAM:
            extra.append((rng.choice(["contact", "status", "metrics"]), "[[User:Someone else]]"))
    name = rng.choices(NAMES, NAME_WEIGHTS)[0]
    style = rng.randrange(3)  # the three layouts of the example corpus
    items = [(k, v) for k, v in params.items() if v is not None] + extra
    if style == 0:
        body = "".join(f"\n| {k} = {v}" for k, v in items)
    elif style == 1:
        body = "".join(f"\n|{k}={v}" for k, v in items)
    else:
        width = max(len(k) for k, _ in items) + 1
        body = "".join(f"\n| {k.ljust(width)}= {v}" for k, v in items)
    return "{{" + name + body + "\n}}\n"


def _tag(rng: random.Random) -> str:
    missing = ",".join(sorted(rng.sample(["metrics", "lessons", "impact_report", "coi_disclosure"], rng.randint(1, 2))))
    return "{{Partnership incomplete|missing=" + missing + "}}\n"


def page(sources: generate.Sources, sizes: list[int], rng: random.Random, index: int) -> str:
    """One page: an example corpus size (±10%), real segments, the infobox among the first ones."""
    complete = rng.random() < P_COMPLETE
    box = _infobox(rng, index, complete)
    if not complete and rng.random() < P_TWO_INFOBOXES:
        box += _infobox(rng, index, True)
    footer = "\n[[Category:Partnerships]]\n"
    target = int(rng.choice(sizes) * rng.uniform(0.9, 1.1))
    budget = max(200, target - len(box.encode()) - len(footer))
    parts: list[str] = []
    size = 0
    tries = 0
    while size < budget * 0.95 and tries < 50:
        tries += 1
        article = sources.segments[rng.randrange(len(sources.segments))]
        for seg in article[rng.randrange(len(article)) :]:
            n = len(seg.encode())
            if size + n > budget:
                break
            if seg.lstrip()[:9].lower() == "#redirect":
                continue  # a redirect page of the corpus: it would make this page a redirect
            parts.append(seg)
            size += n
    parts.insert(rng.randint(0, min(1, len(parts))), box)
    text = "".join(parts) + footer
    if rng.random() < P_TAGGED:
        text = _tag(rng) + text
    return text


def pages(count: int, seed: int = 1) -> Iterator[tuple[str, str]]:
    """``count`` (title, text) pairs, the same for the same seed."""
    sources = generate.Sources.load()
    sizes = example_sizes()
    rng = random.Random(seed)
    for i in range(count):
        yield f"Partnership {i:06d}", page(sources, sizes, rng, i)


def title_of(index: int) -> str:
    return f"Partnership {index:06d}"


# ---------------------------------------------------------------------------------------------
# Dump

_HEAD = (
    '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://www.mediawiki.org/xml/export-0.11/ http://www.mediawiki.org/xml/export-0.11.xsd" '
    'version="0.11" xml:lang="en">\n'
)


def write_dump(path: Path, items: Iterable[tuple[str, str]], seed: int = 1) -> tuple[int, int]:
    """A MediaWiki XML export (schema 0.11) of the pages, one revision each, timestamps spread
    over 2016–2026. Returns (pages, bytes of text)."""
    rng = random.Random(seed + 1)
    count = total = 0
    base = 1_451_606_400  # 2016-01-01
    span = 10 * 365 * 86_400
    with path.open("w", encoding="utf-8") as out:
        out.write(_HEAD)
        for title, text in items:
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(base + rng.randrange(span)))
            size = len(text.encode())
            sha1 = hashlib.sha1(text.encode()).hexdigest()  # MediaWiki stores SHA-1 in base 36
            out.write(
                f"  <page>\n    <title>{html.escape(title, quote=False)}</title>\n    <ns>0</ns>\n"
                f"    <revision>\n      <timestamp>{stamp}</timestamp>\n"
                f"      <contributor><username>Editor {rng.randrange(1, 200)}</username></contributor>\n"
                "      <comment>benchmark fixture</comment>\n"
                "      <model>wikitext</model>\n      <format>text/x-wiki</format>\n"
                f'      <text xml:space="preserve" bytes="{size}">{html.escape(text, quote=False)}</text>\n'
                f"      <sha1>{_base36(sha1)}</sha1>\n    </revision>\n  </page>\n"
            )
            count += 1
            total += size
        out.write("</mediawiki>\n")
    return count, total


def _base36(hex_digest: str) -> str:
    n = int(hex_digest, 16)
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out.rjust(31, "0")
