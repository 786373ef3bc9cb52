"""The oracle (issue 12): MediaWiki's own preprocessor against the bot's reader, on the tests' wiki.

A seeded sample (generated pages, real articles with an infobox, mwparserfromhell's tokenizer inputs)
and a few Hypothesis pages are read by the wiki and by ``bot.parse`` (through tests/oracle/ours.py).
While ``tests.oracle.STRICT`` is False the differences are reported (a warning with the figures, the
full report in ``.devwiki-test/oracle-report.txt``) and only the oracle's self-tests must pass; once
helper F flips it, any difference in infobox counts or findings, and any parameter-level one not in
tests/oracle/known_differences.json, fails. ``./scripts/oracle`` runs thousands of pages.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings

from bot.config import load_config, meta_extension_tags
from bot.rules import Rules
from tests.conftest import AS_OF, ROOT
from tests.oracle import STRICT, TOKEN, ours
from tests.oracle.compare import differences, known_differences
from tests.oracle.generate import pages, sample
from tests.oracle.reading import read
from tests.oracle.run import compare_pages
from tests.oracle.selftest import api_normalize, round_trips
from tests.oracle.wiki import OracleWiki, install

from .api import WikiApi
from .conftest import TEST_DIR, DevWiki

pytestmark = pytest.mark.wiki

SEED = 12
SAMPLE_PAGES = 400
BOX = "{{Oracle partnership infobox|partner=Kiwix|status=active}}"


@pytest.fixture(scope="module")
def oracle(devwiki: DevWiki, admin_api: WikiApi) -> OracleWiki:
    install(admin_api)
    return OracleWiki(devwiki.api)


def test_dev_wiki_has_metas_extension_tags(admin_api: WikiApi) -> None:
    """meta=siteinfo&siprop=extensiontags on the dev wiki is Meta-Wiki's set from config/bot.toml."""
    tags = admin_api.get(action="query", meta="siteinfo", siprop="extensiontags")["query"]["extensiontags"]
    assert {t.strip("<>") for t in tags} == meta_extension_tags()
    devwiki = load_config(ROOT / "config" / "devwiki.toml", {"DEVWIKI_DIR": str(TEST_DIR)})
    assert devwiki.site.extension_tags == meta_extension_tags()


@pytest.mark.parametrize("tag", ["ref", "poem", "score", "templatestyles", "math", "page-collection"])
def test_extension_tags_are_opaque_to_the_preprocessor(oracle: OracleWiki, tag: str) -> None:
    """Real (Cite, Poem) and stand-in (score, math, …) tags alike keep a pipe and braces inside them."""
    reading = read(oracle, f"{{{{Oracle partnership infobox|partner=<{tag}>a|b}}}}c</{tag}>|status=active}}}}")
    assert reading.count == 1
    assert [(p.name, p.value) for p in reading.params] == [
        ("partner", f"<{tag}>a|b}}}}c</{tag}>"),
        ("status", "active"),
    ]


