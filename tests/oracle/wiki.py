"""The wiki side of the oracle: install its templates, ask the preprocessor, resolve names, dump arguments.

Per page: one ``action=parse&prop=parsetree`` (POST) and, for the template names not seen before,
one ``action=expandtemplates`` that resolves all of them at once. The resolution runs on the wiki
itself: a Lua module expands ``{{NAME}}`` for each name with the page's own frame
(``frame:getParent():preprocess``), so each name is read by the same code as on the page (prefixes,
``#fragment``, entities, redirects, ``<noinclude>`` in the name, …) without the names of one batch
touching each other, and answers whether it rendered exactly :data:`tests.oracle.TOKEN`.

The self-test (:meth:`OracleWiki.wiki_args`) asks the wiki for the arguments it really passes: the
page is sent again with the infobox's name replaced by a template whose Lua module dumps
``frame:getParent().args`` (values expanded, named ones trimmed) as hex-encoded JSON.
"""

from __future__ import annotations

import copy
import json
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Any

from tests.oracle import REDIRECT, TEMPLATE, TEMPLATE_TEXT, TOKEN
from tests.oracle.tree import parse_xml, source, templates
from tests.wiki.api import PageMissingError, WikiApi

#: Where the oracle's pages are parsed (its title only matters for {{PAGENAME}} and the like).
PAGE_TITLE = "Oracle page"
RESOLVE_MODULE = "Oracle partnership resolve"
DUMP_MODULE = "Oracle partnership dump"
DUMP_TEMPLATE = "Oracle partnership infobox dump"

_HEX = "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end\n"
_UNHEX = "local function unhex(s) return (s:gsub('%x%x', function(h) return string.char(tonumber(h, 16)) end)) end\n"
RESOLVE_LUA = (
    "-- The partnership tracker's test oracle (tests/oracle/wiki.py): which names transclude its infobox.\n"
    + _UNHEX
    + "local p = {}\nfunction p.resolve(frame)\n  local page, out = frame:getParent(), {}\n"
    + "  for _, name in ipairs(frame.args) do\n"
    + "    out[#out + 1] = page:preprocess('{{' .. unhex(name) .. '}}') == frame.args.token and '1' or '0'\n"
    + "  end\n  return 'RESOLVED:' .. table.concat(out) .. ':END'\nend\nreturn p\n"
)
DUMP_LUA = (
    "-- The partnership tracker's test oracle (tests/oracle/wiki.py): the arguments MediaWiki passes.\n"
    + _HEX
    + "local p = {}\nfunction p.dump(frame)\n  local out = {}\n"
    + "  for k, v in pairs(frame:getParent().args) do out[#out + 1] = { tostring(k), v } end\n"
    + "  return 'ORACLEDUMP' .. hex(mw.text.jsonEncode(out)) .. 'ENDDUMP'\nend\nreturn p\n"
)
PAGES = {
    f"Template:{TEMPLATE}": TEMPLATE_TEXT,
    f"Template:{REDIRECT}": f"#REDIRECT [[Template:{TEMPLATE}]]",
    f"Module:{RESOLVE_MODULE}": RESOLVE_LUA,
    f"Module:{DUMP_MODULE}": DUMP_LUA,
    f"Template:{DUMP_TEMPLATE}": "{{#invoke:" + DUMP_MODULE + "|dump}}",
}
_RESOLVED = re.compile(r"RESOLVED:([01]*):END")
_DUMPED = re.compile(r"ORACLEDUMP([0-9a-f]*)ENDDUMP")


class OracleError(Exception):
    """The wiki answered something the oracle cannot read (the oracle itself is broken)."""


def install(admin: WikiApi) -> None:
    """Create or update the oracle's templates and modules (only those whose text differs)."""
    for title, text in PAGES.items():
        try:
            current: str | None = admin.read(title)[1]
        except PageMissingError:
            current = None
        if current != text:
            admin.edit(title, text, "partnership tracker test oracle")


class OracleWiki:
    """The oracle's questions to one wiki. Safe to share between threads (one HTTP session each)."""

    def __init__(self, api_url: str, *, page_title: str = PAGE_TITLE) -> None:
        self.api_url = api_url
        self.page_title = page_title
        self._local = threading.local()
        self._resolved: dict[str, bool] = {}
        self.requests = 0

    def api(self) -> WikiApi:
        api: WikiApi | None = getattr(self._local, "api", None)
        if api is None:
            api = self._local.api = WikiApi(self.api_url, timeout=120)
        return api

    def _post(self, **params: Any) -> dict[str, Any]:
        self.requests += 1
        return self.api().post(**params)

    def parsetree(self, text: str) -> ET.Element:
        """The preprocessor's tree of the page as viewed."""
        data = self._post(action="parse", prop="parsetree", contentmodel="wikitext", text=text, title=self.page_title)
        return parse_xml(str(data["parse"]["parsetree"]))

    def expand(self, text: str) -> str:
        data = self._post(action="expandtemplates", prop="wikitext", text=text, title=self.page_title)
        return str(data["expandtemplates"]["wikitext"])

    def resolve(self, names: Iterable[str]) -> dict[str, bool]:
        """For each raw template name: does ``{{NAME}}`` on the page transclude the infobox? Names not
        seen before are resolved in one request; answers are remembered."""
        wanted = list(dict.fromkeys(names))
        new = [n for n in wanted if n not in self._resolved]
        if new:
            call = "|".join(
                ["{{#invoke:" + RESOLVE_MODULE, "resolve", "token=" + TOKEN, *(n.encode().hex() for n in new)]
            )
            answer = _RESOLVED.fullmatch(self.expand(call + "}}"))
            if answer is None or len(answer.group(1)) != len(new):
                raise OracleError(f"the resolver module did not answer for {len(new)} names")
            self._resolved.update(zip(new, (c == "1" for c in answer.group(1)), strict=True))
        return {n: self._resolved[n] for n in wanted}

    def wiki_args(self, root: ET.Element, index: int) -> list[tuple[str, str]] | None:
        """The arguments MediaWiki passes to the ``index``-th template node of the page (document
        order), from the wiki itself: (name, expanded value) pairs, or None when the page never
        expands that node (e.g. it sits in an untaken ``{{#if:}}`` branch)."""
        page = copy.deepcopy(root)
        title = list(templates(page))[index].find("title")
        if title is None:
            raise OracleError("a template node without a title")
        tail = title.tail
        title.clear()
        title.text, title.tail = DUMP_TEMPLATE, tail
        dumps = _DUMPED.findall(self.expand(source(page)))
        if not dumps:
            return None
        if len(set(dumps)) > 1:
            raise OracleError("the dump template was expanded more than once, with different arguments")
        pairs = json.loads(bytes.fromhex(dumps[0]).decode())
        return [(str(k), str(v)) for k, v in pairs]
