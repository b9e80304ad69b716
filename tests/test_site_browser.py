"""The static site in a real browser: headless Chromium (Debian's ``chromium`` and
``chromium-driver``, driven by Selenium) opens the site from the file system, as relative links
must allow, goes from the home page to the index of bodies and to a body's page, and from there
to another body. The pages load everything they ask for (the browser's console stays empty).
Screenshots go to ``build/screenshots/`` (git-ignored) for a person to look at."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_helpers import headless_chromium
from helpers import REPO
from site_helpers import build

pytestmark = pytest.mark.slow  # headless Chromium

SCREENSHOTS = REPO / "build" / "screenshots"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from headless_chromium(1600)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("browser-site") / "site"
    build(directory)
    return directory


def _shot(browser: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    browser.save_screenshot(str(path))
    return path


def test_home_index_and_a_body_from_the_file_system(browser: Any, site: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.get((site / "index.html").as_uri())
    assert browser.title == "Home · ASEAN Customs Knowledge Graph"
    images = browser.find_elements(By.CSS_SELECTOR, ".diagram img")
    if shutil.which("dot"):
        assert len(images) == 2
        assert all(
            browser.execute_script("return arguments[0].naturalWidth", image) > 100
            for image in images
        )
    # The stylesheet loaded: the header has the accent colour, not the default.
    header = browser.find_element(By.CSS_SELECTOR, "header.site")
    assert header.value_of_css_property("background-color") == "rgba(47, 93, 138, 1)"
    assert _shot(browser, "site-home").stat().st_size > 10_000
    assert browser.get_log("browser") == []

    browser.find_element(By.LINK_TEXT, "Bodies").click()
    assert browser.current_url == (site / "bodies.html").as_uri()
    browser.find_element(
        By.LINK_TEXT, "Customs Procedures and Trade Facilitation Working Group"
    ).click()
    assert browser.current_url == (site / "id/body/cptfwg.html").as_uri()
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert heading == "Customs Procedures and Trade Facilitation Working Group"
    assert "paragraph 2" in browser.find_element(By.CSS_SELECTOR, "ul.sources").text
    assert _shot(browser, "site-body-cptfwg").stat().st_size > 10_000
    assert browser.get_log("browser") == []

    browser.find_element(By.LINK_TEXT, "Coordinating Committee on Customs").click()
    assert browser.current_url == (site / "id/body/ccc.html").as_uri()
    browser.find_element(By.CSS_SELECTOR, "header.site a.brand").click()
    assert browser.current_url == (site / "index.html").as_uri()