@pytest.mark.parametrize(
    ("text", "count", "params"),
    [
        (BOX, 1, [("partner", "Kiwix"), ("status", "active")]),
        ("{{safesubst:oracle_partnership infobox#top|a=b}}", 1, [("a", "b")]),
        ("{{msg:Oracle&#32;partnership&nbsp;infobox\u200e<noinclude></noinclude>|a=b}}", 1, [("a", "b")]),
        ("{{ Template:Infobox partnership oracle redirect |a=b}}", 1, [("a", "b")]),
        ("{{subst:Oracle partnership infobox|a=b}}", 0, []),
        ("{{msgnw:Oracle partnership infobox|a=b}}", 0, []),
        ("{{Oracle partnership\tinfobox|a=b}}", 0, []),
        ("{{Oracle partnership\ninfobox|a=b}}", 0, []),
        ("<includeonly>" + BOX + "</includeonly>", 0, []),
        ("<ref>" + BOX + "</ref>", 0, []),
        ("{{#if:|" + BOX + "}}", 1, [("partner", "Kiwix"), ("status", "active")]),
        (BOX + "\n{{Box|x=" + BOX + "}}", 2, []),
        ("{{Oracle partnership infobox|status\u00a0= x |b=<noinclude>proposed</noinclude>}}", 1, [("status\u00a0", "x"), ("b", "proposed")]),
        ("{{Oracle partnership infobox|\n==a==\n| a = <ref name=x>y</ref > | b=-{ c|d }-|[[x}}|b=c]]}}", 1,
         [("1", "==a=="), ("a", "<ref name=x>y</ref >"), ("b", "-{ c|d }-"), ("2", "[[x}}|b=c]]")]),
        ("{{Oracle partnership infobox|a=<ref name=\"r\">x|b=y}}", 1, [("a", '<ref name="r">x'), ("b", "y")]),
        ("{{Oracle partnership infobox|a=1\n<!-- c -->\n|a= 2 <!--x-->|3}}", 1, [("a", "1"), ("a", "2"), ("1", "3")]),
    ],
)  # fmt: skip
def test_mediawiki_reads_the_issues_edge_cases(
    oracle: OracleWiki, text: str, count: int, params: list[tuple[str, str]]
) -> None:
    """The oracle's reading of the constructs issue 12 lists, as MediaWiki reads them (1.43; 1.39 the same)."""
    reading = read(oracle, text)
    assert reading.count == count
    assert [(p.name, p.value) for p in reading.params] == params
    assert round_trips(reading, text)


def test_the_redirect_and_template_render_the_token(oracle: OracleWiki) -> None:
    for name in ("Oracle partnership infobox", "Infobox partnership oracle redirect"):
        assert oracle.expand("{{" + name + "|=x}}") != TOKEN  # an argument with an empty name changes the output
        assert oracle.expand("{{" + name + "}}") == TOKEN


def test_the_api_normalises_text_as_the_oracle_expects(oracle: OracleWiki) -> None:
    text = "a\r\nb\rc\x01d\x0be\ufffef\u0065\u0301 " + BOX
    assert read(oracle, text).text == api_normalize(text) == "a\nb\nc\ufffdd\ufffde\ufffdf\u00e9 " + BOX


def test_seeded_sample(oracle: OracleWiki, rules: Rules) -> None:
    """The seeded sample: the oracle's self-tests pass; when STRICT, MediaWiki and the reader agree."""
    run = compare_pages(oracle, sample(SEED, SAMPLE_PAGES), rules=rules, args_every=8)
    report = run.render()
    Path(TEST_DIR / "oracle-report.txt").write_text(report + "\n", encoding="utf-8")
    print(report)
    tally = run.tally
    summary = (
        f"oracle ({'strict' if STRICT else 'not strict'}): {tally.pages} pages, "
        f"{tally.pages_with['count']} with an infobox count difference, {tally.pages_with['findings']} with a "
        f"findings difference, {tally.pages_with['param']} with a parameter difference; "
        f"report: {TEST_DIR / 'oracle-report.txt'}; {run.seconds:.0f} s"
    )
    if not STRICT and tally.failures():
        warnings.warn(summary, stacklevel=1)
    assert run.selftest.ok(), run.selftest.render()
    assert run.selftest.args_params > 20, run.selftest.render()
    if STRICT:
        assert tally.failures() == 0, report


@settings(max_examples=25, derandomize=True, deadline=None, database=None)
@given(text=pages())
def test_generated_pages(oracle: OracleWiki, rules: Rules, text: str) -> None:
    """Hypothesis pages (they shrink to a minimal page when STRICT finds a difference)."""
    reading = read(oracle, text)
    assert round_trips(reading, text)
    if STRICT:
        allowed = known_differences()
        found = differences(reading, ours.read(text), rules, AS_OF, text)
        assert [d for d in found if not any(a.covers(d) for a in allowed)] == []
