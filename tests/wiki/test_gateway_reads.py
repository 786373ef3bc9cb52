"""The real gateway against the dev wiki, where MediaWiki's behaviour shows: an API answer is cut
at 8 MiB, so several large pages come over several continued responses; a save based on an older
revision is merged into the latest one when it can be, and the answer says so."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from bot.config import load_config

from .api import WikiApi
from .botrun import Bot, bot_fixture
from .conftest import DevWiki
from .test_devwiki import unique


@pytest.fixture(scope="module")
def bot(devwiki: DevWiki, admin_api: WikiApi, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    yield from bot_fixture(devwiki, admin_api, tmp_path_factory)


def test_large_pages_read_together_all_arrive_whole(bot: Bot, admin_api: WikiApi, devwiki: DevWiki) -> None:
    """Five pages of ~1.9 MB (like the summary's subpages) are 9.5 MB: more than one answer holds.
    Each must come back with its whole text, none taken for a missing page."""
    from bot.wiki import connect

    line = "| row of a large table with some text in it, like the summary's subpages carry\n"
    texts = {f"{unique('Large')}/{n}": f"Part {n}\n" + line * (1_900_000 // len(line)) for n in range(1, 6)}
    for title, text in texts.items():
        admin_api.edit(title, text, "a large page for the read test")
    os.environ["PYWIKIBOT_DIR"] = str(devwiki.pywikibot_dir)
    gateway = connect(load_config(bot.config).site)
    before = gateway.requests
    got = gateway.read([*texts, unique("Missing")])
    for title, text in texts.items():
        page = got[title]
        assert page is not None, f"{title} was taken for a missing page"
        assert page.text == text.rstrip()
    assert list(got.values())[-1] is None
    assert gateway.requests - before >= 2, "the answer was expected to need continuation"


def test_recent_changes_and_members(bot: Bot, admin_api: WikiApi, devwiki: DevWiki) -> None:
    """What an incremental pass asks: the changes since a time, the bot's own too with its revision
    id (the pass leaves out those it saved), a move with its new title, a deletion with its page id,
    and the infobox's redirects in the same request; then which pages use the infobox, without
    content."""
    from bot.wiki import connect

    from .botrun import INCOMPLETE

    os.environ["PYWIKIBOT_DIR"] = str(devwiki.pywikibot_dir)
    gateway = connect(load_config(bot.config).site)
    since = gateway.server_time()
    moved, plain, doomed, own = (unique(p) for p in ("RC moved", "RC plain", "RC doomed", "RC own"))
    for title in (moved, doomed):
        admin_api.edit(title, INCOMPLETE.format(title=title), "tests: partnership page")
    admin_api.edit(plain, "Prose only.", "tests: plain page")
    admin_api.edit(f"{plain} redirect", f"#REDIRECT [[{moved}]]", "tests: redirect")
    own_id = gateway.save(own, INCOMPLETE.format(title=own), None, "tests: the bot's own edit").revid
    admin_api.post(action="move", token=admin_api.token(), reason="tests", **{"from": moved, "to": f"{moved} new"})
    doomed_id = admin_api.get(action="query", titles=doomed)["query"]["pages"][0]["pageid"]
    admin_api.delete(doomed)

    before = gateway.requests
    recent = gateway.recent_changes(since, 100_000, "Template:Partnership infobox")
    assert gateway.requests - before == 1 and recent.now >= since
    assert recent.redirects == gateway.redirects_to("Template:Partnership infobox")
    mine = [c for c in recent.changes if c.title.startswith("RC ")]
    assert [(c.kind, c.revid) for c in mine if c.title == own] == [("edit", own_id)], "the bot's own edit is there"
    move = next(c for c in mine if c.kind == "move")
    assert (move.title, move.target, move.target_namespace) == (moved, f"{moved} new", 0) and move.pageid
    delete = next(c for c in mine if c.kind == "delete")
    assert (delete.title, delete.pageid) == (doomed, doomed_id)

    own_page = admin_api.get(action="query", titles=own)["query"]["pages"][0]["pageid"]
    ids = sorted({c.pageid for c in mine if c.pageid} | {own_page})
    before = gateway.requests
    found = gateway.members("Template:Partnership infobox", [0], ids, [f"{plain} redirect", plain])
    assert gateway.requests - before == 2  # one by page id, one by title
    assert found == {move.pageid: (f"{moved} new", admin_api.read(f"{moved} new")[0]), own_page: (own, own_id)}


def test_redirects_and_revisions_in_one_request(bot: Bot, admin_api: WikiApi, devwiki: DevWiki) -> None:
    """What a full sweep asks in one request: both templates' redirects (as ``redirects_to``
    answers them, the names as given, not normalised), the latest revisions of named pages (0
    for a missing one) and which of them the bot may not edit, as the wiki's own API gives them."""
    from bot.wiki import connect

    os.environ["PYWIKIBOT_DIR"] = str(devwiki.pywikibot_dir)
    gateway = connect(load_config(bot.config).site)
    page, gone, locked = unique("RR page"), unique("RR missing"), unique("RR protected")
    admin_api.edit(page, "Text.", "tests: a page")
    admin_api.edit(locked, "Text.", "tests: a page")
    admin_api.protect(locked, "edit=sysop")
    admin_api.edit(f"Template:{page} alias", "#REDIRECT [[Template:Partnership incomplete]]", "tests: a redirect")
    before = gateway.requests
    redirects, revisions, protected = gateway.redirects_and_revisions(
        ["Template:Partnership infobox", "template:Partnership_incomplete"], [page, gone, locked]
    )
    assert gateway.requests - before == 1
    assert redirects["Template:Partnership infobox"] == gateway.redirects_to("Template:Partnership infobox")
    assert f"Template:{page} alias" in redirects["template:Partnership_incomplete"]
    assert set(redirects["template:Partnership_incomplete"]) == set(
        gateway.redirects_to("Template:Partnership incomplete")
    )
    assert revisions == {page: admin_api.read(page)[0], gone: 0, locked: admin_api.read(locked)[0]}
    seen = gateway.read([locked])[locked]
    assert protected == {locked} and seen is not None and seen.protected  # (as a read sees it)
    admin_api.delete(f"Template:{page} alias")  # the tag's names are every other test's too


