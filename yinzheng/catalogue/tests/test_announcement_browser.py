"""REQ-122 in a browser: after a national batch 2 sample is imported, the public
catalogue shows the announcement, 长城社区's clerk acknowledges it, and 清泉镇's
township officer sees which of its committees have not."""

import pytest

from yinzheng.catalogue.services import batches
from yinzheng.core.actors import SYSTEM
from yinzheng.core.tests.browser import chromium, expect, log_in, new_page
from yinzheng.demo.loader import DEMO_PASSWORD, load_demo

COMMITTEE = "620725101001"  # 长城社区居民委员会, clerk jingban
SIBLING = "620725101201"  # 北滩村, same township 清泉镇 (xiangzhen)

BATCH_2 = {
    "list": {
        "batch_no": 2,
        "title": "不应由基层群众性自治组织出具证明事项清单（第二批，示例）",
        "valid_from": "2027-01-01",
    },
    "approval": {"body": "示例机关", "date": "2026-12-01", "reference": "示例文号"},
    "items": [
        {
            "number": 1,
            "key": "sample_batch2_pet_ownership",
            "name": "宠物饲养情况证明（示例）",
            "aliases": ["养狗证明"],
            "route": "向所在地畜牧兽医部门查询登记信息（示例）",
            "responsible_departments": ["农业农村"],
        }
    ],
}


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture
def announced(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_demo()
    version, _tasks = batches.national_batch_import(actor=SYSTEM, data=BATCH_2)
    return version.announcement


def test_req_122_the_public_sees_the_announcement_and_the_township_who_has_not_read_it(
    announced, browser, live_server
):
    with new_page(browser, live_server.url) as public:
        public.goto("/catalogue/")
        notice = public.locator(".announcement").first
        expect(notice).to_contain_text("国家第 2 批负面清单")
        with public.expect_navigation():
            notice.get_by_role("link").click()
        expect(public.locator("#announcement-items")).to_contain_text(
            "宠物饲养情况证明（示例）"
        )
        expect(public.locator("#acknowledge")).to_have_count(0)

    with new_page(browser, live_server.url) as clerk:
        log_in(clerk, "jingban", DEMO_PASSWORD)
        with clerk.expect_navigation():
            clerk.get_by_role("link", name="国家第 2 批负面清单公告，待阅知").click()
        with clerk.expect_navigation():
            clerk.locator("#acknowledge").get_by_role("button").click()
        expect(clerk.locator(".messages")).to_contain_text("已阅知")
        expect(clerk.locator("#acknowledge")).to_have_count(0)

    with new_page(browser, live_server.url) as township:
        log_in(township, "xiangzhen", DEMO_PASSWORD)
        with township.expect_navigation():
            township.get_by_role(
                "link", name="尚未阅知国家第 2 批负面清单公告的村（居）委会"
            ).click()
        pending = township.locator("#pending-committees")
        expect(pending).to_contain_text(SIBLING)
        expect(pending).not_to_contain_text(COMMITTEE)
        expect(township.locator("#acknowledged")).to_have_text("1")
