"""The applying department's side of an application (REQ-021, REQ-022, REQ-025–029).

A department submits the one form with three types (REQ-021, REQ-026): an admission must
carry its basis (REQ-022) and, when that basis is a newly drafted local rule, a research
and justification attachment (REQ-029); an exit names an item on the list's current
version and, where the law still requires the certificate, the proposal to amend it
(REQ-027); a filing is only logged. Before the meeting decides, the department supplies
the guide content and the rights that match the responsibility (REQ-028, REQ-030), or
withdraws the application. Departments act for themselves; civil affairs may act for any
department whose form it received on paper (`may_act_for_applicant`).
"""

import re
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.choices import Department
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock, uploads
from yinzheng.core.actors import person
from yinzheng.core.errors import Conflict, CoreCode, InvalidInput, NotAllowed, NotFound
from yinzheng.core.transitions import move_to
from yinzheng.ledger import audit

from ... import selectors
from ...choices import (
    ELIGIBLE_BASIS_TYPES,
    LAW_AMENDMENT_GROUNDS,
    ApplicationKind,
    ApplicationStatus,
    BasisType,
    Complexity,
    ExitGround,
    LawAmendmentStatus,
    ListKind,
)
from ...errors import CatalogueCode
from ...models import Application, CatalogueList, Item

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


APPLICATION_FIELDS = [
    "status",
    "meeting_date",
    "meeting_reference",
    "decision_reasons",
    "decided_by",
    "decided_at",
    "law_amendment_status",
    "item",
    "resulting_version",
]


GUIDE_CONTENT_FIELDS = ["work_requirements", "procedure", "materials", "sample_form"]


def _application_for_update(application_id: int) -> Application:
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("catalogue_list", "item")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise NotFound(_("申请不存在"), code=CatalogueCode.APPLICATION_NOT_FOUND)
    return application


def _clean_bases(bases: Iterable[Any]) -> list[dict[str, str]]:
    cleaned = []
    for basis in bases:
        basis_type = (basis.get("type") or "").strip()
        citation = (basis.get("citation") or "").strip()
        if not basis_type and not citation:
            continue
        if basis_type not in BasisType.values or not citation:
            raise InvalidInput(
                _(
                    "设定依据须有类型（法律、法规、国务院保留证明事项清单或政策）和名称条款"
                ),
                code=CatalogueCode.BASIS_INVALID,
            )  # REQ-020
        cleaned.append({"type": basis_type, "citation": citation})
    return cleaned


def policy_only(bases: list[dict[str, str]]) -> bool:
    """Only a policy basis: accepted in an application but flagged (DIV-07)."""
    return bool(bases) and not {b["type"] for b in bases} & ELIGIBLE_BASIS_TYPES


def _store_attachment(application: Application, upload: "UploadedFile[bytes]") -> None:
    # Django's upload handlers always set the size and the name of what they receive.
    if (upload.size or 0) > MAX_ATTACHMENT_BYTES:
        raise InvalidInput(_("附件不能超过 20 MB"), code=CoreCode.ATTACHMENT_TOO_LARGE)
    name, data = uploads.read(upload)
    if not data:
        raise InvalidInput(_("研究论证材料是空文件"), code=CoreCode.DOCUMENT_REQUIRED)
    # Issue 13: the type told by the content, stored under the system's name.
    checked = uploads.inspect(
        data, name=name, accept=uploads.DOCUMENTS, what=_("研究论证材料")
    )
    application.justification_sha256 = checked.sha256
    uploads.store(application.justification, checked)


def _require_applicant(
    actor: Actor, catalogue_list: CatalogueList, department: str
) -> None:
    """Departments apply for themselves; civil affairs may enter any department's form
    received on paper."""
    if policy.can(actor, "catalogue.manage", catalogue_list):
        return
    policy.require(actor, "catalogue.apply", catalogue_list)
    if department not in policy.departments_at(actor, catalogue_list):
        raise NotAllowed(
            _("只能以本部门名义提交申请"), code=CatalogueCode.DEPARTMENT_MISMATCH
        )


