"""Inputs for the oracle: generated pages, the real corpus with an infobox inserted, and
mwparserfromhell's tokenizer test inputs.

The generator composes the constructs of :mod:`tests.oracle.constructs` around and inside an
infobox. It draws through :class:`Pick`, so the same code is a seeded generator
(:class:`RandomPick`, ``./scripts/oracle --seed``) and a Hypothesis strategy (:func:`pages`, which
shrinks a failing page to a minimal one).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from hypothesis import strategies as st

from tests.conftest import ROOT, corpus_pages
from tests.oracle.constructs import (
    BASE_PARAMS,
    BOX_NAMES,
    PARAM_NAME_FORMS,
    SNIPPETS,
    SPACES,
    WRAPPERS,
)

T = TypeVar("T")
MWTEST_INPUTS = ROOT / "tests" / "data" / "oracle" / "mwparserfromhell-inputs.json"


class Pick(Protocol):
    """Where the generator's choices come from."""

    def choice(self, options: Sequence[T]) -> T: ...

    def chance(self, percent: int) -> bool:
        """True with about that probability (Hypothesis shrinks towards False)."""
        ...

    def number(self, low: int, high: int) -> int: ...


class RandomPick:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def choice(self, options: Sequence[T]) -> T:
        return options[self.rng.randrange(len(options))]

    def chance(self, percent: int) -> bool:
        return self.rng.randrange(100) < percent

    def number(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)


class DrawPick:
    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw

    def choice(self, options: Sequence[T]) -> T:
        return options[self.draw(st.integers(0, len(options) - 1))]

    def chance(self, percent: int) -> bool:
        return self.draw(st.integers(0, 99)) >= 100 - percent

    def number(self, low: int, high: int) -> int:
        return self.draw(st.integers(low, high))


@dataclass(frozen=True)
class Page:
    origin: str
    """Where the page comes from: ``generated``, ``corpus:FILE``, ``mwparserfromhell:NAME``."""
    text: str


def snippet(pick: Pick) -> str:
    return pick.choice(pick.choice(SNIPPETS))


def _mutate(pick: Pick, text: str) -> str:
    """A snippet or odd whitespace put before, inside or after ``text``, or in its place."""
    piece = pick.choice(SPACES) if pick.chance(25) else snippet(pick)
    where = pick.number(0, 3)
    if where == 0:
        return piece + text
    if where == 1:
        cut = pick.number(0, len(text))
        return text[:cut] + piece + text[cut:]
    if where == 2:
        return text + piece
    return piece


def infobox(pick: Pick, *, mutate: int = 8) -> str:
    """An infobox: a name variant, the base parameters (some dropped, reordered, duplicated, renamed,
    given odd values), positional and odd parameters; on one line or several."""
    name = pick.choice(BOX_NAMES) if pick.chance(40) else BOX_NAMES[0]
    params = [p for p in BASE_PARAMS if not pick.chance(5)]
    if pick.chance(20):
        i, j = pick.number(0, len(params) - 1), pick.number(0, len(params) - 1)
        params[i], params[j] = params[j], params[i]
    parts = []
    for key, value in params:
        if pick.chance(mutate // 2):
            key = pick.choice(PARAM_NAME_FORMS).replace("{}", key)
        if pick.chance(mutate):
            value = _mutate(pick, value)
        parts.append(f"{key} = {value}")
        if pick.chance(3):
            parts.append(f"{key} = {pick.choice(('x', '', value))}")
    for _ in range(pick.number(0, 2) if pick.chance(mutate) else 0):
        odd = pick.choice(("positional", "1=one", "", "=empty name", "status", "==heading==", "|", " x = y = z"))
        parts.insert(pick.number(0, len(parts)), odd)
    newline = "\n" if pick.chance(80) else ""
    body = "".join(f"{newline}| {part}" for part in parts)
    return "{{" + name + body + newline + "}}"


def page_around(pick: Pick, box: str) -> str:
    """``box`` with constructs wrapped around it and before or after it, text, maybe a second box."""
    if pick.chance(15):
        box = pick.choice(WRAPPERS).replace("{}", box)
    before = "".join(snippet(pick) for _ in range(pick.number(0, 2) if pick.chance(40) else 0))
    after = "".join(snippet(pick) for _ in range(pick.number(0, 2) if pick.chance(30) else 0))
    text = "Intro text.\n" + before + box + after + "\nMore text.\n"
    if pick.chance(5):
        second = infobox(pick, mutate=4)
        text = text + second if pick.chance(50) else second + "\n" + text
    return text


def generated_page(pick: Pick) -> str:
    return page_around(pick, infobox(pick))


@st.composite
def pages(draw: st.DrawFn) -> str:
    """The Hypothesis strategy: a generated page (shrinks towards a plain, valid infobox)."""
    return generated_page(DrawPick(draw))


def generated(seed: int, count: int) -> Iterator[Page]:
    pick = RandomPick(random.Random(f"generated-{seed}"))
    for _ in range(count):
        yield Page("generated", generated_page(pick))


def corpus(seed: int, count: int) -> Iterator[Page]:
    """Real articles with an infobox (often mutated) inserted at a seeded place: at a line start
    mostly, anywhere (inside a template, table or reference of the article) sometimes."""
    pick = RandomPick(random.Random(f"corpus-{seed}"))
    files = corpus_pages()
    for i in range(count):
        path = files[i % len(files)]
        text = path.read_text(encoding="utf-8")
        box = infobox(pick, mutate=pick.choice((0, 8, 20)))
        if pick.chance(70):
            starts = [0] + [k + 1 for k, c in enumerate(text) if c == "\n"]
            at = pick.choice(starts)
            box += "\n"
        else:
            at = pick.number(0, len(text))
        yield Page(f"corpus:{path.name}", text[:at] + box + text[at:])


def mwtest_inputs() -> list[tuple[str, str]]:
    """(name, input) picked from mwparserfromhell's tokenizer tests (tests/data/oracle, MIT licence)."""
    data = json.loads(MWTEST_INPUTS.read_text(encoding="utf-8"))
    return [(str(d["name"]), str(d["input"])) for d in data["inputs"]]


#: Where an input of mwparserfromhell's tests goes: an infobox value, before the box, inside its name.
PLACEMENTS: dict[str, Callable[[str, str], str]] = {
    "value": lambda box, x: box.replace("| metrics = ", "| metrics = " + x, 1),
    "before": lambda box, x: "Text " + x + "\n" + box,
}


def mwtests(seed: int, count: int | None = None) -> Iterator[Page]:
    """Each input as an infobox value and before the box (``count``: a seeded sample of them)."""
    cases = [(n, p) for n, _ in mwtest_inputs() for p in PLACEMENTS]
    if count is not None and count < len(cases):
        cases = random.Random(f"mwtests-{seed}").sample(cases, count)
    inputs = dict(mwtest_inputs())
    box = "{{" + BOX_NAMES[0] + "".join(f"\n| {k} = {v}" for k, v in BASE_PARAMS) + "\n}}"
    for name, placement in cases:
        yield Page(f"mwparserfromhell:{name}:{placement}", PLACEMENTS[placement](box, inputs[name]))


def sample(seed: int, total: int) -> list[Page]:
    """``total`` pages: a fifth real articles, up to a third mwparserfromhell inputs, the rest generated."""
    real = list(corpus(seed, max(1, total // 5)))
    inputs = list(mwtests(seed, max(1, total // 3)))
    return [*real, *inputs, *generated(seed, max(0, total - len(real) - len(inputs)))]
