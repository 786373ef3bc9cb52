"""``python -m bot install-templates``: copy the wiki side (``templates_wiki/``) onto a wiki,
editing only the pages whose text differs; and the dev-only ``seed`` that creates example pages.

File layout (templates_wiki/README.md): ``<Namespace>/<Title>.wiki`` is ``<Namespace>:<Title>``,
a folder beside a file holds its subpages, ``Main/<Title>.wiki`` is ``<Title>`` in the main
namespace, ``Module/<Name>.lua`` is ``Module:<Name>``, ``Module/<Name>.json`` is ``Module:<Name>.json``
(the suffix stays in the title: Scribunto gives a Module page whose title ends in ``.json`` the JSON
content model, the only one ``mw.loadJsonData`` reads). ``examples/`` and Markdown files are not
pages. Pages the community or the bot own once they exist — the summary page and its data page
(``Main/``) and the shutoff page (``User/``) — are created when missing and never overwritten:
reinstalling must not wipe the live table or disengage a shutoff someone engaged. A ``.json`` page
is saved with the ``json`` content model (a main-namespace title ending in ``.json`` does not get
it by default).

One page is generated, not copied: ``Module:Partnership tracker/i18n.json`` (:func:`i18n_file`), the
bot's message catalogs (``i18n/*.json``) and the wiki's configured language, which the modules read
with ``mw.loadJsonData`` for the words of the notice, the infobox and the preview — so the wiki
side and the bot say the same, from one source. :func:`wiki_files` is the whole set.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from bot import i18n
from bot.errors import EditConflict, InputError, MessageError, ShutoffEngaged
from bot.safety import shutoff_engaged
from bot.wiki import Gateway

TEMPLATES_ROOT = Path(__file__).resolve().parent.parent / "templates_wiki"
CREATE_ONLY = ("Main", "User")
SKIP_DIRS = ("examples",)
SUFFIXES = (".wiki", ".lua", ".json")
I18N_TITLE = "Module:Partnership tracker/i18n.json"


@dataclass(frozen=True)
class WikiFile:
    title: str
    text: str
    create_only: bool

    @property
    def is_json(self) -> bool:
        """A JSON page: MediaWiki re-formats it on save, so it is compared by value."""
        return self.title.endswith(".json")

    def same_as(self, wiki_text: str) -> bool:
        """Whether the wiki's text says the same as the file: JSON pages by value (MediaWiki
        pretty-prints JSON on save and may escape ``<``, ``>``, ``&``), other pages byte for byte
        after right-stripping (MediaWiki strips trailing whitespace)."""
        if self.is_json:
            try:
                return bool(json.loads(wiki_text) == json.loads(self.text))
            except ValueError:
                return False
        return wiki_text.rstrip() == self.text


def wiki_files(language: str, root: Path = TEMPLATES_ROOT, catalogs: i18n.Catalogs | None = None) -> list[WikiFile]:
    """What install-templates installs: the pages under ``root`` (:func:`page_files`) and the
    generated message page (:func:`i18n_file`) for the wiki's ``language``, sorted by title."""
    files = [*page_files(root), i18n_file(language, catalogs or i18n.load())]
    titles = [f.title for f in files]
    if titles.count(I18N_TITLE) > 1:
        raise InputError(f"{root}: {I18N_TITLE} is generated from i18n/; remove the file that holds it")
    return sorted(files, key=lambda f: f.title)


def i18n_file(language: str, catalogs: i18n.Catalogs) -> WikiFile:
    """The page ``Module:Partnership tracker/i18n.json``: ``{"language": language, "messages":
    {code: {key: text}}}`` with every language's catalog (not ``qqq``, the translators'
    documentation), keys sorted, so the text changes only when a message or the language does.
    ``language`` must have a catalog (``Config`` checks ``[site] language``); a ``MessageError``
    otherwise."""
    if language not in catalogs.by_lang:
        raise MessageError(
            f"no messages in language {language!r} to install; there are: {', '.join(catalogs.languages)}"
        )
    messages = {code: dict(sorted(catalogs.by_lang[code].items())) for code in catalogs.languages}
    text = json.dumps({"language": language, "messages": messages}, ensure_ascii=False, indent=4)
    return WikiFile(I18N_TITLE, text, create_only=False)


def page_files(root: Path = TEMPLATES_ROOT) -> list[WikiFile]:
    """Every page under ``root``, sorted by title. Raises ``InputError`` for a file that is not
    UTF-8 or a path that maps to no title."""
    out: list[WikiFile] = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or rel.parts[0] in SKIP_DIRS or path.suffix not in SUFFIXES:
            continue
        if len(rel.parts) < 2:
            raise InputError(f"{path}: pages live in a namespace folder (Template/, Main/, …); move it there")
        namespace, *rest = (rel if path.suffix == ".json" else rel.with_suffix("")).parts
        name = "/".join(rest)
        title = name if namespace == "Main" else f"{namespace}:{name}"
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise InputError(f"{path}: not valid UTF-8; save it as UTF-8") from None
        out.append(WikiFile(title, text.rstrip(), namespace in CREATE_ONLY))
    return sorted(out, key=lambda f: f.title)


@dataclass(frozen=True)
class Installed:
    title: str
    action: str
    """``created``, ``updated``, ``unchanged`` or ``kept`` (create-only page that exists)."""


def install(
    gateway: Gateway,
    files: Iterable[WikiFile],
    *,
    dry_run: bool = False,
    summary_note: str = "",
    shutoff: str | None = None,
    on_diff: Callable[[str, str, str], None] | None = None,
) -> list[Installed]:
    """Create or update each page whose current text differs (:meth:`WikiFile.same_as`: JSON by
    value, other texts right-stripped). One read request per 50 pages."""
    files = list(files)
    current = gateway.read([f.title for f in files])
    if shutoff is not None and not dry_run:
        page = current.get(shutoff) if shutoff in current else gateway.read([shutoff])[shutoff]
        if shutoff_engaged(page):
            raise ShutoffEngaged(
                f"the shutoff page [[{shutoff}]] holds text outside comments: nothing was installed. "
                "Empty it (keep only the comment) first."
            )
    out: list[Installed] = []
    for f in files:
        page = current[f.title]
        if page is not None and (f.create_only or f.same_as(page.text)):
            out.append(Installed(f.title, "kept" if f.create_only else "unchanged"))
            continue
        action = "created" if page is None else "updated"
        if on_diff is not None:
            on_diff(f.title, page.text if page else "", f.text)
        if not dry_run:
            summary = f"Bot: install partnership tracker page from templates_wiki/{summary_note}"
            gateway.save(f.title, f.text, page, summary, content_model="json" if f.is_json else None)
        out.append(Installed(f.title, action))
    return out


def seed(
    gateway: Gateway, paths: Iterable[Path], *, on_page: Callable[[str, str], None] | None = None
) -> list[Installed]:
    """Create a page from each ``.wiki`` file (title = file name) unless it exists. For the dev wiki
    and demos only: it never changes an existing page."""
    files = sorted(paths)
    titles = [p.name.removesuffix(".wiki") for p in files]
    current = gateway.read(titles)
    out: list[Installed] = []
    for path, title in zip(files, titles, strict=True):
        if current[title] is not None:
            out.append(Installed(title, "kept"))
            continue
        try:
            gateway.save(title, path.read_text(encoding="utf-8"), None, "Seed example partnership page")
        except EditConflict:
            out.append(Installed(title, "kept"))
            continue
        out.append(Installed(title, "created"))
        if on_page:
            on_page(title, "created")
    return out
