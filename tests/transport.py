"""A wiki at the transport seam, for testing the real Pywikibot gateway offline.

As httpx's ``MockTransport``: API parameters in, canned JSON out. :class:`FakeTransport` is a
``requests`` transport adapter (``requests.adapters.BaseAdapter``) mounted on Pywikibot's own HTTP
session (``pywikibot.comms.http.session``, which Pywikibot documents as replaceable) for the fake
wiki's address. Everything above it is real: Pywikibot's request building, throttle, retries, login
and token handling, and the bot's gateway (``bot.wiki.pwb``) with its continuation, merging and error
mapping. Nothing in Pywikibot or the bot is patched.

Each HTTP request becomes a :class:`Call` (the API parameters of the GET query and the POST form
body, merged) and goes to the test's handler, which returns the answer: a dict (sent as JSON with
status 200), a :class:`Reply` (any status, or a body that is not JSON), or ``None`` to leave the
request to the fake's own answers for what Pywikibot needs to get a site going (``paraminfo``,
``siteinfo``, ``userinfo``, login and CSRF tokens, ``action=login``). A handler may also raise, as a
transport does (``requests.ConnectionError``). Every call is kept in :attr:`FakeTransport.calls`.

Pywikibot reads its configuration once, when it is first imported, from ``PYWIKIBOT_DIR``: a process
that uses this fake must set that variable to a directory made by :func:`make_pywikibot_dir` before
anything imports pywikibot, and must not talk to a real wiki through Pywikibot. The tests in
``tests/gateway/`` therefore run in processes of their own (see ``tests/gateway/conftest.py``).
This module itself never imports pywikibot; :func:`connect` does, when called.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

import requests
from requests.adapters import BaseAdapter

from bot.config import SiteConfig

if TYPE_CHECKING:
    from bot.wiki.pwb import PywikibotGateway

HOST = "fake.wiki.test"
BASE_URL = f"http://{HOST}/"
FAMILY, CODE = "fakewiki", "en"
#: A second site of the family, same address: a Pywikibot site object of its own (Pywikibot keeps
#: one per code and process), for tests that log in themselves.
SECOND_CODE = "de"
ACCOUNT, APP, PASSWORD = "FakeBot", "tracker", "fake-bot-password"
#: A bot account's rights on Meta-Wiki, as far as the gateway looks at them.
BOT_RIGHTS = ("read", "edit", "bot", "apihighlimits", "editsemiprotected", "writeapi")
#: The fake wiki's namespaces (number → name).
NAMESPACES = {0: "", 1: "Talk", 2: "User", 4: "Project", 10: "Template", 100: "Portal"}
#: The site configuration for the fake wiki: no waits between retries, one retry.
SITE = SiteConfig(family=FAMILY, code=CODE, namespaces=(0,), maxlag=5, max_retries=1, retry_wait=0)

FAMILY_FILE = f'''"""Pywikibot family of the fake wiki (tests/transport.py)."""
from pywikibot import family


class Family(family.Family):
    name = {FAMILY!r}
    langs = {{{CODE!r}: {HOST!r}, {SECOND_CODE!r}: {HOST!r}}}

    def scriptpath(self, code):
        return ''

    def protocol(self, code):
        return 'http'
'''

USER_CONFIG = f"""# The fake wiki's Pywikibot configuration (tests/transport.py).
family = {FAMILY!r}
mylang = {CODE!r}
usernames[{FAMILY!r}]['*'] = {ACCOUNT!r}
password_file = 'user-password.py'
put_throttle = 0
"""


def make_pywikibot_dir(path: Path) -> Path:
    """Write a Pywikibot directory for the fake wiki into ``path`` (user-config.py, a password file
    readable by its owner only, families/) and return it."""
    (path / "families").mkdir(parents=True, exist_ok=True)
    (path / "families" / f"{FAMILY}_family.py").write_text(FAMILY_FILE, encoding="utf-8")
    (path / "user-config.py").write_text(USER_CONFIG, encoding="utf-8")
    passwords = path / "user-password.py"
    passwords.write_text(f"({ACCOUNT!r}, BotPassword({APP!r}, {PASSWORD!r}))\n", encoding="utf-8")
    passwords.chmod(0o600)
    return path


@dataclass(frozen=True)
class Call:
    """One HTTP request as the API reads it."""

    method: str
    params: Mapping[str, str]
    """The parameters of the query string and of the form body, merged (the API reads both)."""

    def __getitem__(self, key: str) -> str:
        return self.params[key]

    def __contains__(self, key: object) -> bool:
        return key in self.params

    def get(self, key: str, default: str = "") -> str:
        return self.params.get(key, default)

    @property
    def action(self) -> str:
        return self.get("action")

    def has(self, key: str, value: str) -> bool:
        """Whether the ``|``-separated parameter ``key`` holds ``value``."""
        return value in self.get(key).split("|")

    @property
    def listed(self) -> list[str]:
        """The ``titles`` or ``pageids`` asked for, in order."""
        return [v for v in (self.get("titles") or self.get("pageids")).split("|") if v]


@dataclass(frozen=True)
class Reply:
    """An answer other than a JSON document with status 200."""

    status: int = 200
    body: object = None
    """JSON-able data, or a ``str`` sent as it is (an HTML error page, a cut response)."""


Answer = Mapping[str, Any] | Reply | None
Handler = Callable[[Call], Answer]


def api_error(code: str, info: str, **extra: Any) -> dict[str, Any]:
    """An API error answer (formatversion 2), e.g. ``api_error("maxlag", "Waiting for db: 7 s lagged", lag=7)``."""
    return {"error": {"code": code, "info": info, "docref": "See http://fake.wiki.test/api.php.", **extra}}


def pages(*page: Mapping[str, Any], **top: Any) -> dict[str, Any]:
    """A ``query`` answer listing ``page`` (formatversion 2); ``top``: keys beside ``query``
    (``continue``, ``batchcomplete``) or inside it (``normalized``, ``redirects``, ``extensiontags``)."""
    query: dict[str, Any] = {"pages": list(page)}
    for key in ("normalized", "redirects", "extensiontags"):
        if key in top:
            query[key] = top.pop(key)
    return {**top, "query": query}


def page(
    pageid: int, title: str, text: str | None = None, *, revid: int = 0, ns: int = 0, **more: Any
) -> dict[str, Any]:
    """One page of a ``query`` answer; with ``text``, its latest revision (ids, timestamp, user,
    content in the main slot) as ``prop=revisions&rvslots=main`` gives it."""
    out: dict[str, Any] = {"pageid": pageid, "ns": ns, "title": title, **more}
    if text is not None:
        revid = revid or pageid * 10
        out["lastrevid"] = revid
        out["revisions"] = [
            {
                "revid": revid,
                "parentid": 0,
                "user": "Someone",
                "timestamp": "2026-11-20T10:00:00Z",
                "slots": {"main": {"contentmodel": "wikitext", "contentformat": "text/x-wiki", "content": text}},
            }
        ]
    return out


class FakeTransport(BaseAdapter):
    """A ``requests`` transport adapter that answers Action API requests from :attr:`handler`,
    falling back on the answers any MediaWiki gives while Pywikibot sets a site up. An unexpected
    request is answered with an API error ``fake-unexpected`` naming its parameters."""

    def __init__(self, handler: Handler | None = None, rights: tuple[str, ...] = BOT_RIGHTS) -> None:
        super().__init__()
        self.handler: Handler = handler or (lambda call: None)
        self.rights = rights
        self.calls: list[Call] = []
        self.logged_in = False

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        call = Call(str(request.method), _parameters(request))
        self.calls.append(call)
        answer = self.handler(call)
        if answer is None:
            answer = self._setup_answer(call)
        if answer is None:
            answer = api_error("fake-unexpected", f"the fake wiki has no answer for {dict(call.params)}")
        reply = answer if isinstance(answer, Reply) else Reply(200, answer)
        return _response(request, reply)

    def close(self) -> None:
        pass

    # -- what Pywikibot asks while setting up a site --------------------------------------------

    def _setup_answer(self, call: Call) -> Answer:
        if call.action == "paraminfo":
            return {"paraminfo": {"modules": [_module(m) for m in call.get("modules").split("|")]}}
        if call.action == "login":
            if call.get("lgname") != f"{ACCOUNT}@{APP}" or call.get("lgpassword") != PASSWORD:
                return {"login": {"result": "Failed", "reason": "Incorrect username or password entered."}}
            self.logged_in = True
            return {"login": {"result": "Success", "lguserid": 2, "lgusername": ACCOUNT}}
        if not is_setup(call):
            return None
        query: dict[str, Any] = {}
        if call.has("meta", "userinfo"):
            query["userinfo"] = self._userinfo()
        if call.has("meta", "siteinfo"):
            query.update(_siteinfo(call.get("siprop", "general").split("|")))
        if call.has("meta", "tokens"):
            kinds = call.get("type", "csrf").split("|")
            query["tokens"] = {f"{kind}token": f"{kind}-token+\\" for kind in kinds}
        return {"batchcomplete": True, "query": query}

    def _userinfo(self) -> dict[str, Any]:
        if not self.logged_in:
            return {"id": 0, "name": "127.0.0.1", "anon": True, "groups": ["*"], "rights": ["read"]}
        return {"id": 2, "name": ACCOUNT, "groups": ["*", "user", "bot"], "rights": list(self.rights)}


def is_setup(call: Call) -> bool:
    """Whether ``call`` is one Pywikibot makes to set a site up (``paraminfo``, ``login``, a query
    of ``userinfo``, ``siteinfo`` or ``tokens`` alone), rather than one of the gateway's own."""
    if call.action in ("paraminfo", "login"):
        return True
    busy = ("titles", "pageids", "prop", "list", "generator", "curtimestamp")
    return call.action == "query" and bool(call.get("meta")) and not any(k in call.params for k in busy)


