"""The online application's pages (issue 16, REQ-113): committee, item, identity with
the one-time code, the matter, the receipt; a negative-list item refused at once with
its route; the status page hands an electronic certificate only to its holder."""

import re

import pytest
from django.urls import reverse

from yinzheng.catalogue.choices import ListKind
from yinzheng.catalogue.tests import factories as cat_factories
from yinzheng.certificates import services
from yinzheng.certificates.choices import Channel, Status
from yinzheng.certificates.models import CertificateRequest
from yinzheng.certificates.tests import factories as cf
from yinzheng.core import ratelimit
from yinzheng.core.tests.files import pdf_bytes
from yinzheng.divisions.models import Division
from yinzheng.seals.choices import SealForm
from yinzheng.seals.tests import factories as seal_factories

pytestmark = pytest.mark.django_db
A1A = "620725101001"
PHONE = "13912345678"


@pytest.fixture
def people(tree):
    return cf.committee_people(tree)


@pytest.fixture
def item(tree):
    return cf.county_catalogue().simple


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def form_url(item):
    return reverse("portal:apply_form", args=[A1A, item.key])


def apply_through_the_pages(client, item, outbox, number, electronic=False):
    url = form_url(item)
    sent = client.post(
        url,
        {
            "step": "identity",
            "id-resident_name": "张三",
            "id-id_number": number,
            "id-phone": PHONE,
        },
    )
    assert sent.status_code == 302, sent.content.decode()[-2000:]
    code = re.search(r"\d{6}", outbox[-1][1]).group()
    page = client.get(url).content.decode()
    assert "139****5678" in page and PHONE not in page and number not in page
    assert client.post(url, {"step": "code", "code-code": code}).status_code == 302
    data = {
        "step": "matter",
        "matter-purpose": "办理居住证",
        "matter-requiring_unit": "县公安局",
        "matter-facts": "本人自2020年起在本社区实际居住。",
        "matter-evidence": _upload(),
    }
    if electronic:
        data["matter-electronic"] = "on"
    return client.post(url, data)


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("户口簿.pdf", pdf_bytes(), "application/pdf")


def test_the_committee_and_the_item_are_found_by_name(client, item):
    Division.objects.filter(code=A1A).update(name="长城社区居民委员会")
    page = client.get(reverse("portal:apply"), {"q": "长城"}).content.decode()
    assert reverse("portal:apply_item", args=[A1A]) in page
    page = client.get(reverse("portal:apply_item", args=[A1A]), {"q": "居住"})
    assert form_url(item) in page.content.decode()


def test_a_resident_applies_and_gets_a_receipt_REQ_113(
    client, people, item, sms_outbox
):
    number = cf.id_number()
    done = apply_through_the_pages(client, item, sms_outbox, number)

    req = CertificateRequest.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse("portal:apply_receipt", args=[req.tracking_code])
    assert req.channel == Channel.ONLINE and req.status == Status.RECEIVED
    receipt = client.get(done["Location"])
    html = receipt.content.decode()
    assert receipt["Cache-Control"] == "no-store"
    assert req.tracking_code in html and "3 个工作日" in html
    assert number not in html and PHONE not in html and "张*" in html
    assert "户口簿.pdf" in html


def test_a_wrong_code_is_told_on_the_page(client, people, item, sms_outbox):
    url = form_url(item)
    client.post(
        url,
        {
            "step": "identity",
            "id-resident_name": "张三",
            "id-id_number": cf.id_number(),
            "id-phone": PHONE,
        },
    )
    code = re.search(r"\d{6}", sms_outbox[-1][1]).group()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    page = client.post(url, {"step": "code", "code-code": wrong})
    assert (
        page.status_code == 200 and "验证码错误，还可尝试 4 次" in page.content.decode()
    )
    # The matter cannot be sent before the code is confirmed.
    client.post(url, {"step": "matter", "matter-purpose": "x"})
    assert not CertificateRequest.objects.exists()


def test_a_bad_id_number_sends_no_code(client, people, item, sms_outbox):
    good = cf.id_number()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    page = client.post(
        form_url(item),
        {
            "step": "identity",
            "id-resident_name": "张三",
            "id-id_number": bad,
            "id-phone": PHONE,
        },
    )
    assert "公民身份号码无效" in page.content.decode() and not sms_outbox


