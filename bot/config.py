"""``config/bot.toml`` → a frozen :class:`Config`, checked on load.

Every problem (unknown key, wrong type, bad value, a broken shipped rules file) is collected and raised
as one ``ConfigError`` whose lines name the file, the key and the fix. The config file is chosen by
``--config``, else ``$PARTNERSHIP_BOT_CONFIG``, else ``config/bot.toml`` next to the package.

The rules live on the wiki (``[pages] rules``, read by every pass); :attr:`Config.rules` holds the
file shipped with the bot (:data:`bot.rules.DEFAULT_RULES`), which the offline checker reads and a
pass replaces with the page's. Paths (``[run] state``) are relative to the config file and may name environment
variables as ``${NAME}`` or ``${NAME:-default}`` (the default when NAME is unset or empty): the dev
wiki's state follows ``DEVWIKI_DIR`` that way. An unset variable without a default is a problem
line like any other (a path never silently becomes ``/bot-state.sqlite``).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot import i18n
from bot.errors import ConfigError
from bot.rules import DEFAULT_RULES, Rules, load_rules
from bot.schema import Reader, load_toml

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config" / "bot.toml"
#: While saving, the shutoff page is read again at least every this many edits and seconds (a
#: config may ask for less, never more: operators expect a stop within seconds).
SHUTOFF_LIMIT = 10


@functools.cache
def meta_extension_tags() -> frozenset[str]:
    """Meta-Wiki's extension tags: ``[site] extension_tags`` of the shipped ``config/bot.toml``, the
    one list (the dev wiki registers the same tags from it). Raises ``ConfigError`` if that file
    lacks a valid list."""
    r = Reader(DEFAULT_CONFIG)
    site = r.table(load_toml(DEFAULT_CONFIG), "", "site")
    if "extension_tags" not in site:
        r.problem("site.extension_tags", "missing", "restore Meta-Wiki's list from git")
        r.done()
    tags = _extension_tags(r, site["extension_tags"])
    r.done()
    return tags


#: A tag name as MediaWiki's ``Parser::setHook`` lower-cases it and the preprocessor matches it.
_TAG_NAME = re.compile(r"[a-z0-9][a-z0-9_.:-]*")


def _extension_tags(r: Reader, value: Any) -> frozenset[str]:
    """``[site] extension_tags``: a non-empty list of lower-case tag names (``ref``, not ``<ref>``)."""
    fix = 'write lower-case names without brackets, e.g. ["ref", "references", "nowiki"]'
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        r.problem("site.extension_tags", f"expected a non-empty list of tag names, got {value!r}", fix)
        return frozenset()
    bad = [v for v in value if not _TAG_NAME.fullmatch(v)]
    if bad:
        r.problem("site.extension_tags", f"{bad[0]!r} is not a lower-case tag name", fix)
    return frozenset(value)


def _language(r: Reader, value: str, environ: Mapping[str, str]) -> str:
    """``[site] language``: a catalog of ``i18n/``; may name an environment variable like a path
    (``"${DEVWIKI_LANG:-en}"``)."""
    code, problem = expand_variables(value, environ)
    if problem:
        r.problem("site.language", *problem)
        return "en"
    there = i18n.load().languages
    if code not in there:
        r.problem("site.language", f"no messages in language {code!r}", f"write one of: {', '.join(there)}")
        return "en"
    return code


@dataclass(frozen=True)
class SiteConfig:
    family: str
    code: str
    namespaces: tuple[int, ...]
    maxlag: int
    max_retries: int
    retry_wait: int
    language: str = "en"
    """The language every word the bot writes on this wiki is in (a catalog in ``i18n/``)."""
    extension_tags: frozenset[str] = field(default_factory=meta_extension_tags)
    """Tags whose body MediaWiki's preprocessor keeps whole (``meta=siteinfo&siprop=extensiontags``),
    lower-case, without angle brackets. Default: Meta-Wiki's set, as written in ``config/bot.toml``."""


@dataclass(frozen=True)
class PagesConfig:
    summary: str
    status: str
    shutoff: str
    tag_template: str
    rules: str = "Module:Partnership tracker/rules.json"
    """The community's rules page (JSON content model), read by every pass."""
    data: str = "Partnership tracker/data.json"
    """The data page: the summary table's rows as JSON (JSON content model), kept in step by every
    pass that rebuilds the table (default: ``data.json`` below the summary page)."""


