"""The resident's online application and the electronic certificate handed over online
(issue 16, REQ-113 "一号申请、一窗受理、一网通办").

    phone code sent ─confirmed─▶ application_submit ─▶ the same CertificateRequest the
    window takes in (channel "online"), decided by the same rules, found at the
    committee's window by its tracking code, continued there unchanged
    (verify → approve → issue); status is one row, so it reads the same everywhere.

- `application_submit`: the identity is the name, the ID number with its check digit
  (python-stdnum) and a confirmed one-time code for the phone number
  (accounts.phone_codes, REQ-113 "一号"). The item comes from the lookup. A request
  the rules refuse whatever the facts (negative list, no basis, liability, a Party
  matter) is not recorded: `RefusedAtOnce` carries the route and the department
  (REQ-036, REQ-049) — the same `rules.decide()` the window runs. The receipt shows
  the deadline in working days (REQ-045; online, never "on the spot"). Where the
  item allows it, the resident may instead sign the notification-commitment on screen
  (REQ-082): the case ends at once, the post-verification task opens (REQ-083).
- `certificate_for_holder`: an issued electronic certificate's signed PDF, handed out
  from the public status page only to who types the holder's full name and the last
  digits of the ID number; tries are counted per client address and per case
  (core.ratelimit), and each hand-over is audited.
"""

import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yinzheng.accounts import phone_codes
from yinzheng.core import clock, masking, ratelimit
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import CoreCode, InvalidInput, NotFound, Throttled
from yinzheng.ledger import audit

from .. import documents, electronic, selectors
from ..choices import Channel, SignatureMethod, Status
from ..errors import CertificateCode
from ..models import CertificateRequest
from . import commitments
from .commitments import CommitmentNotAllowed, commitment_allowed
from .intake import take_in, validate_id_number

# The last digits of the ID number the holder types to download (the last one may be X).
ID_DIGITS = 4
# Download tries: per client address and per case, an hour.
DOWNLOADS_PER_ADDRESS_HOUR = 20
DOWNLOADS_PER_CASE_HOUR = 10


@transaction.atomic
def application_submit(
    *,
    phone_token: str,
    committee_code: str,
    item_key: str,
    resident_name: str,
    id_number: str,
    phone: str,
    purpose: str,
    requiring_unit: str,
    facts: str,
    electronic: bool = True,
    attachments: Iterable["UploadedFile[bytes] | tuple[str, bytes]"] = (),
    commitment_signature: "UploadedFile[bytes] | tuple[str, bytes] | None" = None,
    sample: bool = False,
) -> CertificateRequest:
    """A resident's online application (REQ-113): the case the window then continues.

    The actor is the system on the resident's behalf (no clerk received it); the
    audit entry says the channel and the masked phone. With `commitment_signature`
    (the PNG the resident drew on screen), where the item allows it, the resident
    signs the notification-commitment in place of the certificate (REQ-082): the case
    ends COMMITTED at once and its post-verification task opens (REQ-083); where the
    item does not allow it, nothing is recorded. `sample` marks demo data."""
    if not (item_key or "").strip():
        raise InvalidInput(
            _("请先查找并选择要申请的证明事项"), code=CertificateCode.ITEM_REQUIRED
        )
    id_number = validate_id_number(id_number)
    # In this transaction: an application refused below leaves the code unused.
    phone_codes.phone_code_take(token=phone_token, phone=phone)
    req = take_in(
        actor=SYSTEM,
        received_by=None,
        channel=Channel.ONLINE,
        committee_code=committee_code,
        resident_name=resident_name,
        id_number=id_number,
        phone=phone,
        purpose=purpose,
        requiring_unit=requiring_unit,
        facts=facts,
        item_key=item_key.strip(),
        electronic=electronic,
        attachments=attachments,
        sample=sample,
        refuse_at_once=True,
    )
    if commitment_signature is not None:
        if not commitment_allowed(req):
            raise CommitmentNotAllowed(_("该事项不实行告知承诺制，不能以承诺代替证明"))
        commitments.record(
            actor=SYSTEM,
            recorded_by=None,
            request_id=req.pk,
            signature=commitment_signature,
            signature_method=SignatureMethod.SCREEN,
        )
        req.refresh_from_db()
    return req


