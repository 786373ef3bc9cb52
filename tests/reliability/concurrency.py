"""What the concurrency probes (:mod:`tests.reliability.test_concurrency`) share: a scenario in
its own namespace with the bot behind the proxy and a reference bot (full dry runs with a fresh
state), people's edits of a partnership page, and seeded sequences of people's actions."""

from __future__ import annotations

import html
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.wiki.api import WikiApi
from tests.wiki.conftest import DevWiki

from . import counters
from .env import SHUTOFF, SHUTOFF_OFF, BotRunner, write_config
from .proxy import FaultProxy, Seen
from .scenario import TAG_LINE, body, empty_summary, ensure_page

INFOBOX = "Template:Partnership infobox"
METRICS = "| metrics = 50 articles a year\n"
COMPLETE_AT = "| coi_disclosure"  # a person completes a page by adding metrics above this line


def prefix_of(namespace: int) -> str:
    return {7: "File talk:", 11: "Template talk:", 13: "Help talk:", 15: "Category talk:", 3: "User talk:"}[namespace]


def clear_namespace(api: WikiApi, namespace: int, starting: str = "") -> None:
    """Delete every page of the namespace (whose title starts with ``starting``)."""
    for reply in api.query(list="allpages", apnamespace=namespace, aplimit="max", apprefix=starting):
        for page in reply["allpages"]:
            api.delete(page["title"], "reliability tests: a scenario starts afresh")


def members(api: WikiApi, namespace: int) -> set[str]:
    """Pages of the namespace that use the infobox (the rows a table must have)."""
    return {
        str(page["title"])
        for reply in api.query(
            list="embeddedin", eititle=INFOBOX, einamespace=namespace, eifilterredir="nonredirects", eilimit="max"
        )
        for page in reply["embeddedin"]
    }


def table_titles(page_text: str) -> set[str]:
    """The titles the rows of a summary page link to, from the Partner cells (``| [[:Title|Partner]]``,
    ``| [[:Title]]``; parsed here, independently of the bot)."""
    pattern = r"^\|\s*\[\[:([^\[\]|\n]+)(?:\|[^\[\]\n]*)?\]\]\s*$"
    return {html.unescape(m) for m in re.findall(pattern, page_text, re.MULTILINE)}


def without_tag(text: str) -> str:
    """A page's text less its tag lines: what no bot edit may change."""
    return "\n".join(line for line in text.split("\n") if not TAG_LINE.fullmatch(line.strip(" \t")))


def config_for(work: Path, namespace: int, summary: str, status: str, *, name: str, state: str, **keys: str) -> Path:
    """A scenario's config; ``keys`` replace further ``key = value`` lines of config/devwiki.toml."""
    path = write_config(work, namespace=namespace, summary=summary, status=status, max_tags=1000, name=name)
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^state = .*$", f'state = "{work / state}"', text, flags=re.MULTILINE)
    for key, value in keys.items():
        text, n = re.subn(rf"^{key} = .*$", f"{key} = {value}", text, flags=re.MULTILINE)
        assert n == 1, key
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class Setup:
    """One scenario: its namespace and pages, the bot through the proxy with its state, and a
    direct bot whose full dry runs with a fresh state are the reference."""

    api: WikiApi
    relwiki: DevWiki
    namespace: int
    summary: str
    status: str
    bot: BotRunner
    reference: BotRunner
    proxy: FaultProxy

    @property
    def prefix(self) -> str:
        return prefix_of(self.namespace)

    @property
    def state(self) -> Path:
        return self.bot.workdir / "state.sqlite"

    def start(self, pages: dict[str, str], *, clear: bool = True) -> None:
        """The namespace holds ``pages`` (and nothing else, unless ``clear`` is false: then pages
        already there are only put back), the table is empty, no state is stored."""
        if clear:
            clear_namespace(self.api, self.namespace)
        for suffix in ("", "-journal", "-wal", "-shm"):
            self.state.with_name(self.state.name + suffix).unlink(missing_ok=True)
        ensure_page(self.api, self.summary, empty_summary())
        ensure_page(self.api, SHUTOFF, SHUTOFF_OFF)
        for title, text in pages.items():
            ensure_page(self.api, self.prefix + title, text, "reliability tests: a partnership page")

    def run(self, *args: str, code: int = 0) -> dict[str, object]:
        out = self.bot.run("run", *args)
        assert out.code == code, out.text
        return out.report

    def differences(self) -> tuple[list[str], set[str], set[str]]:
        """Against a full dry run with a fresh state: (titles it would edit, rows missing from the
        table, rows of pages that do not qualify)."""
        fresh = self.reference.workdir / "fresh.sqlite"
        for suffix in ("", "-journal", "-wal", "-shm"):
            fresh.with_name(fresh.name + suffix).unlink(missing_ok=True)
        out = self.reference.run("run", "--dry-run")
        assert out.code == 0, out.text
        diffs = re.findall(r"^\+\+\+ (.*) \(bot\)$", out.stdout, re.MULTILINE)
        rows = table_titles(self.api.read(self.summary)[1])
        wanted = members(self.api, self.namespace)
        return diffs, wanted - rows, rows - wanted

    def compare(self, what: str) -> list[str]:
        """Count and describe any difference from what a full pass would leave."""
        diffs, lost, stale = self.differences()
        wrong = [t for t in diffs if t.startswith(self.prefix)]
        counters.add("wrong_tags", len(wrong))
        counters.add("lost_rows", len(lost))
        counters.add("extra_stale_rows", len(stale))
        problems = [f"{what}: a full pass would edit {t}" for t in diffs]
        problems += [f"{what}: no row for {t}" for t in sorted(lost)] + [f"{what}: stale row {t}" for t in stale]
        return problems


