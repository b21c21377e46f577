"""Issue 16, REQ-113, in the browser: a resident applies on a 390 px phone, gets the
receipt, the committee finishes the case at the window (clerk verifies, head approves,
custodian issues with the electronic seal), and the resident downloads the electronic
certificate from the status page after confirming name and ID digits. Uses the demo
(长城社区); skips, with the reason, when Chromium or playwright is missing."""

import re

import pytest

from yinzheng.certificates.models import CertificateRequest
from yinzheng.core.tests.browser import (
    PHONE,
    chromium,
    expect,
    horizontal_overflow,
    log_in,
    new_page,
)
from yinzheng.demo.certificates import demo_id_number
from yinzheng.demo.loader import DEMO_PASSWORD, load_demo

MOBILE = "13912340016"


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture
def demo(live_server, settings, tmp_path, sms_outbox):
    settings.MEDIA_ROOT = tmp_path  # the demo's sample documents
    load_demo()
    return live_server


def _window_step(browser, base_url, username, case_code, button):
    """One person at the window: log in, find the case by the code as read out over
    the phone (lower case, spaces), take the step."""
    with new_page(browser, base_url, **PHONE) as page:
        log_in(page, username, DEMO_PASSWORD)
        spoken = case_code.replace("-", " ").lower()
        page.goto(f"/certificates/?q={spoken}")
        page.get_by_role("link", name="实际居住情况证明").first.click()
        expect(page.locator("h1")).to_contain_text("实际居住情况证明")
        assert horizontal_overflow(page) == 0
        if button == "核实完成，生成证明":
            page.get_by_label("核实内容（核实了什么）").fill("（示例）居住事实")
            page.get_by_label("核实方式（如何核实）").fill("（示例）入户查看")
        with page.expect_navigation():
            page.get_by_role("button", name=button, exact=True).click()
        expect(page.locator(".messages")).to_be_visible()


def test_a_resident_applies_on_a_phone_and_downloads_the_certificate(
    browser, demo, sms_outbox, tmp_path
):
    number = demo_id_number("620725", "20060315", 316)
    with new_page(browser, demo.url, **PHONE) as phone:
        # 1. The committee, by name.
        phone.goto("/apply/")
        phone.get_by_label("村（居）委会名称").fill("长城")
        phone.get_by_role("button", name="查找").click()
        phone.locator("#committees .card", has_text="长城社区").get_by_role(
            "link", name="选择"
        ).first.click()
        # 2. The item, by the lookup.
        phone.get_by_label("要申请的证明").fill("居住证明")
        phone.get_by_role("button", name="查找").click()
        phone.locator("#lookup-results .card", has_text="实际居住情况证明").get_by_role(
            "link", name="选择此证明"
        ).first.click()
        assert horizontal_overflow(phone) == 0
        # 3. Identity and the one-time code (the demo's gateway prints it).
        phone.get_by_label("申请人姓名").fill("赵示例")
        phone.get_by_label("公民身份号码").fill(number)
        phone.get_by_label("手机号码（接收验证码）").fill(MOBILE)
        with phone.expect_navigation():
            phone.get_by_role("button", name="获取验证码").click()
        expect(phone.locator("#code")).to_contain_text("139****0016")
        code = re.search(r"\d{6}", sms_outbox[-1][1]).group()
        phone.get_by_label("短信验证码").fill(code)
        with phone.expect_navigation():
            phone.get_by_role("button", name="验证").click()
        expect(phone.locator("#verified")).to_be_visible()
        # 4. The matter, with a piece of evidence; electronic issue.
        phone.get_by_label("用途（办理什么事）").fill("（示例）办理居住证")
        phone.get_by_label("需要单位（谁要这份证明）").fill("（示例）清泉派出所")
        phone.get_by_label("需要证明的事实").fill(
            "（示例）本人自2020年起在本社区居住。"
        )
        evidence = tmp_path / "hukou.png"
        from yinzheng.core.tests.files import png_bytes

        evidence.write_bytes(png_bytes())
        phone.get_by_label("证明材料（PDF 或照片，可不传）").set_input_files(
            str(evidence)
        )
        expect(
            phone.get_by_label("出具电子证明（加盖电子印章，可在查询页下载）")
        ).to_be_checked()
        with phone.expect_navigation():
            phone.get_by_role("button", name="提交申请").click()
        # The receipt: the code to read aloud, the deadline in working days.
        expect(phone.locator("h1")).to_contain_text("受理回执")
        case_code = phone.locator("#tracking-code").inner_text().strip()
        assert re.fullmatch(
            r"[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}", case_code
        )
        expect(phone.locator("#deadline")).to_contain_text("个工作日")
        html = phone.content()
        assert number not in html and MOBILE not in html
        assert horizontal_overflow(phone) == 0

        # The committee finishes it at the window.
        req = CertificateRequest.objects.get(tracking_code=case_code)
        assert req.channel == "online" and req.electronic
        _window_step(browser, demo.url, "jingban", case_code, "核实完成，生成证明")
        _window_step(browser, demo.url, "zhuren", case_code, "签批")
        _window_step(browser, demo.url, "yinzhang", case_code, "盖章并出具")

        # The status page, online, says issued and hands the certificate over.
        phone.goto("/certificates/status/")
        phone.get_by_label("查询码").fill(case_code.replace("-", "").lower())
        with phone.expect_navigation():
            phone.get_by_role("button", name="查询").click()
        expect(phone.locator("#status-card")).to_contain_text("已出具")
        phone.get_by_label("申请人姓名（全名）").fill("赵示例")
        phone.get_by_label("公民身份号码后 4 位").fill(
            "0000" if number[-4:] != "0000" else "1111"
        )
        with phone.expect_navigation():
            phone.get_by_role("button", name="下载电子证明（PDF）").click()
        expect(phone.locator("#download .alert")).to_contain_text("不符")
        phone.get_by_label("申请人姓名（全名）").fill("赵示例")
        phone.get_by_label("公民身份号码后 4 位").fill(number[-4:])
        with phone.expect_download() as download:
            phone.get_by_role("button", name="下载电子证明（PDF）").click()
        saved = tmp_path / "certificate.pdf"
        download.value.save_as(saved)
        assert saved.read_bytes().startswith(b"%PDF-")
        req.refresh_from_db()
        assert download.value.suggested_filename == f"{req.serial}.pdf"
        assert horizontal_overflow(phone) == 0