@dataclass(frozen=True)
class TaggingConfig:
    grace_days: int
    retag_after_days: int
    max_tags_per_run: int


@dataclass(frozen=True)
class RunConfig:
    state_path: Path
    """SQLite file of per-page tag state and run records (relative paths: to the config file)."""
    shutoff_check_seconds: int
    """While saving, the shutoff page is read again when this many seconds passed since the last read."""
    status_heartbeat_hours: int
    """The status page is saved at least this often even when nothing changed."""
    shutoff_check_edits: int = SHUTOFF_LIMIT
    """... or when this many edits were made since the last read, whichever comes first."""


@dataclass(frozen=True)
class ScheduleConfig:
    full: str
    """Crontab expression (UTC) of the full sweep."""
    incremental: str
    """Crontab expression (UTC) of incremental passes; empty: none."""
    misfire_grace_seconds: int
    on_lock: str
    """``exit`` or ``wait`` when another pass holds the run lock."""
    backoff_after_failures: int
    backoff_max_minutes: int
    log_format: str
    """``text`` or ``json``."""
    reread: str = "0 4 * * 0"
    """Crontab expression (UTC) of the full sweep that reads every page's text (``run --reread``);
    empty: none. The ``full`` sweep re-validates stored readings of unchanged pages."""


@dataclass(frozen=True)
class Config:
    path: Path
    rules: Rules
    """The shipped rules file's (the offline checker's); a pass uses the rules page's instead."""
    site: SiteConfig
    pages: PagesConfig
    tagging: TaggingConfig
    max_row_drop: int
    run: RunConfig
    schedule: ScheduleConfig
    max_page_bytes: int = 1_900_000
    """A summary table larger than this (UTF-8 bytes) is split into numbered subpages."""


def config_path(explicit: str | None = None) -> Path:
    """The config file to use: ``explicit``, else ``$PARTNERSHIP_BOT_CONFIG``, else the default."""
    chosen = explicit or os.environ.get("PARTNERSHIP_BOT_CONFIG")
    return Path(chosen) if chosen else DEFAULT_CONFIG


