"""Template names and page titles as MediaWiki resolves them, reduced to one comparable key.

:func:`call_key` is the page a ``{{name|…}}`` call transcludes on a page as viewed
(``Parser::braceSubstitution`` of MediaWiki 1.43 and 1.39, then ``Title::newFromText(name, NS_TEMPLATE)``
and ``MediaWikiTitleCodec::splitTitleString``); :func:`title_key` is the same key for a page title
as the wiki names it (a redirect's title, in the main namespace by default). Keys: ``"Name"`` for a
template, ``":Name"`` for a main-namespace page, ``"Namespace:Name"`` for any other namespace.

In order, for a call's name (comments and inclusion tags already left out):

* PHP's ``trim``; ``subst:`` (literal text on a page as viewed) and ``msgnw:`` (the template's
  source, not its expansion) are no template; ``safesubst:``, then ``msg:``, then ``raw:`` are
  dropped, each case-insensitive, each only right at the start (``safesubst: msg:X`` is
  ``Template:Msg:X``); a name starting with ``/`` or ``../`` is a subpage of the page itself;
* character references decoded (``&#32;``, ``&#x20;``, HTML5 names such as ``&nbsp;``; an invalid
  code point becomes U+FFFD) and, when there was an ``&``, Unicode NFC;
* U+200E, U+200F, U+202A–U+202E removed; runs of space, ``_``, U+00A0, U+1680, U+180E,
  U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000 folded to one space and trimmed;
* no title (so no template) when it holds U+FFFD, is empty, holds a character MediaWiki forbids in
  titles (``#<>[]|{}``, a tab, a line break, other ASCII controls, DEL), ``%XX``, an undecoded
  ``&name;``, ``~~~``, a ``.``/``..`` path segment, or is over 255 bytes;
* a leading ``:`` means the main namespace; a prefix before ``:`` that names a namespace
  (case-insensitive, :data:`NAMESPACES`) sets it, any other prefix is part of the title;
* a ``#fragment`` is dropped; the first letter is upper-cased (every namespace has capital
  links on Meta-Wiki).

Blind spots, on purpose: a name built by another template or argument (``{{Partnership
{{x}}}}``) is no key; namespaces other than MediaWiki's standard ones (and Meta-Wiki's project
namespace ``Meta``) and interwiki prefixes are read as part of the title.
"""

from __future__ import annotations

import functools
import html.entities
import re
import unicodedata

NS_MAIN, NS_TALK, NS_TEMPLATE = 0, 1, 10

#: Namespace names and aliases (lower case, ``_`` for space) → (number, canonical name).
NAMESPACES: dict[str, tuple[int, str]] = {
    "media": (-2, "Media"), "special": (-1, "Special"), "talk": (1, "Talk"), "user": (2, "User"),
    "user_talk": (3, "User talk"), "project": (4, "Project"), "meta": (4, "Project"),
    "project_talk": (5, "Project talk"), "meta_talk": (5, "Project talk"), "file": (6, "File"),
    "image": (6, "File"), "file_talk": (7, "File talk"), "image_talk": (7, "File talk"),
    "mediawiki": (8, "MediaWiki"), "mediawiki_talk": (9, "MediaWiki talk"), "template": (10, "Template"),
    "template_talk": (11, "Template talk"), "help": (12, "Help"), "help_talk": (13, "Help talk"),
    "category": (14, "Category"), "category_talk": (15, "Category talk"), "module": (828, "Module"),
    "module_talk": (829, "Module talk"),
}  # fmt: skip