@transaction.atomic
def application_submit(
    *,
    actor: Actor,
    list_id: int,
    kind: str,
    department: str,
    applicant_unit: str,
    reason: str,
    contact: str = "",
    item_key: str = "",
    item_name: str = "",
    item_aliases: Iterable[str] = (),
    bases: Iterable[dict[str, str]] = (),
    within_committee_duties: bool = False,
    complexity: str = Complexity.SIMPLE,
    work_requirements: str = "",
    procedure: str = "",
    materials: str = "",
    time_limit_days: int | None = None,
    sample_form: str = "",
    cites_new_local_rule: bool = False,
    justification: "UploadedFile[bytes] | None" = None,
    rights_matching: str = "",
    exit_ground: str = "",
    law_amendment: str = "",
) -> Application:
    """Log an application of any of the three types (REQ-021, REQ-026)."""
    catalogue_list = CatalogueList.objects.filter(pk=list_id).first()
    if catalogue_list is None:
        raise NotFound(_("清单不存在"), code=CatalogueCode.LIST_NOT_FOUND)
    if kind not in ApplicationKind.values:
        raise InvalidInput(
            _("申请类型须为准入、退出或报备"), code=CoreCode.KIND_INVALID
        )
    if department not in Department.values:
        raise InvalidInput(_("申请部门无效"), code=CoreCode.DEPARTMENT_INVALID)
    _require_applicant(actor, catalogue_list, department)
    # REQ-120: community work a department pushes down goes through the same review,
    # onto the assistance list (协助政府工作事项清单) instead.
    if kind != ApplicationKind.FILING and catalogue_list.kind not in (
        ListKind.POSITIVE,
        ListKind.ASSISTANCE,
    ):
        raise InvalidInput(
            _(
                "准入、退出只适用于出具证明事项清单（正面清单）和"
                "协助政府工作事项清单（社区工作准入）"
            ),
            code=CatalogueCode.LIST_KIND_NOT_POSITIVE,
        )
    if not applicant_unit.strip():
        raise InvalidInput(
            _("请填写申请单位"), code=CatalogueCode.APPLICANT_UNIT_REQUIRED
        )
    if not reason.strip():
        raise InvalidInput(_("请填写申请理由"), code=CoreCode.REASON_REQUIRED)
    if complexity not in Complexity.values:
        raise InvalidInput(_("办理复杂程度无效"), code=CatalogueCode.COMPLEXITY_INVALID)
    if time_limit_days is not None and not 1 <= time_limit_days <= 365:
        raise InvalidInput(
            _("出具时限须为 1 至 365 个工作日，当场办结的不填"),
            code=CatalogueCode.TIME_LIMIT_INVALID,
        )
    bases = _clean_bases(bases)
    item = None
    item_key = item_key.strip()
    if item_key:
        item = Item.objects.filter(key=item_key).first()
    current = selectors.latest_published(catalogue_list)
    on_list = (
        set(current.entries.values_list("item__key", flat=True)) if current else set()
    )
    today = clock.today()
    application = Application(
        catalogue_list=catalogue_list,
        kind=kind,
        department=department,
        applicant_unit=applicant_unit.strip(),
        contact=contact.strip(),
        reason=reason.strip(),
        submitted_by=person(actor),
    )

    if kind == ApplicationKind.ADMISSION:
        if item is None:
            if not item_name.strip():
                raise InvalidInput(
                    _("请填写证明名称"), code=CatalogueCode.ITEM_NAME_REQUIRED
                )
            if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{1,79}", item_key):
                raise InvalidInput(
                    _("事项标识须为小写字母、数字、下划线或连字符"),
                    code=CatalogueCode.ITEM_KEY_INVALID,
                )
        if not bases:
            # REQ-022, REQ-120: no basis, no application.
            raise InvalidInput(
                _("准入申请须提供村（居）委会出具该证明的设定依据")
                if catalogue_list.kind == ListKind.POSITIVE
                else _("社区工作准入申请须提供该工作事项的法律法规或政策依据"),
                code=CatalogueCode.BASIS_REQUIRED,
            )
        if item is not None and item.key in on_list:
            raise Conflict(_("该事项已在清单中"), code=CatalogueCode.ALREADY_ON_LIST)
        if item is not None and item.pk in selectors.negative_items_above(
            catalogue_list.owner_id, today
        ):
            raise Conflict(  # REQ-010
                _("该事项已列入负面清单，不能申请准入"),
                code=CatalogueCode.ON_NEGATIVE_LIST,
            )
        if cites_new_local_rule and justification is None:
            raise InvalidInput(  # REQ-029
                _("依据为新制定的地方性法规或规范性文件的，须附研究论证材料"),
                code=CatalogueCode.JUSTIFICATION_REQUIRED,
            )
        application.item = item
        application.item_key = item.key if item else item_key
        application.item_name = item.name if item else item_name.strip()
        application.item_aliases = [a.strip() for a in item_aliases if a.strip()]
        application.bases = bases
        application.within_committee_duties = within_committee_duties
        application.complexity = complexity
        application.time_limit_days = time_limit_days
        application.cites_new_local_rule = cites_new_local_rule
        application.rights_matching = rights_matching.strip()
        for name, value in zip(
            GUIDE_CONTENT_FIELDS,
            [work_requirements, procedure, materials, sample_form],
            strict=True,
        ):
            setattr(application, name, value.strip())
    elif kind == ApplicationKind.EXIT:
        if item is None or item.key not in on_list:
            raise NotFound(
                _("退出申请须指明现行清单中的事项"), code=CatalogueCode.ITEM_NOT_ON_LIST
            )
        if exit_ground not in ExitGround.values:
            raise InvalidInput(
                _("请选择退出理由类型"), code=CatalogueCode.EXIT_GROUND_REQUIRED
            )
        if exit_ground in LAW_AMENDMENT_GROUNDS:
            if not law_amendment.strip():
                raise InvalidInput(  # REQ-027
                    _("该事项有法律法规依据，须同时提出修改法律法规的建议"),
                    code=CatalogueCode.LAW_AMENDMENT_REQUIRED,
                )
            application.law_amendment_status = LawAmendmentStatus.PROPOSED
        application.item = item
        application.item_key = item.key
        application.item_name = item.name
        application.exit_ground = exit_ground
        application.law_amendment = law_amendment.strip()
    else:
        application.item = item
        application.item_key = item.key if item else ""
        application.item_name = item.name if item else item_name.strip()
        application.bases = bases
    if justification is not None:
        _store_attachment(application, justification)
    application.save()
    audit.record(
        actor=actor,
        event="application.submitted",
        subject=application,
        after={
            "kind": kind,
            "department": department,
            "applicant_unit": application.applicant_unit,
            "item": application.item_key,
            "name": application.item_name,
            "bases": bases,
            "policy_only": policy_only(bases),
            "exit_ground": application.exit_ground,
            "justification_sha256": application.justification_sha256,
        },
    )
    return application


