"""Headless Chromium for the browser tests (Debian's ``chromium`` and ``chromium-driver``, driven
by Selenium), with the browser's console log kept so that a test can read it. Nothing here
reaches the network: the tests point the browser at loopback or at local files."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest


def headless_chromium(height: int) -> Iterator[Any]:
    """Yields a Selenium driver of a headless Chromium window 1280 pixels wide and ``height``
    high, and quits it afterwards; skips, saying why, where Chromium or its driver is missing.
    Meant for a fixture: ``yield from headless_chromium(1600)``."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if chromium is None or driver_path is None:
        pytest.skip(
            "headless Chromium is not installed (apt-get install chromium chromium-driver; "
            ".ci/run installs them where it can)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--window-size=1280,{height}",
        "--no-proxy-server",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--no-first-run",
        "--disable-features=Translate,OptimizationHints,MediaRouter",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
