"""One exception tree for the whole bot. Only :mod:`bot.cli` turns these into messages and exit codes.

::

    BotError                      anything the bot reports to a person (exit 2 unless noted)
    ├── ConfigError               a config or rules file is unreadable or wrong (lists every problem)
    ├── StateError                the state database cannot be read or written
    ├── InputError                a wikitext file cannot be read or decoded (offline check)
    ├── MessageError              a shipped message catalog (i18n/) is broken or lacks a key (a bug)
    ├── Interrupted               SIGTERM/SIGINT: the pass stopped after the page in hand (exit 5)
    ├── LockHeld                  another pass holds the run lock (exit 6)
    ├── SafetyStop                a safety cap or precondition refused a write (missing marker, caps)
    └── WikiError                 the wiki could not do what was asked
        ├── WikiUnavailable       network down, 5xx, maxlag beyond the retry budget
        ├── LoginFailed           bad or missing credentials, password file permissions
        ├── ShutoffEngaged        the on-wiki shutoff page holds text outside comments
        ├── EditConflict          someone saved after our base revision
        ├── PageProtected         the bot may not edit this page
        └── BotsDenied            the page's {{bots}}/{{nobots}} excludes this bot
"""

from __future__ import annotations


class BotError(Exception):
    """Base of every error the bot reports; ``str()`` is the whole message for a person."""

    exit_code = 2


class ConfigError(BotError):
    """A configuration or rules file is wrong. ``problems`` holds one line per problem, each naming
    the file, the key and the fix; ``str()`` joins them."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class StateError(BotError):
    """The state database failed (locked too long, corrupt, disk full); nothing was stored."""


class InputError(BotError):
    """A wikitext file given to ``check`` could not be read (missing, unreadable, not UTF-8)."""


class MessageError(BotError):
    """A message catalog shipped in ``i18n/`` is unreadable or has no English text for a key: a bug
    in the bot, never a reader's fault."""


class SafetyStop(BotError):
    """A safety cap or precondition stopped the run before a write; nothing was saved by that step."""

    exit_code = 3


class Interrupted(BotError):
    """A signal asked the pass to stop; it finished the page in hand and stored nothing."""

    exit_code = 5


class LockHeld(BotError):
    """Another pass (daemon or manual run) holds the run lock."""

    exit_code = 6


class WikiError(BotError):
    """The wiki could not do what was asked."""


class WikiUnavailable(WikiError):
    """The wiki did not answer usefully within the retry budget (network, 5xx, maxlag, read-only)."""


class LoginFailed(WikiError):
    """Login was impossible: missing or wrong credentials, or an unsafe password file."""


class ShutoffEngaged(WikiError):
    """The on-wiki shutoff page holds text outside HTML comments: the bot must not write."""

    exit_code = 4


class EditConflict(WikiError):
    """The page changed after the revision the edit was based on."""


class PageProtected(WikiError):
    """The bot lacks the right to edit this page."""


class BotsDenied(WikiError):
    """The page excludes this bot with ``{{bots}}`` or ``{{nobots}}``."""


#: Errors that end a pass wherever they are raised; any other ``WikiError`` from a save is reported
#: (a skipped page, an error line) and the pass goes on.
FATAL: tuple[type[WikiError], ...] = (WikiUnavailable, LoginFailed, ShutoffEngaged)
