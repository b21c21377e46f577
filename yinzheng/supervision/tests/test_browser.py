"""Supervision's two journeys in a real browser (REQ-087–097).

1. A resident reports an unreasonable certificate demand on the public page, with no
   login, and writes down the tracking number; the county's civil-affairs officer takes
   the case through every step on its page (verify → notify → feedback → response →
   correct → close), and after each step the resident, typing the number in lower case
   without dashes, sees the new status, never the contact phone.
2. The county's inspector draws a special inspection, registers it as 专项督导 from the
   draw and records a seal-use finding with a deadline (its criticism and its
   rectification item); past the deadline the list flags the item overdue; the
   committee head reports what was done, the inspector closes it with a follow-up date
   and, at the follow-up, records a relapse: the item is in round 2, both rounds shown.

The clock (core.clock) is pinned and moved by the test: the live server runs in this
process, so the pages read the same time. Uses the small tree (yinzheng/conftest.py)
and the supervision people (factories.people). Skips, with the reason, when Chromium
or playwright is missing.
"""

import re
from contextlib import ExitStack

import pytest

from yinzheng.core.tests.browser import chromium, expect, log_in, new_page
from yinzheng.supervision.choices import CaseStatus, ItemStatus
from yinzheng.supervision.models import Case, Criticism, Inspection, RectificationItem

from .factories import COUNTY, people

PASSWORD = "test-pass-123"  # core.tests.factories.user
PHONE = "13912345678"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture
def staff(live_server, tree, clock_at):
    clock_at(2026, 3, 2, 9)  # a Monday
    return people(tree)


@pytest.fixture
def open_page(browser, live_server):
    """open_page() → a page in its own context (own cookies): one per person."""
    with ExitStack() as stack:
        yield lambda: stack.enter_context(new_page(browser, live_server.url))


def submit(page, scope, name: str) -> None:
    """Click the `name` button inside `scope` and wait for the next page."""
    with page.expect_navigation():
        scope.get_by_role("button", name=name, exact=True).click()


def resident_looks_up(page, number: str) -> None:
    """Type the number as a caller might: lower case, no dashes."""
    page.goto("/supervision/report/status/")
    page.get_by_role("searchbox", name="受理编号").fill(number.replace("-", "").lower())
    with page.expect_navigation():
        page.get_by_role("button", name="查询", exact=True).click()
    assert page.url.endswith(f"/supervision/report/{number}/")


