"""The main journeys in a real browser: log in, browse the tree, register an abolition,
switch language, fit a phone screen.

The demo county (山丹县 620725) is loaded for each test: 长城社区 620725101001 has a clerk
(jingban), its sibling 北滩村 620725101201 another (jingban2), and the county a civil-affairs
officer (minzheng). Skips, with the reason, when Chromium or playwright is missing.
"""

import pytest

from yinzheng.catalogue.choices import GuideStatus
from yinzheng.catalogue.models import Guide
from yinzheng.core.actors import SYSTEM
from yinzheng.demo.loader import DEMO_PASSWORD, load_demo
from yinzheng.divisions.choices import CommitteeStatus
from yinzheng.divisions.models import Division

from .browser import (
    PHONE,
    chromium,
    expect,
    horizontal_overflow,
    log_in,
    new_page,
    take_in,
)
from .files import pdf_bytes

COMMITTEE = "620725101001"  # 长城社区居民委员会
SIBLING = "620725101201"  # 北滩村村民委员会, same township
TOWNSHIP = "620725101"  # 清泉镇


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture
def demo(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the demo's sample documents, and uploads
    load_demo()


@pytest.fixture
def page(browser, live_server):
    with new_page(browser, live_server.url) as opened:
        yield opened


@pytest.fixture
def phone(browser, live_server):
    with new_page(browser, live_server.url, **PHONE) as opened:
        yield opened


def test_wrong_password_shows_the_chinese_error(demo, page):
    log_in(page, "jingban", "not-the-password")

    expect(page.get_by_role("alert")).to_have_text("用户名或密码不正确。")
    assert page.url.endswith("/accounts/login/")


def test_clerk_lands_on_home_showing_role_and_committee(demo, page, live_server):
    log_in(page, "jingban", DEMO_PASSWORD)

    assert page.url == f"{live_server.url}/"
    card = page.locator(".card", has=page.locator(".badge", has_text="经办人"))
    expect(card).to_contain_text("长城社区居民委员会")
    expect(card).to_contain_text(COMMITTEE)


def test_clerk_browses_to_own_committee_chain_and_not_its_sibling(demo, page):
    log_in(page, "jingban", DEMO_PASSWORD)

    page.get_by_role("link", name="行政区划").click()
    page.wait_for_url(f"**/divisions/{COMMITTEE}/")
    crumbs = page.locator("nav.crumbs")
    expect(crumbs).to_have_text(
        "中华人民共和国 › 甘肃省 › 张掖市 › 山丹县 › 清泉镇 › 长城社区居民委员会"
    )

    crumbs.get_by_role("link", name="清泉镇").click()
    page.wait_for_url(f"**/divisions/{TOWNSHIP}/")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("长城社区居民委员会")
    expect(page.locator("main")).not_to_contain_text("北滩村")


def test_civil_affairs_officer_finds_committees_by_name_and_by_code(demo, page):
    log_in(page, "minzheng", DEMO_PASSWORD)
    search = page.get_by_role("searchbox", name="搜索区划")

    page.goto("/divisions/")
    search.fill("长城")
    search.press("Enter")
    expect(page.locator("table tbody")).to_contain_text("长城社区居民委员会")

    search.fill(SIBLING)
    search.press("Enter")
    expect(page.get_by_text("找到 1 条")).to_be_visible()
    page.get_by_role("link", name="北滩村村民委员会").click()

    page.wait_for_url(f"**/divisions/{SIBLING}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("北滩村村民委员会")


def test_civil_affairs_officer_registers_an_abolition_with_its_reference(demo, page):
    log_in(page, "minzheng", DEMO_PASSWORD)
    page.goto(f"/divisions/{COMMITTEE}/")

    page.get_by_text("登记合并或撤销").click()
    form = page.locator("form[action$='/abolish/']")
    page.get_by_label("撤销依据（文号）").fill("山民发〔2024〕12号")
    with page.expect_navigation():
        form.get_by_role("button", name="登记撤销").click()

    expect(page.locator(".messages")).to_contain_text("已登记撤销")
    status = page.locator("dl.facts")
    expect(status.locator(".badge.bad")).to_have_text("已撤销")
    expect(status).to_contain_text("山民发〔2024〕12号")
    expect(page.get_by_text("登记合并或撤销")).to_have_count(0)
    assert Division.objects.get(code=COMMITTEE).status == CommitteeStatus.ABOLISHED


def test_language_switch_turns_the_page_english_and_back(demo, page):
    log_in(page, "jingban", DEMO_PASSWORD)
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "zh-hans")

    with page.expect_navigation():
        page.locator("select[name=language]").select_option("en")
    expect(html).to_have_attribute("lang", "en")

    with page.expect_navigation():
        page.locator("select[name=language]").select_option("zh-hans")
    expect(html).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_contain_text("您好")


@pytest.mark.parametrize(
    "path",
    ["/", f"/divisions/{COMMITTEE}/", f"/divisions/{TOWNSHIP}/"],
    ids=["home", "committee", "township"],
)
def test_page_fits_a_phone_screen_without_sideways_scrolling(demo, phone, path):
    log_in(phone, "jingban", DEMO_PASSWORD)

    phone.goto(path)

    assert horizontal_overflow(phone) <= 1


def test_login_page_fits_a_phone_screen_without_sideways_scrolling(demo, phone):
    phone.goto("/accounts/login/")

    assert horizontal_overflow(phone) <= 1


def test_home_and_division_pages_render_to_screenshots(demo, page, phone, tmp_path):
    log_in(page, "minzheng", DEMO_PASSWORD)
    log_in(phone, "jingban", DEMO_PASSWORD)

    shots = {
        "home.png": (page, "/"),
        "committee.png": (page, f"/divisions/{COMMITTEE}/"),
        "phone-home.png": (phone, "/"),
    }
    for name, (tab, path) in shots.items():
        tab.goto(path)
        tab.screenshot(path=tmp_path / name, full_page=True)

    for name in shots:
        data = (tmp_path / name).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000, name


def test_department_submits_an_admission_and_civil_affairs_opens_the_review(
    demo, page, browser, live_server
):
    """REQ-021, REQ-023: the public-security officer (gongan) fills in the admission
    form; the county's civil-affairs officer opens the joint review and sees every
    opinion pending."""
    log_in(page, "gongan", DEMO_PASSWORD)
    page.get_by_role("link", name="准入退出申请").click()
    page.get_by_role("link", name="填写申请").click()

    page.get_by_label("申请单位").fill("山丹县公安局（测试）")
    page.get_by_label("申请理由").fill("办理业务需要核实居住情况（测试）")
    page.get_by_label("事项标识").fill("browser_test_residence")
    page.get_by_label("证明名称").fill("浏览器测试居住证明")
    page.locator("select[name=app-basis_type_1]").select_option("law")
    page.locator("input[name=app-citation_1]").fill("测试依据（非真实法律条文）")
    page.get_by_label("属于村（居）委会职责范围").check()
    with page.expect_navigation():
        page.get_by_role("button", name="提交申请").click()

    expect(page.locator(".messages")).to_contain_text("已提交申请")
    expect(page.get_by_role("heading", level=1)).to_contain_text("浏览器测试居住证明")
    with new_page(browser, live_server.url) as officer:
        log_in(officer, "minzheng", DEMO_PASSWORD)
        officer.goto(page.url)
        with officer.expect_navigation():
            officer.get_by_role("button", name="启动联审").click()

        expect(officer.locator(".messages")).to_contain_text("已启动联审")
        # Five partner departments and the county's ten townships, none answered yet.
        expect(officer.locator(".badge.pending")).to_have_count(15)
        expect(officer.locator("#opinions")).to_contain_text("待反馈 15")


def _certificate_entry(matter: str):
    """One certificate-register entry of 长城社区 this year, as the sealing service
    writes it."""
    from yinzheng.registers.services import books as registers

    return registers.register_append(
        actor=SYSTEM,
        committee_code=COMMITTEE,
        register="certificate",
        matter=matter,
        fields={
            "sealed_at": "2026-03-01 10:00",
            "requiring_unit": "县人社局",
            "purpose": "失业登记",
            "phone": "13812345678",
            "content": "居住情况证明",
            "copies": 1,
            "approver": "李主任",
            "handler": "周经办",
            "reviewer": "周经办",
            "custodian": "吴管印",
            "category": "C2",
            "seal": "620725101001-01",
            "document_sha256": "b" * 64,
        },
    )


def test_custodian_has_the_resident_sign_on_the_pad_and_the_entry_is_confirmed(
    demo, page, settings, tmp_path
):
    """REQ-073: a signature drawn with the mouse on the pad confirms the entry."""
    from yinzheng.ledger.models import Confirmation

    settings.MEDIA_ROOT = tmp_path
    entry = _certificate_entry("browser:signature")
    year = entry.data["data"]["year"]
    log_in(page, "yinzhang", DEMO_PASSWORD)

    page.goto(f"/ledger/registers/{COMMITTEE}/certificate/{year}/")
    # The demo has issued certificates of its own: find this entry by its number.
    row = page.locator(f"#entry-{entry.seq}")
    expect(row).to_contain_text("未确认")
    expect(row).to_contain_text("138****5678")
    row.get_by_role("link", name="登记确认").click()
    submit = page.get_by_role("button", name="确认签名")
    submit.click()  # nothing drawn yet: the pad says so and nothing is sent
    expect(page.locator("[data-signature-status]")).to_have_text("请居民先在框内签名")
    box = page.locator("canvas").bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + box["height"] * 0.6)
    page.mouse.down()
    for i in range(1, 9):
        page.mouse.move(
            box["x"] + 30 + i * 25,
            box["y"] + box["height"] * (0.6 - 0.3 * (i % 2)),
            steps=4,
        )
    page.mouse.up()
    with page.expect_navigation():
        submit.click()

    expect(page.locator(".messages")).to_contain_text(
        f"第 {entry.seq} 条已登记居民签字确认"
    )
    expect(page.locator(f"#entry-{entry.seq}")).to_contain_text("已确认")
    confirmation = Confirmation.objects.get(entry=entry)
    assert confirmation.method == "screen"
    with confirmation.signature.open("rb") as fh:
        image = fh.read()
    assert image.startswith(b"\x89PNG\r\n\x1a\n") and len(image) > 1000


