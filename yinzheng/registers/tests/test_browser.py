"""The certificate register on a desk screen (1,280 px) and a phone (390 px), issue 16:
its 16 columns stay readable (the table scrolls sideways instead of squeezing each
column to one character, and 登记确认 is not cut off), and on a phone each entry is a
card. Uses the demo; skips, with the reason, when Chromium or playwright is missing."""

import pytest

from yinzheng.core import clock
from yinzheng.core.tests.browser import (
    PHONE,
    chromium,
    expect,
    horizontal_overflow,
    log_in,
    new_page,
)
from yinzheng.demo.loader import DEMO_PASSWORD, load_demo

COMMITTEE = "620725101001"  # 长城社区居民委员会, the demo's committee


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture
def demo(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_demo()
    return live_server.url


def _book() -> str:
    return f"/ledger/registers/{COMMITTEE}/certificate/{clock.today().year}/"


def test_the_certificate_register_is_readable_on_a_desk_screen(browser, demo):
    with new_page(browser, demo, viewport={"width": 1280, "height": 800}) as page:
        log_in(page, "yinzhang", DEMO_PASSWORD)
        page.goto(_book())
        headers = page.locator("table.register thead th")
        assert headers.count() >= 15
        widths = headers.evaluate_all("cells => cells.map(c => c.offsetWidth)")
        assert min(widths) >= 60, widths  # not one character per line
        confirm = page.get_by_role("link", name="登记确认").first
        confirm.scroll_into_view_if_needed()
        expect(confirm).to_be_visible()
        box = confirm.bounding_box()
        assert box is not None and box["width"] >= 50  # the whole word shows
        badge = page.locator("table.register .badge").first
        assert badge.evaluate("b => getComputedStyle(b).whiteSpace") == "nowrap"


def test_the_certificate_register_is_cards_on_a_phone(browser, demo):
    with new_page(browser, demo, **PHONE) as phone:
        log_in(phone, "yinzhang", DEMO_PASSWORD)
        phone.goto(_book())
        expect(phone.locator("table.register thead")).to_be_hidden()
        assert horizontal_overflow(phone) == 0
        label = phone.locator("table.register tbody td").nth(1)
        assert label.evaluate("td => getComputedStyle(td, '::before').content").strip(
            '"'
        )
