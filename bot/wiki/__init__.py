"""The wiki edge: the only package that talks to a wiki (and the only one that imports pywikibot).

The job sees a wiki only through :class:`Gateway`. The real implementation,
:class:`bot.wiki.pwb.PywikibotGateway`, is imported lazily by :func:`connect` so that the pure core
and the offline checker never load pywikibot. Tests of the job use a small fake that follows the same
Protocol (``tests/fakes.py``); the real gateway is tested against the local dev wiki, and offline
against canned API answers at the transport seam (``tests/transport.py``, ``tests/gateway/``).

Files: ``pwb.py`` the gateway's queries and saves; ``login.py`` Pywikibot's set-up and the login;
``checks.py`` the checks made while logging in; ``changes.py`` the queries of incremental passes;
``support.py`` merging continued answers, counting requests, redaction and the error mapping;
``ahead.py`` reading one answer ahead.

Errors leave this package only as :mod:`bot.errors` exceptions (``EditConflict``, ``PageProtected``,
``WikiUnavailable``, ``LoginFailed``, ``WikiError``), never as pywikibot or requests exceptions; what
a save did comes back as a :class:`Saved` record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from bot.model import Listing, PageSnapshot, RecentChanges

if TYPE_CHECKING:
    from bot.config import SiteConfig


@dataclass(frozen=True, slots=True)
class Saved:
    """What one save did. ``revid``: the revision that holds the page now (the base's when the text
    was unchanged). ``applied_on``: the revision the wiki applied the edit to, and ``base_revid``
    the one the edit was decided on (both 0 for a page created).

    Why both: when a person saves between the bot's reading and its save and the two edits touch
    lines at least one line apart, MediaWiki (1.43 and 1.39, ``EditPage`` with ``baserevid``) merges the
    bot's change into the person's revision without an edit conflict, and says so only through
    the edit's ``oldrevid``. Such a revision holds text the bot never decided on (a page the person
    completed may now carry a tag): :attr:`merged` tells the caller to read it again."""

    revid: int
    applied_on: int
    base_revid: int

    @property
    def merged(self) -> bool:
        """The edit was applied to a later revision than its base (someone else's)."""
        return self.applied_on != self.base_revid


@dataclass(frozen=True, slots=True)
class SiteRead:
    """A few named pages and the wiki's extension tags, read in one request (:meth:`Gateway.read_site`)."""

    pages: dict[str, PageSnapshot | None]
    extension_tags: frozenset[str]
    """Lower-case names, without brackets (``meta=siteinfo&siprop=extensiontags``)."""


class Gateway(Protocol):
    """What one pass needs from a wiki. Every method may raise a ``bot.errors.WikiError``."""

    @property
    def user(self) -> str:
        """The account's user name (without a BotPassword's ``@appid``)."""
        ...

    @property
    def requests(self) -> int:
        """HTTP requests sent to the wiki so far (retries included)."""
        ...

    def redirects_to(self, title: str) -> tuple[str, ...]:
        """Titles of the redirects to ``title`` (one request)."""
        ...

    def redirects_and_revisions(
        self, targets: Sequence[str], titles: Sequence[str]
    ) -> tuple[dict[str, tuple[str, ...]], dict[str, int], frozenset[str]]:
        """The redirects to each of ``targets`` (as :meth:`redirects_to`), the latest revision id
        of each of ``titles`` (0: the page does not exist) and those of ``titles`` the bot may not
        edit (protected, as :attr:`PageSnapshot.protected`), without content, in one request per
        50 names. Keys are the titles as given."""
        ...

    def transcluding_pages(self, template: str, namespaces: Sequence[int]) -> Iterator[PageSnapshot]:
        """Every page in ``namespaces`` that transcludes ``template`` (directly or through a
        redirect), with its current text, in batches at the API's limit: about one request per
        500 pages for a bot account. Order is the wiki's (by page id)."""
        ...

    def list_revisions(self, template: str, namespaces: Sequence[int]) -> Listing:
        """Page id → (title, latest revision id) of every page in ``namespaces`` transcluding
        ``template``, without content, and the wiki's clock when it answered (its first request
        asks for it, so a full sweep needs no request of its own for its mark): about one request
        per 5000 pages for a bot account."""
        ...

    def read_pages(self, pageids: Sequence[int]) -> Iterator[PageSnapshot]:
        """Current revisions, with text, of the given pages, in batches at the API's limit (500
        for a bot); pages deleted meanwhile are left out."""
        ...

    def read(self, titles: Sequence[str]) -> dict[str, PageSnapshot | None]:
        """Current revisions of a few named pages in one request per 50 titles; ``None`` for a
        page that does not exist. Keys are the titles as given."""
        ...

    def read_site(self, titles: Sequence[str]) -> SiteRead:
        """As :meth:`read`, and the wiki's extension tags in the same request (a pass's first read:
        the tags decide how every page of the pass is read)."""
        ...

    def created_since(self, namespaces: Sequence[int], since: dt.datetime) -> frozenset[str]:
        """Titles of pages created at or after ``since`` (from the creation log)."""
        ...

    def server_time(self) -> dt.datetime:
        """The wiki's clock (one request)."""
        ...

    def recent_changes(self, since: dt.datetime, limit: int, redirects_of: str | None = None) -> RecentChanges:
        """Edits, creations and log actions at or after ``since`` by anyone (this account too),
        each with its revision id, and the wiki's clock (one request per 5,000 changes for a bot);
        cut (``complete`` false) after ``limit`` changes. ``redirects_of``: a title whose
        redirects come in the same request (``RecentChanges.redirects``)."""
        ...

    def members(
        self, template: str, namespaces: Sequence[int], pageids: Sequence[int], titles: Sequence[str]
    ) -> dict[int, tuple[str, int]]:
        """Of the pages given by id or title, those that exist in ``namespaces``, are not
        redirects and transclude ``template``: page id → (title, latest revision id), without
        content (one request per 500 pages for a bot)."""
        ...

    def save(
        self, title: str, text: str, base: PageSnapshot | None, summary: str, *, content_model: str | None = None
    ) -> Saved:
        """Save ``text`` as a bot edit based on ``base`` (``None``: create the page, which must not
        exist); ``content_model`` (e.g. ``json``) gives the page that content model (the wiki's
        default for the title when None; the account needs ``editcontentmodel`` to change an
        existing page's model). Returns the new revision and the one the edit was applied to (:class:`Saved`: a
        person's revision when the wiki merged the edit into it). Raises ``EditConflict`` when the
        page changed after ``base`` in a way the wiki could not merge (or was created meanwhile),
        ``PageProtected`` when the account may not edit it."""
        ...


def connect(site: SiteConfig) -> Gateway:
    """Log in to the configured wiki with Pywikibot (its user-config.py and password file are
    found through ``PYWIKIBOT_DIR``) and return the gateway. Raises ``LoginFailed`` or
    ``WikiUnavailable`` with a message that says what to do."""
    from bot.wiki.pwb import PywikibotGateway

    return PywikibotGateway.connect(site)
