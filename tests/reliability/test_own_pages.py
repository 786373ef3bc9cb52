"""Issue 11, items 1, 2, 3 and 5 on the real wiki: the bot's own pages (the summary page, its
numbered parts, the status page) are treated like any other page.

Every probe runs the real bot (``python -m bot run``) against the reliability wiki and reads back
the raw text of every page involved: a person's text outside the bot's real markers survives byte
for byte, a page the bot may not write is not written at all, no page is over ``max_page_bytes``;
and it parses the pages (``action=parse``) to check that the table or the person's text still
renders. The scenario has its own namespace (9, MediaWiki talk), summary, status and shutoff pages.
A further probe checks the definition of a real marker against MediaWiki's own preprocessor
(``action=expandtemplates&prop=parsetree``). Counters: ``probes`` (one per case),
``human_text_lost``, ``pages_over_limit``."""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot import markers
from bot.markers import END_MARKER as E
from bot.markers import START_MARKER as S
from tests.wiki.api import ApiError, WikiApi
from tests.wiki.botrun import Outcome
from tests.wiki.conftest import DevWiki

from . import counters
from .env import BotRunner, write_config
from .scenario import body, ensure_page

NS = 9
PREFIX = "MediaWiki talk:Own pages "
BASE = "User:PartnershipBot/Own pages"
SHUTOFF = f"{BASE}/shutoff"
SHUTOFF_OFF = "<!-- Write anything outside this comment to stop the bot. -->"
SMALL = 10_000
DEFAULT = 1_900_000
ABOVE = "A person's intro, kept byte for byte: ''markup'', ünïcödé, &amp; and [[Category:Own pages kept]].\n"
BELOW = "\n== A person's section ==\nKept as written.\n[[Category:Own pages kept below]]"


def partnership_pages() -> dict[str, str]:
    """30 ordinary pages and 10 whose partner is 100,000 characters (issue 11, item 3), all complete:
    the bot tags none of them, so its passes write only its own pages."""
    pages = {f"{PREFIX}{i:02}": body(f"Partner {i:02}", metrics=True) for i in range(30)}
    pages |= {f"{PREFIX}huge {i}": body(f"Huge {i} " + "x" * 100_000, metrics=True) for i in range(10)}
    return pages


@dataclass
class Own:
    wiki: DevWiki
    api: WikiApi
    work: Path
    runs: int = 0

    def bot(self, summary: str, status: str, max_page_bytes: int = SMALL) -> BotRunner:
        """A bot with a config of its own (and an empty state database: a full pass)."""
        self.runs += 1
        work = self.work / f"run-{self.runs}"
        work.mkdir()
        config = write_config(work, namespace=NS, summary=summary, status=status, max_row_drop=1000)
        text = config.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^shutoff = .*$", f'shutoff = "{SHUTOFF}"', text)
        text = re.sub(r"(?m)^max_page_bytes = .*$", f"max_page_bytes = {max_page_bytes}", text)
        config.write_text(text, encoding="utf-8")
        return BotRunner(self.wiki, self.wiki.pywikibot_dir, config, work)

    def read(self, title: str) -> str | None:
        try:
            return self.api.read(title)[1]
        except ApiError:
            return None

    def put(self, title: str, text: str) -> str:
        """Save as a person (Admin) and return the text as the wiki stores it."""
        ensure_page(self.api, title, text, "a person edits the bot's page")
        return self.api.read(title)[1]

    def html(self, title: str, text: str | None = None) -> str:
        source = self.read(title) if text is None else text
        return str(self.api.parse(source or "", title, prop="text")["text"])

    def revid(self, title: str) -> int:
        try:
            return self.api.read(title)[0]
        except ApiError:
            return 0


@pytest.fixture(scope="module")
def own(relwiki: DevWiki, rel_admin: WikiApi, direct_bot: BotRunner, tmp_path_factory: pytest.TempPathFactory) -> Own:
    for title, text in partnership_pages().items():
        ensure_page(rel_admin, title, text, "own pages scenario")
    ensure_page(rel_admin, SHUTOFF, SHUTOFF_OFF, "own pages scenario: shutoff off")
    return Own(relwiki, rel_admin, tmp_path_factory.mktemp("own"))


