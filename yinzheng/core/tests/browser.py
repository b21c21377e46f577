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


def take_in(page, query: str, *, choose: str | None, **fields: str) -> None:
    """The clerk looks the certificate up, picks it (or keeps the words as asked) and
    takes the request in; lands on the decision screen."""
    page.goto("/certificates/new/")
    page.get_by_label("要开的证明").fill(query)
    with page.expect_navigation():
        page.get_by_role("button", name="查找").click()
    if choose:
        card = page.locator("#lookup-results .card", has_text=choose).first
        with page.expect_navigation():
            card.get_by_role("link", name="选择此证明").click()
    else:
        page.get_by_label("申请的证明").fill(query)
    page.get_by_label("申请人姓名").fill(fields.get("name", "浏览器测试居民"))
    page.get_by_label("公民身份号码").fill(
        fields.get("id_number", "620725200501011232")
    )
    page.get_by_label("联系电话").fill("13900001111")
    page.get_by_label("用途").fill(fields.get("purpose", "办理业务（测试）"))
    page.get_by_label("需要单位").fill(fields.get("unit", "县人社局（测试）"))
    page.get_by_label("拟证明的事实").fill(fields.get("facts", "浏览器测试的事实。"))
    for label in fields.get("tick", ()):
        page.get_by_label(label).check()
    with page.expect_navigation():
        page.get_by_role("button", name="受理并判断").click()
    expect(page.locator(".messages")).to_contain_text("已受理")


def horizontal_overflow(page: Any) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when it fits)."""
    return page.evaluate(
        "() => Math.max(0, document.documentElement.scrollWidth"
        " - document.documentElement.clientWidth)"
    )


# Accessibility: axe-core, the npm package (no CDN), run inside the page. `.ci/run`
# installs it; elsewhere point YINZHENG_AXE_JS at an axe.min.js or the checks skip.
AXE_JS = Path(
    os.environ.get(
        "YINZHENG_AXE_JS",
        Path(__file__).resolve().parents[3] / "node_modules/axe-core/axe.min.js",
    )
)
# WCAG 2.1 level A and AA, as the issue asks.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_source() -> str:
    """axe-core's script, or a skip that says how to get it."""
    if not AXE_JS.exists():
        pytest.skip(
            f"accessibility checks need axe-core at {AXE_JS}: "
            "npm install --no-save axe-core (or set YINZHENG_AXE_JS)"
        )
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page: Any, source: str) -> list[str]:
    """axe-core's WCAG 2.1 AA violations on the page as it stands, one line each
    (rule, impact, the first elements); the page's context must bypass the CSP, which
    rightly refuses an injected script."""
    page.add_script_tag(content=source)
    found = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => `${v.id} (${v.impact}): ${v.help} — ` +
                v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
        }""",
        AXE_TAGS,
    )
    return [f"{page.url}: {line}" for line in found]
