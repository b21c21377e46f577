"""The seal pages on a phone (390 px): the head approves a take-out from the seal page
and the township's registry fits the screen. Uses the demo (seals/demo.py); skips, with
the reason, when Chromium or playwright is missing."""

import pytest

from yinzheng.core.tests.browser import (
    PHONE,
    chromium,
    expect,
    horizontal_overflow,
    log_in,
    new_page,
)
from yinzheng.demo import seals as seal_demo
from yinzheng.demo.loader import DEMO_PASSWORD, load_demo
from yinzheng.seals.models import Seal, TakeOut


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture
def phone(browser, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the demo's sample documents
    load_demo()
    with new_page(browser, live_server.url, **PHONE) as opened:
        yield opened


def test_the_head_approves_a_takeout_on_a_phone(phone):
    seal = Seal.objects.get(serial=seal_demo.PREFIX + "长城-2024")
    log_in(phone, "zhuren", DEMO_PASSWORD)
    phone.goto(f"/seals/{seal.pk}/")
    expect(phone.locator("h1")).to_contain_text("在用")
    assert horizontal_overflow(phone) == 0
    with phone.expect_navigation():
        phone.get_by_role("button", name="批准", exact=True).click()
    expect(phone.locator(".messages")).to_contain_text("已批准带离")
    assert TakeOut.objects.filter(seal=seal, status="approved").exists()


def test_the_township_registry_fits_a_phone(phone):
    log_in(phone, "xiangzhen", DEMO_PASSWORD)
    phone.goto("/seals/")
    expect(
        phone.get_by_role("heading", name="印章收缴任务（村（居）委会合并、撤销）")
    ).to_be_visible()
    assert horizontal_overflow(phone) == 0
