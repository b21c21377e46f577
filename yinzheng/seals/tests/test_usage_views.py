"""Sealing pages (REQ-050–058, DIV-01, DIV-12): the journey by three people — the clerk
files and reviews, the head signs, the custodian registers and seals — refusals shown
as messages, the document served only to those who see the request, and bad input
answered on the page, never with a 500."""

import datetime as dt
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from yinzheng.accounts.choices import Department, Role
from yinzheng.core import inbox
from yinzheng.core.tests import factories as f
from yinzheng.core.tests.files import pdf_bytes
from yinzheng.ledger.models import Entry
from yinzheng.seals.choices import MajorMatter, UseCategory, UseStatus
from yinzheng.seals.models import UsageRequest
from yinzheng.seals.services import usage

DOC = pdf_bytes("notice of a meeting of residents' representatives")


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def _file(name="notice.pdf", data=DOC):
    return SimpleUploadedFile(name, data, "application/pdf")


def _filed(people, seal, **over) -> UsageRequest:
    values = {
        "category": UseCategory.W1,
        "content": "关于召开居民代表会议的通知",
        "copies": 2,
        "document": ("notice.pdf", DOC),
        **over,
    }
    return usage.usage_request(actor=people.clerk, seal_id=seal.pk, **values)


def _post(client, u, op, data=None):
    return client.post(f"/seals/usage/{u.pk}/{op}/", data or {}, follow=True)


def _reviewed(people, seal, **over) -> UsageRequest:
    u = _filed(people, seal, **over)
    return usage.usage_review(
        actor=people.clerk, usage_id=u.pk, approve=True, not_blank=True
    )


def test_the_new_request_page_offers_w1_to_w3_in_the_seeds_words_REQ_051(
    client, people, seal
):
    client.force_login(people.clerk)
    page = client.get("/seals/usage/new/").content.decode()
    assert "W1 组织村（居）民依法开展自治活动的事项" in page
    assert "W2 依法依规协助行政事务的事项" in page
    assert "W3 依法依规开展其他工作的事项" in page
    assert 'value="C1"' not in page and 'value="C2"' not in page
    assert seal.serial in page
    assert 'type="file"' in page and "文件内容完整" not in page


def test_the_journey_by_pages_by_three_people_REQ_053_054_058(client, people, seal):
    client.force_login(people.clerk)
    response = client.post(
        "/seals/usage/new/",
        {
            "seal": seal.pk,
            "category": "W1",
            "content": "关于召开居民代表会议的通知",
            "copies": "30",
            "document": _file(),
            "major_matter": "",
        },
        follow=True,
    )
    u = UsageRequest.objects.get()
    assert response.redirect_chain[-1][0] == f"/seals/usage/{u.pk}/"
    assert "已提交用印申请" in _messages(response)
    assert u.handler == people.clerk and u.copies == 30
    assert u.document_sha256 == hashlib.sha256(DOC).hexdigest()
    assert "文件内容完整，不是空白纸张" in response.content.decode()

    response = _post(
        client, u, "review", {"review-decision": "approve", "review-not_blank": "on"}
    )
    assert "已审核" in _messages(response)

    client.force_login(people.head)
    page = client.get(f"/seals/usage/{u.pk}/").content.decode()
    assert 'id="approve"' in page and 'id="seal"' not in page
    response = _post(client, u, "approve", {"approve-decision": "approve"})
    assert "已签批" in _messages(response)

    client.force_login(people.custodian)
    page = client.get(f"/seals/usage/{u.pk}/").content.decode()
    assert "登记并盖章" in page and 'id="review"' not in page
    response = _post(client, u, "seal")
    assert "工作用印登记簿" in _messages(response) and "第 1 号" in _messages(response)

    u.refresh_from_db()
    assert u.status == UseStatus.SEALED
    assert (u.reviewer, u.approver, u.custodian) == (
        people.clerk,
        people.head,
        people.custodian,
    )
    page = response.content.decode()
    year = u.register_entry.data["data"]["year"]
    assert f"/ledger/registers/{seal.committee_id}/work/{year}/?page=1#entry-1" in page
    for person in (people.clerk, people.head, people.custodian):
        assert person.display_name in page
    assert (
        Entry.objects.filter(
            event="register.entry", subject=f"seals.usagerequest:{u.pk}"
        ).count()
        == 1
    )


