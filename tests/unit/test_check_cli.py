"""``python -m bot check``: the JSON document, text output, exit codes, file handling (contract §3)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import ROOT

GOOD = """{{Partnership infobox|partner=P|model=legal|goals=privacy|metrics=m|coi_disclosure=None known
|community_role=c|status=proposed}}"""


def _write(tmp_path: Path, files: dict[str, bytes | str]) -> None:
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_document_exactly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(
        tmp_path,
        {
            "b/Second.wiki": "{{Partnership infobox|partner=P|zz=1}}",
            "a/First.wiki": GOOD,
            "notes.txt": "x",
        },
    )
    code, out, _ = _run(["check", "--format", "json", "--as-of", "2026-01-02", str(tmp_path)], capsys)
    doc = json.loads(out)
    assert code == 1
    assert list(doc) == ["as_of", "pages"] and doc["as_of"] == "2026-01-02"
    assert [p["title"] for p in doc["pages"]] == ["First", "Second"]
    first, second = doc["pages"]
    assert first == {"title": "First", "complete": True, "findings": []}
    assert list(second) == ["title", "complete", "findings"] and second["complete"] is False
    for f in second["findings"]:
        assert list(f) == ["field", "code", "severity", "message"] and f["message"]
    keys = [(f["field"] or "", f["code"]) for f in second["findings"]]
    assert keys == sorted(keys) and ("zz", "unknown_param") in keys


def test_pages_in_the_order_given(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path, {"Z.wiki": GOOD, "A.wiki": GOOD})
    code, out, _ = _run(["check", "--format", "json", str(tmp_path / "Z.wiki"), str(tmp_path / "A.wiki")], capsys)
    assert code == 0
    assert [p["title"] for p in json.loads(out)["pages"]] == ["Z", "A"]


def test_bad_utf8_is_reported_and_the_others_still_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path, {"Bad.wiki": b"{{Partnership infobox|partner=\xff\xfe}}", "Good.wiki": GOOD})
    code, out, err = _run(["check", "--format", "json", str(tmp_path)], capsys)
    assert code == 2
    assert [p["title"] for p in json.loads(out)["pages"]] == ["Good"]
    assert "Bad.wiki: not valid UTF-8" in err and "save the file as UTF-8" in err


def test_missing_path_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["check", str(tmp_path / "nope.wiki")], capsys)
    assert code == 2 and "no such file" in err


def test_as_of_drives_staleness(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = GOOD.replace(
        "status=proposed",
        "status=active|start=2020|agreement=mou|feedback=[[T]]|last_reviewed=2025-06",
    )
    _write(tmp_path, {"P.wiki": page})
    for as_of, stale in (("2026-05-01", False), ("2026-07-01", True)):
        _, out, _ = _run(["check", "--format", "json", "--as-of", as_of, str(tmp_path)], capsys)
        codes = [f["code"] for f in json.loads(out)["pages"][0]["findings"]]
        assert ("stale" in codes) is stale


def test_text_output_groups_per_page_without_colour_off_a_tty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, {"A.wiki": GOOD, "B.wiki": "nothing"})
    code, out, _ = _run(["check", str(tmp_path)], capsys)
    assert code == 1
    assert "\x1b[" not in out
    lines = out.splitlines()
    assert lines[0] == "A: complete"
    assert lines[1].startswith("B: INCOMPLETE (1 error, 0 warnings)")
    assert lines[2].startswith("  error   (page): no_infobox — No {{Partnership infobox}}")
    assert lines[-1].startswith("2 pages checked as of ")


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check", "--as-of", "2026-02-30", "x"])
    assert exc.value.code == 2
    assert "not a date" in capsys.readouterr().err


def test_python_dash_m_bot_json_is_one_document(tmp_path: Path) -> None:
    _write(tmp_path, {"A.wiki": GOOD})
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "check", "--format", "json", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["pages"][0]["complete"] is True


def test_rules_option_reads_another_rules_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``check --rules FILE`` applies that file: partner_url made required turns a complete page
    incomplete; a broken file is exit 2 naming its JSON path."""
    from bot.rules import DEFAULT_RULES

    page = tmp_path / "P.wiki"
    page.write_text(
        "{{Partnership infobox | partner = P | model = content | goals = free-content | metrics = 3 uploads"
        " | coi_disclosure = None known | community_role = Volunteers upload | status = proposed }}",
        encoding="utf-8",
    )
    assert main(["check", str(page)]) == 0
    data = json.loads(DEFAULT_RULES.read_text(encoding="utf-8"))
    data["params"]["partner_url"]["required"] = True
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps(data), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", "--rules", str(rules), "--format", "json", str(page)]) == 1
    out = json.loads(capsys.readouterr().out)
    assert {(f["field"], f["code"]) for p in out["pages"] for f in p["findings"]} >= {("partner_url", "missing")}
    data["params"]["partner_url"]["required"] = "yes"
    rules.write_text(json.dumps(data), encoding="utf-8")
    assert main(["check", "--rules", str(rules), str(page)]) == 2
    assert "at params.partner_url.required:" in capsys.readouterr().err