class Script:
    """A handler that gives its answers in order, one per request of the gateway's own (set-up
    requests are left to the fake), and keeps those requests in :attr:`calls`. An answer may be an
    exception (raised, as a transport raises) or a function of the call. A request beyond the
    script is answered with ``fake-unexpected``."""

    def __init__(self, *answers: Answer | BaseException | Handler) -> None:
        self.answers = list(answers)
        self.calls: list[Call] = []

    def __call__(self, call: Call) -> Answer:
        if is_setup(call):
            return None
        self.calls.append(call)
        if not self.answers:
            return api_error("fake-unexpected", f"the script has no answer left for {dict(call.params)}")
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer(call) if callable(answer) else answer


def connect(transport: FakeTransport, site: SiteConfig = SITE) -> PywikibotGateway:
    """Mount ``transport`` on Pywikibot's HTTP session for the fake wiki's address and log in with
    the real gateway (:func:`bot.wiki.connect`). Needs ``PYWIKIBOT_DIR`` made by
    :func:`make_pywikibot_dir` before pywikibot's first import."""
    from pywikibot.comms import http

    from bot.wiki.pwb import PywikibotGateway

    http.session.mount(BASE_URL, transport)
    return PywikibotGateway.connect(site)


def _parameters(request: requests.PreparedRequest) -> dict[str, str]:
    params = dict(parse_qsl(urlsplit(str(request.url)).query, keep_blank_values=True))
    body = request.body
    text = body.decode("utf-8") if isinstance(body, bytes) else body if isinstance(body, str) else ""
    params.update(parse_qsl(text, keep_blank_values=True))
    return params