def test_signature_page_fits_a_phone_screen_without_sideways_scrolling(demo, phone):
    entry = _certificate_entry("browser:phone")
    year = entry.data["data"]["year"]
    log_in(phone, "yinzhang", DEMO_PASSWORD)

    phone.goto(
        f"/ledger/registers/{COMMITTEE}/certificate/{year}/entries/{entry.pk}/confirm/"
    )

    expect(phone.locator("canvas")).to_be_visible()
    assert horizontal_overflow(phone) <= 1


def test_sealing_journey_clerk_files_and_reviews_head_signs_custodian_seals(
    demo, browser, live_server, phone
):
    """REQ-053–058, DIV-12: 周经办 files a W1 matter with its PDF on a phone and
    reviews it, 李主任 signs, 吴管印 registers and seals; the work register shows it."""
    content = "关于召开居民代表会议的通知（浏览器测试）"
    log_in(phone, "jingban", DEMO_PASSWORD)
    phone.goto("/seals/usage/new/")
    phone.get_by_label("W1 组织村（居）民依法开展自治活动的事项").check()
    phone.get_by_label("用印内容").fill(content)
    phone.get_by_label("用印份数").fill("30")
    phone.get_by_label("用印文件").set_input_files(
        {
            "name": "notice.pdf",
            "mimeType": "application/pdf",
            "buffer": pdf_bytes("notice of a meeting of representatives"),
        }
    )
    assert horizontal_overflow(phone) <= 1
    with phone.expect_navigation():
        phone.get_by_role("button", name="提交申请").click()
    expect(phone.locator(".messages")).to_contain_text("已提交用印申请")
    detail = phone.url
    assert horizontal_overflow(phone) <= 1

    review = phone.locator("#review")
    review.get_by_label("同意", exact=True).check()
    review.get_by_label("文件内容完整，不是空白纸张").check()
    with phone.expect_navigation():
        review.get_by_role("button", name="提交审核意见").click()
    expect(phone.locator(".messages")).to_contain_text("已审核")

    with new_page(browser, live_server.url) as head:
        log_in(head, "zhuren", DEMO_PASSWORD)
        head.goto(detail)
        approve = head.locator("#approve")
        approve.get_by_label("同意", exact=True).check()
        with head.expect_navigation():
            approve.get_by_role("button", name="提交签批意见").click()
        expect(head.locator(".messages")).to_contain_text("已签批")

    with new_page(browser, live_server.url) as keeper:
        log_in(keeper, "yinzhang", DEMO_PASSWORD)
        keeper.goto(detail)
        expect(keeper.locator("#review")).to_have_count(0)
        with keeper.expect_navigation():
            keeper.get_by_role("button", name="登记并盖章").click()
        expect(keeper.locator(".messages")).to_contain_text(
            "已登记并盖章：工作用印登记簿"
        )
        timeline = keeper.locator("#timeline")
        for name in ("周经办", "李主任", "吴管印"):
            expect(timeline).to_contain_text(name)
        with keeper.expect_navigation():
            keeper.locator("#register-entry").click()
        assert "/ledger/registers/620725101001/work/" in keeper.url
        row = keeper.locator("tr", has_text=content)
        expect(row).to_have_count(1)
        expect(row).to_contain_text("李主任")
        expect(row).to_contain_text("吴管印")