def load_config(path: Path, environ: Mapping[str, str] | None = None) -> Config:
    """Read and check ``path``; ``environ`` (default ``os.environ``) expands ``${NAME}`` in paths."""
    env = os.environ if environ is None else environ
    data = load_toml(path)
    r = Reader(path)
    if "rules" in data:
        r.problem(
            "rules",
            "the rules file setting is gone: the rules live on the wiki page [pages] rules",
            "delete this line (offline, check reads templates_wiki/Module/Partnership tracker/rules.json, or --rules FILE)",
        )
        data = {k: v for k, v in data.items() if k != "rules"}
    r.keys(data, "", ["site", "pages", "tagging", "summary", "run", "schedule"])
    site_t, pages_t = r.table(data, "", "site"), r.table(data, "", "pages")
    tag_t, sum_t = r.table(data, "", "tagging"), r.table(data, "", "summary")
    run_t = r.table(data, "", "run")
    sched_t = r.table(data, "", "schedule")
    r.keys(run_t, "run", ["state", "shutoff_check_seconds", "shutoff_check_edits", "status_heartbeat_hours"])
    r.keys(
        site_t,
        "site",
        ["family", "code", "namespaces", "maxlag", "max_retries", "retry_wait", "extension_tags", "language"],
    )
    r.keys(pages_t, "pages", ["summary", "status", "shutoff", "tag_template", "rules", "data"])
    r.keys(tag_t, "tagging", ["grace_days", "retag_after_days", "max_tags_per_run"])
    r.keys(sum_t, "summary", ["max_row_drop", "max_page_bytes"])
    namespaces = site_t.get("namespaces", [0])
    if (
        not isinstance(namespaces, list)
        or not namespaces
        or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in namespaces)
    ):
        r.problem(
            "site.namespaces",
            f"expected a non-empty list of namespace numbers, got {namespaces!r}",
            "write e.g. [0]",
        )
        namespaces = [0]
    site = SiteConfig(
        family=r.string(site_t, "site", "family", default="meta"),
        code=r.string(site_t, "site", "code", default="meta"),
        namespaces=tuple(namespaces),
        maxlag=r.integer(site_t, "site", "maxlag", default=5, minimum=1),
        max_retries=r.integer(site_t, "site", "max_retries", default=5),
        retry_wait=r.integer(site_t, "site", "retry_wait", default=5, minimum=1),
        language=_language(r, r.string(site_t, "site", "language", default="en"), env),
        extension_tags=(
            _extension_tags(r, site_t["extension_tags"]) if "extension_tags" in site_t else meta_extension_tags()
        ),
    )
    summary = r.string(pages_t, "pages", "summary", default="Partnership tracker")
    pages = PagesConfig(
        summary=summary,
        status=r.string(pages_t, "pages", "status", default="User:PartnershipBot/Status"),
        shutoff=r.string(pages_t, "pages", "shutoff", default="User:PartnershipBot/Shutoff"),
        tag_template=r.string(pages_t, "pages", "tag_template", default="Partnership incomplete"),
        rules=r.string(pages_t, "pages", "rules", default="Module:Partnership tracker/rules.json"),
        data=r.string(pages_t, "pages", "data", default=f"{summary}/data.json"),
    )
    for key, title in vars(pages).items():
        if r.reported(f"pages.{key}") or (key == "data" and key not in pages_t):
            continue  # e.g. not a string: one line per key; data's default follows the summary's title
        if not title.strip() or any(c in title for c in "#<>[]{}|"):
            r.problem(f"pages.{key}", f"{title!r} is not a valid page title", "give a plain page title")
    tagging = TaggingConfig(
        grace_days=r.integer(tag_t, "tagging", "grace_days", default=14),
        retag_after_days=r.integer(tag_t, "tagging", "retag_after_days", default=30),
        max_tags_per_run=r.integer(tag_t, "tagging", "max_tags_per_run", default=25, minimum=1),
    )
    max_row_drop = r.integer(sum_t, "summary", "max_row_drop", default=20, minimum=1)
    # MediaWiki refuses a page over $wgMaxArticleSize (2 MiB by default, as on Meta-Wiki)
    max_page_bytes = r.integer(
        sum_t, "summary", "max_page_bytes", default=1_900_000, minimum=10_000, maximum=MAX_ARTICLE_BYTES
    )
    state = _path(r, path, "run.state", r.string(run_t, "run", "state", default="../state/tracker.sqlite"), env)
    run = RunConfig(
        state_path=state or path.parent,
        shutoff_check_seconds=r.integer(run_t, "run", "shutoff_check_seconds", **_SHUTOFF_BOUNDS),
        status_heartbeat_hours=r.integer(run_t, "run", "status_heartbeat_hours", default=24, minimum=1),
        shutoff_check_edits=r.integer(run_t, "run", "shutoff_check_edits", **_SHUTOFF_BOUNDS),
    )
    schedule = _schedule(r, sched_t)
    rules: Rules | None = None
    try:
        rules = load_rules(DEFAULT_RULES)
    except ConfigError as exc:
        r.problems.extend(exc.problems)
    r.done()
    assert rules is not None
    return Config(path, rules, site, pages, tagging, max_row_drop, run, schedule, max_page_bytes)


