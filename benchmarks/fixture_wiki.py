"""The bench wiki the fixture (:mod:`benchmarks.fixture`) lives in: a second dev wiki
(``.devwiki-bench/``, port 8090) run by ``scripts/devwiki`` with ``DEVWIKI_DIR``/``DEVWIKI_PORT``
(never the shared wiki on 8080). :class:`BenchWiki` holds its paths, URLs and environments;
:func:`up` starts it with its database moved to tmpfs (``/dev/shm``) behind a symlink; MediaWiki's
maintenance scripts run against it through :func:`_maint`; the database is saved by :func:`snapshot`
and put back by :func:`restore`.

Restore (:func:`restore`): the server stopped (MediaWiki keeps ids read from the database in
APCu, which lives as long as the server process), the snapshot's files copied back over the live
database, the bot's state file and Pywikibot's cookie jar removed; the caller starts the server.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEVWIKI = ROOT / "scripts" / "devwiki"
MW_DIR = Path("/usr/share/mediawiki")
DEFAULT_DIR = ROOT / ".devwiki-bench"
#: The bench wiki's port: ``BENCH_WIKI_PORT`` when set (several checkouts on one machine), else 8090.
DEFAULT_PORT = int(os.environ.get("BENCH_WIKI_PORT") or 8090)
SHM = Path("/dev/shm")

Log = Callable[[str], None]


def _stderr(msg: str) -> None:
    print(f"fixture: {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# The bench wiki


@dataclass(frozen=True)
class BenchWiki:
    """The second dev wiki the benchmarks run against."""

    data: Path = DEFAULT_DIR
    port: int = DEFAULT_PORT

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api(self) -> str:
        return f"{self.url}/api.php"

    @property
    def db(self) -> Path:
        return self.data / "db"

    @property
    def pywikibot_dir(self) -> Path:
        return self.data / "pywikibot"

    @property
    def config_path(self) -> Path:
        return self.data / "bench.toml"

    @property
    def state_path(self) -> Path:
        return self.data / "bot-state.sqlite"

    @property
    def fixtures(self) -> Path:
        return self.data / "fixtures"

    def devwiki_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["DEVWIKI_DIR"] = str(self.data)
        env["DEVWIKI_PORT"] = str(self.port)
        return env

    def bot_env(self) -> dict[str, str]:
        """Environment for ``python -m bot`` (and Pywikibot baselines) against this wiki."""
        env = dict(os.environ)
        env["PYWIKIBOT_DIR"] = str(self.pywikibot_dir)
        env["PARTNERSHIP_BOT_CONFIG"] = str(self.config_path)
        env.pop("PYWIKIBOT_DIR_PWB", None)
        env["PYTHONPATH"] = str(ROOT)
        return env

    def credentials(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.data / "credentials.json").read_text(encoding="utf-8"))
        return data

    def maint_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["MW_CONFIG_FILE"] = str(self.data / "LocalSettings.php")
        return env


def devwiki(wiki: BenchWiki, *args: str) -> None:
    """``scripts/devwiki ARGS`` for the bench wiki; raises with its output on failure."""
    proc = subprocess.run(
        [str(DEVWIKI), *args],
        cwd=ROOT,
        env=wiki.devwiki_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"scripts/devwiki {' '.join(args)} failed:\n{proc.stdout}")


def _shm_db_dir(wiki: BenchWiki) -> Path | None:
    """Where the database lives on tmpfs, or None when there is no usable tmpfs."""
    if not SHM.is_dir() or not os.access(SHM, os.W_OK):
        return None
    tag = hashlib.sha256(str(wiki.data.resolve()).encode()).hexdigest()[:12]
    return SHM / f"partnership-tracker-bench-{os.getuid()}-{tag}" / "db"


def up(wiki: BenchWiki, log: Log = _stderr) -> None:
    """Start the bench wiki (installing it the first time), with its database on tmpfs."""
    target = _shm_db_dir(wiki)
    if wiki.db.is_symlink() and not (wiki.db / "devwiki.sqlite").is_file():
        # tmpfs emptied (a reboot): refill it from the empty wiki's snapshot, or install afresh.
        base = wiki.fixtures / "base"
        if (base / "devwiki.sqlite").is_file():
            log("the tmpfs database is gone: restoring the empty wiki")
            restore(Fixture(wiki, 0, 0, base, {}))
        else:
            log("the tmpfs database is gone: installing the bench wiki again")
            wiki.db.unlink()
            (wiki.data / "installed").unlink(missing_ok=True)
    devwiki(wiki, "up")
    if target is not None and not wiki.db.is_symlink() and wiki.db.is_dir():
        log(f"moving the bench database to tmpfs ({target})")
        devwiki(wiki, "down")
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(wiki.db), str(target))
        wiki.db.symlink_to(target, target_is_directory=True)
        devwiki(wiki, "up")


def down(wiki: BenchWiki) -> None:
    devwiki(wiki, "down")


def _maint(wiki: BenchWiki, script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        ["php", "-d", "memory_limit=1G", str(MW_DIR / "maintenance" / script), *args],
        cwd=ROOT,
        env=wiki.maint_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait(proc: subprocess.Popen[str], what: str) -> str:
    out, _ = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{what} failed ({proc.returncode}):\n{out[-4000:]}")
    return out


# ---------------------------------------------------------------------------------------------
# Snapshots


@dataclass(frozen=True)
class Fixture:
    wiki: BenchWiki
    count: int
    seed: int
    path: Path
    info: dict[str, Any]


def _checkpoint(db_dir: Path) -> None:
    for path in sorted(db_dir.glob("*.sqlite")):
        with contextlib.closing(sqlite3.connect(path, timeout=60)) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def snapshot(wiki: BenchWiki, dest: Path) -> None:
    tmp = dest.with_name(dest.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    _checkpoint(wiki.db)
    for path in sorted(wiki.db.glob("*.sqlite")):
        shutil.copyfile(path, tmp / path.name)
    if dest.exists():
        shutil.rmtree(dest)
    tmp.rename(dest)


def restore(fixture: Fixture) -> None:
    """Put the snapshot's database back, forget the bot's state and Pywikibot's session. The
    server is stopped first and must be started again (:func:`up`): MediaWiki keeps ids from the
    database (link targets, …) in APCu, which lives as long as the ``php -S`` process, and ids
    from the database before the restore would select the wrong rows."""
    wiki = fixture.wiki
    if (wiki.data / "installed").is_file():
        devwiki(wiki, "down")
    if wiki.db.is_symlink():
        wiki.db.resolve().mkdir(parents=True, exist_ok=True)
    wiki.db.mkdir(parents=True, exist_ok=True)
    for path in sorted(fixture.path.glob("*.sqlite")):
        tmp = wiki.db / (path.name + ".restore")
        shutil.copyfile(path, tmp)
        os.replace(tmp, wiki.db / path.name)
        for suffix in ("-wal", "-shm", "-journal"):
            (wiki.db / (path.name + suffix)).unlink(missing_ok=True)
    wiki.state_path.unlink(missing_ok=True)
    for leftover in wiki.data.glob(wiki.state_path.name + "*"):
        leftover.unlink()  # the state's journal and the bot's lock file, if any
    for jar in wiki.pywikibot_dir.glob("*.lwp"):
        jar.unlink()
