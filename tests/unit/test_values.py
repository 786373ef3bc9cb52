from __future__ import annotations

import pytest

from bot.rules import Rules
from bot.values import (
    date_before,
    fold_enum,
    has_link,
    is_http_url,
    is_nonfree_licence,
    is_placeholder,
    parse_date,
    split_list,
)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [("Free  content", "free-content"), ("Global_Reach", "global-reach"), (" MOU ", "mou"),
     ("project plan", "project-plan"), ("free -_ software", "free-software")],
)  # fmt: skip
def test_fold_enum(raw: str, folded: str) -> None:
    assert fold_enum(raw) == folded


@pytest.mark.parametrize(
    "value", ["?", "-", "...", "—", "TBD", "(TBD)", "tba", "TODO", "n/a", "N/A", "unknown", "To be decided",
              "to  be determined", "fill in", "XXX", "''TBD''", " ?? "],
)  # fmt: skip
def test_placeholders(value: str, rules: Rules) -> None:
    assert is_placeholder(value, rules.placeholder_words)


@pytest.mark.parametrize("value", ["None", "None known", "No conflict of interest", "TBD later", "0", "x"])
def test_real_answers_are_not_placeholders(value: str, rules: Rules) -> None:
    assert not is_placeholder(value, rules.placeholder_words)


@pytest.mark.parametrize(
    ("value", "ok"),
    [("2020", True), ("2020-02", True), ("2020-02-29", True), ("2019-02-29", False), ("2020-02-30", False),
     ("2020-13", False), ("0000", False), ("20-01-01", False), ("March 2020", False), ("2020-1-5", False),
     ("2020-00", False), (" 2021-06-01 ", True)],
)  # fmt: skip
def test_parse_date(value: str, ok: bool) -> None:
    assert (parse_date(value) is not None) is ok


@pytest.mark.parametrize(
    ("a", "b", "before"),
    [("2019", "2020-05", True), ("2020", "2020-05", False), ("2020-05", "2020", False),
     ("2020-04-30", "2020-05", True), ("2020-05-31", "2020-05", False), ("2021", "2020-12-31", False)],
)  # fmt: skip
def test_date_before_compares_at_coarser_precision(a: str, b: str, before: bool) -> None:
    da, db = parse_date(a), parse_date(b)
    assert da and db
    assert date_before(da, db) is before


def test_last_day_of_partial_dates() -> None:
    assert str(parse_date("2025-11").last_day()) == "2025-11-30"  # type: ignore[union-attr]
    assert str(parse_date("2024").last_day()) == "2024-12-31"  # type: ignore[union-attr]
    assert str(parse_date("2024-02").last_day()) == "2024-02-29"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("value", "ok"),
    [("https://www.kiwix.org/", True), ("http://eff.org", True), ("HTTPS://X.ORG/a?b=c", True),
     ("www.kiwix.org", False), ("ftp://x.org", False), ("[https://x.org X]", False), ("https://", False),
     ("https://x.org/a b", False), ("see https://x.org", False)],
)  # fmt: skip
def test_http_url(value: str, ok: bool) -> None:
    assert is_http_url(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [("[[Talk:Kiwix]]", True), ("[[Talk:Kiwix|talk page]]", True), ("[https://x.org forum]", True),
     ("see https://phabricator.wikimedia.org/T1", True), ("the talk page", False), ("[[ ]]", False),
     ("[not a link]", False), ("{{Talk}}", False)],
)  # fmt: skip
def test_has_link(value: str, ok: bool) -> None:
    assert has_link(value) is ok


@pytest.mark.parametrize(
    ("value", "nonfree"),
    [("CC BY-NC-SA 4.0", True), ("by-nc-nd", True), ("CC BY-ND 4.0", True), ("Creative Commons NonCommercial", True),
     ("Non-Commercial use only", True), ("NoDerivatives", True), ("No Derivs", True), ("for Wikipedia only", True),
     ("Wikimedia projects only", True), ("only for Wikipedia", True), ("CC BY-SA 4.0", False), ("CC0", False),
     ("Public domain", False), ("CC BY 4.0", False), ("GFDL", False), ("Syndicate license", False),
     ("Wikipedia Library licence", False)],
)  # fmt: skip
def test_nonfree_licences(value: str, nonfree: bool, rules: Rules) -> None:
    assert is_nonfree_licence(value, rules.nonfree_phrases) is nonfree


def test_split_list_drops_empty_items() -> None:
    assert split_list(" a, ,b ,") == ["a", "b"]
    assert split_list(", ,") == []
