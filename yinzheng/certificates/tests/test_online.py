"""The resident's online application and the certificate handed over online (issue 16,
REQ-113): one identity (name, ID number with its check digit, a one-time code by
SMS), the same case and status as at the window, refusal at once with the route for a
negative-list item, and the electronic certificate only for who confirms the holder."""

import re

import pytest

from yinzheng.accounts import phone_codes
from yinzheng.accounts.errors import AccountCode
from yinzheng.accounts.models import PhoneCode
from yinzheng.catalogue.choices import ListKind
from yinzheng.catalogue.models import Item
from yinzheng.catalogue.tests import factories as cat_factories
from yinzheng.core import ratelimit, tracking
from yinzheng.core.errors import DomainError, Throttled
from yinzheng.core.tests.files import pdf_bytes
from yinzheng.ledger.models import Entry
from yinzheng.seals.choices import SealForm
from yinzheng.seals.tests import factories as seal_factories

from .. import selectors, services
from ..choices import Channel, Status
from ..errors import CertificateCode
from ..models import CertificateRequest
from .factories import id_number

pytestmark = pytest.mark.django_db
A1A = "620725101001"
PHONE = "13912345678"
ADDRESS = "203.0.113.7"


def confirmed_token(outbox, phone=PHONE) -> str:
    challenge = phone_codes.phone_code_send(phone=phone, address=ADDRESS)
    code = re.search(r"\d{6}", outbox[-1][1]).group()
    phone_codes.phone_code_confirm(token=challenge.token, code=code, address=ADDRESS)
    return challenge.token


def apply(token: str, item: Item, **over):
    values = {
        "phone_token": token,
        "committee_code": A1A,
        "item_key": item.key,
        "resident_name": "张三",
        "id_number": id_number(),
        "phone": PHONE,
        "purpose": "办理居住证",
        "requiring_unit": "县公安局",
        "facts": "本人自2020年起在本社区实际居住。",
        "electronic": False,
        **over,
    }
    return services.application_submit(**values)


# The one-time code ---------------------------------------------------------------------


def test_the_code_is_sent_by_the_configured_gateway_and_only_its_digest_kept(
    db, sms_outbox
):
    challenge = phone_codes.phone_code_send(phone=PHONE, address=ADDRESS)
    [(phone, text)] = sms_outbox
    code = re.search(r"\d{6}", text).group()
    row = PhoneCode.objects.get()
    assert phone == PHONE and challenge.phone_masked == "139****5678"
    assert code not in row.code_hmac and challenge.token not in row.token_sha256
    assert phone_codes.phone_code_confirm(
        token=challenge.token, code=code, address=ADDRESS
    ).verified_at


def test_a_wrong_code_says_how_many_tries_are_left_and_then_none(db, sms_outbox):
    challenge = phone_codes.phone_code_send(phone=PHONE, address=ADDRESS)
    right = re.search(r"\d{6}", sms_outbox[-1][1]).group()
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for left in range(phone_codes.MAX_ATTEMPTS - 1, 0, -1):
        with pytest.raises(DomainError) as refused:
            phone_codes.phone_code_confirm(
                token=challenge.token, code=wrong, address=ADDRESS
            )
        assert refused.value.code == AccountCode.OTP_WRONG
        assert refused.value.detail == {"attempts_left": left}
    with pytest.raises(DomainError) as refused:
        phone_codes.phone_code_confirm(
            token=challenge.token, code=wrong, address=ADDRESS
        )
    assert refused.value.code == AccountCode.OTP_ATTEMPTS_EXHAUSTED
    # Attempts exhausted: even the right code is refused now.
    with pytest.raises(DomainError) as refused:
        phone_codes.phone_code_confirm(
            token=challenge.token, code=right, address=ADDRESS
        )
    assert refused.value.code == AccountCode.OTP_ATTEMPTS_EXHAUSTED


def test_an_expired_code_is_refused(db, sms_outbox, clock_at):
    clock_at(2027, 3, 1, 9)
    challenge = phone_codes.phone_code_send(phone=PHONE, address=ADDRESS)
    code = re.search(r"\d{6}", sms_outbox[-1][1]).group()
    clock_at(2027, 3, 1, 9, 11)
    with pytest.raises(DomainError) as refused:
        phone_codes.phone_code_confirm(
            token=challenge.token, code=code, address=ADDRESS
        )
    assert refused.value.code == AccountCode.OTP_EXPIRED


