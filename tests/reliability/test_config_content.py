"""Issue 6, part 4 (wiki half): configuration only the wiki can refute stops the bot before any
write, and no content on the wiki can make the bot write outside its configured pages.

The offline half (syntax, unknown keys, wrong types, caps of 0, ...) is
tests/unit/test_config_malformed.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.display import default_display
from bot.render import END_MARKER, START_MARKER
from tests.wiki.api import WikiApi
from tests.wiki.conftest import DevWiki

from . import counters
from .env import BotRunner, write_config
from .proxy import FaultProxy
from .scenario import ensure_page

SUMMARY = "User:PartnershipBot/Hostile summary"
STATUS = "User:PartnershipBot/Hostile status"
PROJECT = "Dev Wiki:"  # namespace 4 on the dev wiki
INCOMPLETE = """{{{{Partnership infobox
| partner = {partner}
| model = content
| goals = free-content
| coi_disclosure = None known
| community_role = Volunteers
| status = proposed
}}}}"""


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1, stderr
    return errors[0]


@pytest.fixture
def runner(
    relwiki: DevWiki, direct_bot: BotRunner, proxied_dir: Path, clean_proxy: FaultProxy, tmp_path: Path
) -> BotRunner:
    config = write_config(tmp_path, namespace=4, summary=SUMMARY, status=STATUS)
    return BotRunner(relwiki, proxied_dir, config, tmp_path)


def test_a_namespace_the_wiki_does_not_have_stops_before_any_write(runner: BotRunner, clean_proxy: FaultProxy) -> None:
    """Without the check, the API drops the unknown number from its namespace filter, lists pages
    of every namespace (the infobox template and its documentation among them) and the bot would
    tag and list them."""
    text = runner.config.read_text(encoding="utf-8").replace("namespaces = [4]", "namespaces = [0, 100]")
    runner.config.write_text(text, encoding="utf-8")
    out = runner.run("run")
    assert out.code == 2, out.text
    line = one_error_line(out.stderr)
    assert "key 'site.namespaces'" in line and "namespace 100 does not exist" in line and "e.g. [0]" in line, line
    assert not clean_proxy.edits(), "a write was attempted"
    assert all(s.params.get("generator") != "embeddedin" for s in clean_proxy.log), "pages were listed"


def test_the_namespace_message_names_the_config_file(runner: BotRunner) -> None:
    text = runner.config.read_text(encoding="utf-8").replace("namespaces = [4]", "namespaces = [100]")
    runner.config.write_text(text, encoding="utf-8")
    out = runner.run("run")
    assert str(runner.config) in one_error_line(out.stderr)


def test_an_unknown_wiki_family_stops_before_any_request(runner: BotRunner, clean_proxy: FaultProxy) -> None:
    text = runner.config.read_text(encoding="utf-8").replace('family = "devwiki"', 'family = "nosuchwiki"')
    runner.config.write_text(text, encoding="utf-8")
    out = runner.run("run")
    assert out.code == 2, out.text
    line = one_error_line(out.stderr)
    assert "family" in line and "config" in line, line
    assert not clean_proxy.log


# --- hostile content ------------------------------------------------------------------------------


def hostile_pages() -> dict[str, tuple[str, bool]]:
    """Title → (text, whether the bot may edit it). Only plain partnership pages in the configured
    namespace may be edited; everything else tries to lure the bot elsewhere."""
    fake_table = f"{START_MARKER}\n{{| class=wikitable\n|-\n| fake\n|}}\n{END_MARKER}"
    return {
        f"{PROJECT}Hostile plain": (INCOMPLETE.format(partner="Plain") + "\nText.", True),
        f"{PROJECT}Hostile markup in values": (
            INCOMPLETE.format(
                partner=f"[[Category:Injected]] {{{{Partnership incomplete}}}} {END_MARKER} [[{SUMMARY}]] ~~~~"
            )
            + "\n"
            + fake_table,
            True,
        ),
        f"{PROJECT}Hostile fake tag in comment": (
            "<!-- {{Partnership incomplete|missing=x}} -->\n<nowiki>{{Partnership incomplete}}</nowiki>\n"
            + INCOMPLETE.format(partner="Commented"),
            True,
        ),
        f"{PROJECT}Hostile transcluder": (
            f"{{{{:{PROJECT}Hostile plain}}}}\nA page that only transcludes another.",
            False,
        ),
        f"{PROJECT}Hostile via template": ("{{Hostile box}}\nUses a template that holds the infobox.", False),
        "Template:Hostile box": (INCOMPLETE.format(partner="In a template"), False),
        "User:Hostile user page": (INCOMPLETE.format(partner="User page"), False),
        "Category:Hostile category page": (INCOMPLETE.format(partner="Category page"), False),
        "Dev Wiki talk:Hostile talk page": (INCOMPLETE.format(partner="Talk page"), False),
        f"{PROJECT}Hostile redirect": (
            f"#REDIRECT [[User:Hostile user page]]\n{INCOMPLETE.format(partner='Redirect')}",
            False,
        ),
        f"{PROJECT}Hostile/de": (INCOMPLETE.format(partner="Translation"), False),
        f"{PROJECT}Hostile nobots": ("{{bots|deny=all}}\n" + INCOMPLETE.format(partner="Nobots"), False),
        f"{PROJECT}Hostile in nowiki": (f"<nowiki>{INCOMPLETE.format(partner='Nowiki')}</nowiki>", False),
        f"{PROJECT}Hostile in comment": (f"<!-- {INCOMPLETE.format(partner='Comment')} -->", False),
    }


@pytest.fixture
def hostile(rel_admin: WikiApi) -> Iterator[dict[str, tuple[str, bool]]]:
    pages = hostile_pages()
    for title, (text, _) in pages.items():
        ensure_page(rel_admin, title, text)
    ensure_page(rel_admin, SUMMARY, f"Intro.\n{START_MARKER}\n{END_MARKER}\nOutro [[Category:Kept]].")
    yield pages


def test_wiki_content_cannot_make_the_bot_write_elsewhere(
    runner: BotRunner, clean_proxy: FaultProxy, rel_admin: WikiApi, hostile: dict[str, tuple[str, bool]]
) -> None:
    before = {title: rel_admin.read(title) for title in hostile}
    out = runner.run("run")
    assert out.code == 0, out.text
    allowed = {t for t, (_, may) in hostile.items() if may} | {SUMMARY, STATUS}
    edited = {s.params.get("title", "") for s in clean_proxy.edits()}
    assert edited <= allowed, f"the bot tried to save {sorted(edited - allowed)}"
    for title, (_, may) in hostile.items():
        if not may:
            assert rel_admin.read(title) == before[title], f"{title} was changed"
    # The summary page: one row per plain partnership page, and no category, template or foreign
    # link that the values tried to inject (compared with the page without the table).
    page = rel_admin.read(SUMMARY)[1]
    bare = re.sub(re.escape(START_MARKER) + ".*" + re.escape(END_MARKER), START_MARKER + END_MARKER, page, flags=re.S)
    parsed, baseline = rel_admin.parse(page, SUMMARY), rel_admin.parse(bare, SUMMARY)
    assert parsed["categories"] == baseline["categories"] and parsed["templates"] == baseline["templates"]
    linked = {link["title"] for link in parsed["links"]} - {link["title"] for link in baseline["links"]}
    helps = {target.split("#")[0] for target in default_display().help.values()}  # the overview's help links
    assert linked <= {t for t in hostile if t.startswith(PROJECT)} | helps, linked
    table = re.findall(r'<table class="wikitable sortable">.*?</table>', parsed["text"], re.S)
    assert len(table) == 1 and out.report["pages_seen"] == len(re.findall(r"<tr[ >]", table[0])) - 1
    # The status page (it lists skipped titles and reasons) adds nothing either.
    status = rel_admin.read(STATUS)[1]
    parsed_status = rel_admin.parse(status, STATUS)
    shutoff = [{"ns": 2, "title": "User:PartnershipBot/Shutoff", "exists": True}]  # its live shutoff line
    assert parsed_status["categories"] == [] and parsed_status["templates"] == shutoff
    counters.add("extra_hostile_pages", len(hostile))
