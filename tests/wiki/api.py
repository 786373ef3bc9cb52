"""A small MediaWiki Action API client for the wiki tests (not Pywikibot).

Tests use it to set up and inspect the dev wiki independently of the code under test::

    api = WikiApi('http://127.0.0.1:8080/api.php')
    api.login('Admin', password)                 # main account: action=clientlogin
    api.login('PartnershipBot@tracker', secret)  # BotPassword: action=login
    revid = api.edit('Sandbox', 'text', 'summary')
    assert api.read('Sandbox') == (revid, 'text')

Every call sends formatversion=2 and raises ApiError for an API error response.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

import requests  # type: ignore[import-untyped, unused-ignore]

JSON = dict[str, Any]

USER_AGENT: Final = "partnership-tracker-tests/0.1 (local dev wiki; tests/wiki/api.py)"


class ApiError(Exception):
    """The API answered with an error (or a failed login/edit)."""

    def __init__(self, code: str, info: str, response: JSON | None = None) -> None:
        super().__init__(f"{code}: {info}")
        self.code = code
        self.info = info
        self.response: JSON = response or {}


class PageMissingError(ApiError):
    """The page does not exist."""

    def __init__(self, title: str) -> None:
        super().__init__("missingtitle", f"page {title!r} does not exist")
        self.title = title


@dataclass(frozen=True)
class Revision:
    """One revision of a page, as list=revisions gives it."""

    revid: int
    parentid: int
    user: str
    timestamp: str
    comment: str
    minor: bool
    size: int


class WikiApi:
    """A logged-in (or anonymous) session on one wiki's api.php."""

    def __init__(self, api_url: str, *, timeout: float = 60.0) -> None:
        self.api_url = api_url
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.user: str | None = None
        self._tokens: dict[str, str] = {}

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> WikiApi:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing ---------------------------------------------------------------------------

    def request(self, method: str, params: dict[str, Any]) -> JSON:
        """Send one API request; return the decoded reply, raise ApiError on an error."""
        payload: dict[str, str] = {"format": "json", "formatversion": "2"}
        for key, value in params.items():
            if value is None or value is False:
                continue
            if value is True:
                payload[key] = "1"
            elif isinstance(value, list | tuple | set):
                payload[key] = "|".join(str(v) for v in value)
            else:
                payload[key] = str(value)
        if method == "GET":
            response = self.session.get(self.api_url, params=payload, timeout=self.timeout)
        else:
            response = self.session.post(self.api_url, data=payload, timeout=self.timeout)
        response.raise_for_status()
        data: JSON = response.json()
        if "error" in data:
            error: JSON = data["error"]
            raise ApiError(str(error.get("code")), str(error.get("info", "")), data)
        return data

    def get(self, **params: Any) -> JSON:
        return self.request("GET", params)

    def post(self, **params: Any) -> JSON:
        return self.request("POST", params)

    def token(self, kind: str = "csrf") -> str:
        """A token of that kind (csrf, login, watch, rollback, ...), fetched once per login."""
        if kind not in self._tokens:
            data = self.get(action="query", meta="tokens", type=kind)
            self._tokens[kind] = str(data["query"]["tokens"][f"{kind}token"])
        return self._tokens[kind]

    def query(self, **params: Any) -> Iterator[JSON]:
        """Yield every query reply of a continued query (the 'query' part of each)."""
        cont: JSON = {}
        while True:
            data = self.get(action="query", **params, **cont)
            if "query" in data:
                yield data["query"]
            if "continue" not in data:
                return
            cont = data["continue"]

    # -- accounts ---------------------------------------------------------------------------

    def login(self, username: str, password: str) -> str:
        """Log in; return the user name the wiki now knows us as.

        A name with '@' (``User@appid``) is a BotPassword and goes through action=login; a
        main account name goes through action=clientlogin.
        """
        self._tokens.clear()
        login_token = self.token("login")
        if "@" in username:
            result: JSON = self.post(
                action="login",
                lgname=username,
                lgpassword=password,
                lgtoken=login_token,
            )["login"]
            if result.get("result") != "Success":
                raise ApiError("loginfailed", str(result.get("reason", result)), result)
        else:
            result = self.post(
                action="clientlogin",
                username=username,
                password=password,
                logintoken=login_token,
                loginreturnurl=self.api_url,
            )["clientlogin"]
            if result.get("status") != "PASS":
                raise ApiError("loginfailed", str(result.get("message", result)), result)
        self._tokens.clear()
        self.user = str(self.userinfo()["name"])
        return self.user

    def logout(self) -> None:
        self.post(action="logout", token=self.token())
        self._tokens.clear()
        self.user = None

    def userinfo(self, user: str | None = None) -> JSON:
        """meta=userinfo for ourselves, or list=users for someone else (groups, rights)."""
        if user is None:
            data = self.get(action="query", meta="userinfo", uiprop="groups|rights")
            info: JSON = data["query"]["userinfo"]
            return info
        data = self.get(action="query", list="users", ususers=user, usprop="groups|rights")
        users: list[JSON] = data["query"]["users"]
        return users[0]

    # -- pages ------------------------------------------------------------------------------

    def edit(
        self,
        title: str,
        text: str,
        summary: str = "",
        *,
        minor: bool = False,
        bot: bool = False,
        baserevid: int | None = None,
        createonly: bool = False,
        nocreate: bool = False,
    ) -> int:
        """Save text to the page; return the revision id that now holds it."""
        data = self.post(
            action="edit",
            title=title,
            text=text,
            summary=summary,
            minor=minor,
            bot=bot,
            baserevid=baserevid,
            createonly=createonly,
            nocreate=nocreate,
            token=self.token(),
        )
        result: JSON = data["edit"]
        if result.get("result") != "Success":
            raise ApiError("editfailed", str(result), data)
        if result.get("nochange"):
            return self.read(title)[0]
        return int(result["newrevid"])

    def _page(self, title: str, **params: Any) -> JSON:
        data = self.get(action="query", titles=title, **params)
        page: JSON = data["query"]["pages"][0]
        if page.get("missing") or page.get("invalid"):
            raise PageMissingError(title)
        return page

    def read(self, title: str) -> tuple[int, str]:
        """Return (revision id, wikitext) of the page's latest revision."""
        page = self._page(title, prop="revisions", rvprop="ids|content", rvslots="main")
        revision: JSON = page["revisions"][0]
        return int(revision["revid"]), str(revision["slots"]["main"]["content"])

    def exists(self, title: str) -> bool:
        try:
            self._page(title)
        except PageMissingError:
            return False
        return True

    def revisions(self, title: str, limit: int = 50) -> list[Revision]:
        """The page's revisions, newest first (at most limit)."""
        page = self._page(
            title,
            prop="revisions",
            rvlimit=limit,
            rvprop="ids|user|timestamp|comment|flags|size",
        )
        return [
            Revision(
                revid=int(rev["revid"]),
                parentid=int(rev["parentid"]),
                user=str(rev.get("user", "")),
                timestamp=str(rev["timestamp"]),
                comment=str(rev.get("comment", "")),
                minor=bool(rev.get("minor")),
                size=int(rev.get("size", 0)),
            )
            for rev in page.get("revisions", [])
        ]

    def parse(self, text: str, title: str = "API", prop: str = "text|categories|templates|links") -> JSON:
        """Parse wikitext as if on that page: HTML, categories, templates, links (or ``prop``)."""
        data = self.post(
            action="parse",
            text=text,
            title=title,
            contentmodel="wikitext",
            prop=prop,
            disablelimitreport=True,
        )
        parsed: JSON = data["parse"]
        return parsed

    def protect(
        self,
        title: str,
        protections: str = "edit=sysop|move=sysop",
        reason: str = "test",
        expiry: str = "infinite",
    ) -> JSON:
        data = self.post(
            action="protect",
            title=title,
            protections=protections,
            expiry=expiry,
            reason=reason,
            token=self.token(),
        )
        result: JSON = data["protect"]
        return result

    def delete(self, title: str, reason: str = "test") -> None:
        self.post(action="delete", title=title, reason=reason, token=self.token())

    def embeddedin(self, title: str) -> list[str]:
        """Titles of the pages that transclude the page (list=embeddedin, all namespaces)."""
        return [
            str(page["title"])
            for reply in self.query(list="embeddedin", eititle=title, eilimit="max")
            for page in reply["embeddedin"]
        ]

    def categorymembers(self, category: str) -> list[str]:
        """Titles of the pages in the category ('Category:' prefix optional)."""
        if not category.startswith("Category:"):
            category = "Category:" + category
        return [
            str(page["title"])
            for reply in self.query(list="categorymembers", cmtitle=category, cmlimit="max")
            for page in reply["categorymembers"]
        ]
