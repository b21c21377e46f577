"""Helpers for browser tests: Playwright's sync API driving Debian's Chromium.

Playwright's own browser builds cannot be fetched here, so the tests drive the system
Chromium at /usr/bin/chromium (`apt-get install chromium`). Without it, or without the
`playwright` package (the `test` extra), the browser tests skip and say why.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("YINZHENG_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Fail a step in seconds, not after Playwright's default 30.
TIMEOUT_MS = 10_000
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
}


@contextmanager
def chromium() -> Iterator[Any]:
    """One headless Chromium, or a skip that names what is missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser tests need playwright: pip install -e '.[test]'")
    if not CHROMIUM.exists():
        pytest.skip(
            f"browser tests need Chromium at {CHROMIUM}: apt-get install chromium"
        )
    # Playwright's sync API keeps an event loop in this thread; Django would then refuse
    # the ORM calls that tests make to set up data between browser steps.
    with pytest.MonkeyPatch.context() as mp, sync_playwright() as p:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def new_page(browser: Any, base_url: str, **options: Any) -> Iterator[Any]:
    """A page in a fresh context (own cookies), speaking Chinese like the users do."""
    options.setdefault("locale", "zh-CN")
    context = browser.new_context(base_url=base_url, **options)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def expect(target: Any) -> Any:
    """Playwright's retrying assertions, imported late so a missing package skips."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def log_in(page: Any, username: str, password: str) -> None:
    """Fill in and send the login form; the caller checks where it lands."""
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


def horizontal_overflow(page: Any) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when it fits)."""
    return page.evaluate(
        "() => Math.max(0, document.documentElement.scrollWidth"
        " - document.documentElement.clientWidth)"
    )
