"""The registers' endpoints: reading, confirmation, archive, downloads, checkpoints
(REQ-069–074). The rules themselves are tested in yinzheng/ledger/tests."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from yinzheng.accounts.choices import Department, Role
from yinzheng.core.actors import SYSTEM
from yinzheng.core.tests import factories as people
from yinzheng.core.tests.files import png_bytes
from yinzheng.ledger.models import Checkpoint, Confirmation
from yinzheng.registers.services import books as registers
from yinzheng.registers.tests.test_books import cert_fields, work_fields

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


def url(register="certificate", year=2026, code=COMMITTEE, suffix=""):
    return f"/api/registers/{code}/{register}/{year}/{suffix}"


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def in_2026(tree, clock_at):
    clock_at(2026, 3, 1, 10)


def as_user(api, username, role, at, **extra):
    api.force_authenticate(people.user(username, role=role, at=at, **extra))
    return api


def test_a_committee_lists_its_two_registers_and_their_years(in_2026, api):
    add("work", 1)
    as_user(api, "jingban", Role.CLERK, COMMITTEE)

    body = api.get(f"/api/registers/{COMMITTEE}/").json()

    assert [r["register"] for r in body["registers"]] == ["work", "certificate"]
    assert body["keeper"] == "赵保管"
    work = body["registers"][0]["years"][0]
    assert (work["year"], work["entries"], work["archive"]) == (2026, 1, None)


def test_the_book_has_the_register_columns_and_masks_the_phone(in_2026, api):
    add(phone="13812345678")
    as_user(api, "jingban", Role.CLERK, COMMITTEE)

    body = api.get(url()).json()

    assert [c["key"] for c in body["columns"]][:4] == [
        "sealed_at",
        "requiring_unit",
        "purpose",
        "phone",
    ]
    (entry,) = body["entries"]
    assert entry["number"] == 1 and entry["confirmed"] is False
    assert entry["fields"]["phone"] == "138****5678"


def test_reading_is_refused_outside_the_subtree_and_without_the_action(in_2026, api):
    add()
    assert api.get(url()).status_code == 401
    as_user(api, "jingban2", Role.CLERK, SIBLING)
    outside = api.get(url())
    assert outside.status_code == 404
    assert set(outside.json()) == {"code", "message", "detail"}
    as_user(
        api,
        "dept",
        Role.DEPARTMENT,
        "620725",
        department=Department.PUBLIC_SECURITY,
    )
    refused = api.get(f"/api/registers/{COMMITTEE}/")
    assert refused.status_code == 403 and refused.json()["code"] == "not_allowed"


def test_confirm_by_paper_reference_then_again_is_409(in_2026, api):
    entry = add()
    as_user(api, "yinzhang", Role.CUSTODIAN, COMMITTEE)
    confirm = url(suffix=f"entries/{entry.pk}/confirm/")

    first = api.post(
        confirm, {"method": "paper", "paper_reference": "第3页"}, format="json"
    )
    again = api.post(
        confirm, {"method": "paper", "paper_reference": "第3页"}, format="json"
    )

    assert first.status_code == 201 and first.json()["number"] == 1
    assert again.status_code == 409 and again.json()["code"] == "already_confirmed"
    assert api.get(url()).json()["entries"][0]["confirmed"] is True


def test_confirm_by_an_uploaded_png_signature(in_2026, api):
    entry = add()
    as_user(api, "jingban", Role.CLERK, COMMITTEE)
    confirm = url(suffix=f"entries/{entry.pk}/confirm/")

    not_png = api.post(
        confirm,
        {"method": "screen", "signature": SimpleUploadedFile("s.png", b"GIF89a")},
        format="multipart",
    )
    # Issue 13: the PNG signature and then anything at all is not a PNG.
    only_the_signature = api.post(
        confirm,
        {
            "method": "screen",
            "signature": SimpleUploadedFile(
                "s.png", b"\x89PNG\r\n\x1a\n<script>alert(1)</script>"
            ),
        },
        format="multipart",
    )
    ok = api.post(
        confirm,
        {"method": "screen", "signature": SimpleUploadedFile("s.png", PNG)},
        format="multipart",
    )

    assert not_png.status_code == 400 and not_png.json()["code"] == "invalid_input"
    assert "signature" in not_png.json()["detail"]
    assert only_the_signature.status_code == 400
    assert "signature" in only_the_signature.json()["detail"]
    assert ok.status_code == 201 and ok.json()["method"] == "screen"
    assert Confirmation.objects.get(entry=entry).signature.read() == PNG


def test_confirmation_is_refused_to_the_head_and_for_a_work_entry(in_2026, api):
    entry = add()
    work = add("work", 1)
    as_user(api, "zhuren", Role.HEAD, COMMITTEE)
    refused = api.post(
        url(suffix=f"entries/{entry.pk}/confirm/"),
        {"method": "paper", "paper_reference": "p1"},
        format="json",
    )
    assert refused.status_code == 403
    as_user(api, "jingban", Role.CLERK, COMMITTEE)
    wrong = api.post(
        url("work", suffix=f"entries/{work.pk}/confirm/"),
        {"method": "paper", "paper_reference": "p1"},
        format="json",
    )
    assert wrong.status_code == 404
    assert not Confirmation.objects.exists()


def test_archive_after_the_year_and_download_its_files(tree, clock_at, api):
    clock_at(2026, 5, 1, 9)
    add()
    as_user(api, "xiangzhen", Role.TOWNSHIP, TOWNSHIP)
    early = api.post(url(suffix="archive/"), {}, format="json")
    clock_at(2027, 1, 4, 9)

    blocked = api.post(url(suffix="archive/"), {}, format="json")
    done = api.post(
        url(suffix="archive/"), {"unconfirmed_note": "居民已迁出"}, format="json"
    )

    assert early.status_code == 400 and early.json()["code"] == "year_not_over"
    assert blocked.status_code == 409
    assert blocked.json()["code"] == "unconfirmed_entries"
    assert blocked.json()["detail"] == [1]
    assert done.status_code == 201
    pdf = api.get(done.json()["pdf_url"])
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert api.get(url(suffix="archive/xlsx/")).status_code == 200
    assert api.get(url(suffix="archive/")).json()["unconfirmed_note"] == "居民已迁出"
    as_user(api, "zhen2", Role.TOWNSHIP, "620725102")
    outsider = api.get(url(suffix="archive/pdf/"))
    assert outsider.status_code == 404 and outsider.json()["code"] == "not_found"


def test_the_township_signs_checkpoints_and_a_clerk_may_not(in_2026, api):
    add("work", 1)
    add("work", 1, committee="620725102001")
    as_user(api, "jingban", Role.CLERK, COMMITTEE)
    assert api.post("/api/registers/checkpoints/", {}, format="json").status_code == 403
    as_user(api, "xiangzhen", Role.TOWNSHIP, TOWNSHIP)

    elsewhere = api.post(
        "/api/registers/checkpoints/", {"under": "620725102"}, format="json"
    )
    signed = api.post("/api/registers/checkpoints/", {}, format="json")

    assert elsewhere.status_code == 403
    assert signed.status_code == 200 and signed.json()["signed"] == 1
    assert signed.json()["checkpoints"][0]["signer"] == TOWNSHIP
    assert Checkpoint.objects.count() == 1


@pytest.mark.parametrize("under", ["\x1d620725101001", " 620725101", "6207a5", "6"])
def test_checkpoints_under_something_not_a_division_code_is_a_400(in_2026, api, under):
    """A control character in front was trimmed into a valid code (schemathesis)."""
    as_user(api, "xiangzhen", Role.TOWNSHIP, TOWNSHIP)
    response = api.post("/api/registers/checkpoints/", {"under": under}, format="json")
    assert response.status_code == 400
    assert "under" in response.json()["detail"]


def test_checkpoints_are_asked_for_in_json_only(in_2026, api):
    """An unparsable form body used to sign as an empty request (issue 13, found by
    schemathesis); a JSON null is not an object either."""
    add("work", 1)
    as_user(api, "xiangzhen", Role.TOWNSHIP, TOWNSHIP)

    form = api.post("/api/registers/checkpoints/", {}, format="multipart")
    null = api.generic(
        "POST", "/api/registers/checkpoints/", "null", content_type="application/json"
    )

    assert form.status_code == 415
    assert null.status_code == 400
    assert not Checkpoint.objects.exists()