def test_a_resident_reports_and_follows_the_case_to_its_close(staff, tree, open_page):
    resident = open_page()

    # The resident picks the county and looks the certificate up, then reports.
    resident.goto("/supervision/report/")
    search = resident.get_by_role("search")
    search.get_by_label("县（市、区）").select_option(COUNTY)
    search.get_by_label("被要求的证明").fill("无犯罪记录证明")
    submit(resident, search, "查找")
    form = resident.locator("form[method=post]")
    expect(form.get_by_label("被要求开具的证明")).to_have_value("无犯罪记录证明")
    form.get_by_label("所涉村（居）委会").select_option(tree["A1a"])
    form.get_by_label("要求开具证明的单位").fill("县供电公司营业厅")
    form.get_by_label("单位类型").select_option(label="公共事业单位")
    form.get_by_label("情况说明").fill(
        "办理过户时营业厅要求到村委会开具无犯罪记录证明。"
    )
    form.get_by_label("联系人").fill("张三")
    form.get_by_label("联系电话").fill(PHONE)
    submit(resident, form, "提交反映")

    number = resident.locator("#tracking .tracking-number").inner_text().strip()
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", number)
    expect(resident.locator(".messages")).to_contain_text(number)
    expect(resident.locator("#status-card .badge")).to_have_text("已登记，待核实")
    case = Case.objects.get(tracking_no=number)
    assert case.committee_id == tree["A1a"] and case.contact_phone == PHONE

    # The county's civil-affairs officer finds it among the cases.
    officer = open_page()
    log_in(officer, "minzheng", PASSWORD)
    officer.goto("/supervision/cases/")
    with officer.expect_navigation():
        officer.get_by_role("link", name=number).click()
    expect(officer.locator("#contact-phone")).to_contain_text(PHONE)

    def step(name: str, fill, status: str) -> None:
        scope = officer.locator(f"#form-{name}")
        fill(scope)
        submit(officer, scope, "提交")
        expect(officer.locator(".messages")).to_be_visible()
        expect(officer.locator("h1 #status")).to_have_text(status)
        resident_looks_up(resident, number)
        expect(resident.locator("#status-card .badge")).to_have_text(status)

    def verify(f):
        f.get_by_label("反映属实").check()
        f.get_by_label("核实情况").fill("电话回访反映人，并到营业厅核实，属实。")

    def notify(f):
        f.get_by_label("通报日期").fill("2026-03-02")
        f.get_by_label("通报文号").fill("山民发〔2026〕3号")
        f.get_by_label("通报内容").fill("对县供电公司营业厅违规要求开具证明予以通报")

    def feedback(f):
        expect(f.get_by_label("反馈日期")).to_have_value("2026-03-02")
        f.get_by_label("反馈对象").fill("县供电公司")
        f.get_by_label("反馈内容").fill("请停止要求群众开具无犯罪记录证明")

    def response(f):
        f.get_by_label("整改情况").select_option(label="已整改")
        f.get_by_label("整改答复").fill("已取消该要求并向群众致歉")

    def correct(f):
        f.get_by_label("纠正的上级主管部门").fill("市供电公司")
        f.get_by_label("纠正情况").fill("已责令营业厅停止要求开具证明")

    step("verify", verify, "已核实，待通报或曝光")
    step("notify", notify, "已通报，待反馈主管部门")
    step("feedback", feedback, "已反馈，待整改答复")
    step("response", response, "已答复整改，待上级纠正")
    step("correct", correct, "上级已纠正，待办结")
    step("close", lambda f: None, "已办结")

    expect(officer.locator("form[action*='/supervision/cases/']")).to_have_count(0)
    expect(officer.locator("#step-correct")).to_contain_text("市供电公司")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED

    # The resident's page: closed, every step dated, and no contact details.
    expect(resident.locator("#status-card h2 .badge")).to_have_text("已办结")
    steps = resident.locator("#steps li")
    expect(steps).to_have_count(7)
    expect(steps.last).to_contain_text("2026-03-02 办结")
    body = resident.content()
    assert PHONE not in body and "张三" not in body
    assert "电话回访" not in body  # the officer's note stays with the staff