_PHP_TRIM = " \t\n\r\0\x0b"
_SUBST = re.compile(r"(?i:(subst:)|safesubst:)")
_MSGNW = re.compile(r"(?i:msgnw:)")
_MSG = re.compile(r"(?i:msg:)")
_RAW = re.compile(r"(?i:raw:)")
_CHAR_REF = re.compile(r"&([A-Za-z0-9\x80-\U0010ffff]+;)|&#([0-9]+);|&#[xX]([0-9A-Fa-f]+);|&")
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e]+")
_SPACE = re.compile("[ _\u00a0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
_PREFIX = re.compile(r"(.+?)_*:_*(.*)", re.DOTALL)
_ILLEGAL = re.compile(
    r"[^ %!\"$&'()*,\-./0-9:;=?@A-Z\\^_`a-z~+\x80-\U0010ffff]|%[0-9A-Fa-f]{2}|&[A-Za-z0-9\x80-\U0010ffff]+;"
)
_RELATIVE = re.compile(r"^\.\.?$|^\.\.?/|/\.\.?/|/\.\.?$")
_ENTITIES = html.entities.html5
#: MediaWiki's own entity aliases (Sanitizer::MW_ENTITY_ALIASES).
_ALIASES = {"רלמ;": "rlm;", "رلم;": "rlm;"}


def _valid_codepoint(cp: int) -> bool:
    return (
        cp in (0x09, 0x0A)
        or 0x20 <= cp <= 0x7E
        or 0xA0 <= cp <= 0xD7FF
        or 0xE000 <= cp <= 0xFFFD
        or 0x10000 <= cp <= 0x10FFFF
    )


def _decode(m: re.Match[str]) -> str:
    name, dec, hexa = m.group(1), m.group(2), m.group(3)
    if name is not None:
        name = _ALIASES.get(name, name)
        return _ENTITIES.get(name, "&" + name)
    if dec is not None or hexa is not None:
        cp = int(dec) if dec is not None else int(hexa, 16)
        return chr(cp) if _valid_codepoint(cp) else "\ufffd"
    return "&"


def decode_char_references(text: str) -> str:
    """``Sanitizer::decodeCharReferencesAndNormalize``: references decoded, then NFC when the text
    held any ``&``."""
    if "&" not in text:
        return text
    return unicodedata.normalize("NFC", _CHAR_REF.sub(_decode, text))


def _split(text: str, default_ns: int) -> tuple[int, str] | None:
    """``Title::newFromText(text, default_ns)``: (namespace, title with spaces), or None."""
    dbkey = _BIDI.sub("", decode_char_references(text).replace(" ", "_"))
    dbkey = _SPACE.sub("_", dbkey).strip("_")
    if "\ufffd" in dbkey:
        return None
    ns = default_ns
    if dbkey.startswith(":"):
        ns, dbkey = NS_MAIN, dbkey[1:].strip("_")
    if not dbkey:
        return None
    m = _PREFIX.fullmatch(dbkey)
    if m and (known := NAMESPACES.get(m.group(1).lower())) is not None:
        ns, dbkey = known[0], m.group(2)
        if ns == NS_TALK and (inner := _PREFIX.fullmatch(dbkey)) and inner.group(1).lower() in NAMESPACES:
            return None
    hash_at = dbkey.find("#")
    if hash_at >= 0:
        dbkey = dbkey[:hash_at].rstrip("_")
    if _ILLEGAL.search(dbkey) or ("." in dbkey and _RELATIVE.search(dbkey)) or "~~~" in dbkey:
        return None
    if len(dbkey.encode("utf-8", "surrogatepass")) > 255:
        return None
    dbkey = dbkey[:1].upper() + dbkey[1:]
    if not dbkey and ns != NS_MAIN:
        return None
    return ns, dbkey.replace("_", " ")


def _key(ns: int, title: str) -> str | None:
    if ns == NS_TEMPLATE:
        return title
    if ns == NS_MAIN:
        return ":" + title if title else None
    name = next((canonical for number, canonical in NAMESPACES.values() if number == ns), None)
    return f"{name}:{title}" if name else None


def call_key(name: str) -> str | None:
    """The key of the page a call named ``name`` transcludes on a page as viewed, or None when it
    transcludes no page (``subst:``, ``msgnw:``, a parser function, an invalid title). Linear in
    the name's length; names up to 300 characters are remembered."""
    return _call_key(name) if len(name) <= 300 else _resolve(name)


@functools.lru_cache(maxsize=4096)
def _call_key(name: str) -> str | None:
    return _resolve(name)


def _resolve(name: str) -> str | None:
    part = name.strip(_PHP_TRIM)
    m = _SUBST.match(part)
    if m:
        if m.group(1):
            return None
        part = part[m.end() :]
    if _MSGNW.match(part):
        return None
    if m := _MSG.match(part):
        part = part[m.end() :]
    if m := _RAW.match(part):
        part = part[m.end() :]
    if part.startswith(("/", "../")):
        return None
    split = _split(part, NS_TEMPLATE) if part else None
    return None if split is None else _key(*split)


def title_key(title: str, default_ns: int = NS_MAIN) -> str | None:
    """The key of a page title as the wiki names it (main namespace unless prefixed), or of a
    template's name with ``default_ns=NS_TEMPLATE``; None for an invalid title."""
    split = _split(title.strip(_PHP_TRIM), default_ns)
    return None if split is None else _key(*split)


def template_keys(names: list[str] | tuple[str, ...], redirects: tuple[str, ...] | list[str] = ()) -> frozenset[str]:
    """The keys a template answers to: its names (in the template namespace unless prefixed) and
    the titles of the wiki's redirects to it (in the main namespace unless prefixed)."""
    keys = {title_key(n, NS_TEMPLATE) for n in names if n.strip()}
    keys |= {title_key(t) for t in redirects if t.strip()}
    return frozenset(k for k in keys if k is not None)