@dataclass(frozen=True)
class Receipt:
    """What the printable receipt (回执) shows: nothing personal unmasked."""

    tracking_code: str
    item_name: str
    committee_name: str
    received_at: Any
    time_limit_days: int | None
    due_on: Any
    resident_name: str
    id_number: str
    phone: str
    electronic: bool
    attachments: tuple[str, ...]
    status_display: str
    commitment_number: str = ""


def receipt(req: CertificateRequest) -> Receipt:
    return Receipt(
        tracking_code=req.tracking_code,
        item_name=req.item_name,
        committee_name=req.committee.name,
        received_at=req.received_at,
        time_limit_days=req.time_limit_days,
        due_on=req.due_on,
        resident_name=masking.mask_name(req.resident_name),
        id_number=masking.mask_id_number(req.id_number),
        phone=masking.mask_phone(req.phone),
        electronic=req.electronic,
        attachments=tuple(a.name for a in req.attachments.all()),
        status_display=str(req.get_status_display()),
        commitment_number=getattr(getattr(req, "commitment", None), "number", ""),
    )


def receipt_pdf(req: CertificateRequest, *, status_url: str) -> bytes:
    """The receipt as a PDF to keep or print (documents.render_receipt); writes
    nothing."""
    r = receipt(req)
    if r.commitment_number:
        how = _("以告知承诺代替证明，已办结（承诺书 %(no)s）") % {
            "no": r.commitment_number
        }
    elif r.electronic:
        how = _("电子证明：出具后在查询页下载")
    else:
        how = _("纸质证明：出具后到村（居）委会领取")
    return documents.render_receipt(
        documents.ReceiptDoc(
            tracking_code=r.tracking_code,
            item_name=r.item_name,
            committee_name=r.committee_name,
            received_on=timezone.localtime(r.received_at).date(),
            time_limit_days=r.time_limit_days,
            due_on=r.due_on,
            resident_name=r.resident_name,
            id_number=r.id_number,
            phone=r.phone,
            how=how,
            status_url=status_url,
            sample=req.sample,
        )
    )


def certificate_downloadable(req: CertificateRequest) -> bool:
    """Is there an issued electronic certificate (a signed PDF) to hand over online?"""
    return (
        req.status == Status.ISSUED
        and req.electronic
        and electronic.issued_file(req.serial) is not None
    )


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def certificate_for_holder(
    *, code: str, resident_name: str, id_last: str, address: str
) -> tuple[Any, str]:
    """The signed PDF of an issued electronic certificate and its file name, for who
    confirms the holder's name and the last `ID_DIGITS` of the ID number."""
    hour = int(clock.now().timestamp() // 3600)
    if (
        ratelimit.hit(f"certdl:address:{address or '-'}:{hour}", 7200)
        > DOWNLOADS_PER_ADDRESS_HOUR
    ):
        raise Throttled(_("尝试次数过多，请 1 小时后再试"))
    req = selectors.by_tracking_code(code)
    if req is None or not certificate_downloadable(req):
        raise NotFound(_("没有可下载的电子证明"), code=CertificateCode.NOT_ISSUED)
    if ratelimit.hit(f"certdl:case:{req.pk}:{hour}", 7200) > DOWNLOADS_PER_CASE_HOUR:
        raise Throttled(_("该申请的下载尝试次数过多，请 1 小时后再试"))
    name = "".join((resident_name or "").split())
    last = "".join((id_last or "").split()).upper()
    if len(last) != ID_DIGITS:
        raise InvalidInput(
            _("请填写公民身份号码的后 %(n)d 位") % {"n": ID_DIGITS},
            code=CertificateCode.HOLDER_MISMATCH,
        )
    if not (
        _same(name, "".join(req.resident_name.split()))
        & _same(last, req.id_number[-ID_DIGITS:].upper())
    ):
        raise InvalidInput(
            _("姓名或公民身份号码后 %(n)d 位与申请人不符") % {"n": ID_DIGITS},
            code=CertificateCode.HOLDER_MISMATCH,
        )
    signed = electronic.issued_file(req.serial)
    if signed is None:  # pragma: no cover - checked above
        raise NotFound(code=CoreCode.NOT_FOUND)
    with transaction.atomic():
        audit.record(
            actor=SYSTEM,
            event="certificate_request.downloaded",
            subject=req,
            after={
                "serial": req.serial,
                "channel": "status_page",
                "resident": masking.mask_name(req.resident_name),
            },
        )
    return signed, f"{req.serial}.pdf"
