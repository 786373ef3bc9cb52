"""A large local wiki for benchmarks: N realistic partnership pages in a second dev wiki
(``.devwiki-bench/``, port 8090), built once and restored from a snapshot for each benchmark.

The pages and their XML dump are made in :mod:`benchmarks.fixture_pages`; the bench wiki itself
(:class:`~benchmarks.fixture_wiki.BenchWiki`: starting it, snapshots and restores of its database)
is in :mod:`benchmarks.fixture_wiki`. This module builds the fixture and restores it.

Build (:func:`build`): ``scripts/devwiki up`` with ``DEVWIKI_DIR``/``DEVWIKI_PORT`` (never the shared
wiki on 8080), the database moved to tmpfs (``/dev/shm``) behind a symlink, the wiki side installed
with ``python -m bot install-templates``, the pages written to a MediaWiki XML dump, loaded with
``importDump.php --no-updates``, link tables filled by ``refreshLinks.php`` in two parallel
processes over the two halves of the page id range, and the SQLite files copied to
``.devwiki-bench/fixtures/<key>/``. The key hashes what the pages depend on (the page builder in
``fixture_pages.py``, :func:`build`, ``tests/generate.py``, ``templates_wiki/``, the page count and
seed), so a change rebuilds.

Restore (:func:`ensure`): the snapshot for the page count and seed, built when absent, put back
over the live database by :func:`benchmarks.fixture_wiki.restore`.

``python -m benchmarks.fixture [--pages N] [--seed S] [--rebuild]`` builds (or restores) by itself.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import inspect
import json
import shutil
import sqlite3
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

# The ``import X as X`` lines re-export what the rest of benchmarks/ uses as ``fx.X``.
from benchmarks.fixture_pages import (
    EXTRA_DEFECTS,
    NAME_WEIGHTS,
    NAMES,
    P_COMPLETE,
    P_DUPLICATE_PARAM,
    P_TAGGED,
    P_TWO_INFOBOXES,
    P_UNKNOWN_PARAM,
    _tag,
    example_sizes,
    page,
    pages,
    write_dump,
)
from benchmarks.fixture_pages import _infobox as _infobox
from benchmarks.fixture_pages import title_of as title_of
from benchmarks.fixture_wiki import ROOT as ROOT
from benchmarks.fixture_wiki import BenchWiki as BenchWiki
from benchmarks.fixture_wiki import Fixture as Fixture
from benchmarks.fixture_wiki import Log, _maint, _stderr, _wait, restore, snapshot, up

PYTHON = ROOT / ".venv" / "bin" / "python"
FORMAT_VERSION = "1"  # bump when the fixture changes in a way fixture_key() does not see


# ---------------------------------------------------------------------------------------------
# The bot against the bench wiki


def write_bot_config(wiki: BenchWiki) -> Path:
    """``bench.toml``: config/devwiki.toml with state inside the bench directory
    and caps that a 100,000-page first pass does not hit."""
    data = tomllib.loads((ROOT / "config" / "devwiki.toml").read_text(encoding="utf-8"))
    data.setdefault("tagging", {}).update(max_tags_per_run=1_000_000, grace_days=0)
    data.setdefault("summary", {})["max_row_drop"] = 1_000_000
    data.setdefault("run", {})["state"] = str(wiki.state_path)
    wiki.data.mkdir(parents=True, exist_ok=True)
    text = "# Written by benchmarks/fixture.py from config/devwiki.toml; rewritten on every bench run.\n"
    text += _toml(data)
    wiki.config_path.write_text(text, encoding="utf-8")
    return wiki.config_path


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def _toml(data: dict[str, Any]) -> str:
    top = [f"{k} = {_toml_value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    out = "\n".join(top) + "\n"
    for key, table in data.items():
        if isinstance(table, dict):
            out += f"\n[{key}]\n" + "".join(f"{k} = {_toml_value(v)}\n" for k, v in table.items())
    return out


def run_bot(wiki: BenchWiki, *args: str) -> str:
    proc = subprocess.run(
        [str(PYTHON), "-m", "bot", *args],
        cwd=ROOT,
        env=wiki.bot_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"python -m bot {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}{proc.stdout}")
    return proc.stdout


# ---------------------------------------------------------------------------------------------
# Import, key, build


def _journal_mode(wiki: BenchWiki, mode: str) -> None:
    db = sqlite3.connect(wiki.db / "devwiki.sqlite", timeout=60)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        got = db.execute(f"PRAGMA journal_mode={mode}").fetchone()[0]
    finally:
        db.close()
    if str(got).upper() != mode:
        raise RuntimeError(f"could not set the journal mode of devwiki.sqlite to {mode} (it is {got})")


def _page_id_range(wiki: BenchWiki) -> tuple[int, int]:
    with contextlib.closing(sqlite3.connect(wiki.db / "devwiki.sqlite")) as db:
        row = db.execute(
            "SELECT MIN(page_id), MAX(page_id) FROM page WHERE page_namespace = 0 AND page_title GLOB ?",
            ("Partnership_[0-9]*",),
        ).fetchone()
    if row is None or row[0] is None:
        raise RuntimeError("the import left no pages")
    return int(row[0]), int(row[1])


def fixture_key(count: int, seed: int) -> str:
    """Names the snapshot: a hash of what the pages and the wiki depend on (the page builder's
    code and constants, tests/generate.py, templates_wiki/), so that a change there rebuilds."""
    h = hashlib.sha256(f"{FORMAT_VERSION}:{count}:{seed}".encode())
    for func in (page, pages, _infobox, _tag, write_dump, example_sizes, build):
        h.update(inspect.getsource(func).encode())
    h.update(
        repr(
            (
                EXTRA_DEFECTS,
                NAMES,
                NAME_WEIGHTS,
                P_COMPLETE,
                P_TAGGED,
                P_UNKNOWN_PARAM,
                P_DUPLICATE_PARAM,
                P_TWO_INFOBOXES,
            )
        ).encode()
    )
    for path in [ROOT / "tests" / "generate.py", *sorted((ROOT / "templates_wiki").rglob("*"))]:
        if path.is_file():
            h.update(path.read_bytes())
    return f"{count}-s{seed}-{h.hexdigest()[:12]}"


def build(wiki: BenchWiki, count: int, seed: int, log: Log = _stderr) -> Fixture:
    """Build the fixture into the (fresh or restored-empty) bench wiki and snapshot it."""
    key = fixture_key(count, seed)
    t_all = time.monotonic()
    base = wiki.fixtures / "base"
    if (base / "devwiki.sqlite").is_file():
        log("restoring the empty wiki")
        restore(Fixture(wiki, 0, seed, base, {}))
        up(wiki, log)
    else:
        up(wiki, log)
        wiki.fixtures.mkdir(parents=True, exist_ok=True)
        snapshot(wiki, base)
    write_bot_config(wiki)
    t0 = time.monotonic()
    run_bot(wiki, "install-templates")
    log(f"templates installed in {time.monotonic() - t0:.1f} s")
    dump = wiki.data / "tmp" / f"fixture-{count}.xml"
    dump.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    n, size = write_dump(dump, pages(count, seed), seed)
    t_gen = time.monotonic() - t0
    log(f"{n} pages generated, {size / 1e6:.1f} MB of wikitext, dump written in {t_gen:.1f} s")
    # WAL while loading: in the wiki's own rollback-journal mode the two refreshLinks processes
    # block each other's reads and commits and run no faster than one. Set back before the snapshot.
    _journal_mode(wiki, "WAL")
    t0 = time.monotonic()
    _wait(_maint(wiki, "importDump.php", "--no-updates", "--quiet", str(dump)), "importDump.php")
    t_import = time.monotonic() - t0
    lo, hi = _page_id_range(wiki)
    mid = (lo + hi) // 2
    log(f"imported in {t_import:.1f} s (page ids {lo}–{hi}); refreshing links in two processes")
    t0 = time.monotonic()
    halves = [
        _maint(wiki, "refreshLinks.php", "--quiet", "--namespace", "0", "--e", str(mid), str(lo)),
        _maint(wiki, "refreshLinks.php", "--quiet", "--namespace", "0", "--e", str(hi), str(mid + 1)),
    ]
    for proc in halves:
        _wait(proc, "refreshLinks.php")
    t_links = time.monotonic() - t0
    with contextlib.closing(sqlite3.connect(wiki.db / "devwiki.sqlite")) as db:
        linked = db.execute(
            "SELECT COUNT(DISTINCT tl_from) FROM templatelinks JOIN linktarget ON lt_id = tl_target_id "
            "WHERE lt_namespace = 10 AND lt_title = 'Partnership_infobox'"
        ).fetchone()[0]
    log(f"links refreshed in {t_links:.1f} s; {linked} pages transclude the infobox")
    if linked < count:
        raise RuntimeError(f"only {linked} of {count} pages transclude the infobox after refreshLinks")
    dump.unlink()
    _journal_mode(wiki, "DELETE")
    dest = wiki.fixtures / key
    info = {
        "pages": count,
        "seed": seed,
        "bytes": size,
        "generate_seconds": round(t_gen, 1),
        "import_seconds": round(t_import, 1),
        "refreshlinks_seconds": round(t_links, 1),
        "page_ids": [lo, hi],
    }
    snapshot(wiki, dest)
    info["total_seconds"] = round(time.monotonic() - t_all, 1)
    info["snapshot_bytes"] = sum(p.stat().st_size for p in dest.glob("*.sqlite"))
    (dest / "info.json").write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    log(f"fixture {key} built in {info['total_seconds']} s")
    return Fixture(wiki, count, seed, dest, info)


def ensure(wiki: BenchWiki, count: int, seed: int = 1, *, rebuild: bool = False, log: Log = _stderr) -> Fixture:
    """The fixture for (count, seed), restored into the running bench wiki; built when absent."""
    key = fixture_key(count, seed)
    path = wiki.fixtures / key
    if rebuild or not (path / "info.json").is_file():
        for old in wiki.fixtures.glob(f"{count}-s{seed}-*"):
            if old.name != key:
                log(f"removing the outdated snapshot {old.name}")
                shutil.rmtree(old)
        fixture = build(wiki, count, seed, log)
    else:
        info = json.loads((path / "info.json").read_text(encoding="utf-8"))
        fixture = Fixture(wiki, count, seed, path, info)
    t0 = time.monotonic()
    restore(fixture)
    up(wiki, log)
    write_bot_config(wiki)
    log(f"fixture {key} restored in {time.monotonic() - t0:.1f} s")
    return fixture


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rebuild", action="store_true", help="build even when a snapshot exists")
    parser.add_argument("--sample", type=int, metavar="N", help="print N generated pages' sizes and exit")
    args = parser.parse_args(argv)
    if args.sample:
        for title, text in pages(args.sample, args.seed):
            print(f"{title}\t{len(text.encode())}")
        return 0
    fixture = ensure(BenchWiki(), args.pages, args.seed, rebuild=args.rebuild)
    print(json.dumps(fixture.info, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
