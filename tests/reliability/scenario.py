"""The pages of a reliability scenario and the checks every test applies to the wiki: each page
is always as it was or as intended, the stored state is never ahead of the wiki, and once the job
is done the wiki equals what an uninterrupted, fault-free pass made of the same pages — the bot
changed tag lines only, saved no page twice and kept every edit a person made meanwhile.

* :class:`Scenario` is a set of partnership pages with known starting texts; it can put them back
  and compare the wiki with a reference (the texts an uninterrupted, fault-free pass produced);
* :class:`Harness` is a scenario with the bot that runs it and its state database, and adds what
  it finds to the counters.
"""

from __future__ import annotations

import difflib
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tests.wiki.api import ApiError, WikiApi

from . import counters
from .env import END, SHUTOFF, SHUTOFF_OFF, START, BotRunner
from .proxy import Seen

#: A tag line as the bot writes it (checked independently of bot.tagging).
TAG_LINE = re.compile(r"\{\{Partnership incomplete(?:\|[^{}\n]*)?\}\}")
STAMP_LINE = re.compile(r"^(?:<span class=\"ptracker-stamp\">[^\n]*</span>|Data as of .* UTC\.)$", re.MULTILINE)
HUMAN_MARK = "A sentence a person added during the pass."


INFOBOX = """{{{{Partnership infobox
| partner = {partner}
| model = content
| goals = free-content, awareness
{metrics}| coi_disclosure = None known
| community_role = Volunteers upload files
| status = proposed
}}}}"""


def body(partner: str, *, metrics: bool, tag: str = "", before: str = "Intro.\n", after: str = "") -> str:
    box = INFOBOX.format(partner=partner, metrics="| metrics = 50 articles a year\n" if metrics else "")
    text = f"{before}{box}\n== History ==\nText with a [[link]] and a <ref>source</ref>.\n{{{{Reflist}}}}{after}"
    return (tag + "\n" + text) if tag else text


def scenario_bodies(prefix: str, only: Iterable[str] = ()) -> dict[str, str]:
    """Partnership pages that exercise every kind of edit: tag, update, untag, none, skip
    (``only``: those kinds alone, e.g. ``("tag 1", "untag")``)."""
    wanted = {f"{prefix} {kind}" for kind in only}
    return {k: v for k, v in _bodies(prefix).items() if not wanted or k in wanted}


def _bodies(prefix: str) -> dict[str, str]:
    return {
        f"{prefix} tag 1": body("Alpha", metrics=False, after="\n[[Category:Kept]]\nTrailing text."),
        f"{prefix} tag 2": body("Beta ünïcödé 😀", metrics=False, before="Intro with ''markup'' & <b>html</b>.\n"),
        f"{prefix} tag below": body(
            "Gamma", metrics=False, before="Intro.\n{{Partnership incomplete|missing=goals}}\n"
        ),
        f"{prefix} update": body("Delta", metrics=False, tag="{{Partnership incomplete|missing=goals}}"),
        f"{prefix} untag": body("Epsilon", metrics=True, tag="{{Partnership incomplete|missing=metrics}}"),
        f"{prefix} complete": body("Zeta", metrics=True),
        f"{prefix} nobots": body("Eta", metrics=False, before="{{nobots}}\n"),
        f"{prefix} two boxes": body("Theta", metrics=True, after="\n" + INFOBOX.format(partner="Iota", metrics="")),
    }


def ensure_page(api: WikiApi, title: str, text: str, summary: str = "reliability tests") -> int:
    """Save ``text`` unless the page already holds it; returns the current revision id."""
    try:
        revid, current = api.read(title)
        if current == text.rstrip():
            return revid
    except ApiError:
        pass
    return api.edit(title, text, summary)


def empty_summary() -> str:
    return f"Summary page of a reliability scenario.\n{START}\n''empty''\n{END}\n== After ==\nKept text.\n"


