"""The reliability tests' own wiki, bot runs through the fault proxy, and the checks that every
test applies to the wiki afterwards.

* :func:`start_relwiki` starts a second, independent dev wiki (``.devwiki-rel/``, port 8095 unless
  ``RELIABILITY_WIKI_PORT`` says otherwise) so that faults and kills never touch the shared one.
* :func:`proxied_pywikibot_dir` copies its Pywikibot directory and points the family file at the
  proxy.
* :class:`BotRunner` runs ``python -m bot`` in a subprocess with a private config (own namespace,
  summary page, status page and state database per scenario).
* :class:`Scenario` is a set of partnership pages with known starting texts; it can put them back
  and compare the wiki with a reference (the texts an uninterrupted, fault-free pass produced).
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.wiki.api import ApiError, WikiApi

from . import counters
from .proxy import Seen

ROOT = Path(__file__).resolve().parents[2]
DEVWIKI_SCRIPT = ROOT / "scripts" / "devwiki"
REL_DIR = Path(os.environ.get("RELIABILITY_WIKI_DIR") or ROOT / ".devwiki-rel")
REL_PORT = int(os.environ.get("RELIABILITY_WIKI_PORT") or 8095)
TAG_TEMPLATE = "Partnership incomplete"
SHUTOFF = "User:PartnershipBot/Shutoff"
SHUTOFF_OFF = "<!-- Write anything outside this comment to stop PartnershipBot. -->"
START = "<!-- partnership-tracker:start -->"
END = "<!-- partnership-tracker:end -->"
#: A tag line as the bot writes it (checked independently of bot.tagging).
TAG_LINE = re.compile(r"\{\{Partnership incomplete(?:\|[^{}\n]*)?\}\}")
STAMP_LINE = re.compile(r"^Data as of .* UTC\.$", re.MULTILINE)
HUMAN_MARK = "A sentence a person added during the pass."


@dataclass(frozen=True)
class RelWiki:
    data_dir: Path
    host: str
    """127.0.0.1:PORT of the wiki itself."""
    api: str
    admin_user: str
    admin_password: str
    bot_user: str
    bot_password: str
    bot_account: str
    pywikibot_dir: Path

    @property
    def python(self) -> str:
        venv = ROOT / ".venv" / "bin" / "python"
        return str(venv) if venv.exists() else sys.executable


def start_relwiki(timeout: float = 1200.0) -> RelWiki:
    """``DEVWIKI_DIR=.devwiki-rel DEVWIKI_PORT=8095 ./scripts/devwiki up`` and its credentials.
    Raises ``RuntimeError`` with the script's output when the wiki cannot start."""
    env = dict(os.environ, DEVWIKI_DIR=str(REL_DIR), DEVWIKI_PORT=str(REL_PORT))
    proc = subprocess.run(
        [str(DEVWIKI_SCRIPT), "up"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"./scripts/devwiki up (DEVWIKI_DIR={REL_DIR}) failed:\n{proc.stdout}")
    creds = json.loads((REL_DIR / "credentials.json").read_text(encoding="utf-8"))
    return RelWiki(
        data_dir=REL_DIR,
        host=f"127.0.0.1:{REL_PORT}",
        api=str(creds["api"]),
        admin_user=str(creds["admin_user"]),
        admin_password=str(creds["admin_password"]),
        bot_user=str(creds["bot_user"]),
        bot_password=str(creds["bot_password"]),
        bot_account=str(creds["bot_account"]),
        pywikibot_dir=Path(creds["pywikibot_dir"]),
    )


def proxied_pywikibot_dir(wiki: RelWiki, host: str, dest: Path) -> Path:
    """A copy of the wiki's Pywikibot directory whose family file points at ``host`` (the proxy).
    Pywikibot keeps its cookie jar and throttle file there."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(
        wiki.pywikibot_dir, dest, ignore=shutil.ignore_patterns("*.lwp", "throttle.ctrl", "logs", "apicache*")
    )
    family = dest / "families" / "devwiki_family.py"
    text = family.read_text(encoding="utf-8")
    text, n = re.subn(r"(langs = \{'en': ')[^']*(')", rf"\g<1>{host}\g<2>", text)
    assert n == 1, f"no langs line in {family}"
    family.write_text(text, encoding="utf-8")
    with open(dest / "user-config.py", "a", encoding="utf-8") as config:
        # No 0.1 s pause between requests: passes run twice as fast, and the pause grows with every
        # killed bot still listed in throttle.ctrl (Pywikibot counts it as a running process for
        # ten minutes and multiplies the pause by their number).
        config.write("\n# reliability tests\nminthrottle = 0\n")
    return dest


def forget_dead_processes(pywikibot_dir: Path) -> None:
    """Drop Pywikibot's record of running processes (a killed bot stays listed for ten minutes)."""
    (pywikibot_dir / "throttle.ctrl").unlink(missing_ok=True)


def write_config(
    workdir: Path,
    *,
    namespace: int,
    summary: str,
    status: str,
    max_retries: int = 4,
    retry_wait: int = 1,
    max_tags: int = 100,
    max_row_drop: int = 100,
    name: str = "bot.toml",
) -> Path:
    """A bot config for one scenario, from config/devwiki.toml."""
    text = (ROOT / "config" / "devwiki.toml").read_text(encoding="utf-8")
    replace = {
        "rules": f'"{ROOT / "config" / "rules.toml"}"',
        "namespaces": f"[{namespace}]",
        "summary": json.dumps(summary),
        "status": json.dumps(status),
        "max_retries": str(max_retries),
        "retry_wait": str(retry_wait),
        "max_tags_per_run": str(max_tags),
        "max_row_drop": str(max_row_drop),
        "state": f'"{workdir / "state.sqlite"}"',
    }
    for key, value in replace.items():
        text, n = re.subn(rf"^{key} = .*$", f"{key} = {value}", text, flags=re.MULTILINE)
        assert n == 1, key
    path = workdir / name
    path.write_text(text, encoding="utf-8")
    return path


@dataclass(frozen=True)
class Outcome:
    code: int
    report: dict[str, Any]
    stdout: str
    stderr: str

    @property
    def text(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


@dataclass
class BotRunner:
    """``python -m bot --config CONFIG ...`` in a subprocess, Pywikibot pointed at ``pywikibot_dir``."""

    wiki: RelWiki
    pywikibot_dir: Path
    config: Path
    workdir: Path
    runs: int = 0

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["PYWIKIBOT_DIR"] = str(self.pywikibot_dir)
        env.pop("PYWIKIBOT_DIR_PWB", None)
        env.pop("PARTNERSHIP_BOT_CONFIG", None)
        return env

    def argv(self, *args: str) -> tuple[list[str], Path | None]:
        self.runs += 1
        report = self.workdir / f"report-{self.runs}.json" if args and args[0] == "run" else None
        argv = [self.wiki.python, "-m", "bot", "--config", str(self.config), *args]
        if report is not None:
            report.unlink(missing_ok=True)
            argv += ["--report-json", str(report)]
        return argv, report

    def run(self, *args: str, timeout: float = 300) -> Outcome:
        argv, report = self.argv(*args)
        proc = subprocess.run(
            argv, cwd=ROOT, env=self.env(), capture_output=True, text=True, timeout=timeout, check=False
        )
        data = json.loads(report.read_text()) if report is not None and report.exists() else {}
        out = Outcome(proc.returncode, data, proc.stdout, proc.stderr)
        counters.record_output(out.stdout + out.stderr + (report.read_text() if report and report.exists() else ""))
        return out

    def start(self, *args: str) -> tuple[subprocess.Popen[str], Path | None]:
        argv, report = self.argv(*args)
        proc = subprocess.Popen(
            argv, cwd=ROOT, env=self.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        return proc, report

    def ok(self, *args: str) -> Outcome:
        out = self.run(*args)
        assert out.code == 0, out.text
        return out


# --- pages ------------------------------------------------------------------------------------------

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
        """Put every page back to its starting text and empty the summary table (as a person
        would); remember the revisions so that the bot's edits after this can be counted."""
        for title, text in self.originals().items():
            ensure_page(self.api, title, text)
        ensure_page(self.api, self.summary, empty_summary())
        ensure_page(self.api, SHUTOFF, SHUTOFF_OFF)
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
