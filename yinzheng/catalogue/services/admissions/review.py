"""Civil affairs' side of an application: the joint review, the meeting's decision and
its publication (REQ-023–025, REQ-027, DIV-03).

Opening the review requests an opinion from each of the five partner departments and
from the townships (REQ-023); each records its own, or civil affairs enters one received
on paper. The meeting decides only when every opinion is in, and approves only what
`decision_problems` lets through: the department's guide content (REQ-028), the rights
matching the responsibility (REQ-030), the justification of a new local rule (REQ-029), a
basis that is more than a policy (REQ-004). Approval writes the item into the list's open
draft version, or removes it (REQ-024, REQ-025); an exit of an item the law still
requires stays on the list until the law amendment is adopted (REQ-027). A filing is
acknowledged. Publishing the version publishes the decisions behind it and withdraws the
guides of items that left (`on_version_published`, on versions.version_published).
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.dispatch import receiver
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.choices import Department
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock
from yinzheng.core.actors import person
from yinzheng.core.codes import Level, subtree_q
from yinzheng.core.errors import Conflict, CoreCode, InvalidInput, NotAllowed, NotFound
from yinzheng.core.transitions import move_to
from yinzheng.divisions.choices import CommitteeStatus
from yinzheng.divisions.models import Division
from yinzheng.ledger import audit

from ... import selectors
from ...choices import (
    JOINT_REVIEW_DEPARTMENTS,
    ApplicationKind,
    ApplicationStatus,
    Complexity,
    LawAmendmentStatus,
    ListKind,
    Opinion,
    VersionStatus,
)
from ...errors import CatalogueCode
from ...models import (
    Application,
    CatalogueList,
    Guide,
    Item,
    ListVersion,
    ReviewOpinion,
)
from .. import guides, items, versions
from .submission import (
    APPLICATION_FIELDS,
    GUIDE_CONTENT_FIELDS,
    _application_for_update,
    policy_only,
)


class ApplicationIncomplete(InvalidInput):
    code = CatalogueCode.APPLICATION_INCOMPLETE


def _default_townships(catalogue_list: CatalogueList) -> list[str]:
    return list(
        Division.objects.filter(
            subtree_q(catalogue_list.owner_id, field="code"),
            level=Level.TOWNSHIP,
            status=CommitteeStatus.ACTIVE,
        ).values_list("code", flat=True)
    )


@transaction.atomic
def application_open_review(
    *,
    actor: Actor,
    application_id: int,
    township_codes: Iterable[str] | None = None,
) -> Application:
    """Open the joint review: ask the five partner departments and the townships for
    their opinions (REQ-023). By default every active township of a county list."""
    application = _application_for_update(application_id)
    catalogue_list = application.catalogue_list
    policy.require(actor, "catalogue.manage", catalogue_list)
    if application.kind == ApplicationKind.FILING:
        raise InvalidInput(_("报备无需联审"), code=CatalogueCode.FILING_NO_REVIEW)
    codes = (
        _default_townships(catalogue_list)
        if township_codes is None
        else sorted({c.strip() for c in township_codes if c.strip()})
    )
    townships = list(
        Division.objects.filter(
            subtree_q(catalogue_list.owner_id, field="code"),
            code__in=codes,
            level=Level.TOWNSHIP,
            status=CommitteeStatus.ACTIVE,
        )
    )
    unknown = sorted(set(codes) - {t.code for t in townships})
    if unknown:
        raise InvalidInput(
            _("以下代码不是本清单辖区内的乡镇（街道）：%s") % "、".join(unknown),
            code=CatalogueCode.TOWNSHIP_INVALID,
            detail=unknown,
        )
    if not townships and catalogue_list.owner.level == Level.COUNTY:
        raise InvalidInput(
            _("须向乡镇（街道）征求意见"), code=CatalogueCode.TOWNSHIPS_REQUIRED
        )
    with audit.recorded(
        actor=actor,
        event="application.review_opened",
        subject=application,
        fields=APPLICATION_FIELDS,
    ):
        move_to(application, ApplicationStatus.IN_REVIEW)
    ReviewOpinion.objects.bulk_create(
        [
            ReviewOpinion(application=application, department=d)
            for d in JOINT_REVIEW_DEPARTMENTS
        ]
        + [ReviewOpinion(application=application, township=t) for t in townships]
    )
    audit.record(
        actor=actor,
        event="application.opinions_requested",
        subject=application,
        after={
            "departments": list(JOINT_REVIEW_DEPARTMENTS),
            "townships": [t.code for t in townships],
        },
    )
    return application


@transaction.atomic
def opinion_record(
    *, actor: Actor, opinion_id: int, opinion: str, comments: str = ""
) -> ReviewOpinion:
    row = (
        ReviewOpinion.objects.select_for_update(of=("self",))
        .select_related("application__catalogue_list", "township")
        .filter(pk=opinion_id)
        .first()
    )
    if row is None:
        raise NotFound(_("征求意见记录不存在"), code=CatalogueCode.OPINION_NOT_FOUND)
    if not selectors.may_record_opinion(actor, row):
        raise NotAllowed(detail={"action": "opinion_record"})
    if row.application.status != ApplicationStatus.IN_REVIEW:
        raise Conflict(
            _("该申请不在联审中"), code=CatalogueCode.APPLICATION_NOT_IN_REVIEW
        )
    if row.opinion:
        raise Conflict(_("该单位的意见已登记"), code=CatalogueCode.OPINION_RECORDED)
    if opinion not in {Opinion.AGREE, Opinion.AGREE_WITH_CHANGES, Opinion.DISAGREE}:
        raise InvalidInput(_("请选择意见"), code=CatalogueCode.OPINION_INVALID)
    if opinion != Opinion.AGREE and not comments.strip():
        raise InvalidInput(
            _("修改后同意或不同意的，须写明具体意见"),
            code=CatalogueCode.COMMENTS_REQUIRED,
        )
    row.opinion = opinion
    row.comments = comments.strip()
    row.recorded_by = person(actor)
    row.recorded_at = clock.now()
    row.save(update_fields=["opinion", "comments", "recorded_by", "recorded_at"])
    audit.record(
        actor=actor,
        event="application.opinion_recorded",
        subject=row.application,
        after={
            "reviewer": row.township_id or row.department,
            "opinion": opinion,
            "comments": row.comments,
        },
    )
    return row


def _field_label(name: str) -> str:
    """The verbose name of one of the application's own fields."""
    field = Application._meta.get_field(name)
    if not isinstance(field, models.Field):  # a reverse relation has no label
        raise TypeError(f"Application.{name} is not a field of the application")
    return str(field.verbose_name)