@dataclass
class Scenario:
    """Partnership pages with known starting texts, in one namespace, with their own summary and
    status pages. ``reference`` (after :meth:`record_reference`) holds what an uninterrupted,
    fault-free pass made of each page and of the summary table."""

    api: WikiApi
    bot_account: str
    namespace_prefix: str
    """e.g. ``""`` for the main namespace, ``"Help:"``."""
    bodies: dict[str, str]
    summary: str
    status: str
    reference: dict[str, str] = field(default_factory=dict)
    reference_table: str = ""
    reference_edits: dict[str, int] = field(default_factory=dict)
    start_revids: dict[str, int] = field(default_factory=dict)
    human: set[str] = field(default_factory=set)
    """Pages a person edited during the current trial (see :meth:`human_edit`)."""

    @property
    def titles(self) -> list[str]:
        return [self.namespace_prefix + t for t in self.bodies]

    def originals(self) -> dict[str, str]:
        """Each page's starting text as the wiki stores it (trailing whitespace trimmed)."""
        return {self.namespace_prefix + t: b.replace("\r\n", "\n").rstrip() for t, b in self.bodies.items()}

    def reset(self) -> None:
        """Put every page back to its starting text, empty the summary table and reset the status
        page (as a person would); remember the revisions so that the bot's edits after this can be
        counted."""
        for title, text in self.originals().items():
            ensure_page(self.api, title, text)
        ensure_page(self.api, self.summary, empty_summary())
        ensure_page(self.api, SHUTOFF, SHUTOFF_OFF)
        # A status page left by an earlier trial may already hold this pass's figures, and then
        # the pass would not save it: one save fewer than the reference pass counted.
        ensure_page(self.api, self.status, f"Reset by the reliability tests.\n{START}\n{END}")  # the bot's markers
        self.start_revids = {t: self.api.read(t)[0] for t in [*self.titles, self.summary]}
        self.human = set()

    def human_edit(self, title: str) -> None:
        """A person adds a sentence to the page (e.g. between the bot's read and its save)."""
        text = self.api.read(title)[1]
        if HUMAN_MARK not in text:
            self.api.edit(title, with_human_edit(text), "a person edits during the pass")
            self.human.add(title)

    def allowed(self, title: str) -> tuple[str, ...]:
        """The texts a page may hold at any moment: as it was or as intended (with the person's
        edit, if one was made)."""
        texts = (self.originals()[title], self.reference[title])
        return tuple(with_human_edit(t) for t in texts) if title in self.human else texts

    def texts(self) -> dict[str, str]:
        return {t: self.api.read(t)[1] for t in self.titles}

    def table(self) -> str:
        return table_of(self.api.read(self.summary)[1])

    def bot_edits(self) -> dict[str, int]:
        """Bot revisions on each page (and the summary) since :meth:`reset`."""
        out = {}
        for title, start in self.start_revids.items():
            revs = self.api.revisions(title, 50)
            out[title] = sum(r.revid > start and r.user == self.bot_account for r in revs)
        return out

    def record_reference(self) -> None:
        self.reference = self.texts()
        self.reference_table = self.table()
        self.reference_edits = self.bot_edits()

    # -- checks -------------------------------------------------------------------------------------

    def intermediate_problems(self) -> list[str]:
        """Pages that are neither as they were nor as intended (after a failed or killed pass)."""
        problems = []
        for title, text in self.texts().items():
            if text not in self.allowed(title):
                problems.append(
                    f"{title}: neither the original nor the intended text:\n{_diff(title, self.reference[title], text)}"
                )
        table = self.table()
        if table not in ("\n''empty''\n", self.reference_table):
            problems.append(f"{self.summary}: table neither empty nor the intended one:\n{table}")
        return problems

    def final_problems(self) -> tuple[list[str], int]:
        """(problems, duplicate edits) once the job completed: every page as the reference pass
        left it, the same table, no page edited more often than in the reference."""
        problems = []
        for title, text in self.texts().items():
            want = self.allowed(title)[1]
            if text != want:
                problems.append(f"{title}: differs from the uninterrupted pass:\n{_diff(title, want, text)}")
        if self.table() != self.reference_table:
            problems.append(f"{self.summary}: the table differs from the uninterrupted pass")
        duplicates = 0
        for title, n in self.bot_edits().items():
            if n > self.reference_edits.get(title, 0):
                duplicates += n - self.reference_edits.get(title, 0)
                problems.append(f"{title}: {n} bot edits, the uninterrupted pass made {self.reference_edits[title]}")
        return problems, duplicates

    def bot_revisions_only_touch_tag_lines(self) -> list[str]:
        """Every bot revision of every partnership page since :meth:`reset` changed the tag line
        and nothing else (checked on the stored revisions, with an independent line diff)."""
        problems = []
        for title in self.titles:
            revs = self.api.revisions(title, 50)
            start = self.start_revids.get(title, 0)
            for rev in revs:
                if rev.revid <= start or rev.user != self.bot_account:
                    continue
                before, after = revision_text(self.api, rev.parentid), revision_text(self.api, rev.revid)
                problem = tag_only_change(before, after)
                if problem:
                    problems.append(f"{title} r{rev.revid}: {problem}")
        return problems


def with_human_edit(text: str) -> str:
    return text.replace("== History ==", "== History ==\n" + HUMAN_MARK, 1)


def revision_text(api: WikiApi, revid: int) -> str:
    data = api.get(action="query", revids=revid, prop="revisions", rvprop="content", rvslots="main")
    return str(data["query"]["pages"][0]["revisions"][0]["slots"]["main"]["content"])