# -- people's edits ---------------------------------------------------------------------------------


def complete(text: str) -> str:
    return text if METRICS in text else text.replace(COMPLETE_AT, METRICS + COMPLETE_AT, 1)


def incomplete(text: str) -> str:
    return text.replace(METRICS, "", 1)


def add_text(text: str) -> str:
    return text + "\nA sentence a person added."


def more_missing(text: str) -> str:
    return text.replace("| goals = free-content, awareness\n", "", 1)


def person_before_save(
    api: WikiApi, edits: dict[str, Callable[[str], str]], saved: dict[str, str]
) -> Callable[[Seen], None]:
    """A proxy hook: just before the bot's first save of a page in ``edits``, a person saves that
    edit of the page's current text (``saved`` receives what the person saved)."""

    def hook(seen: Seen) -> None:
        title = seen.params.get("title", "")
        if seen.is_edit and title in edits and title not in saved:
            text = edits[title](api.read(title)[1])
            saved[title] = text
            api.edit(title, text, "a person edits while the bot saves")

    return hook


# -- random edit sequences ---------------------------------------------------------------------------

ACTIONS = ("complete", "incomplete", "remove tag", "add text", "move", "move out", "delete", "create", "during")
MOVED_OUT = 3  # User talk: pages moved out of the scenario's namespace land there


@dataclass
class Sequence:
    """A seeded sequence of people's actions on a scenario's pages, with the text each page must
    keep outside its tag line (``bodies``)."""

    setup: Setup
    rng: random.Random
    name: str
    bodies: dict[str, str] = field(default_factory=dict)
    created: int = 0

    def new_page(self) -> None:
        self.created += 1
        title = f"{self.setup.prefix}{self.name} {self.created}"
        text = body(f"{self.name} partner {self.created}", metrics=self.rng.random() < 0.5)
        self.person(title, text)

    def person(self, title: str, text: str) -> None:
        self.setup.api.edit(title, text, "a person edits")
        self.bodies[title] = without_tag(self.setup.api.read(title)[1])

    def edit(self, title: str, change: Callable[[str], str]) -> None:
        text = self.setup.api.read(title)[1]
        if change(text) != text:
            self.person(title, change(text))

    def pick(self) -> str:
        return self.rng.choice(sorted(self.bodies))

    def step(self, action: str) -> None:
        """One person's action (``during``: a change the pass must act on, and another edit of the
        page by a person just before the bot's save), then an incremental pass."""
        if not self.bodies or action == "create":
            self.new_page()
        elif action in ("complete", "incomplete", "add text"):
            self.edit(self.pick(), {"complete": complete, "incomplete": incomplete, "add text": add_text}[action])
        elif action == "remove tag":
            self.edit(self.pick(), lambda t: "\n".join(line for line in t.split("\n") if not TAG_LINE.fullmatch(line)))
        elif action in ("move", "move out"):
            title = self.pick()
            self.created += 1
            prefix = self.setup.prefix if action == "move" else prefix_of(MOVED_OUT)
            target = f"{prefix}{self.name} {self.created} moved"
            self.setup.api.post(
                action="move",
                token=self.setup.api.token(),
                reason="a person renames",
                noredirect=True,
                **{"from": title, "to": target},
            )
            text = self.bodies.pop(title)
            if action == "move":
                self.bodies[target] = text
        elif action == "delete":
            title = self.pick()
            self.setup.api.delete(title, "a person deletes")
            del self.bodies[title]
        if action == "during" and self.bodies:
            title = self.pick()
            first = incomplete if METRICS in self.setup.api.read(title)[1] else complete
            self.edit(title, first)
            then = self.rng.choice([complete, incomplete, add_text, more_missing])
            saved: dict[str, str] = {}
            self.setup.proxy.reset(hook=person_before_save(self.setup.api, {title: then}, saved))
            self.setup.run("--incremental")
            self.setup.proxy.reset()
            if title in saved:  # the pass saved the page: the person's edit came just before
                self.bodies[title] = without_tag(saved[title])
                counters.add("extra_edits_during_a_pass")
        self.setup.run("--incremental")

    def damage(self) -> list[str]:
        """Pages whose text outside the tag line is not what the people left."""
        out = []
        for title, text in self.bodies.items():
            if without_tag(self.setup.api.read(title)[1]) != text:
                out.append(f"{title}: its text outside the tag line changed")
        counters.add("pages_damaged", len(out))
        return out
