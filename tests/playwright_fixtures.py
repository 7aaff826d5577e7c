"""Playwright fixtures for every test that drives a browser (tests/browser, tests/hub).

The browser is the `chromium` of the system (Debian's package, `make browser`),
driven by Playwright through `executable_path`; nothing is downloaded. Loaded as a
plugin by tests/conftest.py, so the JupyterLab and the JupyterHub tests share it.

Without chromium the tests skip with the reason, except under CI=true, where
they fail: CI must not go green without having run them.
"""

from __future__ import annotations

import os
import shutil

import pytest

from jlab import STEP_MS, shot
from nbcourse import in_ci

CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")
VIEWPORT = {"width": 1400, "height": 900}


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which(CHROMIUM)
    problem = None
    if path is None:
        problem = (f"Debian's chromium is not installed ({CHROMIUM} not found): run `make browser` "
                   "(apt-get install chromium), or set COURSE_CHROMIUM to a chromium binary")
    else:
        try:
            import playwright  # noqa: F401
        except ImportError:
            problem = "playwright is not installed: run `make install`"
    if problem:
        if in_ci():
            pytest.fail(f"{problem}. CI=true, so the browser tests must run, not skip.")
        pytest.skip(problem)
    return path


@pytest.fixture(scope="module")
def browser(chromium_path):
    """One headless chromium per test module (Playwright's sync API)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path, headless=True,
            # chromium's own sandbox cannot start as root (CI containers); small /dev/shm in containers
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser, request):
    """A fresh page; on failure, a screenshot named after the test."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(STEP_MS)  # clicks and fills wait for their element this long
    context.set_default_navigation_timeout(STEP_MS)
    new_page = context.new_page()
    yield new_page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        # a folder per test folder but tests/browser: each cleans only its own screenshots
        folder = request.node.path.parent.name
        shot(new_page, f"{'' if folder == 'browser' else folder + '/'}FAILED-{request.node.name}")
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
