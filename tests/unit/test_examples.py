"""The example corpus (templates_wiki/examples) against hand-written expected findings
(tests/data/examples/<title>.expected.json, derived from the contract, not from the code), and the
whole ``check --format json`` document against a golden file (messages included).

Regenerate the golden file after a deliberate message change with
``UPDATE_GOLDEN=1 ./scripts/test tests/unit/test_examples.py`` and review the diff."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bot.check import check_paths, read_page, render_json
from bot.rules import Rules
from tests.conftest import AS_OF, EXAMPLES, ROOT

EXPECTED = ROOT / "tests" / "data" / "examples"
GOLDEN = ROOT / "tests" / "data" / "check-examples.json"
PAGES = sorted(EXAMPLES.glob("*.wiki"))


def test_corpus_is_large_and_mixed() -> None:
    assert len(PAGES) >= 30
    complete = [json.loads((EXPECTED / f"{p.stem}.expected.json").read_text())["complete"] for p in PAGES]
    assert 0.2 < sum(complete) / len(complete) < 0.6
    assert {p.stem for p in PAGES} == {p.name.removesuffix(".expected.json") for p in EXPECTED.glob("*.expected.json")}


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_example_findings(page: Path, rules: Rules) -> None:
    expected = json.loads((EXPECTED / f"{page.stem}.expected.json").read_text(encoding="utf-8"))
    run = check_paths([str(page)], rules, AS_OF)
    (result,) = run.results
    assert result.title == expected["title"]
    assert [[f.field, f.code, f.severity] for f in result.findings] == expected["findings"]
    assert result.complete is expected["complete"]
    assert read_page(page).count("{{") >= 3, "examples carry other templates around the infobox"


def test_every_finding_code_is_exercised() -> None:
    codes = {f[1] for p in EXPECTED.glob("*.expected.json") for f in json.loads(p.read_text())["findings"]}
    assert codes == {
        "missing", "placeholder", "invalid", "date_order", "nonfree_license", "no_infobox",
        "multiple_infoboxes", "stale", "privacy_risk", "unknown_param", "duplicate_param",
    }  # fmt: skip


def test_json_document_matches_golden(rules: Rules) -> None:
    document = render_json(check_paths([str(EXAMPLES)], rules, AS_OF)) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(document, encoding="utf-8")
    assert document == GOLDEN.read_text(encoding="utf-8")
