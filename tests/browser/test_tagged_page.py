"""A page the bot tagged, in headless Chromium (1366×768): the ``{{Partnership incomplete}}`` notice
is on screen at the top and each of its help links is visible and leads to a page."""

from __future__ import annotations

from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By

from tests.wiki.api import WikiApi
from tests.wiki.botrun import Bot
from tests.wiki.conftest import DevWiki

from .conftest import EXAMPLES
from .pages import open_page, page_url, screenshot

TAG = "{{Partnership incomplete|"


def tagged_example(api: WikiApi) -> str:
    """The first example page (by title) that carries the tag after the pass."""
    for path in sorted(EXAMPLES.glob("*.wiki")):
        if api.read(path.stem)[1].startswith(TAG):
            return path.stem
    raise AssertionError("no example page was tagged by the pass")


def test_notice_and_its_help_links_are_visible(
    seeded: Bot, admin_api: WikiApi, driver: WebDriver, devwiki: DevWiki
) -> None:
    title = tagged_example(admin_api)
    open_page(driver, page_url(devwiki.url, title))
    screenshot(driver, "tagged-page")
    notice = driver.find_element(By.CSS_SELECTOR, "table.partnership-incomplete")
    assert notice.is_displayed()
    assert "This partnership page is incomplete." in notice.text
    top, right, inner_width, inner_height = driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return [r.top, r.right, window.innerWidth, window.innerHeight]",
        notice,
    )
    assert 0 <= top < inner_height, f"the notice starts at {top:.0f} px, below the first screen"
    assert right <= inner_width
    links = notice.find_elements(By.TAG_NAME, "a")
    texts = [a.text for a in links]
    assert "partnership guidance" in texts and "infobox documentation" in texts, texts
    assert len(links) >= 3, f"no link for a field: {texts}"  # guidance, a field, the documentation
    for a in links:
        assert a.is_displayed() and a.text.strip(), f"a hidden or empty help link: {a.get_attribute('outerHTML')}"
        assert a.get_attribute("href"), a.text
    documentation = next(a for a in links if a.text == "infobox documentation")
    assert "new" not in (documentation.get_attribute("class") or "").split(), "the infobox documentation is missing"