# Certificates (REQ-031–049) -----------------------------------------------------------


def test_clerk_refuses_a_negative_list_item_with_a_printable_notice_on_a_phone(
    demo, phone
):
    """REQ-036, REQ-049: 健在证明 is on the national negative list: the decision screen
    says so with its route and department, the refusal makes the notice."""
    log_in(phone, "jingban", DEMO_PASSWORD)
    take_in(phone, "健在证明", choose="健在证明", purpose="领取养老金（测试）")

    decision = phone.locator("#decision")
    expect(decision).to_contain_text("负面清单事项")
    expect(decision).to_contain_text("REQ-036")
    expect(phone.locator("#route")).to_contain_text("卫生健康")
    assert horizontal_overflow(phone) <= 1
    refuse = phone.locator("#refuse")
    refuse.get_by_label("不予出具的理由").fill("负面清单事项，不予出具（测试）")
    with phone.expect_navigation():
        refuse.get_by_role("button", name="不予出具并生成告知书").click()

    expect(phone.locator(".messages")).to_contain_text("已不予出具")
    expect(phone.locator("#status")).to_have_text("不予出具")
    notice = phone.get_by_role("link", name="打印不予出具告知书")
    response = phone.request.get(notice.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    assert horizontal_overflow(phone) <= 1


def test_a_positive_item_is_issued_end_to_end_by_three_people(
    demo, page, browser, live_server
):
    """REQ-044, REQ-046, REQ-054, DIV-01: 周经办 takes in and verifies, 李主任 approves,
    吴管印 seals and issues; the register entry waits for the resident's signature."""
    log_in(page, "jingban", DEMO_PASSWORD)
    take_in(page, "居住证明", choose="实际居住情况证明", name="浏览器测试三人")
    expect(page.locator("#decision")).to_contain_text("REQ-032")
    verify = page.locator("#verify")
    verify.get_by_label("核实内容").fill("居住事实（测试）")
    verify.get_by_label("核实方式").fill("入户查看（测试）")
    with page.expect_navigation():
        verify.get_by_role("button", name="核实完成，生成证明").click()
    expect(page.locator("#status")).to_have_text("已核实，待主任签批")
    detail = page.url

    with new_page(browser, live_server.url) as head:
        log_in(head, "zhuren", DEMO_PASSWORD)
        head.goto(detail)
        with head.expect_navigation():
            head.get_by_role("button", name="签批", exact=True).click()
        expect(head.locator(".messages")).to_contain_text("已签批")

    with new_page(browser, live_server.url) as keeper:
        log_in(keeper, "yinzhang", DEMO_PASSWORD)
        keeper.goto(detail)
        expect(keeper.locator("#verify")).to_have_count(0)
        with keeper.expect_navigation():
            keeper.get_by_role("button", name="盖章并出具").click()
        expect(keeper.locator(".messages")).to_contain_text("已盖章出具")
        expect(keeper.locator("#status")).to_have_text("已出具")
        with keeper.expect_navigation():
            keeper.get_by_role("link", name="居民签字确认登记簿").click()
        assert "/ledger/registers/620725101001/certificate/" in keeper.url
        expect(keeper.locator("canvas")).to_be_visible()


def test_a_public_interest_matter_is_blocked_until_its_consultation_is_recorded(
    demo, page, browser, live_server
):
    """REQ-034, REQ-035, DIV-04: outside the positive list, a special case; nothing can
    be verified until the consultation is recorded and the head has signed it."""
    log_in(page, "jingban", DEMO_PASSWORD)
    take_in(
        page,
        "小区加装电梯意见证明（测试）",
        choose=None,
        tick=("涉及公共利益或多数居民切身利益",),
    )
    decision = page.locator("#decision")
    expect(decision).to_contain_text("特殊情况")
    expect(decision.locator(".missing")).to_contain_text("居民议事协商记录")
    expect(page.locator("#verify")).to_have_count(0)

    form = page.locator("#consultation")
    form.get_by_label("协商形式").select_option("council")
    form.get_by_label("参加人员").fill("居民代表 15 人（测试）")
    form.get_by_label("同意", exact=True).check()
    with page.expect_navigation():
        form.get_by_role("button", name="保存协商记录").click()
    expect(page.locator(".messages")).to_contain_text("已登记议事协商记录")
    expect(page.locator("#decision .missing")).to_contain_text("主任签字")
    expect(page.locator("#verify")).to_have_count(0)
    detail = page.url

    with new_page(browser, live_server.url) as head:
        log_in(head, "zhuren", DEMO_PASSWORD)
        head.goto(detail)
        with head.expect_navigation():
            head.get_by_role("button", name="签字", exact=True).click()
        expect(head.locator(".messages")).to_contain_text("主任已签字")

    page.reload()
    expect(page.locator("#decision .outcome")).to_have_text("可以出具")
    expect(page.locator("#verify")).to_be_visible()


def _csp_violations(page) -> list[str]:
    """Collects what the Content-Security-Policy refuses on `page` (Chromium reports
    each refusal on the console as "Refused to …")."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            or message.text.startswith("Refused to")
            else None
        ),
    )
    return refused


def test_the_pages_scripts_run_under_the_content_security_policy(
    demo, page, browser, live_server
):
    """Issue 13: the strict policy (no inline script or style) breaks nothing the pages
    do — the signature pad, the application form's sections, the print button, the
    language switch — and the API docs render with their one nonce."""
    refused = _csp_violations(page)
    log_in(page, "gongan", DEMO_PASSWORD)

    page.goto("/catalogue/manage/applications/new/")
    exit_section = page.locator("fieldset[data-kinds=exit]")
    admission_section = page.locator("fieldset[data-kinds=admission]").first
    page.get_by_role("radio", name="退出").check()
    expect(exit_section).to_be_visible()
    expect(admission_section).to_be_hidden()  # applications.js ran
    page.get_by_role("radio", name="准入").check()
    expect(admission_section).to_be_visible()

    # The schema of every endpoint takes a while to build; Redoc (/api/redoc/, not
    # linked from the pages) renders it too, after a minute: not waited for here.
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(
        "印证 yinzheng API", timeout=90_000
    )
    expect(page.locator(".opblock").first).to_be_visible()

    guide = Guide.objects.filter(status=GuideStatus.PUBLISHED).first()
    page.goto(f"/catalogue/items/{guide.item.key}/")
    page.evaluate("() => { window.print = () => { window.__printed = true; }; }")
    page.locator("[data-print]").click()  # site.js: no onclick under the CSP
    assert page.evaluate("() => window.__printed === true")

    with page.expect_navigation():
        page.locator("select[name=language]").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    entry = _certificate_entry("browser:csp")
    with new_page(browser, live_server.url) as custodian:
        refused_there = _csp_violations(custodian)
        log_in(custodian, "yinzhang", DEMO_PASSWORD)
        custodian.goto(
            f"/ledger/registers/{COMMITTEE}/certificate/"
            f"{entry.data['data']['year']}/entries/{entry.pk}/confirm/"
        )
        expect(custodian.locator("canvas")).to_be_visible()  # signature.js ran
        custodian.get_by_role("button", name="确认签名").click()
        expect(custodian.locator("[data-signature-status]")).to_have_text(
            "请居民先在框内签名"
        )
        assert refused_there == []

    assert refused == []
