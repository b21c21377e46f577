"""The register pages: books, confirmation, archive, downloads, checkpoints, inbox
(REQ-069–074)."""

import base64
import hashlib
import io

import pytest
from django.urls import reverse

from yinzheng.accounts.choices import Department, Role
from yinzheng.core import inbox
from yinzheng.core.actors import SYSTEM
from yinzheng.core.tests import factories as people
from yinzheng.core.tests.files import png_bytes
from yinzheng.ledger.models import Archive, Checkpoint, Confirmation
from yinzheng.registers.services import books as registers

from .test_books import cert_fields, work_fields

COMMITTEE = "620725101001"
SIBLING = "620725101201"
TOWNSHIP = "620725101"
PNG = png_bytes()


def add(register="certificate", n=1, committee=COMMITTEE, **over):
    fields = cert_fields(n, **over) if register == "certificate" else work_fields(n)
    return registers.register_append(
        actor=SYSTEM,
        committee_code=committee,
        register=register,
        matter=f"seals.usagerequest:{committee}-{register}-{n}",
        fields=fields,
    )


def book(register="certificate", year=2026, code=COMMITTEE, suffix=""):
    return f"/ledger/registers/{code}/{register}/{year}/{suffix}"


def confirm_url(entry, year=2026, code=COMMITTEE):
    return reverse("registers:register_confirm", args=[code, year, entry.pk])


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def in_2026(tree, clock_at):
    clock_at(2026, 3, 1, 10)


@pytest.fixture
def clerk():
    return people.user("jingban", role=Role.CLERK, at=COMMITTEE)


@pytest.fixture
def custodian():
    return people.user("yinzhang", role=Role.CUSTODIAN, at=COMMITTEE)


@pytest.fixture
def township():
    return people.user("xiangzhen", role=Role.TOWNSHIP, at=TOWNSHIP)


def test_committee_clerk_lands_on_and_sees_its_book_with_masked_phone(
    in_2026, client, clerk
):
    add(phone="13812345678")
    client.force_login(clerk)

    landing = client.get("/ledger/registers/")
    page = client.get(book())

    assert landing.status_code == 302
    assert landing.url == f"/ledger/registers/{COMMITTEE}/"
    html = page.content.decode()
    assert page.status_code == 200
    assert "138****5678" in html and "13812345678" not in html
    assert "未确认" in html and "赵保管" in html  # REQ-073, REQ-070: the keeper
    headers = ["序号", "用印时间", "需要单位", "用途", "联系电话", "居民确认"]
    positions = [html.index(f"<th>{h}</th>") for h in headers]
    assert positions == sorted(positions)  # REQ-072: the four columns first


def test_the_committee_page_lists_both_registers_and_their_years(
    in_2026, client, clerk
):
    add("work", 1)
    client.force_login(clerk)

    html = client.get(f"/ledger/registers/{COMMITTEE}/").content.decode()

    assert "工作用印登记簿" in html and "出具证明事项登记簿" in html
    assert book("work") in html and book("certificate") in html


def test_another_committees_book_is_404(in_2026, client):
    entry = add()
    client.force_login(people.user("jingban2", role=Role.CLERK, at=SIBLING))

    for url in (
        f"/ledger/registers/{COMMITTEE}/",
        book(),
        book(suffix="export.xlsx"),
        confirm_url(entry),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        confirm_url(entry), {"paper-method": "paper", "paper-paper_reference": "p1"}
    )
    assert response.status_code == 404
    assert not Confirmation.objects.exists()


def test_a_department_officer_without_the_register_action_is_refused(in_2026, client):
    add()
    client.force_login(
        people.user(
            "dept",
            role=Role.DEPARTMENT,
            at="620725",
            department=Department.PUBLIC_SECURITY,
        )
    )

    assert client.get(book()).status_code == 403
    assert client.get("/ledger/registers/").status_code == 403


def test_custodian_confirms_by_the_paper_page_reference_REQ_073(
    in_2026, client, custodian
):
    entry = add()
    client.force_login(custodian)

    response = client.post(
        confirm_url(entry),
        {"paper-method": "paper", "paper-paper_reference": "第3页第2行"},
    )

    assert response.status_code == 302
    assert response.url == book() + "?page=1#entry-1"
    confirmation = Confirmation.objects.get(entry=entry)
    assert (confirmation.method, confirmation.paper_reference) == (
        "paper",
        "第3页第2行",
    )
    assert "已确认" in client.get(book()).content.decode()


def test_clerk_confirms_by_a_signature_drawn_on_screen_REQ_073(in_2026, client, clerk):
    entry = add()
    client.force_login(clerk)
    data_url = "data:image/png;base64," + base64.b64encode(PNG).decode()

    response = client.post(
        confirm_url(entry), {"screen-method": "screen", "screen-signature": data_url}
    )

    assert response.status_code == 302
    confirmation = Confirmation.objects.get(entry=entry)
    assert confirmation.method == "screen"
    assert confirmation.signature_sha256 == hashlib.sha256(PNG).hexdigest()
    assert confirmation.signature.read() == PNG