def lost(text: str | None, *, exact: str | None = None, above: str = "", below: str = "") -> int:
    """The person's texts missing from ``text``: all of it (``exact``) or the part above the
    start marker and below the end marker (as a prefix and a suffix, byte for byte)."""
    if text is None:
        return 1
    if exact is not None:
        return int(text != exact)
    return int(not text.startswith(above)) + int(not text.endswith(below))


def count_lost(n: int) -> None:
    counters.add("probes")
    counters.add("human_text_lost", n)
    assert n == 0, "a person's text was lost"


def over_limit(own: Own, titles: Sequence[str], limit: int) -> list[str]:
    over = [t for t in titles if len((own.read(t) or "").encode()) > limit]
    counters.add("pages_over_limit", len(over))
    return over


def errors_shown(html: str) -> int:
    """The "Errors: N" figure of a rendered status page (``; Errors: N`` renders as a definition)."""
    m = re.search(r"<dt>Errors</dt>\s*<dd>(\d+)", html)
    assert m, html
    return int(m.group(1))


def table_rows(html: str) -> int:
    """Data rows of the rendered wikitables (header row left out)."""
    tables = re.findall(r'<table class="wikitable sortable">(.*?)</table>', html, re.DOTALL)
    return sum(t.count("<tr>") - 1 for t in tables)


# --- item 1: marker text that is not a marker ---------------------------------------------------------

WORDS = "A person's words that must stay."
FAKE_MARKERS = {
    "nowiki": f"<nowiki>{S}</nowiki>\n{WORDS}\n<nowiki>{E}</nowiki>",
    "pre": f"<pre>\n{S}\n{WORDS}\n{E}\n</pre>",
    "template argument": f"{{{{{{1|{S}\n{WORDS}\n{E}}}}}}}",
    "parser function": f"{{{{#if: yes |{S}\n{WORDS}\n{E}}}}}",
    "includeonly": f"<includeonly>{S}\n{WORDS}\n{E}</includeonly>{WORDS}",
}


@pytest.mark.parametrize("case", sorted(FAKE_MARKERS))
def test_marker_text_that_is_no_marker_saves_nothing(own: Own, case: str) -> None:
    summary, status = f"{BASE}/fake {case}", f"{BASE}/fake {case} status"
    before = own.put(summary, ABOVE + FAKE_MARKERS[case] + BELOW)
    out = own.bot(summary, status).run("run")
    assert out.code == 3, out.text  # a safety stop: the summary page has no real markers
    assert "do not count" in out.stderr
    count_lost(lost(own.read(summary), exact=before))
    assert WORDS in own.html(summary)  # the person's words still render (the page is as they wrote it)
    status_html = own.html(status)
    assert errors_shown(status_html) == 1 and "do not count" in status_html


DECOY = f"<nowiki>{S}</nowiki> and {{{{#if:|{E}}}}}"
REAL = f"{BASE}/real"


@pytest.fixture
def real_summary(own: Own) -> str:
    """A summary page with real markers and marker text that is not a marker above them."""
    if markers.between(own.read(REAL) or "") is None:
        own.put(REAL, f"{ABOVE}{DECOY}\n{S}\nold\n{E}{BELOW}")
    return REAL


def test_real_markers_beside_marker_text_in_nowiki(own: Own) -> None:
    summary, status, decoy = REAL, f"{BASE}/real status", DECOY
    own.put(summary, f"{ABOVE}{decoy}\n{S}\nold\n{E}{BELOW}")
    out = own.bot(summary, status, DEFAULT).run("run")
    assert out.code == 0, out.text
    text = own.read(summary)
    count_lost(lost(text, above=f"{ABOVE}{decoy}\n{S}", below=f"{E}{BELOW}"))
    html = own.html(summary)
    assert table_rows(html) == out.report["pages_seen"] >= 40
    assert over_limit(own, [summary, status], DEFAULT) == []


# --- item 5: the status page ----------------------------------------------------------------------------


def test_status_page_keeps_a_persons_lines_and_its_shutoff_line_is_live(own: Own, real_summary: str) -> None:
    summary, status = real_summary, f"{BASE}/kept status"
    own.put(status, f"{ABOVE}{S}\nold figures\n{E}{BELOW}")
    bot = own.bot(summary, status, DEFAULT)
    assert bot.ok("run").report["status_saved"]
    text = own.read(status)
    count_lost(lost(text, above=ABOVE + S, below=E + BELOW))
    revid = own.revid(status)
    assert not bot.ok("run").report["status_saved"] and own.revid(status) == revid  # no figure changed
    html = own.html(status)
    assert "not engaged" in html and "A person's intro" in html and "Kept as written." in html
    try:
        own.put(SHUTOFF, SHUTOFF_OFF + "\nStop, please.")
        engaged = own.html(status)
        assert "<b>engaged</b>" in engaged and "not engaged" not in engaged
    finally:
        own.put(SHUTOFF, SHUTOFF_OFF)
    assert "not engaged" in own.html(status)


