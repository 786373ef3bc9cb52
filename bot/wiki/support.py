"""Plumbing of the Pywikibot gateway: merging continued query responses, counting HTTP requests,
redacting credentials from Pywikibot's log records, and the one function that turns pywikibot and
requests exceptions into ``bot.errors``."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

import requests

from bot.errors import EditConflict, LoginFailed, PageProtected, WikiError, WikiUnavailable

_PROTECTION_CODES = {"protectedpage", "cascadeprotected", "protectednamespace", "protectedtitle", "permissiondenied"}
_CONFLICT_CODES = {"editconflict", "articleexists", "pagedeleted"}


def api_time(value: str | None) -> dt.datetime | None:
    """An API timestamp (``2026-11-25T12:00:00Z``) as an aware datetime; None when absent."""
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def api_stamp(when: dt.datetime) -> str:
    """A datetime as the API takes it (UTC, seconds, ``Z``)."""
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def merge_pages(pending: dict[int, dict[str, Any]], data: dict[str, Any]) -> None:
    """Merge one response's pages into ``pending``: with continuation, a page's revisions may
    arrive in a later response than its other properties."""
    for page in data.get("query", {}).get("pages", []):
        if "pageid" not in page:
            continue
        merged = pending.setdefault(int(page["pageid"]), {})
        revisions = merged.get("revisions", []) + page.get("revisions", [])
        merged.update(page)
        merged["revisions"] = revisions


class RequestCounter:
    """A ``requests`` response hook that counts every HTTP response."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
        self.count += 1
        return response


def wiki_error(exc: BaseException, doing: str) -> WikiError:
    """The one place where pywikibot and requests exceptions become ``bot.errors``; the message is
    one line (MediaWiki's own texts, e.g. a failed login's, can hold line breaks)."""
    error = _mapped(exc, doing)
    text = str(error)
    return error if "\n" not in text and "\r" not in text else type(error)(" ".join(text.split()))


def _mapped(exc: BaseException, doing: str) -> WikiError:
    from pywikibot import exceptions as pe

    if isinstance(exc, pe.APIError):
        code, info = exc.code, exc.info
        if code in _CONFLICT_CODES:
            return EditConflict(f"{doing}: edit conflict ({code}): {info}")
        if code in _PROTECTION_CODES:
            return PageProtected(f"{doing}: the bot may not edit this page ({code}): {info}")
        if code in ("readonly", "maxlag", "internal_api_error_DBQueryError"):
            return WikiUnavailable(f"{doing}: the wiki is not accepting requests now ({code}: {info}); run again later")
        if code in ("assertuserfailed", "assertbotfailed", "badtoken", "notloggedin"):
            return LoginFailed(f"{doing}: the session was lost ({code}: {info}); run again, then check the login")
        return WikiError(f"{doing}: the wiki answered {code}: {info}")
    if isinstance(exc, EOFError):
        return LoginFailed(
            f"{doing}: Pywikibot asked for a password on standard input: put the bot's BotPassword into the "
            "password file (see user-config.py.sample)"
        )
    if isinstance(exc, pe.NoUsernameError):
        return LoginFailed(
            f"{doing}: login failed: {exc}; check usernames[...] in user-config.py and the password file"
        )
    # ConnectionError: the built-in one, which Pywikibot raises for a host name it cannot resolve.
    if isinstance(
        exc,
        pe.MaxlagTimeoutError
        | pe.ApiTimeoutError
        | pe.ServerError
        | requests.exceptions.RequestException
        | ConnectionError,
    ):
        return WikiUnavailable(
            f"{doing}: the wiki did not answer usefully ({type(exc).__name__}: {exc}); "
            "nothing more was written: check that the wiki is up and run again"
        )
    if isinstance(exc, pe.SiteDefinitionError):
        return LoginFailed(f"{doing}: unknown wiki: {exc}; check [site] family and code in the config")
    return WikiError(f"{doing}: {type(exc).__name__}: {exc}")


#: Credentials in Pywikibot's log lines: request bodies (``lgpassword=...&lgtoken=...``) and
#: parameter dumps (``'lgpassword': ['...']``).
_SECRET_IN_BODY = re.compile(r"(?i)\b((?:lg|login)?password|[a-z]*token)=[^&\s'\"]+")
_SECRET_IN_DUMP = re.compile(r"(?i)(['\"](?:(?:lg|login)?password|[a-z]*token)['\"]\s*:\s*\[?\s*['\"])[^'\"]*")


def redact(text: str) -> str:
    """``text`` with the values of password and token parameters replaced by ``<hidden>``."""
    return _SECRET_IN_DUMP.sub(r"\1<hidden>", _SECRET_IN_BODY.sub(r"\1=<hidden>", text))


def hide_secrets_in_pywikibot_logs() -> None:
    """Pywikibot's debug log (``debug_log`` in user-config.py, for troubleshooting) writes every
    request body, the login's password and the edit tokens included. Every record of its
    ``pywiki`` loggers is redacted as it is made, whatever handlers Pywikibot sets up later."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "hides_secrets", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if record.name.startswith("pywiki"):
            try:
                message = record.getMessage()
            except Exception:  # a malformed record: leave it to the logging module
                return record
            clean = redact(message)
            if clean != message:
                record.msg, record.args = clean, ()
        return record

    factory.hides_secrets = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