def test_a_save_merged_into_a_later_revision_says_so(bot: Bot, admin_api: WikiApi, devwiki: DevWiki) -> None:
    """MediaWiki (1.43 and 1.39) merges an edit whose base is older than the latest revision when the two
    changes lie at least one line apart: no edit conflict, but the answer's ``oldrevid`` names the
    revision it was applied to. Changes on adjacent lines conflict."""
    from bot.errors import EditConflict
    from bot.wiki import connect

    os.environ["PYWIKIBOT_DIR"] = str(devwiki.pywikibot_dir)
    gateway = connect(load_config(bot.config).site)
    title = unique("Merged save")
    lines = [f"line {n}" for n in range(1, 9)]
    admin_api.edit(title, "\n".join(lines), "tests: base")
    base = gateway.read([title])[title]
    assert base is not None
    person = admin_api.edit(title, "\n".join(lines).replace("line 5", "line 5 by a person"), "tests: a person")
    saved = gateway.save(title, "TAG\n" + base.text, base, "tests: the bot's edit")
    assert (saved.merged, saved.applied_on, saved.base_revid) == (True, person, base.revid)
    assert admin_api.read(title) == (saved.revid, "TAG\n" + "\n".join(lines).replace("line 5", "line 5 by a person"))
    latest = gateway.read([title])[title]
    assert latest is not None
    plain = gateway.save(title, latest.text.replace("TAG\n", ""), latest, "tests: the bot's edit")
    assert not plain.merged and plain.applied_on == latest.revid
    untagged = gateway.read([title])[title]
    assert untagged is not None and untagged.revid == plain.revid
    admin_api.edit(title, untagged.text.replace("line 1", "line 1 by a person"), "tests: a person")
    with pytest.raises(EditConflict):
        gateway.save(title, "TAG\n" + untagged.text, untagged, "tests: the bot's edit")
