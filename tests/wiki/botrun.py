"""Running the real bot (``python -m bot`` in a subprocess, real Pywikibot) against the dev wiki,
for the tests under tests/wiki: a private config and state database per test module."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .api import WikiApi
from .conftest import DevWiki
from .test_devwiki import unique

SUMMARY = "Partnership tracker"
SHUTOFF = "User:PartnershipBot/Shutoff"
SHUTOFF_OFF = "<!-- Write anything outside this comment to stop PartnershipBot. -->"
INCOMPLETE = """Intro of {title}.
{{{{Partnership infobox
| partner = {title} | model = content | goals = free-content, awareness
| coi_disclosure = None known | community_role = Volunteers upload files | status = proposed
}}}}
== History ==
Text with a [[link]] and a <ref>source</ref>.
{{{{Reflist}}}}"""


@dataclass(frozen=True)
class Outcome:
    code: int
    report: dict[str, Any]
    stdout: str
    stderr: str

    @property
    def text(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


@dataclass(frozen=True)
class Bot:
    devwiki: DevWiki
    config: Path
    workdir: Path

    def run(self, *args: str) -> Outcome:
        report = self.workdir / f"report-{unique('r').split()[-1]}.json"
        argv = [self.devwiki.python, "-m", "bot", "--config", str(self.config), *args]
        if args and args[0] == "run":
            argv += ["--report-json", str(report)]
        env = self.devwiki.pywikibot_env()
        proc = subprocess.run(
            argv, cwd=self.devwiki.root, env=env, capture_output=True, text=True, timeout=600, check=False
        )
        data = json.loads(report.read_text()) if report.exists() else {}
        return Outcome(proc.returncode, data, proc.stdout, proc.stderr)

    def start(self, *args: str) -> subprocess.Popen[str]:
        """Start ``python -m bot ARGS`` in the background (stdout and stderr to a log file)."""
        log = open(self.workdir / f"bot-{unique('log').split()[-1]}.log", "w+", encoding="utf-8")  # noqa: SIM115
        argv = [self.devwiki.python, "-m", "bot", "--config", str(self.config), *args]
        return subprocess.Popen(
            argv,
            cwd=self.devwiki.root,
            env=self.devwiki.pywikibot_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def ok(self, *args: str) -> Outcome:
        out = self.run(*args)
        assert out.code == 0, f"exit {out.code}\n{out.stdout}\n{out.stderr}"
        return out


def bot_fixture(
    devwiki: DevWiki, admin_api: WikiApi, tmp_path_factory: pytest.TempPathFactory, **settings: str
) -> Iterator[Bot]:
    """A configured bot with its own state database; ``settings`` replace ``key = value`` lines of
    config/devwiki.toml (e.g. ``incremental='"*/2 * * * * *"'``)."""
    workdir = tmp_path_factory.mktemp("bot")
    source = (devwiki.root / "config" / "devwiki.toml").read_text(encoding="utf-8")
    for key, value in settings.items():
        source = re.sub(rf"^{key} = .*$", f"{key} = {value}", source, flags=re.MULTILINE)
    text = re.sub(r'^state = ".*"', f'state = "{workdir / "state.sqlite"}"', source, flags=re.MULTILINE)
    config = workdir / "bot.toml"
    config.write_text(text, encoding="utf-8")
    admin_api.edit(SHUTOFF, SHUTOFF_OFF, "tests: shutoff off")
    runner = Bot(devwiki, config, workdir)
    runner.ok("install-templates")
    runner.ok("run")  # settle whatever earlier runs left
    yield runner
    admin_api.edit(SHUTOFF, SHUTOFF_OFF, "tests: shutoff off")


def contribs(api: WikiApi, user: str) -> int:
    return sum(len(r["usercontribs"]) for r in api.query(list="usercontribs", ucuser=user, uclimit="max"))


def make_page(api: WikiApi, prefix: str, text: str | None = None) -> tuple[str, str]:
    title = unique(prefix)
    body = text if text is not None else INCOMPLETE.format(title=title)
    api.edit(title, body, "tests: new partnership page")
    return title, body