def decision_problems(application: Application) -> list[dict[str, str]]:
    """What keeps the meeting from approving `application` (empty: it may)."""
    problems: list[dict[str, str]] = []
    pending = [o.reviewer_name for o in application.opinions.all() if not o.opinion]
    if pending:
        problems.append(
            {
                "code": "opinions_pending",
                "message": _("尚有单位未反馈意见：%s") % "、".join(pending),
            }
        )
    if application.kind != ApplicationKind.ADMISSION:
        return problems
    if application.catalogue_list.kind == ListKind.ASSISTANCE:
        # REQ-120: community work: no certificate, so no guide or certificate basis;
        # the rights and funds that go with the work still must (REQ-030, 费随事转).
        if not application.rights_matching.strip():
            problems.append(
                {
                    "code": "rights_matching_missing",
                    "message": _(
                        "尚未写明随工作事项赋予的权利、经费或手段（权责匹配）"
                    ),
                }
            )
        return problems
    missing = [
        _field_label(name)
        for name in GUIDE_CONTENT_FIELDS
        if not getattr(application, name).strip()
    ]
    if application.complexity == Complexity.COMPLEX and not application.time_limit_days:
        missing.append(str(Application._meta.get_field("time_limit_days").verbose_name))
    if missing:  # REQ-028
        problems.append(
            {
                "code": "guide_content_missing",
                "message": _("申请部门尚未提供：%s") % "、".join(missing),
            }
        )
    if not application.rights_matching.strip():  # REQ-030
        problems.append(
            {
                "code": "rights_matching_missing",
                "message": _("尚未写明赋予村（居）委会的相应权利或手段（权责匹配）"),
            }
        )
    if application.cites_new_local_rule and not application.justification:  # REQ-029
        problems.append(
            {"code": "justification_required", "message": _("缺少研究论证材料")}
        )
    if policy_only(application.bases):  # REQ-004, DIV-07
        problems.append(
            {
                "code": "policy_basis_only",
                "message": _(
                    "只有政策依据，须有法律、法规或国务院保留证明事项清单依据"
                ),
            }
        )
    if not application.within_committee_duties:
        problems.append(
            {
                "code": "not_within_duties",
                "message": _("未确认属于村（居）委会职责范围"),
            }
        )
    if application.item_id and application.item_id in selectors.negative_items_above(
        application.catalogue_list.owner_id, clock.today()
    ):
        problems.append(  # REQ-010
            {"code": "on_negative_list", "message": _("该事项已列入负面清单")}
        )
    return problems


