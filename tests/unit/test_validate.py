"""Contract §1–2 rule by rule: each case is an infobox body and the (field, code) pairs expected."""

from __future__ import annotations

import pytest

from bot.check import check_text
from bot.rules import Rules
from tests.conftest import AS_OF

BASE = {
    "partner": "Kiwix", "model": "distribution", "goals": "dissemination, global-reach",
    "metrics": "1M downloads", "coi_disclosure": "None known", "community_role": "Volunteers curate",
    "status": "active", "start": "2014-03", "agreement": "mou", "feedback": "[[Talk:Kiwix]]",
}  # fmt: skip


def _page(**changes: str | None) -> str:
    params = {**BASE, **changes}
    body = "".join(f"\n| {k} = {v}" for k, v in params.items() if v is not None)
    return "Intro.\n{{Partnership infobox" + body + "\n}}\nMore text."


CASES: list[tuple[str, dict[str, str | None], set[tuple[str | None, str]]]] = [
    ("complete-active", {}, set()),
    ("missing-metrics", {"metrics": None}, {("metrics", "missing")}),
    ("empty-is-missing", {"metrics": "  "}, {("metrics", "missing")}),
    ("comment-only-is-missing", {"metrics": "<!-- fill in -->"}, {("metrics", "missing")}),
    ("placeholder-tbd", {"metrics": "TBD"}, {("metrics", "placeholder")}),
    ("placeholder-parenthesised", {"coi_disclosure": "(TBD)"}, {("coi_disclosure", "placeholder")}),
    ("placeholder-dash", {"community_role": "—"}, {("community_role", "placeholder")}),
    ("none-known-is-an-answer", {"coi_disclosure": "None"}, set()),
    ("goals-empty-list", {"goals": ", ,"}, {("goals", "missing")}),
    ("goals-only-placeholders", {"goals": "TBD, ?"}, {("goals", "placeholder")}),
    ("goals-placeholder-item-dropped", {"goals": "free-content, TBD"}, set()),
    ("goals-folded", {"goals": "Free  content, Global_Reach"}, set()),
    ("goals-one-invalid-finding", {"goals": "free content, fame, fortune"}, {("goals", "invalid")}),
    ("model-case", {"model": "Distribution"}, set()),
    ("model-invalid", {"model": "friendship"}, {("model", "invalid")}),
    ("status-invalid-no-status-rules", {"status": "ongoing", "start": None, "agreement": None, "feedback": None},
     {("status", "invalid")}),
    ("status-missing-no-status-rules", {"status": None, "start": None, "agreement": None, "feedback": None},
     {("status", "missing")}),
    ("proposed-needs-no-start", {"status": "proposed", "start": None, "agreement": None, "feedback": None}, set()),
    ("active-needs-start-agreement-feedback", {"start": None, "agreement": None, "feedback": None},
     {("start", "missing"), ("agreement", "missing"), ("feedback", "missing")}),
    ("completed-needs-end-impact-lessons", {"status": "completed", "feedback": None},
     {("end", "missing"), ("impact_report", "missing"), ("lessons", "missing")}),
    ("completed-complete", {"status": "completed", "end": "2019", "impact_report": "https://x.org/r",
                            "lessons": "Start small.", "feedback": None}, set()),
    ("terminated-placeholder-end", {"status": "terminated", "end": "TBD", "impact_report": "[[R]]", "lessons": "L"},
     {("end", "placeholder")}),
    ("date-impossible", {"start": "2020-02-30"}, {("start", "invalid")}),
    ("date-format", {"start": "March 2014"}, {("start", "invalid")}),
    ("date-order", {"status": "completed", "start": "2020-05", "end": "2019", "impact_report": "[[R]]", "lessons": "L"},
     {("end", "date_order")}),
    ("date-order-coarser-precision", {"status": "completed", "start": "2020-05", "end": "2020",
                                      "impact_report": "[[R]]", "lessons": "L"}, set()),
    ("optional-placeholder-is-absent", {"partner_url": "TBD", "content_license": "?", "last_reviewed": "n/a"}, set()),
    ("url-invalid", {"partner_url": "www.kiwix.org"}, {("partner_url", "invalid")}),
    ("feedback-without-link", {"feedback": "the talk page"}, {("feedback", "invalid")}),
    ("agreement-invalid", {"agreement": "handshake"}, {("agreement", "invalid")}),
    ("transparency-needs-note", {"transparency": "Partial"}, {("transparency_note", "missing")}),
    ("transparency-note-placeholder", {"transparency": "confidential", "transparency_note": "TBD"},
     {("transparency_note", "placeholder")}),
    ("transparency-invalid", {"transparency": "secret"}, {("transparency", "invalid")}),
    ("nonfree-licence", {"content_license": "CC BY-NC-SA 4.0"}, {("content_license", "nonfree_license")}),
    ("wikipedia-only", {"content_license": "for Wikipedia only"}, {("content_license", "nonfree_license")}),
    ("free-licence", {"content_license": "CC BY-SA 4.0"}, set()),
    ("privacy-risk", {"data_sharing": "Personal"}, {("data_sharing", "privacy_risk")}),
    ("data-sharing-invalid", {"data_sharing": "lots"}, {("data_sharing", "invalid")}),
    ("stale-year", {"last_reviewed": "2024"}, {("last_reviewed", "stale")}),
    ("not-stale-partial-month", {"last_reviewed": "2025-11"}, set()),
    ("stale-day", {"last_reviewed": "2025-11-24"}, {("last_reviewed", "stale")}),
    ("not-stale-365-days", {"last_reviewed": "2025-11-25"}, set()),
    ("stale-only-when-active", {"status": "proposed", "start": None, "last_reviewed": "2019"}, set()),
    ("last-reviewed-invalid", {"last_reviewed": "yesterday"}, {("last_reviewed", "invalid")}),
    ("unknown-param", {"metric": "x"}, {("metric", "unknown_param")}),
    ("case-sensitive-names", {"metrics": None, "Metrics": "x"}, {("metrics", "missing"), ("Metrics", "unknown_param")}),
    ("unknown-blank-param", {"notes": ""}, {("notes", "unknown_param")}),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "expected"), [(c, e) for _, c, e in CASES], ids=[i for i, _, _ in CASES])
