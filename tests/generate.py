"""Realistic partnership pages, generated deterministically from real Wikipedia wikitext
(``tests/data/corpus``): balanced runs of real paragraphs, sections, references, tables and templates
around a ``{{Partnership infobox}}`` whose values mix complete pages (~70%) with the defects of
the example corpus. Used by benchmarks and large-wiki fixtures; streams, never holds the corpus."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "data" / "corpus" / "wikipedia-sample"

COMPLETE = {
    "partner": "Example Library", "partner_url": "https://library.example.org/", "model": "cultural",
    "goals": "free-content, dissemination", "metrics": "5,000 images uploaded and 200 articles improved a year",
    "coi_disclosure": "None known", "community_role": "Volunteers run edit-a-thons and curate uploads",
    "status": "active", "start": "2019-04", "agreement": "mou", "feedback": "[[Talk:Example Library]]",
    "content_license": "CC BY-SA 4.0", "contact": "[[User:Example]]", "last_reviewed": "2026-06-01",
}  # fmt: skip
DEFECTS: list[dict[str, str | None]] = [
    {"metrics": None}, {"metrics": "TBD"}, {"coi_disclosure": "?"}, {"community_role": "<!-- fill in -->"},
    {"model": "friendship"}, {"goals": "fame, fortune"}, {"start": "2019-02-30"}, {"partner_url": "www.example.org"},
    {"status": "completed", "end": "2018"}, {"status": "terminated"}, {"feedback": "the talk page"},
    {"content_license": "CC BY-NC-SA 4.0"}, {"transparency": "partial"}, {"Metrics": "x", "metrics": None},
    {"last_reviewed": "2023"}, {"data_sharing": "personal"}, {"agreement": "TBD"}, {"status": None},
]  # fmt: skip


def _segments(text: str) -> list[str]:
    """Cut an article at blank lines where no template or table is open (a line-count heuristic)."""
    out, depth, current = [], 0, []
    for line in text.splitlines(keepends=True):
        current.append(line)
        depth += line.count("{{") + line.count("{|") - line.count("}}") - line.count("|}")
        if line.strip() == "" and depth == 0:
            out.append("".join(current))
            current = []
    if current and depth == 0:
        out.append("".join(current))
    return [s for s in out if s.strip()]


@dataclass(frozen=True)
class Sources:
    segments: tuple[tuple[str, ...], ...]

    @classmethod
    def load(cls, corpus: Path = CORPUS) -> Sources:
        pages = sorted(corpus.glob("*.wiki"))
        if not pages:
            raise FileNotFoundError(f"no corpus at {corpus}: shared/ must sit beside the checkout")
        segs = tuple(tuple(_segments(p.read_text(encoding="utf-8"))) for p in pages)
        return cls(tuple(s for s in segs if s))


def infobox(rng: random.Random, index: int) -> str:
    params: dict[str, str | None] = dict(COMPLETE, partner=f"Partner {index}")
    if rng.random() >= 0.7:
        for defect in rng.sample(DEFECTS, rng.randint(1, 3)):
            params.update(defect)
    body = "".join(f"\n| {k} = {v}" for k, v in params.items() if v is not None)
    return "{{Partnership infobox" + body + "\n}}\n"


def page(sources: Sources, rng: random.Random, index: int, low: int = 8_000, high: int = 15_000) -> str:
    """One page of ``low``–``high`` bytes (roughly): real segments with the infobox among them."""
    target = rng.randint(low, high)
    parts: list[str] = []
    size = 0
    while size < target:
        article = sources.segments[rng.randrange(len(sources.segments))]
        start = rng.randrange(len(article))
        for seg in article[start:]:
            if len(seg) > high - low:
                continue  # too big to place without overshooting
            if size + len(seg) > high:
                break
            parts.append(seg)
            size += len(seg)
            if size >= target:
                break
        if size + 200 > high:
            break
    parts.insert(rng.randint(0, min(2, len(parts))), infobox(rng, index))
    parts.append("\n[[Category:Partnerships]]\n")
    return "".join(parts)


def pages(count: int, seed: int = 1) -> Iterator[tuple[str, str]]:
    """``count`` (title, text) pairs, the same for the same seed."""
    sources = Sources.load()
    rng = random.Random(seed)
    for i in range(count):
        yield f"Partnership {i:06d}", page(sources, rng, i)
