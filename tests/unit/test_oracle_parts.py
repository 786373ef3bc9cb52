"""The oracle's pure parts (tests/oracle), without a wiki: reading a preprocessor tree as MediaWiki
passes arguments, the comparison and its allowances, the generators, the shrinker, the adapter."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from bot.model import Infobox, Param, ParseOutcome
from bot.rules import Rules
from tests.oracle import ours
from tests.oracle.compare import Allowance, Difference, Tally, differences, known_differences, param_differences
from tests.oracle.generate import generated, mwtest_inputs, sample
from tests.oracle.reading import OracleReading
from tests.oracle.selftest import api_normalize
from tests.oracle.shrink import shrink
from tests.oracle.tree import params, parse_xml, php_trim, source, templates, title_source

AS_OF = dt.date(2026, 11, 25)
#: What MediaWiki 1.39's action=parse&prop=parsetree answered for TEXT.
TEXT = (
    "{{Oracle partnership infobox|a=1\n<!-- c -->\n|\n==h==\n| b = <ref name=x>y</ref> {{f|1}} {{{p|d}}} "
    "<includeonly>i</includeonly>|c<!--x-->=  v  |3}}"
)
XML = (
    "<root><template><title>Oracle partnership infobox</title><part><name>a</name><equals>=</equals><value>1\n"
    '<comment>&lt;!-- c --&gt;\n</comment></value></part><part><name index="1"/><value>\n'
    '<possible-h level="2" i="1">==h==</possible-h>\n</value></part><part><name> b </name><equals>=</equals>'
    "<value> <ext><name>ref</name><attr> name=x</attr><inner>y</inner><close>&lt;/ref&gt;</close></ext> "
    '<template><title>f</title><part><name index="1"/><value>1</value></part></template> <tplarg><title>p</title>'
    '<part><name index="1"/><value>d</value></part></tplarg> <ignore>&lt;includeonly&gt;i&lt;/includeonly&gt;'
    "</ignore></value></part><part><name>c<comment>&lt;!--x--&gt;</comment></name><equals>=</equals><value>  v  "
    '</value></part><part><name index="2"/><value>3</value></part></template></root>'
)


def test_tree_gives_back_the_text_and_the_arguments_mediawiki_passes() -> None:
    root = parse_xml(XML)
    assert source(root) == TEXT
    box, nested = list(templates(root))
    assert (title_source(box), title_source(nested)) == ("Oracle partnership infobox", "f")
    got = [(p.name, p.value, p.positional, p.untrimmed, p.plain) for p in params(box)]
    assert got == [
        ("a", "1", False, "1", True),
        ("1", "==h==", True, "\n==h==\n", True),
        ("b", "<ref name=x>y</ref> {{f|1}} {{{p|d}}}", False, "<ref name=x>y</ref> {{f|1}} {{{p|d}}}", False),
        ("c", "v", False, "v", True),
        ("2", "3", True, "3", True),
    ]


def test_php_trim_keeps_nbsp_and_other_unicode_space() -> None:
    assert php_trim(" \t\n\r\0\x0b x \u00a0\u2003") == "x \u00a0\u2003"


def test_api_normalize() -> None:
    assert api_normalize("a\r\nb\rc\x00\x1f\t\x7f\ufffe e\u0301") == "a\nb\nc\ufffd\ufffd\t\x7f\ufffd \u00e9"


def _reading(count: int, *pairs: tuple[str, str]) -> OracleReading:
    from tests.oracle.tree import OracleParam

    ps = tuple(OracleParam(n, v, n.isdigit(), v, True) for n, v in pairs)
    return OracleReading("", count, ps if count == 1 else (), 0 if count == 1 else -1, (), parse_xml("<root/>"))


def _ours(count: int, *pairs: tuple[str, str]) -> ParseOutcome:
    if count != 1:
        return ParseOutcome(None, "no_infobox" if count == 0 else "multiple_infoboxes", count)
    return ParseOutcome(Infobox(tuple(Param(n, v, n.isdigit()) for n, v in pairs)), None, 1)


def test_differences_by_level(rules: Rules) -> None:
    assert differences(_reading(1, ("partner", "K")), _ours(1, ("partner", "K")), rules, AS_OF) == []
    found = differences(_reading(1, ("partner", "K")), _ours(0), rules, AS_OF)
    assert {d.level for d in found} == {"count", "findings"}
    assert "infobox count: MediaWiki 1, ours 0" in {d.kind for d in found}
    assert differences(_reading(2), _ours(3), rules, AS_OF) != []  # the message names the count
    found = differences(_reading(1, ("status\u00a0", "x")), _ours(1, ("status", "x")), rules, AS_OF)
    kinds = {d.kind for d in found}
    assert {"parameter only in MediaWiki's reading", "parameter only in ours"} <= kinds
    assert "finding unknown_param only in MediaWiki's reading" in kinds


def test_param_differences_order_and_duplicates() -> None:
    a = (Param("x", "1"), Param("x", "2"))
    b = (Param("x", "2"),)
    assert [d.kind for d in param_differences(a, b)] == ["order or duplicates differ"]
    assert [d.kind for d in param_differences(a, (Param("x", "1"),))] == ["value differs"]
    assert [d.kind for d in param_differences((Param("1", "v", True),), (Param("1", "v"),))] == [
        "positional or named differs"
    ]


def test_tally_counts_pages_keeps_short_examples_and_honours_allowances() -> None:
    tally = Tally(allowances=[Allowance("value differs", "'1'", "positional values are trimmed")])
    value = Difference("param", "value differs", "'1': MediaWiki ' a', ours 'a'")
    other = Difference("param", "value differs", "'x': MediaWiki 'a', ours 'b'")
    tally.add("generated", "long page text", [value])
    tally.add("generated", "long page", [other])
    tally.add("generated", "page", [other, Difference("findings", "finding missing only in ours", "x")])
    assert (tally.pages, tally.allowed, tally.failures()) == (3, 1, 3)
    assert tally.pages_with == {"param": 2, "findings": 1}
    assert [e.text for e in tally.examples(("param", "value differs"), 3)] == ["page"]
    assert "pages compared: 3" in tally.render()
    assert json.dumps(tally.to_json())


def test_known_differences_file_is_valid_and_starts_empty() -> None:
    assert known_differences() == []
    path = Path(__file__).parents[1] / "oracle" / "known_differences.json"
    assert "about" in json.loads(path.read_text(encoding="utf-8"))


def test_inputs_are_seeded_and_varied() -> None:
    first, again = list(generated(7, 50)), list(generated(7, 50))
    assert first == again
    assert len({p.text for p in first}) == 50
    assert sample(3, 60) == sample(3, 60)
    assert {p.origin.split(":")[0] for p in sample(3, 60)} == {"corpus", "mwparserfromhell", "generated"}
    assert len(mwtest_inputs()) > 90


def test_shrink_keeps_what_the_test_needs() -> None:
    text = "a\nb\n{{X\n| p = 1\n| q = 2\n}}\nc"
    assert shrink(text, lambda t: "q = 2" in t and "{{X" in t) == "{{X\n| q = 2"
    assert shrink("{{X|a=1|b=2|c=3}}", lambda t: "b=2" in t) == "b=2"


def test_adapter_passes_the_tags_to_the_reader() -> None:
    text = "{{Oracle partnership infobox|partner=<ref>a|b</ref>}}"
    with_ref, without = ours.read(text, frozenset({"ref"})), ours.read(text, frozenset())
    assert with_ref.infobox is not None and without.infobox is not None
    assert [p.value for p in with_ref.infobox.params] == ["<ref>a|b</ref>"]
    assert [p.value for p in without.infobox.params] == ["<ref>a", "b</ref>"]
    assert ours.read("{{Oracle partnership infobox|partner=K}}").count == 1
