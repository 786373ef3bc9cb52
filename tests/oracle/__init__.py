"""The oracle: MediaWiki's own preprocessor as the authority on how a page reads (issue 12).

For a page's wikitext the dev wiki answers what MediaWiki sees: ``action=parse&prop=parsetree`` gives
the preprocessor's tree of the page as viewed, and the wiki itself resolves which ``{{…}}`` nodes
transclude the infobox (an oracle template that renders a unique token, and a redirect to it). From
that tree :mod:`tests.oracle.tree` reads the infobox count and the parameters as MediaWiki passes
them; :mod:`tests.oracle.ours` reads the same text with the bot's reader; :mod:`tests.oracle.compare`
reports differences in counts, parameters and findings by kind. Inputs come from
:mod:`tests.oracle.generate`.

Runs: ``tests/wiki/test_oracle.py`` (a seeded sample in ``./scripts/test``) and ``./scripts/oracle``
(thousands of pages, a separate command).
"""

from __future__ import annotations

#: The one switch. While False the oracle tests print every difference between MediaWiki and the
#: bot's reader but assert only that the oracle itself works (its self-tests). Helper F flips it to
#: True when the new reader lands: then any difference in infobox counts or findings, and any
#: parameter-level difference not listed in known_differences.json, fails ./scripts/test.
STRICT = True

#: The oracle's infobox on the dev wiki (installed by :class:`tests.oracle.wiki.OracleWiki`): it renders
#: TOKEN and nothing else, so a ``{{…}}`` transcludes the infobox exactly when it renders TOKEN. Not the
#: bot's ``Partnership infobox``, which other tests install with its real content on the same wiki; the
#: reader gets these names instead (the rules' checks depend on parameter names only).
TEMPLATE = "Oracle partnership infobox"
#: A redirect to TEMPLATE, so that redirects are exercised (the bot learns redirects from the wiki).
REDIRECT = "Infobox partnership oracle redirect"
#: The template's text. ``{{{|}}}`` (an argument with an empty name, default empty) splits the token
#: in the source, so ``{{msgnw:…}}``, which shows the source instead of transcluding, never shows TOKEN.
TEMPLATE_TEXT = "ORACLE{{{|}}}PBX7Q"
TOKEN = "ORACLEPBX7Q"
