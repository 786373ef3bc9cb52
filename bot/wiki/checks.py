"""Checks made while logging in, before the first request that could do harm: the Pywikibot
directory and its password file (before pywikibot is imported, which would exit the process on a
missing user-config.py), the password file's entry for the configured user (read by Pywikibot's
own reader, before the login), and the configured namespaces against the wiki's.

The bot never lets Pywikibot prompt: a run is unattended (cron, systemd, Toolforge), where a prompt
without a terminal ends in a traceback and with one waits for ever. Pywikibot prompts for a
password when the password file has no entry for the user, and again after a failed login it may
retry (a throttled or unknown error), also when it logs in again in the middle of a pass;
:func:`check_login_entry` catches the first before the login, :func:`forbid_prompts` turns any
other into a one-line ``LoginFailed``."""

from __future__ import annotations

import logging
import os
import re
import stat
from pathlib import Path
from typing import Any

from bot.config import SiteConfig
from bot.errors import ConfigError, LoginFailed

log = logging.getLogger("bot.wiki")


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


def password_path(base: Path, name: str) -> Path:
    """The password file as Pywikibot finds it: relative to the Pywikibot directory, else as given."""
    path = base / name
    return path if path.is_file() and not path.is_symlink() else Path(name)


def check_login_entry(site: Any, path: Path) -> bool:
    """Read the password file with Pywikibot's own reader (``LoginManager.readPassword``: lines
    from the last, tuples of 2 to 4 items, ``BotPassword(...)`` recognised by name, the user name
    normalised) and fail with one line when it has no password for the configured user, instead of
    letting Pywikibot ask for one. Returns whether the entry is the account's main password (a plain
    ``('user', 'password')`` tuple where a ``BotPassword`` belongs)."""
    import warnings

    from pywikibot import login
    from pywikibot.exceptions import NoUsernameError
    from pywikibot.login import ClientLoginManager

    where = f"{site.family.name}:{site.code}"
    # Pywikibot's warning about a malformed line quotes the line, password included: report the
    # line number alone, and silence the warning for the rest of the process (its own login reads
    # the file again).
    quiet: type[Warning] = getattr(login, "_PasswordFileWarning", RuntimeWarning)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", quiet)
            manager = ClientLoginManager(site=site)
        warnings.filterwarnings("ignore", category=quiet)
        for warning in (w for w in caught if issubclass(w.category, quiet)):
            line = re.search(r"line \d+", str(warning.message))
            log.warning(
                "password file %s: %s is not a valid entry (ignored)", path, line.group(0) if line else "a line"
            )
    except NoUsernameError:
        raise LoginFailed(
            f"no user name for {where} in {path.parent / 'user-config.py'}: add the line "
            f"usernames[{site.family.name!r}][{site.code!r}] = 'BotAccount' (the account, without @suffix)"
        ) from None
    except ValueError as exc:  # Pywikibot's messages never hold the password
        raise LoginFailed(
            f"password file {path}: {exc}; write one tuple per line, as user-config.py.sample shows"
        ) from None
    if not manager.password:
        raise LoginFailed(
            f"no password for user {manager.username!r} on {where} in {path}: add the line "
            f"({manager.username!r}, BotPassword('suffix', 'password')) with a bot password from "
            f"Special:BotPasswords, or correct the user name in {path.parent / 'user-config.py'}"
        )
    return bool(manager.login_name == manager.username and "@" not in str(manager.login_name))


MAIN_PASSWORD_WARNING = (
    "the password file gives the main password of account {user!r}: the bot then logs in with every right of "
    "the account. Create a bot password at Special:BotPasswords with only the grants the bot needs and write "
    "({user!r}, BotPassword('suffix', 'password')) in {path}, as Pywikibot's documentation advises"
)


def forbid_prompts(ui: Any, user: str, path: Path) -> None:
    """Make Pywikibot's user interface (``pywikibot.bot.ui``) refuse to ask anything for the rest of
    the process: a question raises ``LoginFailed`` (which ends the login, or the request that logged
    in again) instead of waiting for an answer; a question asked with ``force`` gets its default,
    as before. The bot itself never asks Pywikibot to prompt."""

    def refuse(question: str, password: bool = False, default: str | None = "", force: bool = False) -> str:
        if force:
            return default or ""
        raise LoginFailed(
            f"Pywikibot wanted to ask {question.strip()!r} after a failed login as {user!r}, and the bot never "
            f"prompts: check the entry for {user!r} in {path} (a bot password from Special:BotPasswords) and run "
            "again; if the wiki throttled logins, wait a few minutes first"
        )

    ui.input = refuse


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