def test_an_inspector_draws_inspects_and_follows_up_a_relapse(
    staff, tree, open_page, clock_at
):
    inspector = open_page()
    log_in(inspector, "ducha", PASSWORD)

    # The special-inspection draw (REQ-095).
    inspector.goto("/supervision/inspections/")
    with inspector.expect_navigation():
        inspector.get_by_role("link", name="专项督查抽取").click()
    form = inspector.locator("main form[method=post]")
    form.get_by_label("县（市、区）").select_option(COUNTY)
    form.get_by_label("随机种子").fill("2026-q1")
    submit(inspector, form, "抽取")
    expect(inspector.locator("#replay")).to_contain_text("结果一致")
    townships = inspector.locator("#townships")
    for code in (tree["A1a"], tree["A1b"], tree["A2a"]):  # ≤ 2 a township: all
        expect(townships).to_contain_text(code)

    # The inspection registered from the draw, as 专项督导 (REQ-094).
    with inspector.expect_navigation():
        inspector.get_by_role("link", name="据此登记专项督查").click()
    form = inspector.locator("main form[method=post]")
    expect(form.get_by_label("抽取记录")).not_to_have_value("")
    form.get_by_label("督查名称").fill("2026年第一季度专项督导")
    form.get_by_label("督查方式").select_option(label="专项督导")
    expect(form.get_by_label("开始日期")).to_have_value("2026-03-02")
    form.get_by_label("督查人员").fill("李四、王五")
    submit(inspector, form, "登记")
    inspection = Inspection.objects.get()
    assert inspection.mode == "special" and inspection.draw_id is not None
    assert inspector.url.endswith(f"/supervision/inspections/{inspection.pk}/")
    expect(inspector.locator("h1")).to_contain_text("专项督导")
    expect(inspector.locator("#committees")).to_contain_text(tree["A1a"])

    # A seal-use finding with its deadline: criticism and item at once (REQ-092).
    finding = inspector.locator("#finding")
    finding.get_by_label("村（居）委会").select_option(tree["A1a"])
    finding.get_by_label("问题类型").select_option(label="违规用印")
    finding.get_by_label("发现的问题：", exact=True).fill("在空白纸张上加盖公章")
    finding.get_by_label("整改时限").fill("2026-03-12")
    submit(inspector, finding, "记录")
    item = RectificationItem.objects.get()
    assert inspector.url.endswith(f"/supervision/items/{item.pk}/")
    assert Criticism.objects.filter(committee_id=tree["A1a"]).exists()
    expect(inspector.locator("h1 #status")).to_have_text("整改中")
    expect(inspector.locator("dl.facts")).to_contain_text("通报批评")
    item_url = f"/supervision/items/{item.pk}/"

    # Past the deadline, the list flags it (REQ-096).
    clock_at(2026, 3, 13, 9)
    inspector.goto("/supervision/items/")
    filters = inspector.get_by_role("search")
    filters.get_by_label("仅看逾期").check()
    submit(inspector, filters, "筛选")
    row = inspector.locator("#items tbody tr", has_text="在空白纸张上加盖公章")
    expect(row).to_have_class("overdue")
    expect(row.locator(".badge.bad")).to_have_text("逾期")
    with inspector.expect_navigation():
        row.get_by_role("link").click()
    expect(inspector.locator("#overdue")).to_contain_text("2026-03-12")

    # The committee head reports what was done.
    head = open_page()
    log_in(head, "zhuren", PASSWORD)
    head.goto("/supervision/items/")
    with head.expect_navigation():
        head.get_by_role("link", name="在空白纸张上加盖公章").click()
    expect(head.locator("#form-close")).to_have_count(0)
    evidence = head.locator("#form-evidence")
    evidence.get_by_label("整改完成情况").fill("已收回空白盖章纸，建立用印台账")
    submit(head, evidence, "提交")
    expect(head.locator(".messages")).to_contain_text("已提交整改完成情况")

    # The inspector closes it with a follow-up date (REQ-097).
    inspector.goto(item_url)
    close = inspector.locator("#form-close")
    close.get_by_label("回头看日期").fill("2026-03-20")
    submit(inspector, close, "提交")
    expect(inspector.locator("h1 #status")).to_have_text("已销号")
    expect(inspector.locator("dl.facts")).to_contain_text("2026-03-20")

    # At the follow-up the problem is back: round 2 with a new deadline.
    clock_at(2026, 3, 20, 9)
    inspector.goto(item_url)
    expect(inspector.locator("#follow-up-due")).to_be_visible()
    follow_up = inspector.locator("#form-follow_up")
    follow_up.get_by_label("问题反弹，重新整改").check()
    follow_up.get_by_label("回头看情况").fill("再次发现空白纸张加盖公章")
    follow_up.get_by_label("新的整改时限").fill("2026-04-10")
    submit(inspector, follow_up, "提交")

    heading = inspector.locator("h1")
    expect(heading.locator("#status")).to_have_text("问题反弹，重新整改")
    expect(heading).to_contain_text("第 2 轮")
    expect(inspector.locator("dl.facts")).to_contain_text("2026-04-10")
    first, second = inspector.locator("#round-1"), inspector.locator("#round-2")
    for event in ("列入整改清单", "提交整改材料", "整改销号", "安排回头看"):
        expect(first).to_contain_text(event)
    expect(first).to_contain_text("已收回空白盖章纸")
    expect(second).to_contain_text("回头看发现反弹，重新整改")
    expect(second).to_contain_text("再次发现空白纸张加盖公章")
    item.refresh_from_db()
    assert item.status == ItemStatus.REOPENED and item.round == 2