def test_status_page_in_the_old_format_is_replaced_once(own: Own, real_summary: str) -> None:
    summary, status = real_summary, f"{BASE}/old status"
    own.put(status, "<!-- Written by the partnership tracker bot; edits here are overwritten. -->\n; Pages: 1")
    bot = own.bot(summary, status, DEFAULT)
    assert bot.ok("run").report["status_saved"]
    text = own.read(status) or ""
    assert markers.between(text) is not None and "overwritten" not in text
    revid = own.revid(status)
    bot.ok("run")
    assert own.revid(status) == revid
    counters.add("probes")


@pytest.mark.parametrize(
    "page",
    [
        f"{{{{nobots}}}}\n{ABOVE}{S}\nold\n{E}{BELOW}",
        f"{{{{bots|deny=PartnershipBot}}}}\n{S}\nold\n{E}",
        f"{ABOVE}A person's own status notes, no markers.{BELOW}",
        f"<nowiki>{S}</nowiki>\nold\n<nowiki>{E}</nowiki>",
    ],
    ids=["nobots", "bots deny", "no markers", "markers in nowiki"],
)
def test_status_page_the_bot_may_not_write_is_left_and_reported(own: Own, real_summary: str, page: str) -> None:
    summary, status = real_summary, f"{BASE}/refused status"
    before = own.put(status, page)
    out = own.bot(summary, status, DEFAULT).run("run")
    assert out.code == 7, out.text  # done, with error lines
    count_lost(lost(own.read(status), exact=before))
    assert any(e.startswith(f"{status}: the status page was not saved") for e in out.report["errors"]), out.report


def test_summary_excluded_by_bots_is_not_saved_and_the_status_page_says_so(own: Own) -> None:
    summary, status = f"{BASE}/excluded", f"{BASE}/excluded status"
    before = own.put(summary, f"{{{{bots|deny=PartnershipBot}}}}\n{ABOVE}{S}\nold\n{E}{BELOW}")
    out = own.bot(summary, status, DEFAULT).run("run")
    assert out.code == 7, out.text  # done, with error lines
    count_lost(lost(own.read(summary), exact=before))
    html = own.html(status)
    assert errors_shown(html) == 1 and "excludes PartnershipBot" in html


# --- items 2 and 3: numbered parts, huge values, page sizes -------------------------------------------


def part(main: str, n: int) -> str:
    return f"{main}/{n}"


def parts_of(own: Own, main: str) -> list[str]:
    titles: list[str] = []
    while own.read(part(main, len(titles) + 1)) is not None:
        titles.append(part(main, len(titles) + 1))
    return titles


SPLIT, SPLIT_STATUS = f"{BASE}/split", f"{BASE}/split status"


def make_split(own: Own) -> Outcome:
    """(Re)make the split summary (max_page_bytes 10,000) from scratch: a person's text around its
    markers, the parts left by an earlier test deleted, one pass."""
    own.put(SPLIT, f"{ABOVE}{S}\nold\n{E}{BELOW}")
    for n in range(1, 12):
        if own.read(part(SPLIT, n)) is not None:
            own.api.delete(part(SPLIT, n), "own pages scenario: start afresh")
    out = own.bot(SPLIT, SPLIT_STATUS).run("run")
    assert out.code == 0 and not out.report["errors"], out.text
    assert len(parts_of(own, SPLIT)) >= 2
    return out


def test_split_parts_fit_and_render_every_row(own: Own) -> None:
    out = make_split(own)
    titles = parts_of(own, SPLIT)
    assert over_limit(own, [SPLIT, SPLIT_STATUS, *titles], SMALL) == []
    counters.add("probes")
    rows = sum(table_rows(own.html(t)) for t in titles)
    assert rows == out.report["pages_seen"]
    html = "".join(own.html(t) for t in titles)
    assert html.count("…</a>") >= 10  # the ten huge partners, cut inside the link to their page
    count_lost(lost(own.read(SPLIT), above=ABOVE + S, below=E + BELOW))


