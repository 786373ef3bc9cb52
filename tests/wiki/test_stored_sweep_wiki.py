"""The full sweep from stored readings on the real wiki, the real bot (python -m bot, real
Pywikibot; issue 16): for any sequence of edits, tag removals, moves, deletions and rules changes,
a stored-reading sweep (``run``), an incremental pass (``run --incremental``) and a sweep that reads
every page (``run --reread``) leave the same tags and table: after each pass, a ``--reread`` dry
run plans no edit of the test's pages and no change of their rows, and the tags read back through
the API are the ones the wiki's own pages ask for. (Time passing is covered on the in-memory wiki,
tests/unit/test_stored_sweep.py: the real bot reads the real clock.) The rules page is shared: the
shipped rules are put back at the end."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.rules import DEFAULT_RULES

from .api import WikiApi
from .botrun import Bot, bot_fixture
from .conftest import DevWiki
from .test_devwiki import unique

RULES = "Module:Partnership tracker/rules.json"
#: A placeholder word only this module's pages use: adding it to the rules changes their tags alone.
WORD = "zzpending"
BASE = """{{Partnership infobox
| partner = NAME org | model = content | goals = free-content | metrics = METRICS
| coi_disclosure = None known | community_role = Volunteers upload files | status = proposed
}}
Prose of NAME."""
#: Page texts by name (NAME stands for the page's title).
VARIANTS = {
    "complete": BASE.replace("METRICS", "3 uploads"),
    "incomplete": BASE.replace("METRICS", ""),
    "placeholder": BASE.replace("METRICS", WORD),
    "two": BASE.replace("METRICS", "3 uploads") * 2,
    "nobots": "{{nobots}}\n" + BASE.replace("METRICS", ""),
    "wrong tag": "{{Partnership incomplete|missing=goals}}\n" + BASE.replace("METRICS", "3"),
}
OP = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 2), st.sampled_from(sorted(VARIANTS))),
    st.tuples(st.sampled_from(["untag", "move", "delete"]), st.integers(0, 2), st.just("")),
    st.tuples(st.just("rules"), st.integers(0, 1), st.just("")),
    st.tuples(st.just("pass"), st.sampled_from(["run", "incremental", "reread"]), st.just("")),
)


@pytest.fixture(scope="module")
def bot(devwiki: DevWiki, admin_api: WikiApi, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    yield from bot_fixture(devwiki, admin_api, tmp_path_factory, max_tags_per_run="10000")
    admin_api.edit(RULES, DEFAULT_RULES.read_text(encoding="utf-8"), "tests: the shipped rules back")


def _rules(api: WikiApi, with_word: bool) -> None:
    rules = json.loads(DEFAULT_RULES.read_text(encoding="utf-8"))
    if with_word:
        rules["placeholders"].append(WORD)
    api.edit(RULES, json.dumps(rules, indent=4), "tests: placeholder word")


def _apply(api: WikiApi, titles: list[str], op: tuple[str, object, str]) -> None:
    kind, n, variant = op
    live = [t for t in titles if api.exists(t)]
    if kind == "edit":
        title = titles[int(str(n))]
        api.edit(title, VARIANTS[variant].replace("NAME", title), "tests: edit")
    elif kind == "rules":
        _rules(api, bool(n))
    elif live:
        title = live[int(str(n)) % len(live)]
        if kind == "untag":
            text = api.read(title)[1]
            if text.startswith("{{Partnership incomplete"):
                api.edit(title, text.split("\n", 1)[1], "tests: a person removes the tag")
        elif kind == "move":
            new = unique("Sweep moved")
            api.post(action="move", token=api.token(), reason="tests", noredirect=1, **{"from": title, "to": new})
            titles[titles.index(title)] = new
        else:
            api.delete(title)


def _untouched_by_a_full_read(bot: Bot, titles: list[str]) -> None:
    """A --reread dry run plans nothing for these pages: no tag edit and no change of their rows."""
    dry = bot.ok("run", "--reread", "--dry-run")
    for chunk in dry.stdout.split("--- ")[1:]:
        head, *lines = chunk.splitlines()
        assert not any(head.startswith(t + " (current)") for t in titles), chunk
        changed = [line for line in lines if line[:1] in "+-" and not line.startswith(("+++", "---"))]
        assert not [line for line in changed if any(t in line for t in titles)], chunk


@settings(max_examples=2, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(ops=st.lists(OP, min_size=2, max_size=4))
def test_stored_reread_and_incremental_passes_leave_the_same_tags_and_table(
    bot: Bot, admin_api: WikiApi, ops: list[tuple[str, object, str]]
) -> None:
    titles = [unique("Sweep") for _ in range(3)]
    for i, title in enumerate(titles):
        admin_api.edit(title, VARIANTS[("complete", "incomplete", "placeholder")[i]].replace("NAME", title), "tests")
    stored = bot.ok("run").report["pages_seen"]
    tail = [("rules", 1, ""), ("pass", "run", ""), ("rules", 0, ""), ("pass", "run", "")]  # a rules change each way
    for op in [*ops, *tail]:
        if op[0] != "pass":
            _apply(admin_api, titles, op)
            continue
        args = {"run": (), "incremental": ("--incremental",), "reread": ("--reread",)}[str(op[1])]
        out = bot.ok("run", *args)
        if op[1] == "run":  # with pages stored, a full pass sweeps from their readings
            # ("stored readings, settled" when nothing changed: the table and data are left alone)
            assert out.report["source"].startswith("stored readings" if stored else "every page"), out.text
        stored = out.report["pages_seen"]
        _untouched_by_a_full_read(bot, titles)
    _rules(admin_api, False)