def test_codes_for_one_number_are_rate_limited(db, sms_outbox, settings, clock_at):
    clock_at(2027, 3, 1, 9)
    settings.OTP_PER_PHONE_HOUR = 2
    phone_codes.phone_code_send(phone=PHONE, address=ADDRESS)
    with pytest.raises(Throttled):  # one a minute
        phone_codes.phone_code_send(phone=PHONE, address="203.0.113.8")
    clock_at(2027, 3, 1, 9, 2)
    phone_codes.phone_code_send(phone=PHONE, address=ADDRESS)
    clock_at(2027, 3, 1, 9, 4)
    with pytest.raises(Throttled) as refused:  # two an hour
        phone_codes.phone_code_send(phone=PHONE, address="203.0.113.9")
    assert refused.value.status == 429 and len(sms_outbox) == 2


def test_a_landline_cannot_receive_a_code(db, sms_outbox):
    with pytest.raises(DomainError) as refused:
        phone_codes.phone_code_send(phone="0936-5512345", address=ADDRESS)
    assert refused.value.code == AccountCode.PHONE_NOT_MOBILE and not sms_outbox


# The application ------------------------------------------------------------------------


def test_an_online_application_is_the_case_the_window_continues_REQ_113(
    people, catalogue, seal, sms_outbox, client
):
    """Applied online, found at the window by its code read aloud, verified there; the
    status online is the window's status."""
    token = confirmed_token(sms_outbox)
    req = apply(token, catalogue.simple, attachments=[("户口簿.pdf", pdf_bytes())])

    assert req.channel == Channel.ONLINE and req.received_by is None
    assert req.status == Status.RECEIVED and tracking.is_readable(req.tracking_code)
    assert req.due_on is not None and req.time_limit_days == 3  # working days
    assert [a.name for a in req.attachments.all()] == ["户口簿.pdf"]
    # The clerk finds it by the code as the resident reads it out.
    client.force_login(people.clerk)
    spoken = req.tracking_code.replace("-", " ").lower()
    assert (
        req.tracking_code
        in client.get("/certificates/", {"q": spoken}).content.decode()
    )
    services.request_verify(
        actor=people.clerk, request_id=req.pk, what="居住事实", how="入户查看"
    )
    online = selectors.by_tracking_code(spoken)
    assert online.pk == req.pk and online.status == Status.VERIFIED
    entry = Entry.objects.filter(event="certificate_request.received").last()
    assert entry.data["data"]["after"]["channel"] == "online"
    assert PHONE not in entry.body


def test_a_bad_id_number_is_refused_and_the_code_stays_unused(
    people, catalogue, sms_outbox
):
    token = confirmed_token(sms_outbox)
    good = id_number()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(DomainError) as refused:
        apply(token, catalogue.simple, id_number=bad)
    assert refused.value.code == CertificateCode.ID_NUMBER_INVALID
    assert PhoneCode.objects.get().used_at is None
    assert apply(token, catalogue.simple, id_number=good).pk


def test_an_application_needs_a_confirmed_code_for_that_phone(
    people, catalogue, sms_outbox
):
    challenge = phone_codes.phone_code_send(phone=PHONE, address=ADDRESS)
    with pytest.raises(DomainError) as refused:
        apply(challenge.token, catalogue.simple)
    assert refused.value.code == AccountCode.OTP_NOT_VERIFIED
    token = confirmed_token(sms_outbox, phone="13712345678")
    with pytest.raises(DomainError) as refused:
        apply(token, catalogue.simple)  # another phone on the form
    assert refused.value.code == AccountCode.OTP_PHONE_MISMATCH
    with pytest.raises(DomainError) as refused:
        apply("made-up", catalogue.simple)
    assert refused.value.code == AccountCode.OTP_UNKNOWN


def test_a_code_makes_one_application_only(people, catalogue, sms_outbox):
    token = confirmed_token(sms_outbox)
    apply(token, catalogue.simple)
    with pytest.raises(DomainError) as refused:
        apply(token, catalogue.simple)
    assert refused.value.code == AccountCode.OTP_USED


def test_a_negative_list_item_is_refused_at_once_with_its_route_REQ_036(
    people, sms_outbox
):
    item = cat_factories.item(
        "健在证明",
        key="alive_online",
        route="由相关部门通过信息共享核查",
        departments=["人力资源社会保障部门"],
    )
    cat_factories.published("620725", ListKind.NEGATIVE, [item])
    token = confirmed_token(sms_outbox)
    with pytest.raises(DomainError) as refused:
        apply(token, item)
    assert refused.value.code == CertificateCode.REFUSED_AT_ONCE
    assert refused.value.detail["route"] == "由相关部门通过信息共享核查"
    assert "人力资源社会保障部门" in refused.value.detail["departments"]
    assert not CertificateRequest.objects.exists()
    assert PhoneCode.objects.get().used_at is None