def test_tampered_parts_stop_the_whole_table(own: Own) -> None:
    make_split(own)
    split_summary, status = SPLIT, SPLIT_STATUS
    titles = parts_of(own, split_summary)
    originals = {t: own.read(t) or "" for t in titles}
    tampered = {
        titles[0]: own.put(titles[0], originals[titles[0]].replace(E, "") + BELOW),  # end marker removed
        titles[1]: own.put(titles[1], "{{nobots}}\n" + originals[titles[1]]),
    }
    main = own.read(split_summary)
    own.put(f"{PREFIX}00", body("Aaa changed so that the table changes", metrics=True))
    try:
        out = own.bot(split_summary, status).run("run")
        assert out.code == 7, out.text  # done, with error lines
        n = sum(lost(own.read(t), exact=text) for t, text in tampered.items())
        n += lost(own.read(split_summary), exact=main)
        count_lost(n)
        assert all(own.read(t) == originals[t] for t in titles[2:])  # no part saved
        html = own.html(status)
        assert f"{titles[0]}: part 1 of the table cannot be written" in html and "marker" in html
        assert f"{titles[1]}: part 2 of the table cannot be written" in html and "excludes PartnershipBot" in html
        # the person puts the markers back and keeps a note below them: the next pass saves
        own.put(titles[0], originals[titles[0]] + BELOW)
        own.put(titles[1], originals[titles[1]])
        out = own.bot(split_summary, status).run("run")
        assert out.code == 0 and not out.report["errors"], out.text
        count_lost(lost(own.read(titles[0]), above=originals[titles[0]][: originals[titles[0]].index(S)], below=BELOW))
        assert "Aaa changed" in (own.read(titles[0]) or "")
        assert over_limit(own, [split_summary, status, *parts_of(own, split_summary)], SMALL) == []
    finally:
        own.put(f"{PREFIX}00", body("Partner 00", metrics=True))


def test_retired_parts_keep_the_persons_text(own: Own) -> None:
    """The table fits one page again (max_page_bytes back to the default): parts are retired
    between their markers only."""
    make_split(own)
    split_summary, status = SPLIT, SPLIT_STATUS
    titles = parts_of(own, split_summary)
    notes = {t: own.put(t, ABOVE + (own.read(t) or "") + BELOW) for t in titles}
    out = own.bot(split_summary, status, DEFAULT).run("run")
    assert out.code == 0 and not out.report["errors"], out.text
    n = 0
    for t, before in notes.items():
        text = own.read(t) or ""
        n += lost(text, above=before[: before.index(S) + len(S)], below=before[before.index(E) :])
        assert markers.between(text) == f"\nNo longer used: see [[{split_summary}]].\n"
    count_lost(n)
    assert table_rows(own.html(split_summary)) == out.report["pages_seen"]
    for t in titles:  # the person's text still renders, categories included
        html = own.html(t)
        assert "Kept as written." in html and "No longer used" in html


def test_a_persons_page_linked_from_the_index_is_never_retired(own: Own) -> None:
    """Issue 11: a person's page at …/1 without markers, linked between the main page's markers."""
    summary, status = f"{BASE}/linked", f"{BASE}/linked status"
    mine = own.put(part(summary, 1), "A person's page about part one.\n[[Category:Own pages mine]]")
    own.put(summary, f"{ABOVE}{S}\n* [[{part(summary, 1)}|Part 1]]\n{E}{BELOW}")
    out = own.bot(summary, status, DEFAULT).run("run")
    assert out.code == 7, out.text  # done, with error lines
    count_lost(lost(own.read(part(summary, 1)), exact=mine))
    assert any(e.startswith(f"{part(summary, 1)}: no longer part of the table") for e in out.report["errors"])
    assert table_rows(own.html(summary)) == out.report["pages_seen"]
    assert "A person's page about part one." in own.html(part(summary, 1))


def test_a_persons_page_where_a_part_would_go_is_never_written(own: Own) -> None:
    summary, status = f"{BASE}/occupied", f"{BASE}/occupied status"
    mine = own.put(part(summary, 1), "A person's page.\n[[Category:Own pages mine]]")
    main = own.put(summary, f"{ABOVE}{S}\nold\n{E}{BELOW}")
    for n in range(2, 8):
        if own.read(part(summary, n)) is not None:
            own.api.delete(part(summary, n), "own pages scenario: start afresh")
    out = own.bot(summary, status).run("run")
    assert out.code == 7, out.text  # done, with error lines
    count_lost(lost(own.read(part(summary, 1)), exact=mine) + lost(own.read(summary), exact=main))
    assert own.read(part(summary, 2)) is None  # all or nothing: no other part was created
    html = own.html(status)
    assert f"{part(summary, 1)}: part 1 of the table cannot be written" in html


