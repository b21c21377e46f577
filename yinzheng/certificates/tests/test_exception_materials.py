"""Materials retained for a negative-list exception (REQ-038, REQ-037, DIV-02).

The exception needs the retained materials themselves, not a tick box: at least one
file, typed by its content, hashed (SHA-256), kept with the case, listed by name and
hash on the certificate register entry and downloaded only through the
permission-checked view.
"""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from yinzheng.catalogue.models import Item
from yinzheng.certificates import selectors, services
from yinzheng.certificates.choices import Status, Trigger
from yinzheng.certificates.models import Attachment, ExceptionRecord
from yinzheng.core.errors import InvalidInput
from yinzheng.core.tests.files import pdf_bytes
from yinzheng.registers.services import books

from .factories import request

A1A = "620725101001"
CONDITIONS = {
    "trigger": Trigger.ENTITY_DEMAND,
    "entity_name": "某商业银行",
    "within_duties": True,
    "verifiable": True,
    "evidence": "入户查看，邻居证言",
    "assessment": "只证明在世事实，不涉及财产",
    "precautions": "注明用途，仅限本次使用",
}
SCAN = pdf_bytes("bank letter")


@pytest.fixture
def negative_request(people):
    return request(
        actor=people.clerk, committee=A1A, item=Item.objects.get(key="proof_of_life")
    )


def test_an_exception_without_a_retained_material_is_refused_REQ_038(
    people, negative_request
):
    with pytest.raises(InvalidInput) as exc:
        services.exception_record(
            actor=people.clerk, request_id=negative_request.pk, **CONDITIONS
        )
    assert exc.value.code == "exception_materials_required"
    assert "留存" in str(exc.value.message)
    assert not ExceptionRecord.objects.filter(request=negative_request).exists()


def test_retained_materials_are_hashed_and_listed_on_the_register_entry_REQ_038(
    people, seal, negative_request
):
    services.exception_record(
        actor=people.clerk,
        request_id=negative_request.pk,
        materials=[("银行要求函.pdf", SCAN)],
        **CONDITIONS,
    )
    [kept] = Attachment.objects.filter(request=negative_request)
    assert kept.retained_for_exception
    assert kept.sha256 == hashlib.sha256(SCAN).hexdigest()

    services.request_verify(
        actor=people.clerk, request_id=negative_request.pk, what="健在", how="入户"
    )
    services.request_approve(actor=people.head, request_id=negative_request.pk)
    req = services.request_issue(actor=people.custodian, request_id=negative_request.pk)

    assert req.status == Status.ISSUED
    fields = books.shown_fields(req.register_entry.data["data"]["fields"])
    assert "银行要求函.pdf" in fields["retained_materials"]
    assert kept.sha256 in fields["retained_materials"]
    assert "negative_exception" in selectors.decision_for(req).tags


def test_the_api_takes_the_materials_and_shows_their_hashes_REQ_038(
    people, negative_request
):
    api = APIClient()
    api.force_authenticate(people.clerk)
    url = f"/api/certificates/requests/{negative_request.pk}/exception/"

    refused = api.post(url, CONDITIONS, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "exception_materials_required"

    done = api.post(
        url,
        {**CONDITIONS, "materials": [SimpleUploadedFile("函.pdf", SCAN)]},
        format="multipart",
    )
    assert done.status_code == 200, done.content
    body = api.get(f"/api/certificates/requests/{negative_request.pk}/").json()
    [material] = body["exception"]["materials"]
    assert material["name"] == "函.pdf"
    assert material["sha256"] == hashlib.sha256(SCAN).hexdigest()


def test_the_page_records_the_material_and_offers_it_only_to_staff_REQ_038(
    people, negative_request, client
):
    client.force_login(people.clerk)
    page = client.post(
        reverse("certificates:action", args=[negative_request.pk, "exception"]),
        {
            **{f"exception-{k}": v for k, v in CONDITIONS.items()},
            "exception-material": SimpleUploadedFile("留存.pdf", SCAN),
        },
        follow=True,
    )
    text = page.content.decode()
    kept = Attachment.objects.get(request=negative_request, retained_for_exception=True)
    assert "留存.pdf" in text and kept.sha256 in text
    download = reverse("certificates:attachment", args=[negative_request.pk, kept.pk])
    assert download in text
    assert client.get(download).status_code == 200

    client.force_login(people.other_clerk)
    assert client.get(download).status_code in (403, 404)
    client.logout()
    assert client.get(download).status_code == 302  # to the login page