def test_rule(changes: dict[str, str | None], expected: set[tuple[str | None, str]], rules: Rules) -> None:
    result = check_text("T", _page(**changes), rules, AS_OF)
    assert {(f.field, f.code) for f in result.findings} == expected
    assert result.complete is all(rules.severities[code] == "warning" for _, code in expected)


def test_duplicates_and_positional(rules: Rules) -> None:
    text = "{{Partnership infobox|stray" + _page()[len("Intro.\n{{Partnership infobox") :] + ""
    text = text.replace("| status = active", "| status = proposed\n| status = active")
    result = check_text("T", text, rules, AS_OF)
    assert [(f.field, f.code, f.severity) for f in result.findings] == [
        ("1", "unknown_param", "warning"),
        ("status", "duplicate_param", "warning"),
    ]
    assert result.complete


def test_page_level_findings_stand_alone(rules: Rules) -> None:
    result = check_text("T", _page(metrics=None) + _page(), rules, AS_OF)
    assert [(f.field, f.code) for f in result.findings] == [(None, "multiple_infoboxes")]
    result = check_text("T", "<pre>" + _page() + "</pre>", rules, AS_OF)
    assert [(f.field, f.code) for f in result.findings] == [(None, "no_infobox")]


def test_findings_sorted_and_messages_say_what_to_do(rules: Rules) -> None:
    result = check_text("T", _page(metrics=None, model="x", goals="fame", zzz="1"), rules, AS_OF)
    keys = [(f.field or "", f.code) for f in result.findings]
    assert keys == sorted(keys)
    by_field = {f.field: f.message for f in result.findings}
    assert "e.g. metrics =" in by_field["metrics"]
    assert "Use one of: legal, technology" in by_field["model"]
    assert "#Goals for partnerships" in by_field["goals"]
    assert "'fame'" in by_field["goals"]


def test_a_finding_that_recurs_is_one_object(rules: Rules) -> None:
    """A pass holds every page's findings: the same finding on two pages is one shared object (a
    finding is frozen, so sharing it changes nothing else)."""
    first = check_text("A", _page(metrics=None, model="x"), rules, AS_OF).findings
    second = check_text("B", _page(metrics=None, model="x"), rules, AS_OF).findings
    assert first == second and all(a is b for a, b in zip(first, second, strict=True))