def test_a_refused_summary_save_shows_on_the_status_page(own: Own) -> None:
    """A part's title protected against creation: the wiki refuses the save; the pass goes on,
    the main page is not saved (all or nothing) and the status page says why."""
    summary, status = f"{BASE}/refused", f"{BASE}/refused summary status"
    main = own.put(summary, f"{ABOVE}{S}\nold\n{E}{BELOW}")
    if own.read(part(summary, 1)) is not None:
        own.api.delete(part(summary, 1))
    own.api.protect(part(summary, 1), "create=sysop")
    try:
        out = own.bot(summary, status).run("run")
        assert out.code == 7, out.text  # done, with error lines
        count_lost(lost(own.read(summary), exact=main))
        html = own.html(status)
        assert errors_shown(html) >= 1 and part(summary, 1) in html and "protected" in html
        assert not out.report["summary_saved"]
    finally:
        own.api.protect(part(summary, 1), "create=all")


def test_huge_values_fit_on_one_page(own: Own) -> None:
    """Issue 11 item 3 with the shipped limit: the ten 100,000-character partners no longer push
    the table over max_page_bytes; the summary is saved and the status page shows no error."""
    summary, status = f"{BASE}/huge", f"{BASE}/huge status"
    own.put(summary, f"{ABOVE}{S}\nold\n{E}{BELOW}")
    out = own.bot(summary, status, DEFAULT).run("run")
    assert out.code == 0 and out.report["summary_saved"] and not out.report["errors"], out.text
    text = own.read(summary) or ""
    assert len(text.encode()) < 100_000 and text.count("…]]") == 10 and "x" * 494 not in text
    count_lost(lost(text, above=ABOVE + S, below=E + BELOW))
    assert over_limit(own, [summary, status], DEFAULT) == []
    assert errors_shown(own.html(status)) == 0


# --- the definition of a real marker against MediaWiki's preprocessor ------------------------------------

PIECES = [
    S, E, "<nowiki>", "</nowiki>", "<pre>", "</pre>", "<includeonly>", "</includeonly>", "<ref>", "</ref>",
    "<!--", "-->", "{{", "}}", "{{{", "}}}", "{{#if:", "|", "[[", "]]", "x", "\n",
]  # fmt: skip


def preprocessor_markers(api: WikiApi, text: str) -> tuple[int, int]:
    """(start, end) markers MediaWiki's preprocessor sees as comments of their own at the top
    level of the page (headings are top level too)."""
    tree = api.get(action="expandtemplates", prop="parsetree", text=text, title="Own pages oracle")
    root = ET.fromstring(tree["expandtemplates"]["parsetree"])
    nodes = [n for child in root for n in ([child, *child] if child.tag == "h" else [child])]
    comments = [n.text for n in nodes if n.tag == "comment"]
    return comments.count(S), comments.count(E)


def test_real_markers_agree_with_mediawiki(own: Own) -> None:
    rng = random.Random(11)
    cases = [*FAKE_MARKERS.values(), f"{S}\nx\n{E}", f"<pre>{S}{E}", f"{{{{X|{S}{E}", f"<!-- a {S} x {E}"]
    cases += ["".join(rng.choice(PIECES) for _ in range(rng.randint(3, 14))) for _ in range(120)]
    disagree = []
    for text in cases:
        found = markers.find(text)
        if (len(found.starts), len(found.ends)) != preprocessor_markers(own.api, text):
            disagree.append(text)
    counters.add("probes", len(cases))
    assert disagree == []


def test_a_page_of_max_page_bytes_fits_the_post(own: Own) -> None:
    """The POST of the largest page the bot writes, in the worst case of urlencoding (every byte
    as ``%XX``): 1.9 MB of text, 5.7 MB of request, within the wiki's ``post_max_size``."""
    title = f"{BASE}/post size"
    text = "é" * (DEFAULT // 2)
    own.api.edit(title, text, "own pages scenario: a page of max_page_bytes")
    assert own.api.read(title)[1] == text
    counters.add("probes")