def _open_draft(
    application: Application, actor: Actor, meeting_reference: str
) -> ListVersion:
    """The list's open draft, or a new one for this decision."""
    catalogue_list = application.catalogue_list
    open_version = catalogue_list.versions.filter(
        status__in=[VersionStatus.DRAFT, VersionStatus.APPROVED]
    ).first()
    if open_version is not None:
        if open_version.status != VersionStatus.DRAFT:
            raise Conflict(
                _("清单有已批准待公布的版本 v%d，请先公布或退回草稿")
                % open_version.number,
                code=CatalogueCode.APPROVED_VERSION_PENDING,
            )
        return open_version
    verb = _("准入") if application.kind == ApplicationKind.ADMISSION else _("退出")
    return versions.version_draft(
        actor=actor,
        list_id=catalogue_list.pk,
        reason=f"{verb}：{application.item_name}（{meeting_reference}）",
        source_document=meeting_reference,
    )


def _admit(application: Application, actor: Actor, meeting_reference: str) -> None:
    item = application.item
    if item is None:
        item = Item.objects.filter(key=application.item_key).first()
    if item is None:
        item = items.item_create(
            actor=actor,
            key=application.item_key,
            name=application.item_name,
            aliases=application.item_aliases,
            bases=[(b["type"], b["citation"]) for b in application.bases],
            within_committee_duties=application.within_committee_duties,
            competent_department=Department(application.department).label,
            complexity=application.complexity,
            time_limit_days=application.time_limit_days,
            remarks=_("经准入审核列入（%s）") % meeting_reference,
        )
    application.item = item
    if application.catalogue_list.kind == ListKind.POSITIVE and not (
        Guide.objects.filter(item=item).exists()
    ):
        # The department's content becomes the guide's draft; the list owner completes
        # the format and purpose and publishes it (DIV-14, REQ-075).
        guides.guide_save(
            actor=actor,
            item_key=item.key,
            procedure=application.procedure,
            operating_rules=application.work_requirements,
            materials=application.materials,
            sample_form=application.sample_form,
            time_limit_days=application.time_limit_days,
            basis="；".join(b["citation"] for b in application.bases),
        )
    version = _open_draft(application, actor, meeting_reference)
    application.resulting_version = version
    # The approval is saved first: the list takes a new item only on an approved
    # admission of that item to that list (REQ-021).
    application.save(update_fields=["status", "item", "resulting_version"])
    versions.version_add_item(
        actor=actor,
        version_id=version.pk,
        item_key=item.key,
        note=_("准入：%s") % meeting_reference,
        admission_id=application.pk,
    )


def _remove(application: Application, actor: Actor, reference: str) -> None:
    version = _open_draft(application, actor, reference)
    item = application.item
    # An entry always has an item, so none matches an application without one.
    if item is not None and version.entries.filter(item=item).exists():
        versions.version_remove_item(
            actor=actor, version_id=version.pk, item_key=item.key
        )
    application.resulting_version = version


@transaction.atomic
def application_decide(
    *,
    actor: Actor,
    application_id: int,
    approve: bool,
    meeting_date: dt.date,
    meeting_reference: str,
    reasons: str,
) -> Application:
    """Record the meeting's decision (REQ-023) and, on approval, write it into the
    list's next version (REQ-024, REQ-025)."""
    application = _application_for_update(application_id)
    policy.require(actor, "catalogue.manage", application.catalogue_list)
    if application.status != ApplicationStatus.IN_REVIEW:
        raise Conflict(
            _("只有联审中的申请可以作出决定"),
            code=CatalogueCode.APPLICATION_NOT_IN_REVIEW,
        )
    if meeting_date is None or meeting_date > clock.today():
        raise InvalidInput(
            _("会议日期不能晚于今天"), code=CatalogueCode.MEETING_DATE_INVALID
        )
    if not meeting_reference.strip():
        raise InvalidInput(
            _("请填写会议纪要或文号"), code=CatalogueCode.MEETING_REFERENCE_REQUIRED
        )
    if not reasons.strip():
        raise InvalidInput(_("请写明决定理由"), code=CatalogueCode.REASONS_REQUIRED)
    meeting_reference = meeting_reference.strip()
    if approve:
        problems = decision_problems(application)
        if problems:
            raise ApplicationIncomplete(
                _("不能批准：%s") % "；".join(p["message"] for p in problems),
                detail=problems,
            )
    elif any(not o.opinion for o in application.opinions.all()):
        raise ApplicationIncomplete(
            decision_problems(application)[0]["message"],
            code=CatalogueCode.OPINIONS_PENDING,
        )
    with audit.recorded(
        actor=actor,
        event="application.decided",
        subject=application,
        fields=APPLICATION_FIELDS,
    ):
        application.meeting_date = meeting_date
        application.meeting_reference = meeting_reference
        application.decision_reasons = reasons.strip()
        application.decided_by = person(actor)
        application.decided_at = clock.now()
        if not approve:
            move_to(application, ApplicationStatus.REJECTED)
        else:
            move_to(application, ApplicationStatus.APPROVED)
            if application.kind == ApplicationKind.ADMISSION:
                _admit(application, actor, meeting_reference)
            elif application.law_amendment_status not in {
                LawAmendmentStatus.PROPOSED,
                LawAmendmentStatus.SUBMITTED,
            }:
                _remove(application, actor, meeting_reference)
            # else REQ-027: stays on the list, "to be discontinued", until the law changes.
    return application


