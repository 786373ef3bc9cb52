"""Setting Pywikibot up for one wiki and logging in: its configuration from the bot's ``[site]``
settings, the checks of :mod:`bot.wiki.checks` in their order (the Pywikibot directory and password
file before pywikibot is imported, the password entry before the login, the namespaces after it),
and a request counter on Pywikibot's HTTP session."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

from bot.config import SiteConfig
from bot.errors import LoginFailed, WikiError
from bot.wiki.checks import (
    MAIN_PASSWORD_WARNING,
    check_login_entry,
    check_namespaces,
    check_password_file,
    check_pywikibot_dir,
    forbid_prompts,
    password_path,
)
from bot.wiki.support import RequestCounter, hide_secrets_in_pywikibot_logs, wiki_error

log = logging.getLogger("bot.wiki")


@dataclass(frozen=True)
class Session:
    """A logged-in Pywikibot site, the account's rights and the counter of HTTP requests."""

    site: Any
    rights: frozenset[str]
    counter: RequestCounter


def log_in(cfg: SiteConfig) -> Session:
    """Configure Pywikibot (maxlag, retries and their waits, timeouts) and log in to the configured
    wiki. Raises ``LoginFailed`` (no usable user-config.py or password file, no entry for the
    user, a refused login, an unknown wiki), ``ConfigError`` (a namespace the wiki lacks) or
    ``WikiUnavailable``, each with one line saying what to do."""
    base = check_pywikibot_dir()
    os.environ.setdefault("PYWIKIBOT_DIR", str(base))
    try:
        import pywikibot
        from pywikibot.comms import http
    except SystemExit as exc:  # pywikibot exits on a broken user-config.py
        raise LoginFailed(f"Pywikibot could not load {base}/user-config.py: {exc}") from None
    hide_secrets_in_pywikibot_logs()
    pywikibot.config.write_maxlag = cfg.maxlag
    pywikibot.config.read_maxlag = max(cfg.maxlag, 30)
    pywikibot.config.max_retries = cfg.max_retries
    pywikibot.config.retry_wait = cfg.retry_wait
    pywikibot.config.retry_max = 120
    # Serial reads carry maxlag: no 0.1 s pause between them, unless user-config.py sets one.
    if pywikibot.config.minthrottle == 0.1:
        pywikibot.config.minthrottle = 0
    pywikibot.config.socket_timeout = (6.05, 60)
    password_name = str(pywikibot.config.password_file or "user-password.py")
    check_password_file(base, password_name)
    passwords = password_path(base, password_name)
    counter = RequestCounter()
    http.session.hooks["response"].append(counter)
    try:
        site = pywikibot.Site(cfg.code, cfg.family)
        if check_login_entry(site, passwords):  # before the login: never a password prompt
            log.warning(MAIN_PASSWORD_WARNING.format(user=site.username(), path=passwords))
        forbid_prompts(pywikibot.bot.ui, str(site.username()), passwords)
        site.login()
        rights = frozenset(site.userinfo.get("rights", ()))
        if "anon" in site.userinfo or not site.user():
            raise LoginFailed(f"not logged in to {site}: check the user name and password file in {base}")
    except WikiError:
        raise
    except Exception as exc:
        raise wiki_error(exc, f"logging in to {cfg.family}:{cfg.code}") from None
    check_namespaces(cfg, {int(n): str(ns.custom_name or "(main)") for n, ns in site.namespaces.items()})
    if "apihighlimits" not in rights:
        log.warning(
            "the account lacks apihighlimits (bot flag, or the BotPassword's high-volume grant): reads fetch "
            "50 pages per request instead of 500"
        )
    return Session(site, rights, counter)