@pytest.mark.parametrize(
    ("signature", "message"),
    [
        ("", "请居民在签名框内签名"),
        ("data:image/png;base64,@@not-base64@@", "签名数据无效"),
        ("data:text/plain;base64," + base64.b64encode(PNG).decode(), "签名数据无效"),
        (
            "data:image/png;base64," + base64.b64encode(b"GIF89a strokes").decode(),
            "签名图像须为 PNG 格式",
        ),
        (
            "data:image/png;base64,"
            + base64.b64encode(PNG + b"\x00" * (2 * 1024 * 1024)).decode(),
            "签名图像过大",
        ),
    ],
    ids=["empty", "not-base64", "not-image", "not-png", "too-large"],
)
def test_a_bad_signature_is_refused_with_a_message_not_a_500(
    in_2026, client, clerk, settings, signature, message
):
    # Django's own limit (2.5 MB by default) answers 400 first; above it the form
    # still refuses more than 2 MB.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024
    entry = add()
    client.force_login(clerk)

    response = client.post(
        confirm_url(entry), {"screen-method": "screen", "screen-signature": signature}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Confirmation.objects.exists()


def test_the_head_may_read_but_not_record_a_confirmation(in_2026, client):
    entry = add()
    client.force_login(people.user("zhuren", role=Role.HEAD, at=COMMITTEE))

    html = client.get(book()).content.decode()

    assert "未确认" in html and confirm_url(entry) not in html
    response = client.post(
        confirm_url(entry), {"paper-method": "paper", "paper-paper_reference": "p1"}
    )
    assert response.status_code == 403
    assert not Confirmation.objects.exists()


def test_a_confirmed_entry_cannot_be_confirmed_again(in_2026, client, clerk):
    entry = add()
    registers.confirm(
        actor=clerk, entry_id=entry.pk, method="paper", paper_reference="p1"
    )
    client.force_login(clerk)

    page = client.get(confirm_url(entry)).content.decode()

    assert "已确认" in page and "signature-form" not in page


def test_custodian_archives_the_year_by_page_after_it_is_over_REQ_074(
    tree, clock_at, client, custodian
):
    clock_at(2026, 5, 1, 9)
    add()
    client.force_login(custodian)
    assert "年终归档" not in client.get(book()).content.decode()  # not over yet
    clock_at(2027, 1, 4, 9)

    refused = client.post(book(suffix="archive/"), {"unconfirmed_note": ""})
    archived = client.post(
        book(suffix="archive/"), {"unconfirmed_note": "居民外出务工，无法签字"}
    )

    assert refused.status_code == 200
    assert "尚有 1 条未经居民签字确认" in refused.content.decode()
    assert archived.status_code == 302 and archived.url == book()
    archive = Archive.objects.get()
    assert archive.unconfirmed_note == "居民外出务工，无法签字"
    html = client.get(book()).content.decode()
    assert "已归档" in html and book(suffix="archive.pdf") in html
    assert "登记确认" not in html  # the year is closed


def test_archived_files_are_downloaded_by_the_township_not_by_an_outsider(
    tree, clock_at, client, township
):
    clock_at(2026, 5, 1, 9)
    add("work", 1)
    clock_at(2027, 1, 4, 9)
    client.force_login(township)
    assert client.post(book("work", suffix="archive/")).status_code == 302

    pdf = client.get(book("work", suffix="archive.pdf"))
    xlsx = client.get(book("work", suffix="archive.xlsx"))

    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(
        b"%PDF"
    )
    assert xlsx.status_code == 200
    assert "attachment" in xlsx["Content-Disposition"]
    client.force_login(people.user("zhen2", role=Role.TOWNSHIP, at="620725102"))
    assert client.get(book("work", suffix="archive.pdf")).status_code == 404


def test_the_archive_anchor_is_downloaded_from_the_book_and_the_api(
    tree, clock_at, client, township
):
    """Issue 13: the signed heads kept with the archive, for a copy outside the
    database (`ledger verify --anchor`)."""
    import json

    from rest_framework.test import APIClient

    clock_at(2026, 5, 1, 9)
    add("work", 1)
    clock_at(2027, 1, 4, 9)
    client.force_login(township)
    assert client.post(book("work", suffix="archive/")).status_code == 302
    assert (
        book("work", suffix="archive.anchor")
        in client.get(book("work")).content.decode()
    )

    page = client.get(book("work", suffix="archive.anchor"))
    anchor = json.loads(b"".join(page.streaming_content))
    assert page["Content-Type"] == "application/json"
    assert "attachment" in page["Content-Disposition"]
    assert "-anchor.json" in page["Content-Disposition"]
    chain_key = registers.chain_key("work", COMMITTEE, 2026)
    assert chain_key in json.dumps(anchor)

    api = APIClient()
    api.force_authenticate(township)
    meta = api.get(f"/api/registers/{COMMITTEE}/work/2026/archive/").json()
    assert meta["anchor_url"].endswith(
        f"/api/registers/{COMMITTEE}/work/2026/archive/anchor/"
    )
    download = api.get(meta["anchor_url"])
    assert download.status_code == 200
    assert json.loads(b"".join(download.streaming_content)) == anchor
    assert (
        api.get(f"/api/registers/{COMMITTEE}/work/2026/archive/zip/").status_code == 404
    )


def test_the_open_year_exports_as_xlsx_with_the_register_columns(
    in_2026, client, clerk
):
    from openpyxl import load_workbook

    add("work", 1)
    client.force_login(clerk)

    response = client.get(book("work", suffix="export.xlsx"))

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[2]][:3] == ["序号", "用印时间", "用印内容"]