def test_the_custodian_cannot_review_by_page_REQ_067(client, people, seal):
    u = _filed(people, seal)
    client.force_login(people.custodian)
    page = client.get(f"/seals/usage/{u.pk}/").content.decode()
    assert 'id="review"' not in page  # the page mirrors the rule …

    response = _post(
        client, u, "review", {"review-decision": "approve", "review-not_blank": "on"}
    )  # … and the server refuses it
    assert response.status_code == 200
    assert "您无权执行此操作" in _messages(response)

    f.user(people.custodian.username, role=Role.CLERK, at=seal.committee_id)
    response = _post(
        client, u, "review", {"review-decision": "approve", "review-not_blank": "on"}
    )
    assert "印章管理人不能审核用印" in _messages(response)
    u.refresh_from_db()
    assert u.status == UseStatus.SUBMITTED and u.reviewer is None


def test_a_clerk_of_another_committee_gets_404(client, people, seal, tree):
    u = _filed(people, seal)
    outsider = f.user("jingban-a1b", role=Role.CLERK, at=tree["A1b"])
    client.force_login(outsider)
    assert client.get(f"/seals/usage/{u.pk}/").status_code == 404
    assert client.get(f"/seals/usage/{u.pk}/document/").status_code == 404
    response = client.post(
        f"/seals/usage/{u.pk}/review/",
        {"review-decision": "approve", "review-not_blank": "on"},
    )
    assert response.status_code == 404
    assert u.content not in client.get("/seals/usage/").content.decode()
    assert UsageRequest.objects.get(pk=u.pk).status == UseStatus.SUBMITTED


def test_the_document_is_served_only_through_the_policy(client, people, seal):
    u = _filed(people, seal)
    url = f"/seals/usage/{u.pk}/document/"
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for who in (people.clerk, people.custodian, people.township, people.civil):
        client.force_login(who)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == DOC
        assert response["Content-Type"] == "application/pdf"
    department = f.user(
        "dept", role=Role.DEPARTMENT, at="620725", department=Department.HEALTH
    )
    client.force_login(department)
    assert client.get(url).status_code == 403
    assert u.document.name not in client.get("/seals/usage/").content.decode()


def test_a_document_stored_under_an_html_name_is_downloaded_not_shown(
    client, people, seal
):
    """A file stored before issue 13 kept its uploader's name; it is typed by its
    content when served, and HTML is none of the types the system knows."""
    u = _filed(people, seal)
    u.document.save("page.html", ContentFile(b"<script>alert(1)</script>"), save=True)
    client.force_login(people.clerk)

    response = client.get(f"/seals/usage/{u.pk}/document/")

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_pdf_to_seal_is_shown_inline_with_its_explicit_type(client, people, seal):
    u = _filed(people, seal)
    client.force_login(people.clerk)

    response = client.get(f"/seals/usage/{u.pk}/document/")

    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('inline; filename="document-')
    assert "filename*=UTF-8''" in disposition  # the content as the name, in Chinese
    assert "notice.pdf" not in u.document.name  # stored under the system's name


def test_a_text_file_named_doc_pdf_is_refused_on_the_page_issue_13(
    client, people, seal
):
    client.force_login(people.clerk)
    base = {"seal": seal.pk, "category": "W1", "content": "通知", "copies": "1"}

    response = client.post(
        "/seals/usage/new/",
        {**base, "document": _file("doc.pdf", b"this is only text, not a PDF")},
    )

    assert response.status_code == 200
    assert "用印文件须为以下格式之一" in response.content.decode()
    assert not UsageRequest.objects.exists()


def test_bad_input_is_answered_on_the_page_not_with_a_500(client, people, seal):
    client.force_login(people.clerk)
    base = {"seal": seal.pk, "category": "W1", "content": "通知", "copies": "1"}
    response = client.post("/seals/usage/new/", base)  # no file
    assert response.status_code == 200 and response.context["form"].errors["document"]
    response = client.post(
        "/seals/usage/new/", {**base, "copies": "abc", "document": _file()}
    )
    assert response.status_code == 200 and "copies" in response.context["form"].errors
    response = client.post(
        "/seals/usage/new/", {**base, "category": "C2", "document": _file()}
    )
    assert response.status_code == 200 and "category" in response.context["form"].errors
    response = client.post(
        "/seals/usage/new/", {**base, "copies": "0", "document": _file()}
    )  # the service's refusal, on the form
    assert response.status_code == 200
    assert "用印份数须为 1 至 999 的整数" in response.content.decode()
    response = client.post(
        "/seals/usage/new/", {**base, "document": _file("evil.exe", b"MZ")}
    )
    assert response.status_code == 200 and response.context["form"].errors["document"]
    assert not UsageRequest.objects.exists()

    u = _filed(people, seal)
    response = _post(client, u, "review", {"review-decision": "maybe"})
    assert response.status_code == 200 and "意见" in _messages(response)
    response = _post(client, u, "review", {"review-decision": "approve"})
    assert "请确认用印文件内容完整、不是空白纸张" in _messages(response)
    client.force_login(people.head)
    response = _post(client, u, "approve", {"approve-decision": "approve"})
    assert "须先审核后签批" in _messages(response)
    assert client.post(f"/seals/usage/{u.pk}/explode/").status_code == 404
    assert client.get("/seals/usage/?status=nonsense&queue=x").status_code == 200
    assert UsageRequest.objects.get(pk=u.pk).status == UseStatus.SUBMITTED


