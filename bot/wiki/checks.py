"""Checks made while logging in, before the first request that could do harm: the Pywikibot
directory and its password file (before pywikibot is imported, which would exit the process on a
missing user-config.py), and the configured namespaces against the wiki's."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from bot.config import SiteConfig
from bot.errors import ConfigError, LoginFailed


def check_pywikibot_dir() -> Path:
    """The Pywikibot directory, checked before pywikibot is imported (which would exit the process
    on a missing user-config.py)."""
    base = Path(os.environ.get("PYWIKIBOT_DIR") or Path.cwd())
    if not (base / "user-config.py").is_file():
        raise LoginFailed(
            f"no user-config.py in {base}: set PYWIKIBOT_DIR to the directory that holds the bot's "
            "user-config.py (copy user-config.py.sample there and fill it in)"
        )
    return base


def check_password_file(base: Path, name: str) -> None:
    path = base / name
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise LoginFailed(f"password file {path} not found: create it as user-config.py.sample explains") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise LoginFailed(
            f"password file {path} can be read by other users (mode {stat.S_IMODE(mode):o}); run: chmod 600 '{path}'"
        )


def check_namespaces(cfg: SiteConfig, known: dict[int, str]) -> None:
    """Every configured namespace must exist on the wiki. Why: the API drops a namespace number it
    does not know from ``geinamespace`` with only a warning, and an empty filter means *every*
    namespace, so a typo would let the bot list (and tag) template, user and talk pages."""
    unknown = [n for n in cfg.namespaces if n not in known]
    if unknown:
        have = ", ".join(f"{n} {name}" for n, name in sorted(known.items()) if n >= 0)
        raise ConfigError(
            [
                f"key 'site.namespaces': namespace {', '.join(map(str, unknown))} does not exist on "
                f"{cfg.family}:{cfg.code} (it has {have}); use numbers from that list, e.g. [0]"
            ]
        )