def test_a_negative_list_item_shows_its_route_and_no_form_REQ_036(client, tree):
    negative = cat_factories.item(
        "健在证明",
        key="alive_page",
        route="由相关部门通过信息共享核查",
        departments=["人力资源社会保障部门"],
    )
    cat_factories.published("620725", ListKind.NEGATIVE, [negative])
    page = client.get(form_url(negative)).content.decode()
    assert "由相关部门通过信息共享核查" in page and "人力资源社会保障部门" in page
    assert 'id="identity-form"' not in page


@pytest.fixture
def issued_online(client, people, item, sms_outbox):
    seal_factories.in_use(
        officer=people.township,
        head=people.head,
        custodian=people.custodian,
        committee=A1A,
        form=SealForm.ELECTRONIC,
    )
    number = cf.id_number()
    apply_through_the_pages(client, item, sms_outbox, number, electronic=True)
    req = CertificateRequest.objects.get()
    services.request_verify(
        actor=people.clerk, request_id=req.pk, what="居住事实", how="入户查看"
    )
    services.request_approve(actor=people.head, request_id=req.pk)
    services.request_issue(actor=people.custodian, request_id=req.pk)
    return req, number


def test_the_holder_downloads_the_certificate_from_the_status_page(
    client, issued_online
):
    req, number = issued_online
    page = client.get(reverse("portal:status", args=[req.tracking_code]))
    assert "下载电子证明" in page.content.decode()
    url = reverse("portal:status_certificate", args=[req.tracking_code])
    wrong = client.post(url, {"resident_name": "李四", "id_last": number[-4:]})
    assert wrong.status_code == 400
    assert "姓名或公民身份号码后 4 位与申请人不符" in wrong.content.decode()
    right = client.post(url, {"resident_name": "张三", "id_last": number[-4:]})
    assert right.status_code == 200 and right["Content-Type"] == "application/pdf"
    assert b"".join(right.streaming_content).startswith(b"%PDF-")


def test_download_tries_are_rate_limited(client, issued_online, clock_at):
    req, number = issued_online
    clock_at(2027, 3, 1, 9)
    ratelimit.clear()
    url = reverse("portal:status_certificate", args=[req.tracking_code])
    for _ in range(services.online.DOWNLOADS_PER_CASE_HOUR):
        client.post(url, {"resident_name": "李四", "id_last": "0000"})
    refused = client.post(url, {"resident_name": "张三", "id_last": number[-4:]})
    assert refused.status_code == 429


def test_the_resident_signs_the_commitment_on_the_page_REQ_082(
    client, people, sms_outbox
):
    import base64

    commit = cf.commitment_item()
    url = form_url(commit)
    page = client.get(url).content.decode()
    assert "可以在线签署书面承诺" in page
    client.post(
        url,
        {
            "step": "identity",
            "id-resident_name": "张三",
            "id-id_number": cf.id_number(),
            "id-phone": PHONE,
        },
    )
    code = re.search(r"\d{6}", sms_outbox[-1][1]).group()
    client.post(url, {"step": "code", "code-code": code})
    data = {
        "step": "matter",
        "matter-purpose": "办理居住证",
        "matter-requiring_unit": "县公安局",
        "matter-facts": "本人自2020年起在本社区实际居住。",
        "matter-route": "commitment",
    }
    unsigned = client.post(url, data)
    assert "请在签名框内签名" in unsigned.content.decode()
    png = base64.b64encode(cf.signature_png()).decode()
    done = client.post(
        url, {**data, "matter-signature": f"data:image/png;base64,{png}"}
    )
    assert done.status_code == 302
    req = CertificateRequest.objects.get()
    assert req.status == Status.COMMITTED
    receipt = client.get(done["Location"]).content.decode()
    assert req.commitment.number in receipt and "以告知承诺代替证明" in receipt


def test_the_receipt_pdf_is_one_page_with_the_code_and_no_full_id(
    client, people, item, sms_outbox, tmp_path
):
    import shutil
    import subprocess

    number = cf.id_number()
    done = apply_through_the_pages(client, item, sms_outbox, number)
    req = CertificateRequest.objects.get()
    pdf = client.get(reverse("portal:apply_receipt_pdf", args=[req.tracking_code]))
    data = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    assert done.status_code == 302 and pdf["Content-Type"] == "application/pdf"
    assert data.startswith(b"%PDF-") and len(re.findall(rb"/Type /Page\b", data)) == 1
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("reading PDF text needs poppler-utils (pdftotext)")
    path = tmp_path / "receipt.pdf"
    path.write_bytes(data)
    text = "".join(
        subprocess.run([tool, str(path), "-"], capture_output=True, check=True)
        .stdout.decode()
        .split()
    )
    assert req.tracking_code in text and "3个工作日" in text
    assert number not in text and PHONE not in text