def test_a_notice_is_recorded_by_page_and_sealing_waits_for_its_end_REQ_055(
    client, people, seal, clock_at
):
    clock_at(2026, 5, 4, 9)
    u = _reviewed(people, seal, major_matter=MajorMatter.NOTICE)
    usage.usage_approve(actor=people.head, usage_id=u.pk, approve=True)
    client.force_login(people.clerk)
    response = _post(
        client,
        u,
        "notice",
        {
            "notice-start": "2026-05-08",
            "notice-end": "2026-05-01",
            "notice-place": "栏",
        },
    )
    assert "公示结束日期不能早于开始日期" in _messages(response)
    response = _post(
        client,
        u,
        "notice",
        {
            "notice-start": "2026-05-01",
            "notice-end": "2026-05-07",
            "notice-place": "村务公开栏",
        },
    )
    assert "已登记公示情况" in _messages(response)
    client.force_login(people.custodian)
    page = client.get(f"/seals/usage/{u.pk}/").content.decode()
    assert "公示期至 2026-05-07 结束" in page
    response = _post(client, u, "seal")
    assert "公示结束后方可盖章" in _messages(response)
    clock_at(2026, 5, 8, 9)
    response = _post(client, u, "seal")
    assert "已登记并盖章" in _messages(response)


def test_a_failed_vote_closes_the_request_by_page_REQ_055(client, people, seal):
    u = _filed(people, seal, major_matter=MajorMatter.VOTE)
    client.force_login(people.clerk)
    response = _post(
        client,
        u,
        "vote",
        {
            "vote-body": "村民代表会议",
            "vote-date": dt.date.today().isoformat(),
            "vote-result": "failed",
            "vote-record": "应到 25 人，实到 21 人，赞成 8，反对 12，弃权 1",
        },
    )
    assert "已登记表决结果" in _messages(response)
    assert "表决未通过，不予用印" in response.content.decode()
    assert UsageRequest.objects.get(pk=u.pk).status == UseStatus.CLOSED


def test_the_handler_withdraws_by_page(client, people, seal):
    u = _filed(people, seal)
    client.force_login(people.clerk)
    response = _post(client, u, "withdraw", {"withdraw-reason": ""})
    assert "请填写撤回原因" in _messages(response)
    response = _post(client, u, "withdraw", {"withdraw-reason": "会议取消"})
    assert "已撤回用印申请" in _messages(response)
    assert UsageRequest.objects.get(pk=u.pk).status == UseStatus.WITHDRAWN


def test_the_list_filters_and_quick_filters(client, people, seal):
    waiting = _filed(people, seal, content="待审核的通知")
    reviewed = _reviewed(people, seal, content="已审核的报告", category=UseCategory.W3)
    client.force_login(people.head)
    page = client.get("/seals/usage/?queue=approve").content.decode()
    assert reviewed.content in page and waiting.content not in page
    page = client.get("/seals/usage/?queue=review").content.decode()
    assert waiting.content in page and reviewed.content not in page
    page = client.get("/seals/usage/?category=W3").content.decode()
    assert reviewed.content in page and waiting.content not in page
    page = client.get("/seals/usage/?status=submitted").content.decode()
    assert waiting.content in page and reviewed.content not in page
    client.force_login(people.township)
    page = client.get("/seals/usage/").content.decode()
    assert waiting.content in page and reviewed.content in page


def test_the_inbox_sends_each_step_to_its_person_REQ_067(people, seal):
    """The custodian is never asked to review a matter on the seal they keep."""
    f.user(people.custodian.username, role=Role.CLERK, at=seal.committee_id)
    u = _filed(people, seal)

    def labels(user):
        return {str(i.label): i.count for i in inbox.items_for(user)}

    assert labels(people.clerk).get("待审核用印") == 1
    assert labels(people.head).get("待审核用印") == 1
    assert "待审核用印" not in labels(people.custodian)
    usage.usage_review(actor=people.clerk, usage_id=u.pk, approve=True, not_blank=True)
    assert labels(people.head).get("待签批用印") == 1
    assert "待签批用印" not in labels(people.clerk)
    usage.usage_approve(actor=people.head, usage_id=u.pk, approve=True)
    assert labels(people.custodian).get("待登记用印") == 1
    assert "待登记用印" not in labels(people.custodian2)
