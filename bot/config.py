"""``config/bot.toml`` → a frozen :class:`Config`, checked on load.

Every problem (unknown key, wrong type, bad value, unreadable rules file) is collected and raised
as one ``ConfigError`` whose lines name the file, the key and the fix. The config file is chosen by
``--config``, else ``$PARTNERSHIP_BOT_CONFIG``, else ``config/bot.toml`` next to the package.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bot.errors import ConfigError
from bot.rules import Rules, load_rules
from bot.schema import Reader, load_toml

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config" / "bot.toml"


@dataclass(frozen=True)
class SiteConfig:
    family: str
    code: str
    namespaces: tuple[int, ...]
    maxlag: int
    max_retries: int
    retry_wait: int


@dataclass(frozen=True)
class PagesConfig:
    summary: str
    status: str
    shutoff: str
    tag_template: str


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


@dataclass(frozen=True)
class Config:
    path: Path
    rules: Rules
    site: SiteConfig
    pages: PagesConfig
    tagging: TaggingConfig
    max_row_drop: int
    run: RunConfig


def config_path(explicit: str | None = None) -> Path:
    """The config file to use: ``explicit``, else ``$PARTNERSHIP_BOT_CONFIG``, else the default."""
    chosen = explicit or os.environ.get("PARTNERSHIP_BOT_CONFIG")
    return Path(chosen) if chosen else DEFAULT_CONFIG


def load_config(path: Path) -> Config:
    data = load_toml(path)
    r = Reader(path)
    r.keys(data, "", ["rules", "site", "pages", "tagging", "summary", "run"])
    rules_path = path.parent / r.string(data, "", "rules", default="rules.toml")
    site_t, pages_t = r.table(data, "", "site"), r.table(data, "", "pages")
    tag_t, sum_t = r.table(data, "", "tagging"), r.table(data, "", "summary")
    run_t = r.table(data, "", "run")
    r.keys(run_t, "run", ["state", "shutoff_check_seconds", "status_heartbeat_hours"])
    r.keys(site_t, "site", ["family", "code", "namespaces", "maxlag", "max_retries", "retry_wait"])
    r.keys(pages_t, "pages", ["summary", "status", "shutoff", "tag_template"])
    r.keys(tag_t, "tagging", ["grace_days", "retag_after_days", "max_tags_per_run"])
    r.keys(sum_t, "summary", ["max_row_drop"])
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
    )
    pages = PagesConfig(
        summary=r.string(pages_t, "pages", "summary", default="Partnership tracker"),
        status=r.string(pages_t, "pages", "status", default="User:PartnershipBot/Status"),
        shutoff=r.string(pages_t, "pages", "shutoff", default="User:PartnershipBot/Shutoff"),
        tag_template=r.string(pages_t, "pages", "tag_template", default="Partnership incomplete"),
    )
    for key, title in vars(pages).items():
        if not title.strip() or any(c in title for c in "#<>[]{}|"):
            r.problem(f"pages.{key}", f"{title!r} is not a valid page title", "give a plain page title")
    tagging = TaggingConfig(
        grace_days=r.integer(tag_t, "tagging", "grace_days", default=14),
        retag_after_days=r.integer(tag_t, "tagging", "retag_after_days", default=30),
        max_tags_per_run=r.integer(tag_t, "tagging", "max_tags_per_run", default=25, minimum=1),
    )
    max_row_drop = r.integer(sum_t, "summary", "max_row_drop", default=20, minimum=1)
    run = RunConfig(
        state_path=path.parent / r.string(run_t, "run", "state", default="../state/tracker.sqlite"),
        shutoff_check_seconds=r.integer(run_t, "run", "shutoff_check_seconds", default=60, minimum=1),
        status_heartbeat_hours=r.integer(run_t, "run", "status_heartbeat_hours", default=24, minimum=1),
    )
    rules: Rules | None = None
    try:
        rules = load_rules(rules_path)
    except ConfigError as exc:
        r.problems.extend(exc.problems)
    r.done()
    assert rules is not None
    return Config(path, rules, site, pages, tagging, max_row_drop, run)
