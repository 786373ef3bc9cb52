"""A large local wiki for benchmarks: N realistic partnership pages in a second dev wiki
(``.devwiki-bench/``, port 8090), built once and restored from a snapshot for each benchmark.

Pages (:func:`pages`): real Wikipedia prose, sections, tables and references from
``tests.generate.Sources`` around a ``{{Partnership infobox}}``, sized like the example corpus
(``templates_wiki/examples/*.wiki``, 2.1–3.7 KB), about 70% complete; the incomplete ones carry the
example corpus's defects (``tests.generate.DEFECTS`` plus unknown and duplicate parameters, a
missing partner, a completed partnership without its report, two infoboxes) and, as there, some
pages spell the infobox's name differently or already carry a ``{{Partnership incomplete}}`` tag.

Build (:func:`build`): ``scripts/devwiki up`` with ``DEVWIKI_DIR``/``DEVWIKI_PORT`` (never the shared
wiki on 8080), the database moved to tmpfs (``/dev/shm``) behind a symlink, the wiki side installed
with ``python -m bot install-templates``, the pages written to a MediaWiki XML dump, loaded with
``importDump.php --no-updates``, link tables filled by ``refreshLinks.php`` in two parallel
processes over the two halves of the page id range, and the SQLite files copied to
``.devwiki-bench/fixtures/<key>/``. The key hashes what the pages depend on (this file,
``tests/generate.py``, ``templates_wiki/``, the page count and seed), so a change rebuilds.

Restore (:func:`restore`): the snapshot's files copied back over the live database (the server
opens SQLite per request, so an idle server needs no restart), the bot's state file and
Pywikibot's cookie jar removed.

``python -m benchmarks.fixture [--pages N] [--seed S] [--rebuild]`` builds (or restores) by itself.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import html
import inspect
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests import generate

ROOT = Path(__file__).resolve().parent.parent
DEVWIKI = ROOT / "scripts" / "devwiki"
PYTHON = ROOT / ".venv" / "bin" / "python"
MW_DIR = Path("/usr/share/mediawiki")
EXAMPLES = ROOT / "templates_wiki" / "examples"
DEFAULT_DIR = ROOT / ".devwiki-bench"
DEFAULT_PORT = 8090
SHM = Path("/dev/shm")
FORMAT_VERSION = "1"  # bump when the fixture changes in a way fixture_key() does not see

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


def write_bot_config(wiki: BenchWiki) -> Path:
    """``bench.toml``: config/devwiki.toml with absolute rules, state inside the bench directory
    and caps that a 100,000-page first pass does not hit."""
    data = tomllib.loads((ROOT / "config" / "devwiki.toml").read_text(encoding="utf-8"))
    data["rules"] = str(ROOT / "config" / str(data.get("rules", "rules.toml")))
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
# Pages

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
# Dump, import, snapshot

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
