"""The departments' verification page and the query log (REQ-111).

A department officer checks a certificate on a staff page — its QR content, its serial
with the check code, or its PDF — giving the legal basis and purpose; the page shows
the verdict and records the query. Below, the log: one's own queries, civil affairs'
and inspectors' of their subtree; a query's page says whether the audit journal holds
it. Committee staff may neither query nor read the log; the server refuses them.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yinzheng.accounts.choices import Department, Role
from yinzheng.core.tests import factories as core_factories
from yinzheng.esign import journal
from yinzheng.esign.models import VerificationQuery

from . import factories as f

pytestmark = pytest.mark.django_db
BASIS = "《社会保险法》第五十九条"
PAGE = "esign:verifications"


@pytest.fixture
def signed(eseal, people):
    doc, pdf = f.issued(eseal, clerk=people.clerk, custodian=people.custodian)
    return doc, pdf


def _ask(client, user, **data):
    client.force_login(user)
    values = {"legal_basis": BASIS, "purpose": "核实居住情况", **data}
    return client.post(reverse(PAGE), values)


def test_a_department_checks_a_qr_code_and_the_query_is_recorded_REQ_111(
    signed, health, client
):
    doc, _pdf = signed
    page = _ask(client, health, token=doc.token, holder_name="张三丰")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-verdict="valid"' in html and doc.serial in html
    assert 'id="name-result"' in html and "张三丰" not in html  # the name not shown
    query = VerificationQuery.objects.get()
    assert (query.requester, query.legal_basis, query.document) == (health, BASIS, doc)
    assert reverse("esign:verification", args=[query.pk]) in html


def test_a_query_without_legal_basis_is_refused_on_its_field_REQ_111(
    signed, health, client
):
    doc, _pdf = signed
    page = _ask(client, health, token=doc.token, legal_basis="")
    assert page.status_code == 400
    assert "法律依据" in page.content.decode()
    assert not VerificationQuery.objects.exists()  # nothing recorded, nothing lost


def test_one_subject_is_asked_for_and_a_bad_one_is_not_a_500(signed, health, client):
    doc, _pdf = signed
    both = _ask(client, health, token=doc.token, serial=doc.serial)
    assert both.status_code == 400 and 'class="alert error"' in both.content.decode()
    bad = _ask(client, health, token="https://example.org/v/nonsense")
    assert bad.status_code == 200
    assert 'data-verdict="invalid"' in bad.content.decode()


def test_a_department_checks_a_serial_with_its_check_code_and_a_pdf(
    signed, health, client
):
    from yinzheng.esign import qr

    doc, _approved = signed
    by_code = _ask(
        client, health, serial=doc.serial, check_code=qr.check_code(doc.serial)
    )
    assert 'data-verdict="valid"' in by_code.content.decode()
    client.force_login(health)
    by_file = client.post(
        reverse(PAGE),
        {
            "legal_basis": BASIS,
            "purpose": "核实",
            "pdf": SimpleUploadedFile(
                "c.pdf", f.signed_bytes(doc), content_type="application/pdf"
            ),
        },
    )
    assert 'data-verdict="valid"' in by_file.content.decode()
    assert VerificationQuery.objects.count() == 2


@pytest.mark.parametrize("who", ["clerk", "head", "custodian"])
def test_committee_staff_may_neither_query_nor_read_the_log(
    signed, people, client, who
):
    doc, _pdf = signed
    client.force_login(getattr(people, who))
    assert client.get(reverse(PAGE)).status_code == 403
    assert _ask(client, getattr(people, who), token=doc.token).status_code == 403
    assert not VerificationQuery.objects.exists()


def test_the_log_shows_own_queries_and_civil_affairs_their_subtree(
    signed, health, people, client
):
    doc, _pdf = signed
    _ask(client, health, token=doc.token)
    query = VerificationQuery.objects.get()
    row = f'id="query-{query.pk}"'
    assert row in client.get(reverse(PAGE)).content.decode()
    client.force_login(people.civil)  # the county's civil affairs: its subtree
    assert row in client.get(reverse(PAGE)).content.decode()
    other = core_factories.user(
        "gongan",
        role=Role.DEPARTMENT,
        at="440804",
        department=Department.PUBLIC_SECURITY,
    )
    client.force_login(other)
    assert row not in client.get(reverse(PAGE)).content.decode()
    detail = reverse("esign:verification", args=[query.pk])
    assert client.get(detail).status_code == 404


def test_a_querys_page_says_whether_the_journal_holds_it(signed, health, client):
    doc, _pdf = signed
    _ask(client, health, token=doc.token)
    query = VerificationQuery.objects.get()
    detail = reverse("esign:verification", args=[query.pk])
    assert "尚未存证" in client.get(detail).content.decode()
    assert journal.seal_pending() == 1
    sealed = client.get(detail).content.decode()
    assert "已存证于审计链 audit:620725" in sealed and BASIS in sealed


def test_the_page_reads_in_english(signed, health, client):
    client.force_login(health)
    client.cookies["django_language"] = "en"
    html = client.get(reverse(PAGE)).content.decode()
    assert "Legal basis" in html and "Certificate checks" in html
