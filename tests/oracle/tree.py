"""The preprocessor's XML tree of a page (``action=parse&prop=parsetree``) → templates and parameters,
as MediaWiki 1.43's (and 1.39's) ``Preprocessor_Hash`` and ``PPFrame_Hash`` see them when the page is viewed.

The tree is lossless: :func:`source` gives back the text MediaWiki parsed (which may differ from what
was sent: the API turns CRLF into LF and NFC-normalises). Nodes:

* ``<template>``: ``<title>`` then ``<part>``s, each ``<name>…</name><equals>=</equals><value>…``
  or ``<name index="N"/><value>…`` (positional); its braces and pipes are not in the tree;
* ``<tplarg>``: ``{{{…}}}``, the same shape;
* ``<ext>``: an extension tag, ``<name>``, ``<attr>``, and ``<inner>``/``<close>`` unless self-closed;
  its body is text, so no template exists inside it;
* ``<comment>``: a comment, with the surrounding whitespace and line break when it is alone on its
  line; ``<ignore>``: ``<includeonly>…</includeonly>`` and the ``<noinclude>``/``<onlyinclude>`` tags
  (the page as viewed, not as included); ``<h>``, and ``<possible-h>`` inside a template's
  arguments: a heading (its ``=`` included).

Parameters as ``PPFrame_Hash::newChild`` and the template frame pass them: a named one's name and
value lose comments and ignored text and are trimmed with PHP's ``trim`` (space, tab, LF, CR, NUL,
VT — not NBSP); a positional one is numbered by the preprocessor and its value is *not* trimmed by
MediaWiki (:class:`OracleParam` keeps both; the comparison uses the trimmed one, as the contract
does). Extension tags, nested templates and template arguments stay as their raw text (the bot
reports values as written, not expanded). Every occurrence is kept, in order.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass

#: PHP's trim() default characters.
PHP_WHITESPACE = " \t\n\r\0\x0b"


def php_trim(text: str) -> str:
    return text.strip(PHP_WHITESPACE)


def parse_xml(xml: str) -> ET.Element:
    return ET.fromstring(xml)


def source(el: ET.Element) -> str:
    """The wikitext an element stands for (its tail excluded)."""
    tag = el.tag
    if tag == "template":
        return "{{" + _parts_source(el) + "}}"
    if tag == "tplarg":
        return "{{{" + _parts_source(el) + "}}}"
    if tag == "ext":
        name, attr = el.find("name"), el.find("attr")
        inner, close = el.find("inner"), el.find("close")
        head = "<" + _text(name) + _text(attr)
        if inner is None:
            return head + "/>"
        return head + ">" + _text(inner) + _text(close)
    return _children_source(el)


def _text(el: ET.Element | None) -> str:
    return "" if el is None else _children_source(el)


def _children_source(el: ET.Element) -> str:
    out = [el.text or ""]
    for child in el:
        out.append(source(child))
        out.append(child.tail or "")
    return "".join(out)


def _parts_source(el: ET.Element) -> str:
    title = el.find("title")
    return "|".join([_text(title), *(_children_source(p) for p in el.findall("part"))])


def templates(root: ET.Element) -> Iterator[ET.Element]:
    """Every ``<template>`` node, in document order, at any depth: in other templates' titles and
    arguments, parser functions, template-argument defaults, headings (inside ``<ext>``,
    ``<comment>`` and ``<ignore>`` there are none: their bodies are text)."""
    return root.iter("template")


def title_source(template: ET.Element) -> str:
    """The raw text of a template's name, as written (comments and ignored text included)."""
    return _text(template.find("title"))


def is_plain(el: ET.Element | None) -> bool:
    """No template, template argument or extension tag inside (its expansion is its text)."""
    return el is None or not any(d.tag in ("template", "tplarg", "ext") for d in el.iter())


def as_written(el: ET.Element | None) -> str:
    """An argument's text as MediaWiki passes it, before trimming: comments and ignored text gone,
    everything else (extension tags, nested templates, arguments, headings) as written."""
    if el is None:
        return ""
    out = [el.text or ""]
    for child in el:
        if child.tag in ("template", "tplarg", "ext"):
            out.append(source(child))
        elif child.tag not in ("comment", "ignore"):  # headings (<h>, <possible-h>) and the like
            out.append(as_written(child))
        out.append(child.tail or "")
    return "".join(out)


@dataclass(frozen=True)
class OracleParam:
    """One parameter of a template node as MediaWiki passes it."""

    name: str
    """Trimmed name; a positional parameter's number."""
    value: str
    """Trimmed value (MediaWiki trims named values; positional ones are trimmed here for the comparison)."""
    positional: bool
    untrimmed: str
    """The value as MediaWiki passes it: untrimmed for positional parameters."""
    plain: bool
    """Name and value hold nothing that expands (so the wiki's own argument map must agree exactly)."""


def params(template: ET.Element) -> tuple[OracleParam, ...]:
    out = []
    for part in template.findall("part"):
        name_el, value_el = part.find("name"), part.find("value")
        value = as_written(value_el)
        plain = is_plain(name_el) and is_plain(value_el)
        index = name_el.get("index") if name_el is not None else None
        if index is not None:
            out.append(OracleParam(index, php_trim(value), True, value, plain))
        else:
            out.append(OracleParam(php_trim(as_written(name_el)), php_trim(value), False, php_trim(value), plain))
    return tuple(out)