_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def expand_variables(value: str, environ: Mapping[str, str]) -> tuple[str, tuple[str, str] | None]:
    """``value`` with ``${NAME}`` and ``${NAME:-default}`` replaced from ``environ`` (an empty
    variable counts as unset, as ``:-`` does in a shell), and what is wrong with it and the fix, if
    anything: an unset variable without a default, or a ``${`` that is not a well-formed reference.
    Nothing else is expanded (no ``$NAME``, no ``~``)."""
    missing: list[str] = []

    def one(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if environ.get(name):
            return environ[name]
        if default is not None:
            return default
        missing.append(name)
        return ""

    expanded = _VARIABLE.sub(one, value)
    if "${" in _VARIABLE.sub("", value):
        return expanded, (f"{value!r} has a malformed ${{...}}", "write ${NAME} or ${NAME:-default}")
    if missing:
        return expanded, (
            f"environment variable {missing[0]} (in {value!r}) is not set",
            f"set it, or give a default: ${{{missing[0]}:-path}}",
        )
    return expanded, None


def _path(r: Reader, config: Path, key: str, value: str, environ: Mapping[str, str]) -> Path | None:
    """A path setting: variables expanded, relative to the config file's directory; None (and a
    problem recorded) when a variable cannot be expanded."""
    expanded, problem = expand_variables(value, environ)
    if problem:
        r.problem(key, *problem)
        return None
    return config.parent / expanded


#: ``[run] shutoff_check_seconds`` and ``shutoff_check_edits``: from 1 to :data:`SHUTOFF_LIMIT` (the default).
_SHUTOFF_BOUNDS: dict[str, Any] = {
    "default": SHUTOFF_LIMIT,
    "minimum": 1,
    "maximum": SHUTOFF_LIMIT,
    "why": f"the shutoff must stop the bot within {SHUTOFF_LIMIT} edits or seconds",
}

#: MediaWiki's default $wgMaxArticleSize (2048 KiB), Meta-Wiki's too: no page the bot writes may be larger.
MAX_ARTICLE_BYTES = 2_097_152


def _schedule(r: Reader, t: dict[str, object]) -> ScheduleConfig:
    keys = ["full", "incremental", "misfire_grace_seconds", "on_lock", "backoff_after_failures"]
    r.keys(t, "schedule", [*keys, "backoff_max_minutes", "log_format", "reread"])
    cfg = ScheduleConfig(
        full=r.string(t, "schedule", "full", default="0 3 * * *"),
        incremental=r.string(t, "schedule", "incremental", default="*/10 * * * *"),
        misfire_grace_seconds=r.integer(t, "schedule", "misfire_grace_seconds", default=300, minimum=1),
        on_lock=r.string(t, "schedule", "on_lock", default="exit"),
        backoff_after_failures=r.integer(t, "schedule", "backoff_after_failures", default=3, minimum=1),
        backoff_max_minutes=r.integer(t, "schedule", "backoff_max_minutes", default=240, minimum=1),
        log_format=r.string(t, "schedule", "log_format", default="text"),
        reread=r.string(t, "schedule", "reread", default="0 4 * * 0"),
    )
    for key in ("full", "incremental", "reread"):
        expr = getattr(cfg, key)
        if key != "full" and not expr.strip():
            continue
        problem = cron_problem(expr)
        if problem:
            r.problem(
                f"schedule.{key}",
                f"{expr!r} is not a crontab expression ({problem})",
                'write five fields, e.g. "*/10 * * * *"',
            )
    if cfg.on_lock not in ("exit", "wait"):
        r.problem("schedule.on_lock", f"{cfg.on_lock!r} is not allowed", 'use "exit" or "wait"')
    if cfg.log_format not in ("text", "json"):
        r.problem("schedule.log_format", f"{cfg.log_format!r} is not allowed", 'use "text" or "json"')
    return cfg


_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def cron_trigger(expr: str) -> Any:
    """An APScheduler ``CronTrigger`` (UTC) for a crontab expression: five fields as in crontab,
    or six with seconds first (``*/5 * * * * *``, used by tests and demos)."""
    from apscheduler.triggers.cron import CronTrigger

    fields = expr.split()
    if len(fields) not in (5, 6):
        raise ValueError(f"wrong number of fields: got {len(fields)}, expected 5 (or 6 with seconds first)")
    second, minute, hour, day, month, dow = fields if len(fields) == 6 else ["0", *fields]
    # APScheduler 3 numbers weekdays from Monday = 0; crontab from Sunday = 0 (and 7): use names.
    dow = re.sub(r"(?<![/\d])[0-7](?!\d)", lambda m: _DAYS[int(m.group(0)) % 7], dow)
    return CronTrigger(second=second, minute=minute, hour=hour, day=day, month=month, day_of_week=dow, timezone="UTC")


def cron_problem(expr: str) -> str | None:
    """Why APScheduler rejects a crontab expression, or None."""
    try:
        cron_trigger(expr)
    except ValueError as exc:
        return str(exc)
    return None