@transaction.atomic
def application_supply_guide(
    *,
    actor: Actor,
    application_id: int,
    work_requirements: str,
    procedure: str,
    materials: str,
    sample_form: str,
    time_limit_days: int | None = None,
    rights_matching: str | None = None,
) -> Application:
    """The requesting department supplies the guide content before the decision
    (REQ-028, DIV-14); the rights matching the responsibility may be completed too."""
    application = _application_for_update(application_id)
    _require_applicant(actor, application.catalogue_list, application.department)
    if application.kind != ApplicationKind.ADMISSION:
        raise InvalidInput(
            _("只有准入申请需要办事指南内容"), code=CatalogueCode.NOT_ADMISSION
        )
    if application.status not in {
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.IN_REVIEW,
    }:
        raise Conflict(
            _("申请已有决定，不能再修改"), code=CatalogueCode.APPLICATION_DECIDED
        )
    if time_limit_days is not None and not 1 <= time_limit_days <= 365:
        raise InvalidInput(
            _("出具时限须为 1 至 365 个工作日，当场办结的不填"),
            code=CatalogueCode.TIME_LIMIT_INVALID,
        )
    fields = [*GUIDE_CONTENT_FIELDS, "time_limit_days", "rights_matching"]
    with audit.recorded(
        actor=actor,
        event="application.guide_supplied",
        subject=application,
        fields=fields,
    ):
        for name, value in zip(
            GUIDE_CONTENT_FIELDS,
            [work_requirements, procedure, materials, sample_form],
            strict=True,
        ):
            setattr(application, name, value.strip())
        application.time_limit_days = time_limit_days
        if rights_matching is not None:
            application.rights_matching = rights_matching.strip()
    return application


def may_act_for_applicant(user: Any, application: Application) -> bool:
    """May `user` supply the guide content of, or withdraw, `application`? The same
    check the services make (pages use it to offer only what the server allows)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    try:
        _require_applicant(user, application.catalogue_list, application.department)
    except NotAllowed:
        return False
    return True


@transaction.atomic
def application_withdraw(
    *, actor: Actor, application_id: int, reason: str
) -> Application:
    application = _application_for_update(application_id)
    _require_applicant(actor, application.catalogue_list, application.department)
    if not reason.strip():
        raise InvalidInput(_("请填写撤回原因"), code=CoreCode.REASON_REQUIRED)
    with audit.recorded(
        actor=actor,
        event="application.withdrawn",
        subject=application,
        fields=APPLICATION_FIELDS,
        note=reason.strip(),
    ):
        move_to(application, ApplicationStatus.WITHDRAWN)
    return application