# The electronic certificate on the status page ------------------------------------------


@pytest.fixture
def eseal(people):
    return seal_factories.in_use(
        officer=people.township,
        head=people.head,
        custodian=people.custodian,
        committee=A1A,
        form=SealForm.ELECTRONIC,
    )


@pytest.fixture
def issued_online(people, catalogue, eseal, sms_outbox):
    number = id_number()
    req = apply(
        confirmed_token(sms_outbox), catalogue.simple, id_number=number, electronic=True
    )
    services.request_verify(
        actor=people.clerk, request_id=req.pk, what="居住事实", how="入户查看"
    )
    services.request_approve(actor=people.head, request_id=req.pk)
    services.request_issue(actor=people.custodian, request_id=req.pk)
    req.refresh_from_db()
    return req, number


def test_the_holder_downloads_the_signed_certificate_and_it_is_audited(issued_online):
    req, number = issued_online
    field, name = services.certificate_for_holder(
        code=req.tracking_code.lower(),
        resident_name="张 三",
        id_last=number[-4:].lower(),
        address=ADDRESS,
    )
    with field.open("rb") as fh:
        assert fh.read(5) == b"%PDF-"
    assert name == f"{req.serial}.pdf"
    assert Entry.objects.filter(event="certificate_request.downloaded").exists()


@pytest.mark.parametrize(
    "who", [("李四", None), ("张三", "0000"), ("张三", "123")], ids=str
)
def test_a_wrong_name_or_id_digits_gets_no_certificate(issued_online, who):
    req, number = issued_online
    name, digits = who
    with pytest.raises(DomainError) as refused:
        services.certificate_for_holder(
            code=req.tracking_code,
            resident_name=name,
            id_last=digits or number[-4:],
            address=ADDRESS,
        )
    assert refused.value.code == CertificateCode.HOLDER_MISMATCH


def test_download_tries_are_rate_limited_per_case(issued_online, clock_at):
    req, number = issued_online
    clock_at(2027, 3, 1, 9)
    ratelimit.clear()
    for n in range(services.online.DOWNLOADS_PER_CASE_HOUR):
        with pytest.raises(DomainError):
            services.certificate_for_holder(
                code=req.tracking_code,
                resident_name="李四",
                id_last="0000",
                address=f"203.0.113.{n}",
            )
    with pytest.raises(Throttled):  # even with the right answers now
        services.certificate_for_holder(
            code=req.tracking_code,
            resident_name="张三",
            id_last=number[-4:],
            address="198.51.100.1",
        )


def test_a_paper_certificate_is_not_downloadable(people, catalogue, seal, sms_outbox):
    number = id_number()
    req = apply(
        confirmed_token(sms_outbox),
        catalogue.simple,
        id_number=number,
        electronic=False,
    )
    services.request_verify(
        actor=people.clerk, request_id=req.pk, what="居住事实", how="入户查看"
    )
    services.request_approve(actor=people.head, request_id=req.pk)
    services.request_issue(actor=people.custodian, request_id=req.pk)
    with pytest.raises(DomainError) as refused:
        services.certificate_for_holder(
            code=req.tracking_code,
            resident_name="张三",
            id_last=number[-4:],
            address=ADDRESS,
        )
    assert refused.value.code == CertificateCode.NOT_ISSUED


# The notification-commitment signed online (REQ-082) -----------------------------------


def test_the_resident_signs_the_commitment_online_where_allowed_REQ_082(
    people, sms_outbox
):
    from ..models import Commitment, VerificationTask
    from .factories import commitment_item, signature_png

    item = commitment_item()
    req = apply(
        confirmed_token(sms_outbox),
        item,
        commitment_signature=("signature.png", signature_png()),
    )
    assert req.status == Status.COMMITTED and req.channel == Channel.ONLINE
    commitment = Commitment.objects.get(request=req)
    assert commitment.recorded_by is None and commitment.pdf
    assert VerificationTask.objects.filter(commitment=commitment).exists()
    assert services.receipt(req).commitment_number == commitment.number


def test_a_commitment_where_the_item_does_not_allow_it_records_nothing(
    people, catalogue, sms_outbox
):
    from .factories import signature_png

    with pytest.raises(DomainError) as refused:
        apply(
            confirmed_token(sms_outbox),
            catalogue.simple,
            commitment_signature=("signature.png", signature_png()),
        )
    assert refused.value.code == CertificateCode.COMMITMENT_NOT_ALLOWED
    assert not CertificateRequest.objects.exists()