def _response(request: requests.PreparedRequest, reply: Reply) -> requests.Response:
    response = requests.Response()
    response.status_code = reply.status
    response.reason = "OK" if reply.status == 200 else "Error"
    is_text = isinstance(reply.body, str)
    body = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
    response._content = body.encode("utf-8")
    response.headers["Content-Type"] = "text/html; charset=utf-8" if is_text else "application/json; charset=utf-8"
    response.url = str(request.url)
    response.request = request
    response.encoding = "utf-8"
    return response


def _siteinfo(props: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "general" in props:
        out["general"] = {
            "mainpage": "Main Page",
            "base": f"{BASE_URL}index.php?title=Main_Page",
            "sitename": "Fake Wiki",
            "generator": "MediaWiki 1.43.5",
            "case": "first-letter",
            "lang": "en",
            "readonly": False,
            "writeapi": True,
            "maxarticlesize": 2097152,
            "timezone": "UTC",
            "timeoffset": 0,
            "articlepath": "/index.php?title=$1",
            "scriptpath": "",
            "script": "/index.php",
            "server": f"http://{HOST}",
            "servername": HOST,
            "wikiid": FAMILY,
            "legaltitlechars": " %!\"$&'()*,\\-.\\/0-9:;=?@A-Z\\\\^_`a-z~\\x80-\\xFF+",
            "thumblimits": {"0": 120},
            "imagelimits": {"0": {"width": 320, "height": 240}},
            "magiclinks": {"ISBN": False, "PMID": False, "RFC": False},
        }
    if "namespaces" in props:
        out["namespaces"] = {
            str(n): {"id": n, "case": "first-letter", "name": name, "content": n == 0, "subpages": True}
            | ({"canonical": name} if name else {})
            for n, name in NAMESPACES.items()
        }
    for prop in props:  # extensions, namespacealiases, …: none
        out.setdefault(prop, [])
    return out


#: What ``action=paraminfo`` says of the modules Pywikibot asks about (the parts it reads).
_ACTIONS = ["edit", "login", "logout", "paraminfo", "query"]
_QUERY_MODULES = {
    "prop": ["info", "redirects", "revisions", "templates"],
    "list": ["embeddedin", "logevents", "recentchanges"],
    "meta": ["siteinfo", "tokens", "userinfo"],
}


def _module(path: str) -> dict[str, Any]:
    name = path.rsplit("+", 1)[-1]
    parameters: list[dict[str, Any]] = []
    if path == "main":
        parameters = [{"name": "action", "type": _ACTIONS, "submodules": {a: a for a in _ACTIONS}}]
    elif path == "query":
        for kind, names in _QUERY_MODULES.items():
            sub = {n: f"query+{n}" for n in names}
            parameters.append({"name": kind, "type": names, "submodules": sub, "limit": 50, "multi": True})
        generators = ["embeddedin"]
        parameters.append(
            {"name": "generator", "type": generators, "submodules": {g: f"query+{g}" for g in generators}}
        )
    elif path == "query+tokens":
        kinds = ["createaccount", "csrf", "login", "patrol", "rollback", "userrights", "watch"]
        parameters = [{"name": "type", "type": kinds, "multi": True, "limit": 50}]
    elif path not in _ACTIONS and name not in {n for names in _QUERY_MODULES.values() for n in names}:
        return {"name": name, "path": path, "missing": True}
    return {"name": name, "path": path, "prefix": "", "parameters": parameters}
