"""The files of a request (views/files.py and the API's downloads) after issue 13,
finding 1: a clerk uploaded a commitment "signature" named sig.html that started with
%PDF-1.4 and held a script; the head opened it and it ran as a page. Uploads are now
typed by their parsed content and stored under the system's name; downloads carry
the explicit type, nosniff, and are shown inline only as a PDF or an image."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from yinzheng.catalogue.models import Item
from yinzheng.core.errors import InvalidInput
from yinzheng.core.tests.files import image_bytes, pdf_bytes

from .. import services
from ..choices import SignatureMethod, Status
from ..models import Attachment, CertificateRequest, Commitment
from .factories import commitment_item, committed, county_catalogue, request

A1A = "620725101001"
SIG_HTML = b"%PDF-1.4\n<html><body><script>fetch('/x?c='+document.cookie)</script>"


@pytest.fixture
def item(tree):
    county_catalogue()
    return commitment_item()


def _signature_url(req) -> str:
    return reverse("certificates:commitment_signature", args=[req.pk])


def test_the_sig_html_with_a_pdf_header_and_a_script_is_refused_issue_13(people, item):
    req = request(actor=people.clerk, committee=A1A, item=item)

    with pytest.raises(InvalidInput) as refused:
        services.commitment_record(
            actor=people.clerk,
            request_id=req.pk,
            signature=("sig.html", SIG_HTML),
            signature_method=SignatureMethod.SCAN,
        )

    assert refused.value.code == "signature_invalid"
    assert "签字页不是能打开的 PDF 文件" in str(refused.value.message)
    assert not Commitment.objects.exists()
    assert CertificateRequest.objects.get(pk=req.pk).status == Status.RECEIVED


def test_the_sig_html_is_refused_on_the_request_page_with_the_reason(
    people, item, client
):
    req = request(actor=people.clerk, committee=A1A, item=item)
    client.force_login(people.clerk)

    response = client.post(
        reverse("certificates:action", args=[req.pk, "commitment"]),
        {
            "commitment-notification": "告知：承诺不实的，计入个人信用记录。",
            "commitment-commitment": "本人承诺所述属实。",
            "commitment-signed_page": SimpleUploadedFile(
                "sig.html", SIG_HTML, "text/html"
            ),
        },
    )

    assert response.status_code == 200
    assert "签字页不是能打开的 PDF 文件" in response.content.decode()
    assert not Commitment.objects.exists()


def test_the_sig_html_is_refused_by_the_api(people, item):
    req = request(actor=people.clerk, committee=A1A, item=item)
    api = APIClient()
    api.force_authenticate(people.clerk)

    response = api.post(
        f"/api/certificates/requests/{req.pk}/commitment/",
        {
            "signature_method": "scan",
            "signature": SimpleUploadedFile("sig.html", SIG_HTML, "text/html"),
        },
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "signature_invalid"


def test_a_signature_stored_before_the_fix_is_never_served_as_a_page(
    people, item, client
):
    """The head opens a commitment whose signature was stored as sig.html."""
    commitment = committed(people, A1A, item)
    commitment.signature.save("sig.html", ContentFile(SIG_HTML), save=False)
    commitment.signature_name = "sig.html"
    commitment.save()
    client.force_login(people.head)

    response = client.get(_signature_url(commitment.request))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="sig.bin"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_the_drawn_signature_is_shown_as_a_png_under_the_systems_name(
    people, item, client
):
    commitment = committed(people, A1A, item)
    client.force_login(people.head)

    response = client.get(_signature_url(commitment.request))

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="signature.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    stored = commitment.signature.name.rsplit("/", 1)[-1]
    assert stored != "signature.png" and stored.endswith(".png")


def test_a_scanned_page_keeps_its_name_only_as_the_label(people, item, client):
    req = request(actor=people.clerk, committee=A1A, item=item)
    commitment = services.commitment_record(
        actor=people.clerk,
        request_id=req.pk,
        signature=("签字页.html", image_bytes("JPEG")),
        signature_method=SignatureMethod.SCAN,
    )
    client.force_login(people.head)

    response = client.get(_signature_url(req))

    assert commitment.signature_name == "签字页.jpg"
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith(
        f'inline; filename="signature-{commitment.number}.jpg"; filename*=UTF-8'
    )


def test_the_api_serves_the_signature_with_its_explicit_type(people, item):
    commitment = committed(people, A1A, item)
    api = APIClient()
    api.force_authenticate(people.head)

    response = api.get(f"/api/certificates/commitments/{commitment.pk}/signature/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_material_is_typed_by_its_content_and_downloaded(people, catalogue, client):
    residence = Item.objects.get(key="residence")
    req = request(
        actor=people.clerk,
        committee=A1A,
        item=residence,
        attachments=[("户口本.pdf", pdf_bytes("household register"))],
    )
    attachment = Attachment.objects.get(request=req)
    client.force_login(people.clerk)

    response = client.get(
        reverse("certificates:attachment", args=[req.pk, attachment.pk])
    )

    assert attachment.name == "户口本.pdf"
    assert "户口本" not in attachment.file.name
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_material_that_is_no_document_is_refused(people, catalogue):
    residence = Item.objects.get(key="residence")
    req = request(actor=people.clerk, committee=A1A, item=residence)

    with pytest.raises(InvalidInput) as refused:
        services.request_attach(
            actor=people.clerk,
            request_id=req.pk,
            file=("材料.pdf", b"<html><script>alert(1)</script>"),
        )

    assert refused.value.code == "file_type_invalid"
    assert "申请材料须为以下格式之一" in str(refused.value.message)
    assert not Attachment.objects.exists()


def test_the_certificate_pdf_is_shown_inline_with_its_type(
    people, seal, catalogue, client
):
    from .factories import issued

    req = issued(people, A1A, Item.objects.get(key="residence"))
    client.force_login(people.clerk)

    response = client.get(
        reverse("certificates:document", args=[req.pk, "certificate"])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{req.serial}.pdf"'
    assert "object-src 'self'" in response["Content-Security-Policy"]
