"""The reliability tests' own wiki, and bot runs through the fault proxy.

* :func:`start_relwiki` starts a second, independent dev wiki (``.devwiki-rel/``, port 8095 unless
  ``RELIABILITY_WIKI_PORT`` says otherwise) so that faults and kills never touch the shared one.
* :func:`proxied_pywikibot_dir` copies its Pywikibot directory and points the family file at the
  proxy.
* :class:`BotRunner` runs ``python -m bot`` in a subprocess with a private config (own namespace,
  summary page, status page and state database per scenario).

The pages of a scenario and the checks made on them are in :mod:`tests.reliability.scenario`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.wiki.botrun import Outcome
from tests.wiki.conftest import DevWiki, run_devwiki

from . import counters

ROOT = Path(__file__).resolve().parents[2]
DEVWIKI_SCRIPT = ROOT / "scripts" / "devwiki"
REL_DIR = Path(os.environ.get("RELIABILITY_WIKI_DIR") or ROOT / ".devwiki-rel")
REL_PORT = int(os.environ.get("RELIABILITY_WIKI_PORT") or 8095)
TAG_TEMPLATE = "Partnership incomplete"
SHUTOFF = "User:PartnershipBot/Shutoff"
SHUTOFF_OFF = "<!-- Write anything outside this comment to stop PartnershipBot. -->"
START = "<!-- partnership-tracker:start -->"
END = "<!-- partnership-tracker:end -->"


def start_relwiki(timeout: float = 1200.0) -> DevWiki:
    """``DEVWIKI_DIR=.devwiki-rel DEVWIKI_PORT=8095 ./scripts/devwiki up`` and its credentials.
    Raises ``RuntimeError`` with the script's output when the wiki cannot start."""
    env = dict(os.environ, DEVWIKI_DIR=str(REL_DIR), DEVWIKI_PORT=str(REL_PORT))
    proc = run_devwiki("up", timeout=timeout, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"./scripts/devwiki up (DEVWIKI_DIR={REL_DIR}) failed:\n{proc.stdout}")
    return DevWiki.from_credentials(REL_DIR)


def proxied_pywikibot_dir(wiki: DevWiki, host: str, dest: Path) -> Path:
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


@dataclass
class BotRunner:
    """``python -m bot --config CONFIG ...`` in a subprocess, Pywikibot pointed at ``pywikibot_dir``."""

    wiki: DevWiki
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
