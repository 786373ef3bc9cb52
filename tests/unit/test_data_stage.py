"""Stage 5's data page (bot.pipeline.step5_data) on an in-memory wiki: it holds the table's rows with
their findings, saved with the JSON content model on the revision read, only when the rows change
(compared by value: MediaWiki re-formats JSON); a page the bot may not write, and a document over the
wiki's page limit, are left alone with an error line; a missing page is not created by the pass. The
data in numbered parts: tests/unit/test_data_parts.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot import data_parts, export
from bot.cli import main
from bot.config import Config
from bot.errors import ShutoffEngaged
from bot.pipeline.one_pass import Pass
from bot.state import StateStore
from tests.conftest import ROOT
from tests.fakes import FakeWiki
from tests.passes import COMPLETE, INCOMPLETE, NOW, run, wiki_with

DATA = "Partnership tracker/data.json"
INSTALLED = (ROOT / "templates_wiki" / "Main" / "Partnership tracker" / "data.json").read_text(encoding="utf-8")


def data_saves(wiki: FakeWiki) -> list[str]:
    return [s.text for s in wiki.saves if s.title == DATA]


def installed(pages: dict[str, str]) -> FakeWiki:
    wiki = wiki_with(pages)
    wiki.put(DATA, INSTALLED, "Admin")
    return wiki


def test_the_page_holds_the_tables_rows_and_a_second_pass_makes_no_edit(config: Config) -> None:
    wiki = installed({"Org": INCOMPLETE, "Done": COMPLETE})
    base = wiki.pages[DATA].revid
    report = run(wiki, config)
    assert not report.errors
    doc = json.loads(wiki.pages[DATA].text)
    assert doc["generator"] == "partnership-tracker" and doc["pages"] == 2 and doc["complete"] == 1
    assert [r["title"] for r in doc["rows"]] == ["Done", "Org"], "the table's order (partner, then title)"
    org = doc["rows"][1]
    assert org["missing"] == ["metrics"] and org["finding_codes"] == ["metrics:missing"]
    assert [s.base_revid for s in wiki.saves if s.title == DATA] == [base], "saved once, on the revision read"
    assert wiki.models[DATA] == "json"
    run(wiki, config)
    assert len(data_saves(wiki)) == 1, "the same rows: no second edit"


def test_reformatted_json_is_the_same_data_and_a_change_of_rows_is_saved(config: Config) -> None:
    wiki = installed({"Org": INCOMPLETE})
    run(wiki, config)
    wiki.put(DATA, json.dumps(json.loads(wiki.pages[DATA].text), indent=2), "Editor")  # as the wiki may store it
    run(wiki, config)
    assert len(data_saves(wiki)) == 1, "compared by value"
    wiki.put("Org", COMPLETE)
    run(wiki, config)
    assert len(data_saves(wiki)) == 2 and json.loads(wiki.pages[DATA].text)["complete"] == 1


@pytest.mark.parametrize(
    ("text", "protected", "why"),
    [
        ('{"nobots": true}', False, "does not hold the bot's data document"),
        ("[1, 2]", False, "does not hold the bot's data document"),
        (INSTALLED, True, "protected"),
    ],
)
def test_a_page_the_bot_may_not_write_is_left_alone_with_an_error(
    config: Config, text: str, protected: bool, why: str
) -> None:
    wiki = wiki_with({"Org": INCOMPLETE})
    wiki.put(DATA, text, "Admin", protected=protected)
    report = run(wiki, config)
    assert wiki.pages[DATA].text == text.rstrip() and not data_saves(wiki)
    (line,) = [e for e in report.errors if e.startswith(f"{DATA}: the data page was not written")]
    assert why in line


def test_a_missing_page_is_not_created_and_a_dry_run_writes_nothing(config: Config) -> None:
    wiki = wiki_with({"Org": INCOMPLETE})
    report = run(wiki, config)
    assert DATA not in wiki.pages and not report.errors
    wiki = installed({"Org": INCOMPLETE})
    run(wiki, config, dry_run=True)
    assert not wiki.saves


def test_the_shutoff_is_read_again_before_the_write(config: Config) -> None:
    """Engaged while the summary is saved (the first save: no page to tag): the data page is not written."""
    wiki = installed({"Org": INCOMPLETE})

    def engage(_title: str) -> None:
        wiki.put("User:PartnershipBot/Shutoff", "STOP", "Admin")

    wiki.before_save = engage
    wiki.put("Org", COMPLETE)
    with pytest.raises(ShutoffEngaged):
        run(wiki, config)
    assert not data_saves(wiki)


def test_export_has_one_row_per_table_row(
    config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``export`` reads the state the pass stored: one CSV row per row of the table, and the JSON
    document is the data page's."""
    monkeypatch.setenv("DEVWIKI_DIR", str(tmp_path))
    conf = str(ROOT / "config" / "devwiki.toml")
    assert main(["--config", conf, "export"]) == 2
    assert "run a pass first" in capsys.readouterr().err
    assert not (tmp_path / "bot-state.sqlite").exists(), "export creates no state"
    wiki = installed({"Org": INCOMPLETE, "Done": COMPLETE, "Third": INCOMPLETE.replace("Example Org", "Acme")})
    with StateStore(tmp_path / "bot-state.sqlite") as store:
        passed = pass_rows(wiki, config, store)
    assert main(["--config", conf, "export", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 + len(passed) == 4 and [line.split(",")[0] for line in lines[1:]] == passed
    out = tmp_path / "data.json"
    assert main(["--config", conf, "export", "--format", "json", "--output", str(out)]) == 0
    page = json.loads(wiki.pages[DATA].text)
    assert page.pop("parts") == [], "the data page's one key more: it fits one page"
    assert json.loads(out.read_text(encoding="utf-8")) == page, "the export is the whole document, without parts"
    assert main(["--config", conf, "export", "--output", str(tmp_path / "no" / "such" / "dir.csv")]) == 2
    assert "cannot write the export" in capsys.readouterr().err


def pass_rows(wiki: FakeWiki, config: Config, store: StateStore) -> list[str]:
    """Run a pass with ``store``; the titles of the table's rows, in order."""
    one = Pass(wiki, config, lambda: NOW, store, keep_quiet=False)
    one.run()
    return [row.title for row in one.rows]


def test_the_installed_data_page_is_the_document_of_no_rows() -> None:
    """``install-templates`` creates the data page as a pass would write it for no page: the head,
    no rows and an empty list of parts, as MediaWiki stores JSON (so the first pass changes nothing
    on a wiki without partnership pages)."""
    assert export.wiki_json(data_parts.main_document([], [])) == INSTALLED.removesuffix(
        "\n"
    )  # (the file's own line end)