def tag_only_change(before: str, after: str) -> str | None:
    """None when ``after`` is ``before`` with one tag line added, removed or replaced (and nothing
    else); else what else changed."""
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    removed, added = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            removed += a[i1:i2]
            added += b[j1:j2]
    if len(removed) > 1 or len(added) > 1:
        return f"changed {len(removed)} lines into {len(added)}: {removed[:3]!r} -> {added[:3]!r}"
    for line in removed + added:
        if not TAG_LINE.fullmatch(line.rstrip("\r\n").strip(" \t")):
            return f"changed a line that is not a tag line: {line!r}"
    return None


def table_of(page: str) -> str:
    """The text between the markers without the stamp line ("" when the markers are broken)."""
    if page.count(START) != 1 or page.count(END) != 1:
        return ""
    return STAMP_LINE.sub("", page[page.index(START) + len(START) : page.index(END)])


def state_problems(api: WikiApi, state: Path, titles: Iterable[str]) -> list[str]:
    """The state database may be behind the wiki, never ahead: every stored page record names a
    revision that exists on that page, no newer than its latest, whose text carries the bot's tag
    exactly when the record says the tag stood."""
    if not state.exists():
        return []
    wanted = set(titles)
    db = sqlite3.connect(state)
    try:
        rows = db.execute("SELECT pageid, title, revid, tagged FROM pages").fetchall()
    except sqlite3.Error as exc:
        return [f"state database unreadable: {exc}"]
    finally:
        db.close()
    problems = []
    for pageid, title, revid, tagged in rows:
        if title not in wanted:
            continue
        data = api.get(action="query", revids=revid, prop="revisions", rvprop="ids|content", rvslots="main")
        pages = data["query"].get("pages", [])
        if not pages or "revisions" not in pages[0]:
            problems.append(f"{title}: stored revision {revid} does not exist")
            continue
        if int(pages[0]["pageid"]) != pageid:
            problems.append(f"{title}: stored revision {revid} belongs to another page")
            continue
        latest = api.read(title)[0]
        if revid > latest:
            problems.append(f"{title}: stored revision {revid} is newer than the latest {latest}")
        text = str(pages[0]["revisions"][0]["slots"]["main"]["content"])
        has_tag = any(TAG_LINE.fullmatch(line.strip(" \t\r")) for line in text.split("\n"))
        if bool(tagged) != has_tag:
            problems.append(
                f"{title}: the store says the tag {'stood' if tagged else 'was absent'} at r{revid}, the revision "
                f"{'lacks' if tagged else 'has'} it"
            )
    return problems


def _diff(title: str, want: str, got: str) -> str:
    lines = difflib.unified_diff(
        want.splitlines(), got.splitlines(), f"{title} (intended)", f"{title} (wiki)", lineterm=""
    )
    return "\n".join(list(lines)[:40])


@dataclass
class Harness:
    """A scenario, the bot that runs it through the proxy, and its state database."""

    scenario: Scenario
    bot: BotRunner
    state: Path
    requests_per_pass: int = 0
    """HTTP requests of the fault-free reference pass (after the login is cached)."""
    seconds_per_pass: float = 3.0
    """Wall time of that pass, process start included."""
    reference_log: list[Seen] = field(default_factory=list)
    """The proxy's log of the reference pass."""
    damaged: set[str] = field(default_factory=set)
    """Pages found damaged in the current trial (each counted once in ``pages_damaged``)."""

    def fresh(self) -> None:
        """Pages back to their starting texts, the summary table emptied, no stored state."""
        self.scenario.reset()
        self.damaged = set()
        for suffix in ("", "-journal", "-wal", "-shm"):
            self.state.with_name(self.state.name + suffix).unlink(missing_ok=True)

    def between_problems(self) -> list[str]:
        """After any pass, finished or not: pages as they were or as intended; state not ahead."""
        problems = self.scenario.intermediate_problems()
        self._count_damage(problems)
        return problems + state_problems(self.scenario.api, self.state, self.scenario.titles)

    def _count_damage(self, problems: list[str]) -> None:
        damaged = {t for t in self.scenario.titles if any(p.startswith(t + ":") for p in problems)}
        counters.add("pages_damaged", len(damaged - self.damaged))
        self.damaged |= damaged

    def final_check(self) -> list[str]:
        """Once the job completed: the wiki as the reference pass left it, nothing but tag lines
        changed by the bot, no duplicate edit, no person's edit lost. Adds to the counters."""
        problems, duplicates = self.scenario.final_problems()
        problems += self.scenario.bot_revisions_only_touch_tag_lines()
        self._count_damage(problems)
        texts = self.scenario.texts()
        lost = [t for t in self.scenario.human if HUMAN_MARK not in texts[t]]
        counters.add("duplicate_edits", duplicates)
        counters.add("human_edits_overwritten", len(lost))
        problems += state_problems(self.scenario.api, self.state, self.scenario.titles)
        return problems + [f"{t}: a person's edit was overwritten" for t in lost]
