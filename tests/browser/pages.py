"""What the browser tests read off a page: opening it (and failing on a JavaScript error), the sortable
table's headers and cells, and the order each column type must sort in.

The expected orders are Python's, written from what MediaWiki 1.43's ``jquery.tablesorter`` promises:
text columns compare with ``Intl.Collator(lang, {numeric: true})`` — case-insensitive at the first
level, punctuation before digits before letters, runs of digits as numbers — so :func:`text_key`
is that first level for the characters the table holds (ties at that level, e.g. "Language" and
"language", may come in either order); date columns hold ISO 8601 dates (``YYYY``, ``YYYY-MM``,
``YYYY-MM-DD``) and sort by date, an empty cell first and a value that is no date (``TBD``) after
every date (:func:`date_key`); the "Complete" column sorts ``no`` before ``yes`` (:func:`yes_no_key`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

SCREENSHOTS = Path(__file__).resolve().parents[2] / ".screenshots"
SUMMARY = "Partnership tracker"
#: The ASCII characters that are neither letters nor digits, in the order of Unicode's root collation
#: (CLDR), which ``Intl.Collator`` follows: all of them sort before the digits, the digits before letters.
PUNCTUATION = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$"
#: The note after a value the summary marks invalid (English: the browser tests' wiki).
INVALID_NOTE = " (invalid)"
ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
Key = tuple[Any, ...]
#: True once the page has loaded and no ResourceLoader module is still loading or running.
MODULES_SETTLED = """return document.readyState === 'complete' && typeof mw === 'object'
    && typeof mw.loader.getModuleNames === 'function' && mw.loader.getModuleNames()
    .every(m => !['loading', 'loaded', 'executing'].includes(mw.loader.getState(m)))"""


def page_url(base: str, title: str) -> str:
    """The page's view URL on the wiki at ``base`` (``http://127.0.0.1:PORT``)."""
    return f"{base}/index.php?title={quote(title.replace(' ', '_'))}"


def console_errors(driver: WebDriver) -> list[str]:
    """The SEVERE entries of the browser's console since the last call (reading clears them)."""
    entries: list[dict[str, Any]] = driver.get_log("browser")  # type: ignore[no-untyped-call]  # Selenium leaves it untyped
    return [str(e["message"]) for e in entries if e["level"] == "SEVERE"]


def open_page(driver: WebDriver, url: str) -> None:
    """Load ``url``, wait until MediaWiki's modules are ready, and assert no JavaScript error so far."""
    driver.get(url)
    WebDriverWait(driver, 20).until(lambda d: d.execute_script(MODULES_SETTLED))
    assert console_errors(driver) == [], f"JavaScript errors on {url}"


def wait_for_heading(driver: WebDriver, title: str) -> None:
    """Wait until the page shown is ``title`` (its first heading)."""
    WebDriverWait(driver, 20).until(lambda d: d.find_element(By.ID, "firstHeading").text == title)


def screenshot(driver: WebDriver, name: str) -> None:
    """The viewport as ``.screenshots/NAME.png`` (ignored by git), for review."""
    SCREENSHOTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


@dataclass(frozen=True)
class Table:
    """The first ``table.sortable`` on the page."""

    element: WebElement

    @classmethod
    def on(cls, driver: WebDriver) -> Table:
        return cls(driver.find_element(By.CSS_SELECTOR, "table.sortable"))

    def headers(self) -> list[WebElement]:
        return self.element.find_elements(By.CSS_SELECTOR, "thead th, tr:first-child > th")

    def header_names(self) -> list[str]:
        return [h.text.strip() for h in self.headers()]

    def column(self, index: int) -> list[str]:
        """The text of every body row's cell in column ``index``, top to bottom (one script call)."""
        texts: list[str] = self.element.parent.execute_script(
            "return Array.from(arguments[0].tBodies[0].rows).filter(r => r.cells[0].tagName === 'TD')"
            ".map(r => r.cells[arguments[1]].textContent.trim())",
            self.element,
            index,
        )
        return texts

    def rows(self) -> list[WebElement]:
        return [
            r for r in self.element.find_elements(By.CSS_SELECTOR, "tbody > tr") if r.find_elements(By.TAG_NAME, "td")
        ]


def text_key(value: str) -> Key:
    """The first level of ``Intl.Collator('en', {numeric: true})``: case and accents ignored,
    whitespace and punctuation (in :data:`PUNCTUATION` order) before digit runs (by number) before
    letters."""
    key: list[tuple[int, int]] = []
    for run in re.finditer(r"\d+|\D", unicodedata.normalize("NFD", value.strip().casefold())):
        part = run.group()
        if part.isdigit():
            key.append((2, int(part)))
        elif unicodedata.combining(part):
            continue
        elif part in PUNCTUATION:
            key.append((0, PUNCTUATION.index(part)))
        elif part.isalpha():
            key.append((3, ord(part)))
        else:
            key.append((1, ord(part)))  # other symbols: after the ASCII punctuation, before digits
    return tuple(key)


def date_key(value: str) -> Key:
    """An empty cell first, then dates by date (a year or month before the days within it), then
    values that are no ISO date (``TBD``) as text. A value the tag lists as invalid shows with a note,
    ``2019-13 (invalid)``: tablesorter's date parser reads the date before it, and so does this."""
    value = value.removesuffix(INVALID_NOTE)
    if not value.strip():
        return (0,)
    match = ISO_DATE.match(value.strip())
    if match is None:
        return (2, text_key(value))
    return (1, *(int(part or 0) for part in match.groups()))


def yes_no_key(value: str) -> Key:
    """``no`` before ``yes``; anything else fails the test."""
    assert value in ("yes", "no"), f"a Complete cell holds {value!r}"
    return (value == "yes",)


DATE_COLUMNS = frozenset({"Start", "End", "Last reviewed"})
YES_NO_COLUMNS = frozenset({"Complete"})


def key_for(header: str) -> Callable[[str], Key]:
    """The sort key of a column by its header: dates, yes/no, else text."""
    if header in DATE_COLUMNS:
        return date_key
    if header in YES_NO_COLUMNS:
        return yes_no_key
    return text_key
