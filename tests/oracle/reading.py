"""What MediaWiki says about a page: how many infoboxes, and the parameters of the one."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from bot.model import MULTIPLE_INFOBOXES, NO_INFOBOX, Infobox, Param, ParseOutcome
from tests.oracle.tree import OracleParam, params, source, templates, title_source
from tests.oracle.wiki import OracleWiki


@dataclass(frozen=True)
class OracleReading:
    """MediaWiki's reading of one page."""

    text: str
    """The text MediaWiki parsed (the tree's source: line endings and Unicode as the API normalised them)."""
    count: int
    """Template nodes anywhere in the tree that transclude the infobox (nested ones included)."""
    params: tuple[OracleParam, ...]
    """The infobox's parameters when ``count`` is 1, else empty."""
    index: int
    """The infobox's position among the page's template nodes (document order) when ``count`` is 1, else -1."""
    names: tuple[str, ...]
    """The infoboxes' names as written (raw title text), in document order."""
    root: ET.Element = field(compare=False, repr=False)

    def outcome(self) -> ParseOutcome:
        """The reading in the shape of ``bot.parse.find_infobox``'s answer, for ``check_page``."""
        if self.count != 1:
            return ParseOutcome(None, NO_INFOBOX if self.count == 0 else MULTIPLE_INFOBOXES, self.count)
        box = Infobox(params=tuple(Param(p.name, p.value, p.positional) for p in self.params))
        return ParseOutcome(box, None, 1)


def read(wiki: OracleWiki, text: str) -> OracleReading:
    """Ask the wiki: one parsetree request, and one resolution request for names not seen before."""
    root = wiki.parsetree(text)
    nodes = list(templates(root))
    names = [title_source(node) for node in nodes]
    resolved = wiki.resolve(names) if names else {}
    hits = [i for i, name in enumerate(names) if resolved[name]]
    found = tuple(names[i] for i in hits)
    if len(hits) != 1:
        return OracleReading(source(root), len(hits), (), -1, found, root)
    return OracleReading(source(root), 1, params(nodes[hits[0]]), hits[0], found, root)