@transaction.atomic
def application_law_amendment(
    *, actor: Actor, application_id: int, status: str, note: str
) -> Application:
    """Track the proposal to amend the law behind an item to be discontinued (REQ-027);
    once adopted, the item leaves in the list's next version."""
    application = _application_for_update(application_id)
    policy.require(actor, "catalogue.manage", application.catalogue_list)
    if application.kind != ApplicationKind.EXIT or not application.law_amendment_status:
        raise InvalidInput(
            _("该申请不涉及修改法律法规"), code=CatalogueCode.NO_LAW_AMENDMENT
        )
    if application.status != ApplicationStatus.APPROVED:
        raise Conflict(
            _("退出申请尚未通过"), code=CatalogueCode.APPLICATION_NOT_APPROVED
        )
    order: list[str] = [
        LawAmendmentStatus.PROPOSED,
        LawAmendmentStatus.SUBMITTED,
        LawAmendmentStatus.ADOPTED,
    ]
    if status not in order or order.index(status) <= order.index(
        application.law_amendment_status
    ):
        raise InvalidInput(
            _("修法进展只能向前推进（拟提请 → 已提请 → 已修改）"),
            code=CatalogueCode.LAW_AMENDMENT_STATUS_INVALID,
        )
    if not note.strip():
        raise InvalidInput(_("请填写进展说明（如文号）"), code=CoreCode.NOTE_REQUIRED)
    with audit.recorded(
        actor=actor,
        event="application.law_amendment",
        subject=application,
        fields=APPLICATION_FIELDS,
        note=note.strip(),
    ):
        application.law_amendment_status = status
        if status == LawAmendmentStatus.ADOPTED:
            _remove(application, actor, note.strip())
    return application


@transaction.atomic
def application_file(*, actor: Actor, application_id: int, note: str) -> Application:
    """Acknowledge a filing (报备). The seeds name the type but not its handling (§6);
    it is logged and acknowledged, nothing more."""
    application = _application_for_update(application_id)
    policy.require(actor, "catalogue.manage", application.catalogue_list)
    if application.kind != ApplicationKind.FILING:
        raise InvalidInput(_("只有报备可以备案"), code=CatalogueCode.NOT_FILING)
    if not note.strip():
        raise InvalidInput(_("请填写备案意见"), code=CoreCode.NOTE_REQUIRED)
    with audit.recorded(
        actor=actor,
        event="application.filed",
        subject=application,
        fields=APPLICATION_FIELDS,
        note=note.strip(),
    ):
        application.decision_reasons = note.strip()
        application.decided_by = person(actor)
        application.decided_at = clock.now()
        move_to(application, ApplicationStatus.FILED)
    return application


@receiver(versions.version_published, dispatch_uid="catalogue.admissions.published")
def on_version_published(
    sender: Any, *, actor: Actor, version_id: int, valid_from: dt.date, **kwargs: Any
) -> None:
    """Inside version_publish: the decisions behind the version are published
    (REQ-024) and the guides of items that left are withdrawn (REQ-025) where no list in
    force still names them."""
    applications = list(
        Application.objects.select_for_update(of=("self",))
        .select_related("item")
        .filter(resulting_version_id=version_id, status=ApplicationStatus.APPROVED)
    )
    for application in applications:
        with audit.recorded(
            actor=actor,
            event="application.published",
            subject=application,
            fields=APPLICATION_FIELDS,
        ):
            move_to(application, ApplicationStatus.PUBLISHED)
        if application.kind != ApplicationKind.EXIT:
            continue
        still_listed = (
            selectors.versions_in_force_anywhere(valid_from)
            .filter(
                catalogue_list__kind=ListKind.POSITIVE,
                entries__item=application.item,
            )
            .exists()
        )
        item = application.item
        guide = Guide.objects.filter(item=item).first()
        # A guide always has an item, so none is found for an application without one.
        if (
            not still_listed
            and item is not None
            and guide is not None
            and guide.is_published
        ):
            guides.guide_withdraw(
                actor=actor,
                item_key=item.key,
                reason=_("经退出审核移出清单（%s）") % application.meeting_reference,
            )