def test_the_township_signs_checkpoints_by_the_button(in_2026, client, township):
    add("work", 1)
    add("certificate", 1)
    add("work", 1, committee="620725102001")  # another township's register
    client.force_login(township)

    response = client.post("/ledger/registers/checkpoints/", follow=True)

    assert "已签署 2 个检查点" in response.content.decode()
    assert sorted(Checkpoint.objects.values_list("chain__division_id", flat=True)) == [
        COMMITTEE,
        COMMITTEE,
    ]
    overview = client.get("/ledger/registers/").content.decode()
    assert "尚未签署" not in overview and COMMITTEE in overview


def test_a_clerk_cannot_sign_checkpoints(in_2026, client, clerk):
    add("work", 1)
    client.force_login(clerk)

    assert client.post("/ledger/registers/checkpoints/").status_code == 403
    assert not Checkpoint.objects.exists()


def test_the_inbox_tells_custodian_and_township_of_unsigned_entries_REQ_073(
    in_2026, custodian, township
):
    add()
    add("certificate", 2, committee=SIBLING)
    outsider = people.user("zhen2", role=Role.TOWNSHIP, at="620725102")

    def waiting(user):
        return {str(i.label): i.count for i in inbox.items_for(user)}

    assert waiting(custodian)["待居民签字确认的登记"] == 1
    assert waiting(township)["待居民签字确认的登记"] == 2
    assert "待居民签字确认的登记" not in waiting(outsider)


def test_the_inbox_asks_for_last_years_archive_in_the_first_quarter_REQ_074(
    tree, clock_at, custodian
):
    clock_at(2026, 6, 1, 9)
    add("work", 1)

    def due(user):
        return {str(i.label): i.count for i in inbox.items_for(user)}.get(
            "上年度登记簿待归档"
        )

    clock_at(2027, 2, 1, 9)
    assert due(custodian) == 1
    clock_at(2027, 4, 1, 9)
    assert due(custodian) is None


def test_the_committee_page_in_divisions_links_its_registers(in_2026, client, clerk):
    client.force_login(clerk)

    html = client.get(f"/divisions/{COMMITTEE}/").content.decode()

    assert f"/ledger/registers/{COMMITTEE}/" in html


def _numbers(html: str) -> list[int]:
    import re

    return [int(n) for n in re.findall(r'<tr id="entry-(\d+)">', html)]


def test_a_busy_book_is_shown_a_page_at_a_time_newest_page_first(
    in_2026, client, clerk, monkeypatch
):
    """Issue 15: a busy community's year is thousands of rows; the book shows a page
    of them, the newest page unless another is asked for, and never fails on a page
    that is not there."""
    monkeypatch.setattr(registers, "BOOK_PAGE", 3)
    for n in range(1, 8):
        add("work", n)
    client.force_login(clerk)

    assert _numbers(client.get(book("work")).content.decode()) == [7]
    first = client.get(book("work") + "?page=1").content.decode()
    assert _numbers(first) == [1, 2, 3]
    assert "第 1 / 3 页" in first and 'href="?page=2"' in first
    assert _numbers(client.get(book("work") + "?page=2").content.decode()) == [4, 5, 6]
    for odd in ("99", "0", "-4", "abc", "last"):
        page = client.get(book("work") + f"?page={odd}")
        assert page.status_code == 200
        assert _numbers(page.content.decode()) in ([7], [1, 2, 3])


def test_a_confirmation_returns_to_the_page_that_shows_the_entry(
    in_2026, client, custodian, monkeypatch
):
    monkeypatch.setattr(registers, "BOOK_PAGE", 2)
    entries = [add("certificate", n) for n in range(1, 6)]
    client.force_login(custodian)
    response = client.post(
        confirm_url(entries[2]),
        {"paper-method": "paper", "paper-paper_reference": "纸质 3 号"},
    )
    assert response.status_code == 302
    assert response.url == book() + "?page=2#entry-3"
    assert 3 in _numbers(client.get(book() + "?page=2").content.decode())
