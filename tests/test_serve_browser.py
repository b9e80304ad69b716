"""``ackg serve`` in a real browser: headless Chromium (Debian's ``chromium`` and
``chromium-driver``, driven by Selenium) opens the home page, follows a link to a body's page,
fills a saved query's form and reads the result table, and runs a query on the SPARQL page.
Nothing the pages load is blocked by their Content-Security-Policy (the browser's log is
read). Screenshots go to ``build/screenshots/`` (git-ignored) for a person to look at."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_helpers import headless_chromium
from serve_helpers import ROOT, Server

pytestmark = pytest.mark.slow  # headless Chromium

SCREENSHOTS = ROOT / "build" / "screenshots"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from headless_chromium(1800)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The server with the plain SPARQL form: no YASGUI in its (empty) cache directory."""
    cache = tmp_path_factory.mktemp("empty-cache")
    with Server(env={**os.environ, "XDG_CACHE_HOME": str(cache)}) as running:
        yield running


def _shot(browser: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    browser.save_screenshot(str(path))
    return path


def _click_and_wait(browser: Any, element: Any) -> None:
    """Clicks ``element`` and waits (at most 30 s) until the page it leads to has replaced
    the current one."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    old = browser.find_element("tag name", "html")
    element.click()
    WebDriverWait(browser, 30).until(expected_conditions.staleness_of(old))
    WebDriverWait(browser, 30).until(
        lambda driver: driver.execute_script("return document.readyState") == "complete"
    )


def _no_blocked_content(browser: Any) -> None:
    """No message in the browser's console: no CSP violation, no failed load, no error."""
    messages = [entry["message"] for entry in browser.get_log("browser")]
    assert messages == []


def test_home_page_and_a_body(browser: Any, server: Server) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server.base + "/")
    assert browser.title == "Home · ASEAN Customs Knowledge Graph"
    images = browser.find_elements(By.CSS_SELECTOR, ".diagram img")
    if images:  # Graphviz is installed: the org chart and the timeline are drawn
        assert all(
            browser.execute_script("return arguments[0].naturalWidth", image) > 100
            for image in images
        )
    else:
        assert "flowchart" in browser.find_element(By.CSS_SELECTOR, "pre.diagram").text
    _shot(browser, "home")
    _no_blocked_content(browser)
    browser.find_element(
        By.LINK_TEXT, "Customs Procedures and Trade Facilitation Working Group"
    ).click()
    assert browser.current_url == server.base + "/id/body/cptfwg"
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert heading == "Customs Procedures and Trade Facilitation Working Group"
    sources = browser.find_element(By.CSS_SELECTOR, "ul.sources").text
    assert "ASEAN Customs: Overview, paragraph 2" in sources
    _shot(browser, "body-cptfwg")
    _no_blocked_content(browser)
    _click_and_wait(
        browser, browser.find_element(By.LINK_TEXT, "Coordinating Committee on Customs")
    )
    assert browser.current_url == server.base + "/id/body/ccc"


def test_a_saved_query_form(browser: Any, server: Server) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server.base + "/queries/reports-to")
    field = browser.find_element(By.ID, "param-body")
    field.clear()
    field.send_keys("CCC")
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.params button"))
    assert browser.current_url == server.base + "/queries/reports-to?body=CCC"
    rows = browser.find_elements(By.CSS_SELECTOR, "table.results tbody tr")
    acronyms = [row.find_elements(By.TAG_NAME, "td")[0].text for row in rows]
    assert acronyms == ["CCBWG", "CECWG", "CPTFWG"]
    _shot(browser, "query-reports-to")
    _no_blocked_content(browser)
    field = browser.find_element(By.ID, "param-body")
    field.clear()
    field.send_keys("NOPE")
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.params button"))
    assert browser.find_element(By.ID, "error").text.startswith("unknown body 'NOPE'")
    browser.get_log("browser")  # the 400 of that page, as expected


def test_the_sparql_page(browser: Any, server: Server) -> None:
    from selenium.webdriver.common.by import By

    assert server.get("/static/yasgui/yasgui.min.js").status == 404  # the plain form's server

    browser.get(server.base + "/sparql.html")
    box = browser.find_element(By.ID, "query")
    box.clear()
    box.send_keys(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT ?n WHERE { <https://w3id.org/asean-customs-kg/id/body/ccc> skos:notation ?n }"
    )
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.sparql button"))
    cells = browser.find_elements(By.CSS_SELECTOR, "table.results tbody td")
    assert [cell.text for cell in cells] == ["CCC"]
    _shot(browser, "sparql")
    _no_blocked_content(browser)


def test_the_yasgui_editor(browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    from asean_customs_kg.web import yasgui

    if yasgui.installed() is None:
        pytest.skip(
            "YASGUI was not fetched (python -m asean_customs_kg.web.yasgui, which needs npm; "
            ".ci/run does it where it can)"
        )
    with Server() as served:
        # Only the editor's page allows styles its scripts write; every other keeps the policy.
        page = served.get("/sparql.html", "text/html")
        assert "style-src 'self' 'unsafe-inline';" in page.headers["content-security-policy"]
        assert "script-src 'self';" in page.headers["content-security-policy"]
        assert (
            "unsafe-inline" not in served.get("/", "text/html").headers["content-security-policy"]
        )
        assert served.get("/static/yasgui/yasgui.min.js").status == 200
        browser.get(served.base + "/sparql.html")
        WebDriverWait(browser, 30).until(
            lambda driver: (
                "yasgui-ready" in driver.find_element(By.TAG_NAME, "body").get_attribute("class")
            )
        )
        assert not browser.find_element(By.CSS_SELECTOR, "form.sparql").is_displayed()
        browser.execute_script(
            "document.querySelector('.yasqe .CodeMirror').CodeMirror.setValue(arguments[0])",
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
            "SELECT ?n WHERE {\n"
            "  <https://w3id.org/asean-customs-kg/id/body/cptfwg> skos:notation ?n\n}",
        )
        browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
        WebDriverWait(browser, 30).until(
            lambda driver: "CPTFWG" in driver.find_element(By.CSS_SELECTOR, ".yasr").text
        )
        _shot(browser, "sparql-yasgui")
        _no_blocked_content(browser)
