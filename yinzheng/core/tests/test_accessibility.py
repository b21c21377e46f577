"""WCAG 2.1 AA (axe-core) on the public pages and the main staff journey (issue 16).

The demo county is loaded; each page is opened as its reader would (a resident, the
clerk taking in a request, the head approving, the custodian sealing) and axe-core,
injected from the npm package, must find no violation. Keyboard use: the intake form is
filled and sent with the keyboard alone. Skips with the reason when Chromium or
axe-core is missing; CI installs both.
"""

import pytest

from yinzheng.catalogue.models import Item
from yinzheng.demo.loader import DEMO_PASSWORD, load_demo

from .browser import (
    PHONE,
    axe_source,
    axe_violations,
    chromium,
    expect,
    log_in,
    new_page,
    take_in,
)

PUBLIC = [
    "/",
    "/catalogue/",
    "/verify/",
    "/certificates/status/",
    "/supervision/report/",
    "/accounts/login/",
]


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def axe():
    return axe_source()


@pytest.fixture
def demo(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_demo()


def _page(browser, live_server, **options):
    return new_page(browser, live_server.url, bypass_csp=True, **options)


def test_public_pages_pass_axe_at_wcag_21_aa_on_a_phone(
    demo, browser, live_server, axe
):
    item = Item.objects.filter(name__contains="居住").order_by("pk").first()
    found = []
    with _page(browser, live_server, **PHONE) as page:
        for url in [*PUBLIC, item.get_absolute_url(), "/catalogue/?q=开个居住证明"]:
            page.goto(url)
            found += axe_violations(page, axe)
    assert not found, "\n".join(found)


def test_the_staff_journey_passes_axe_at_wcag_21_aa(demo, browser, live_server, axe):
    """The clerk's home, the intake with its lookup, the decision screen of a request
    just taken in, the head's approval of it and the custodian's sealing page, each
    checked as it is shown; a negative-list decision too."""
    found = []
    with _page(browser, live_server) as page:
        log_in(page, "jingban", DEMO_PASSWORD)
        found += axe_violations(page, axe)
        page.goto("/certificates/new/?q=居住证明")
        found += axe_violations(page, axe)
        take_in(page, "居住证明", choose="实际居住情况证明", name="无障碍测试")
        found += axe_violations(page, axe)
        verify = page.locator("#verify")
        verify.get_by_label("核实内容").fill("居住事实（测试）")
        verify.get_by_label("核实方式").fill("入户查看（测试）")
        with page.expect_navigation():
            verify.get_by_role("button", name="核实完成，生成证明").click()
        detail = page.url
        take_in(page, "健在证明", choose="健在证明", name="无障碍测试二")
        found += axe_violations(page, axe)
        for url in ("/certificates/", "/seals/usage/", "/ledger/"):
            page.goto(url)
            found += axe_violations(page, axe)
    for username in ("zhuren", "yinzhang"):
        with _page(browser, live_server) as page:
            log_in(page, username, DEMO_PASSWORD)
            found += axe_violations(page, axe)
            page.goto(detail)
            found += axe_violations(page, axe)
            if username == "zhuren":
                with page.expect_navigation():
                    page.get_by_role("button", name="签批", exact=True).click()
                found += axe_violations(page, axe)
    assert not found, "\n".join(found)


def test_a_request_is_taken_in_with_the_keyboard_alone(demo, browser, live_server):
    """WCAG 2.1.1: the lookup and the intake form work from the keyboard (Tab, typing,
    Enter), no pointer."""
    with _page(browser, live_server) as page:
        log_in(page, "jingban", DEMO_PASSWORD)
        page.goto("/certificates/new/")
        page.get_by_label("要开的证明").focus()
        page.keyboard.type("居住证明")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.locator("#lookup-results")).to_contain_text("居住")


def _tab_reaches_every_control(page, form: str) -> list[str]:
    """The visible controls of the form that Tab never reaches from the top of the page
    (WCAG 2.1.1, 2.1.2: every control reachable, no trap)."""
    controls = page.evaluate(
        """(sel) => [...document.querySelectorAll(`${sel} :is(input, select, textarea, button)`)]
            .filter(e => e.type !== 'hidden' && !e.disabled && e.offsetParent !== null)
            .map((e, i) => { e.dataset.tabProbe = String(i); return String(i); })""",
        form,
    )
    assert len(controls) >= 2, f"no form {form} on {page.url}"
    reached = set()
    page.locator("body").focus()
    for _ in range(400):
        page.keyboard.press("Tab")
        probe = page.evaluate("() => document.activeElement?.dataset?.tabProbe ?? null")
        if probe is not None:
            reached.add(probe)
        if reached >= set(controls):
            break
    return sorted(set(controls) - reached)


def test_every_control_of_the_main_forms_is_reached_by_tab(demo, browser, live_server):
    with _page(browser, live_server) as page:
        page.goto("/supervision/report/")
        assert not _tab_reaches_every_control(page, "main form")
        page.goto("/accounts/login/")
        assert not _tab_reaches_every_control(page, "main form")
        log_in(page, "jingban", DEMO_PASSWORD)
        page.goto("/certificates/new/?q=居住证明")
        assert not _tab_reaches_every_control(page, "main form")


def test_a_department_checks_a_certificate_on_its_page(demo, browser, live_server, axe):
    """REQ-111: the police officer opens 证明核查 from the menu, pastes the QR content
    with the legal basis and purpose, reads the verdict, and opens the recorded query
    with its audit record; each page checked as it is shown."""
    from yinzheng.esign.models import SignedDocument, VerificationQuery

    token = SignedDocument.objects.filter(signed_at__isnull=False).first().token
    before = VerificationQuery.objects.count()
    found = []
    with _page(browser, live_server) as page:
        log_in(page, "gongan", DEMO_PASSWORD)
        with page.expect_navigation():
            page.get_by_role("link", name="证明核查").click()
        found += axe_violations(page, axe)
        form = page.locator("#query-form")
        form.get_by_label("二维码内容").fill(token)
        form.get_by_label("法律依据").fill("《居住证暂行条例》第九条（测试）")
        form.get_by_label("查询目的").fill("核实居住证明（测试）")
        with page.expect_navigation():
            form.get_by_role("button", name="核查", exact=True).click()
        assert page.locator("#verdict").get_attribute("data-verdict") == "valid"
        found += axe_violations(page, axe)
        with page.expect_navigation():
            page.locator("#verdict a").click()
        assert "（测试）" in page.content()
        found += axe_violations(page, axe)
    assert VerificationQuery.objects.count() == before + 1
    assert not found, "\n".join(found)
