"""The summary page ``Partnership tracker`` in headless Chromium (1366×768) after a real pass of the
bot over the example pages: every sortable header sorts its column (first click ascending, second
descending) in the order its type promises (:mod:`tests.browser.pages`), the partner's name in each
row is the link to its page and opens it, the overview shows its bars with their figures in words,
the page fits the window, and the console holds no JavaScript error. The screenshot taken here is
the README's (``docs/summary.png``: copy ``.screenshots/summary.png`` after a deliberate change)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from bot.display import default_display
from bot.render import column_names
from tests.wiki.botrun import Bot
from tests.wiki.conftest import DevWiki

from .pages import SUMMARY, Key, Table, console_errors, key_for, open_page, page_url, screenshot, wait_for_heading


def open_summary(driver: WebDriver, devwiki: DevWiki) -> Table:
    """The summary page loaded, its table made sortable by MediaWiki's tablesorter."""
    open_page(driver, page_url(devwiki.url, SUMMARY))
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "table.sortable th.headerSort"))
    return Table.on(driver)


@pytest.fixture(scope="module")
def summary(seeded: Bot, driver: WebDriver, devwiki: DevWiki) -> Table:
    """The summary page, opened once for the sorting tests (each clicks a header of its own)."""
    return open_summary(driver, devwiki)


def _first_break(values: list[str], keys: list[Key], ordered: Callable[[Key, Key], bool]) -> str:
    for i in range(1, len(keys)):
        if not ordered(keys[i - 1], keys[i]):
            return f"{values[i - 1]!r} comes before {values[i]!r} (row {i} of {len(values)})"
    return ""


def _rows_text(table: Table) -> list[str]:
    return sorted(r.text for r in table.rows())


COLUMNS = column_names(default_display("en"))


@pytest.mark.parametrize("header", COLUMNS)
def test_clicking_a_header_sorts_its_column(summary: Table, header: str) -> None:
    names = summary.header_names()
    assert header in names, f"no column {header!r} on the summary page: {names}"
    index = names.index(header)
    key = key_for(header)
    rows_before = _rows_text(summary)
    th: WebElement = summary.headers()[index]
    for click, css, ordered in (
        ("first", "headerSortUp", lambda a, b: a <= b),
        ("second", "headerSortDown", lambda a, b: a >= b),
    ):
        th.click()
        assert css in (th.get_attribute("class") or "").split(), f"{header}: {click} click left no {css}"
        values = summary.column(index)
        keys = [key(v) for v in values]
        assert values, f"{header}: the table has no rows"
        assert not _first_break(values, keys, ordered), (
            f"{header}, {click} click: {_first_break(values, keys, ordered)}"
        )
    assert _rows_text(summary) == rows_before, f"{header}: sorting changed the rows themselves"


def _page_link(row: WebElement, names: list[str]) -> WebElement:
    """The row's link to its partnership page: the partner's name, the one link of the Partner cell."""
    cell = row.find_elements(By.TAG_NAME, "td")[names.index("Partner")]
    links = cell.find_elements(By.TAG_NAME, "a")
    assert len(links) == 1, f"the Partner cell of {row.text!r} holds {len(links)} links, not one"
    assert links[0].text.strip() == cell.text.strip(), f"the Partner cell holds more than its link: {cell.text!r}"
    return links[0]


def test_page_links_open_their_pages(seeded: Bot, driver: WebDriver, devwiki: DevWiki) -> None:
    table = open_summary(driver, devwiki)
    names = table.header_names()
    targets = []
    for row in table.rows():
        link = _page_link(row, names)
        title = link.get_attribute("title") or ""
        assert "new" not in (link.get_attribute("class") or "").split(), f"{title!r}: a link to a missing page"
        partner = row.find_elements(By.TAG_NAME, "td")[names.index("Partner")].text.strip()
        targets.append((title, partner))
    assert len(targets) >= 40, f"only {len(targets)} rows: were the example pages seeded?"
    assert len({t for t, _ in targets}) == len(targets), "two rows link to the same page"
    named = [t for t in targets if t[1] and t[1] != t[0]]  # (a row without a partner shows its title)
    for title, partner in (named[0], named[len(named) // 2], named[-1]):
        table = open_summary(driver, devwiki)
        link = next(_page_link(r, names) for r in table.rows() if _page_link(r, names).get_attribute("title") == title)
        link.click()
        wait_for_heading(driver, title)
        content = driver.find_element(By.CSS_SELECTOR, "#mw-content-text").text
        assert partner in content, f"{title}: the page opened does not show the partner {partner!r}"
        assert console_errors(driver) == [], f"JavaScript errors on {title}"


def test_the_overview_shows_bars_with_their_figures(seeded: Bot, driver: WebDriver, devwiki: DevWiki) -> None:
    open_summary(driver, devwiki)
    overview = driver.find_element(By.CSS_SELECTOR, ".ptracker-overview")
    text = overview.text
    for caption in ("By status", "By model", "Most often missing or invalid", "Pages and completeness by month"):
        assert caption in text, caption
    bars = overview.find_elements(By.CSS_SELECTOR, ".ptracker-bar")
    assert len(bars) >= 5 and all(b.size["width"] > 20 and b.size["height"] > 4 for b in bars)
    assert re.search(r"\d+ of \d+ complete \(\d+%\)", text)
    fills = [b.find_element(By.TAG_NAME, "span").size["width"] / b.size["width"] for b in bars[:3]]
    assert all(0 <= f <= 1.01 for f in fills)
    # the overview stays above the table; its first two tables sit side by side in the content area
    table_top = driver.find_element(By.CSS_SELECTOR, "table.sortable").location["y"]
    assert overview.location["y"] < table_top
    boxes = overview.find_elements(By.CSS_SELECTOR, "table.wikitable")
    assert len(boxes) == 4 and boxes[0].location["y"] == boxes[1].location["y"]
    # the README's picture (docs/summary.png): the overview and the table's first rows, 1366 px wide
    size = driver.get_window_size()
    driver.set_window_size(size["width"], 1500)
    try:
        driver.execute_script("document.querySelector('.ptracker-stamp').scrollIntoView()")
        screenshot(driver, "summary-overview")
    finally:
        driver.set_window_size(size["width"], size["height"])


def test_table_fits_a_1366_pixel_window(seeded: Bot, driver: WebDriver, devwiki: DevWiki) -> None:
    open_summary(driver, devwiki)
    screenshot(driver, "summary")
    inner, right, scroll, client = driver.execute_script(
        "const e = document.documentElement; return [window.innerWidth,"
        " document.querySelector('table.sortable').getBoundingClientRect().right, e.scrollWidth, e.clientWidth]"
    )
    assert inner == 1366
    assert right <= inner, f"the table ends at {right:.0f} px, past the window's {inner} px"
    assert scroll <= client, f"the page scrolls sideways: {scroll} px wide in {client} px"


def test_no_javascript_error_in_the_console(seeded: Bot, driver: WebDriver, devwiki: DevWiki) -> None:
    """The console is read (a thrown error shows as SEVERE), then the summary page is loaded and every
    header clicked twice: no SEVERE entry."""
    open_summary(driver, devwiki)
    driver.execute_script("setTimeout(() => { throw new Error('probe of the console check'); })")
    WebDriverWait(driver, 5).until(lambda d: any("probe" in m for m in console_errors(d)))
    table = open_summary(driver, devwiki)
    for th in table.headers():
        th.click()
        th.click()
    assert console_errors(driver) == []
