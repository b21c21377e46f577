"""Intake: a request taken in and decided at once (REQ-031), the materials kept with it
(REQ-038), and the report of a unit that demands an unlisted certificate (REQ-016).

`request_create` records the resident (the ID number validated with python-stdnum and
kept only here, masked everywhere else), the item found by the lookup, what the
certificate is for and which unit demands it, and the facts; it runs `rules.decide()`
on the committee's effective catalogue and keeps the decision and the list versions it
used (REQ-031, REQ-047). A complex item gets its due date in working days by the
official calendar (REQ-045, DIV-13). The tracking code of the resident's status page is
drawn here: nine characters to read aloud (core.tracking, issue 16). Materials are
added while the request is open (`request_attach`). The resident's own online
application (`services.online`, issue 16) goes through `take_in` too: one case, one
decision, whichever door it came in by (REQ-113). A unit demanding an item the
positive list does not name can be reported (`demand_report`, REQ-016); the
supervision work turns these into complaint cases (REQ-089).
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.catalogue.models import Item
from yinzheng.core import clock, masking, tracking, uploads, workdays
from yinzheng.core.actors import require_person
from yinzheng.core.codes import Level
from yinzheng.core.errors import Conflict, CoreCode, InvalidInput, NotFound
from yinzheng.core.phones import chinese_phone
from yinzheng.core.text import required_text
from yinzheng.divisions.models import Division
from yinzheng.ledger import audit

from .. import ports, rules, selectors
from ..choices import Channel, Outcome
from ..errors import CertificateCode
from ..models import CATEGORY_CHOICES, Attachment, CertificateRequest, DemandReport
from .common import FIELDS, HANDLE, _lock

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
TRACKING_BYTES = 12  # the codes before issue 16 (token_urlsafe, 16 characters)


def validate_id_number(value: str) -> str:
    """The 18-digit 公民身份号码, checksum included (python-stdnum cn.ric)."""
    value = (value or "").strip().upper()
    try:
        return ric.validate(value)
    except StdnumError as exc:
        raise InvalidInput(
            _("公民身份号码无效：请核对号码位数、出生日期和校验位"),
            code=CertificateCode.ID_NUMBER_INVALID,
        ) from exc


def checked_materials(
    files: Iterable["UploadedFile[bytes] | tuple[str, bytes]"],
) -> list[uploads.CheckedFile]:
    """The uploaded materials, each checked for size and typed by its content."""
    out = []
    for f in files:
        if not isinstance(f, tuple) and (f.size or 0) > MAX_ATTACHMENT_BYTES:
            raise InvalidInput(
                _("单个材料不能超过 20 MB"), code=CoreCode.ATTACHMENT_TOO_LARGE
            )
        name, data = uploads.read(f)
        if not data:
            raise InvalidInput(
                _("上传的材料是空文件"), code=CertificateCode.ATTACHMENT_EMPTY
            )
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise InvalidInput(
                _("单个材料不能超过 20 MB"), code=CoreCode.ATTACHMENT_TOO_LARGE
            )
        # Issue 13: the type told by the content; the uploaded name is only a label.
        out.append(
            uploads.inspect(
                data, name=name, accept=uploads.DOCUMENTS, what=_("申请材料")
            )
        )
    return out


def save_attachment(
    req: CertificateRequest,
    *,
    uploaded_by: Any,
    material: uploads.CheckedFile,
    retained: bool = False,
) -> Attachment:
    """Store a checked material with the case (REQ-038); `retained`: kept as the record
    of a negative-list exception."""
    attachment = Attachment(
        request=req,
        retained_for_exception=retained,
        name=material.label,
        sha256=material.sha256,
        size=material.size,
        uploaded_by=uploaded_by,
        uploaded_at=clock.now(),
    )
    uploads.store(attachment.file, material)
    attachment.save()
    return attachment


@transaction.atomic
def request_create(
    *,
    actor: Actor,
    committee_code: str,
    resident_name: str,
    id_number: str,
    phone: str,
    purpose: str,
    requiring_unit: str,
    facts: str,
    item_key: str | None = None,
    item_text: str = "",
    category: str = "C2",
    copies: int = 1,
    electronic: bool = False,
    public_interest: bool = False,
    party_related: bool = False,
    legal_risk: bool = False,
    carries_liability: bool = False,
    exception_claimed: str = "",
    attachments: Iterable["UploadedFile[bytes] | tuple[str, bytes]"] = (),
    sample: bool = False,
) -> CertificateRequest:
    """Take a request in at the window and decide on it (REQ-031); returns the saved
    request."""
    return take_in(
        actor=actor,
        received_by=require_person(actor),
        channel=Channel.WINDOW,
        committee_code=committee_code,
        resident_name=resident_name,
        id_number=id_number,
        phone=phone,
        purpose=purpose,
        requiring_unit=requiring_unit,
        facts=facts,
        item_key=item_key,
        item_text=item_text,
        category=category,
        copies=copies,
        electronic=electronic,
        public_interest=public_interest,
        party_related=party_related,
        legal_risk=legal_risk,
        carries_liability=carries_liability,
        exception_claimed=exception_claimed,
        attachments=attachments,
        sample=sample,
    )


class RefusedAtOnce(Conflict):
    """An online application the rules refuse whatever the facts (negative list, no
    basis, liability, a Party matter): nothing is recorded, the resident is told the
    route (REQ-036, REQ-049, issue 16). `detail` carries the decision."""

    code = CertificateCode.REFUSED_AT_ONCE
    message = gettext_lazy("该证明不由村（居）委会出具，请按办事途径办理")


@transaction.atomic
def take_in(
    *,
    actor: Actor,
    received_by: Any,
    channel: str,
    committee_code: str,
    resident_name: str,
    id_number: str,
    phone: str,
    purpose: str,
    requiring_unit: str,
    facts: str,
    item_key: str | None = None,
    item_text: str = "",
    category: str = "C2",
    copies: int = 1,
    electronic: bool = False,
    public_interest: bool = False,
    party_related: bool = False,
    legal_risk: bool = False,
    carries_liability: bool = False,
    exception_claimed: str = "",
    attachments: Iterable["UploadedFile[bytes] | tuple[str, bytes]"] = (),
    sample: bool = False,
    refuse_at_once: bool = False,
) -> CertificateRequest:
    """Take a request in and decide on it (REQ-031), at the window (`request_create`)
    or online (`services.online`, issue 16: `received_by` None, and with
    `refuse_at_once` a request the rules refuse is not recorded but raised as
    `RefusedAtOnce` with the route)."""
    committee = Division.objects.filter(
        code=committee_code, level=Level.COMMITTEE
    ).first()
    if committee is None:
        raise NotFound(_("村（居）委会不存在"), code=CoreCode.COMMITTEE_NOT_FOUND)
    policy.require(actor, HANDLE, committee)
    if not committee.is_active:
        raise Conflict(
            _("该村（居）委会已合并或撤销"), code=CoreCode.COMMITTEE_INACTIVE
        )
    resident_name = required_text(
        resident_name, _("申请人姓名"), CertificateCode.RESIDENT_NAME_REQUIRED, 50
    )
    id_number = validate_id_number(id_number)
    phone = chinese_phone(phone)
    purpose = required_text(purpose, _("用途"), CoreCode.PURPOSE_REQUIRED, 300)
    requiring_unit = required_text(
        requiring_unit, _("需要单位"), CertificateCode.REQUIRING_UNIT_REQUIRED, 200
    )
    facts = required_text(
        facts, _("拟证明的事实"), CertificateCode.FACTS_REQUIRED, 4000
    )
    item = None
    if item_key:
        item = Item.objects.filter(key=item_key).first()
        if item is None:
            raise NotFound(_("证明事项不存在"), code=CoreCode.ITEM_NOT_FOUND)
    item_text = (item_text or "").strip() or (item.name if item else "")
    item_text = required_text(
        item_text, _("申请的证明"), CertificateCode.ITEM_REQUIRED, 200
    )
    if category not in dict(CATEGORY_CHOICES):
        raise InvalidInput(
            _("请选择证明类用印类别"), code=CertificateCode.CATEGORY_INVALID
        )
    if not isinstance(copies, int) or isinstance(copies, bool) or not 1 <= copies <= 99:
        raise InvalidInput(_("份数须为 1 至 99"), code=CoreCode.COPIES_INVALID)
    exception_claimed = (exception_claimed or "").strip()
    if exception_claimed and (item is None or exception_claimed not in item.exceptions):
        raise InvalidInput(
            _("所选除外情形不属于该证明事项"), code=CertificateCode.EXCEPTION_UNKNOWN
        )  # REQ-008
    materials = checked_materials(attachments)
    now = clock.now()
    on = timezone.localtime(now).date()
    entry = selectors.catalogue_entry(item, committee.code, on)
    req = CertificateRequest(
        committee=committee,
        tracking_code=_tracking_code(),
        resident_name=resident_name,
        id_number=id_number,
        phone=phone,
        item=item,
        item_text=item_text,
        purpose=purpose,
        requiring_unit=requiring_unit,
        facts=facts,
        category=category,
        copies=copies,
        electronic=bool(electronic),
        public_interest=bool(public_interest),
        party_related=bool(party_related),
        legal_risk=bool(legal_risk),
        carries_liability=bool(carries_liability),
        exception_claimed=exception_claimed,
        list_kind=entry.list_kind,
        list_title=entry.list_title,
        sample=sample,
        channel=channel,
        received_by=received_by,
        received_at=now,
    )
    item_facts = selectors.request_item_facts(req)
    decision = rules.decide(
        item_facts,
        rules.RequestFacts(
            committee_name=committee.name,
            requiring_unit=requiring_unit,
            public_interest=req.public_interest,
            party_related=req.party_related,
            legal_risk=req.legal_risk,
            carries_liability=req.carries_liability,
            exception_claimed=exception_claimed,
            negative_exception_enabled=selectors.negative_exception_enabled(
                committee.code
            ),
        ),
    )
    if refuse_at_once and (
        decision.is_refusal or decision.outcome == Outcome.TRANSFER_PARTY
    ):
        raise RefusedAtOnce(detail=decision.as_dict())
    req.intake_class = decision.intake_class
    req.outcome = decision.outcome
    req.decision = decision.as_dict()
    req.complexity = item_facts.complexity
    req.time_limit_days = item_facts.time_limit_days
    if item_facts.complexity == "complex" and item_facts.time_limit_days:
        # REQ-045: the due date in working days by the official calendar.
        req.due_on = workdays.add_working_days(on, item_facts.time_limit_days)
    elif channel == Channel.ONLINE:
        # Issue 16: applied for from afar, nothing is done on the spot; the item's
        # time limit, else the installation's (YINZHENG_ONLINE_TIME_LIMIT), in
        # working days, is what the receipt promises.
        req.time_limit_days = item_facts.time_limit_days or int(
            settings.ONLINE_TIME_LIMIT_DAYS
        )
        req.due_on = workdays.add_working_days(on, req.time_limit_days)
    req.save()
    req.catalogue_versions.set(entry.version_ids)
    for material in materials:
        save_attachment(req, uploaded_by=received_by, material=material)
    audit.record(
        actor=actor,
        event="certificate_request.received",
        subject=req,
        after={
            **audit.snapshot(req, FIELDS),
            "resident": masking.mask_name(resident_name),
            "id_number": masking.mask_id_number(id_number),
            "item": item.key if item else None,
            "item_text": item_text,
            "requiring_unit": requiring_unit,
            "purpose": purpose,
            "catalogue_versions": list(entry.version_ids),
            "attachments": [m.label for m in materials],
            "channel": channel,
            "phone": masking.mask_phone(phone),
        },
    )
    return req


def _tracking_code() -> str:
    # Issue 16: a code the resident can read aloud (core.tracking); a collision,
    # one in billions, draws again.
    while True:
        code = tracking.new_code()
        if not CertificateRequest.objects.filter(tracking_code=code).exists():
            return code


@transaction.atomic
def request_attach(
    *, actor: Actor, request_id: int, file: "UploadedFile[bytes] | tuple[str, bytes]"
) -> Attachment:
    """Add a material to an open request (REQ-038: kept with the case)."""
    req = _lock(request_id)
    policy.require(actor, HANDLE, req)
    if not req.is_open:
        raise Conflict(
            _("已办结的申请不能再添加材料"), code=CertificateCode.REQUEST_CLOSED
        )
    [material] = checked_materials([file])
    attachment = save_attachment(
        req, uploaded_by=require_person(actor), material=material
    )
    audit.record(
        actor=actor,
        event="certificate_request.attachment",
        subject=req,
        after={
            "name": attachment.name,
            "sha256": attachment.sha256,
            "size": attachment.size,
        },
    )
    return attachment


@transaction.atomic
def demand_report(
    *,
    actor: Actor,
    committee_code: str,
    item_text: str,
    demanding_organisation: str,
    item_key: str | None = None,
    request_id: int | None = None,
    note: str = "",
) -> DemandReport:
    """Report a unit demanding a certificate the committee's positive list does not name
    (REQ-016). The supervision work turns these into complaint cases (REQ-089)."""
    committee = Division.objects.filter(
        code=committee_code, level=Level.COMMITTEE
    ).first()
    if committee is None:
        raise NotFound(_("村（居）委会不存在"), code=CoreCode.COMMITTEE_NOT_FOUND)
    policy.require(actor, HANDLE, committee)
    item = None
    if item_key:
        item = Item.objects.filter(key=item_key).first()
        if item is None:
            raise NotFound(_("证明事项不存在"), code=CoreCode.ITEM_NOT_FOUND)
    req = None
    if request_id is not None:
        req = CertificateRequest.objects.filter(
            pk=request_id, committee=committee
        ).first()
        if req is None:
            raise NotFound(_("证明申请不存在"), code=CertificateCode.REQUEST_NOT_FOUND)
        item = item or req.item
    item_text = (
        (item_text or "").strip()
        or (item.name if item else "")
        or (req.item_text if req else "")
    )
    report = DemandReport.objects.create(
        committee=committee,
        item=item,
        item_text=required_text(
            item_text, _("被要求的证明"), CertificateCode.ITEM_REQUIRED, 200
        ),
        demanding_organisation=required_text(
            demanding_organisation,
            _("提出要求的部门或单位"),
            CertificateCode.ORGANISATION_REQUIRED,
            200,
        ),
        request=req,
        note=(note or "").strip(),
        reported_by=require_person(actor),
        reported_at=clock.now(),
    )
    audit.record(
        actor=actor,
        event="certificate.demand_reported",
        subject=report,
        after={
            "item": item.key if item else None,
            "item_text": report.item_text,
            "demanding_organisation": report.demanding_organisation,
            "request": req.pk if req else None,
            "note": report.note,
        },
    )
    ports.demand_reported(report, actor)  # supervision opens its case (REQ-089)
    return report
