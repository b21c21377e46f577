"""Reads of certificate requests, and the plain facts `rules.decide()` works on.

`catalogue_entry()` looks the item up in the committee's effective catalogue on a date
(REQ-009) and names the list versions in force that the decision rests on (REQ-047); a
request keeps what it found at intake, so later steps decide on the same versions
(`item_facts()`). `request_facts()` gathers what has been recorded on the request and the
jurisdiction's switch (REQ-039). Lists go through the policy's visibility filter.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import QuerySet

from yinzheng.accounts.choices import Department
from yinzheng.catalogue import selectors as catalogue
from yinzheng.catalogue.choices import ListKind
from yinzheng.catalogue.models import Guide, Item
from yinzheng.core import tracking
from yinzheng.core.codes import Level, ancestor_codes, level_of
from yinzheng.core.db import unique_row
from yinzheng.divisions.models import Division
from yinzheng.seals.choices import SealForm, SealStatus
from yinzheng.seals.models import Seal

from . import rules
from .choices import (
    OPEN_REFERRAL_STATUSES,
    OPEN_STATUSES,
    Status,
    SubmissionStatus,
    TaskStatus,
)
from .models import (
    CertificateRequest,
    CreditPlatform,
    CreditSubmission,
    JurisdictionSetting,
    Referral,
    VerificationTask,
)

# Visibility (the policy decides; `Model.objects.visible_to(user, action)`) ----------


def requests_visible_to(user: Any) -> QuerySet[CertificateRequest]:
    return CertificateRequest.objects.visible_to(user).select_related(
        "committee", "item"
    )


def request_get(user: Any, pk: int) -> CertificateRequest | None:
    return requests_visible_to(user).filter(pk=pk).first()


def overdue(user: Any, today: dt.date) -> QuerySet[CertificateRequest]:
    """REQ-045: open requests past their due date, for the committee and the township."""
    return requests_visible_to(user).filter(
        status__in=OPEN_STATUSES, due_on__isnull=False, due_on__lt=today
    )


def waiting(user: Any, status: str, action: str) -> QuerySet[CertificateRequest]:
    """Requests in `status` at committees where the user may take `action`."""
    return CertificateRequest.objects.visible_to(user, action).filter(status=status)


def party_queue(user: Any) -> QuerySet[CertificateRequest]:
    """REQ-043: Party matters transferred to the user's Party organisation and not yet
    recorded as handled, oldest first."""
    return (
        CertificateRequest.objects.visible_to(user, "party.handle")
        .filter(status=Status.TRANSFERRED, partycaserecord__isnull=True)
        .select_related("committee")
        .order_by("closed_at", "pk")
    )


def referral_queue(user: Any, *, open_only: bool = True) -> QuerySet[Referral]:
    """REQ-118: the cases referred to the departments the user speaks for, in the
    jurisdictions its grants cover; the open ones (to acknowledge, to answer) oldest
    first, or all of them newest first."""
    qs = Referral.objects.for_departments(user).select_related(
        "request", "request__committee", "request__item", "jurisdiction"
    )
    if open_only:
        return qs.filter(status__in=OPEN_REFERRAL_STATUSES).order_by(
            "recorded_at", "pk"
        )
    return qs.order_by("-recorded_at", "-pk")


# Words with which items name their departments, and the department each means
# (accounts.choices.Department); the first that matches wins (REQ-118).
_DEPARTMENT_WORDS = (
    ("公安", Department.PUBLIC_SECURITY),
    ("卫生", Department.HEALTH),
    ("卫健", Department.HEALTH),
    ("医疗", Department.HEALTH),
    ("人力资源", Department.HUMAN_RESOURCES),
    ("人社", Department.HUMAN_RESOURCES),
    ("就业", Department.HUMAN_RESOURCES),
    ("社会保障", Department.HUMAN_RESOURCES),
    ("司法", Department.JUSTICE),
    ("调解", Department.JUSTICE),
    ("民政", Department.CIVIL_AFFAIRS),
    ("发展改革", Department.DEVELOPMENT_REFORM),
    ("发改", Department.DEVELOPMENT_REFORM),
)


def referral_department(names: Any) -> str:
    """The department (accounts.choices.Department) that the item's responsible
    departments name first, "other" when none of them is one of ours."""
    for name in names:
        for word, department in _DEPARTMENT_WORDS:
            if word in name:
                return department
    return Department.OTHER


def referral_jurisdictions(committee_code: str) -> list[Division]:
    """REQ-118: where a committee's case may go — the department of the county the
    committee sits in, or of its township — the county first."""
    codes = [
        c
        for c in ancestor_codes(committee_code)
        if level_of(c) in (Level.COUNTY, Level.TOWNSHIP)
    ]
    found = {d.code: d for d in Division.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def public_referral(req: CertificateRequest) -> Referral | None:
    """REQ-118: the office a refused case was handed to, for the resident's status
    page: the department, the place and how far it has got. The page shows no more
    (the department's answer is free text for the committee, and may name people)."""
    if req.status != Status.REFUSED:
        return None
    return unique_row(
        Referral.objects.select_related("jurisdiction").filter(request=req)
    )


def by_tracking_code(code: str) -> CertificateRequest | None:
    """The request of a tracking code: a readable one (issue 16) typed in any case,
    with or without its dashes; an older one exactly as written."""
    if not code or len(code) > 64:
        return None
    wanted = [code] if len(code) <= 32 else []
    readable = tracking.normalise(code)
    if readable is not None and readable != code:
        wanted.append(readable)
    found = {
        r.tracking_code: r
        for r in CertificateRequest.objects.select_related("committee", "item").filter(
            tracking_code__in=wanted
        )
    }
    return next((found[c] for c in wanted if c in found), None)


# The jurisdiction's switch (REQ-039) ---------------------------------------------------


_Keyed = TypeVar("_Keyed", JurisdictionSetting, CreditPlatform)


def _nearest(model: type[_Keyed], committee_code: str) -> _Keyed | None:
    """The row of `model` (keyed by division) nearest the committee on its chain, the
    committee itself first."""
    chain = [*ancestor_codes(committee_code), committee_code]
    found = {s.division_id: s for s in model.objects.filter(division_id__in=chain)}
    for code in reversed(chain):
        if code in found:
            return found[code]
    return None


def setting_for(committee_code: str) -> JurisdictionSetting | None:
    """The nearest setting on the committee's chain (the committee itself first)."""
    return _nearest(JurisdictionSetting, committee_code)


def credit_platform_for(committee_code: str) -> CreditPlatform | None:
    """REQ-086: the credit platform configured nearest the committee (its county, a
    city or the province), or None. A disabled nearest row means: do not send."""
    return _nearest(CreditPlatform, committee_code)


def negative_exception_enabled(committee_code: str) -> bool:
    setting = setting_for(committee_code)
    return True if setting is None else setting.negative_exception_enabled


# The catalogue the decision rests on ------------------------------------------------


@dataclass(frozen=True)
class CatalogueEntry:
    list_kind: str  # positive / negative / department / none
    list_title: str
    version_ids: tuple[int, ...]  # the deciding versions in force on the chain


def catalogue_entry(
    item: Item | None, committee_code: str, on: dt.date
) -> CatalogueEntry:
    codes = [*ancestor_codes(committee_code), committee_code]
    versions = catalogue.versions_in_force(codes, on).filter(
        catalogue_list__kind__in=[
            ListKind.POSITIVE,
            ListKind.NEGATIVE,
            ListKind.DEPARTMENT,
        ]
    )
    version_ids = tuple(sorted(versions.values_list("pk", flat=True)))
    if item is None:
        return CatalogueEntry("none", "", version_ids)
    entry = catalogue.effective_catalogue(committee_code, on).get(item.key)
    if entry is None:
        return CatalogueEntry("none", "", version_ids)
    return CatalogueEntry(entry.kind, entry.list_title, version_ids)


def _time_limit(item: Item) -> int | None:
    guide = unique_row(Guide.objects.filter(item=item).only("time_limit_days"))
    if guide is not None and guide.time_limit_days:
        return guide.time_limit_days
    return item.time_limit_days


def item_facts(
    item: Item | None, *, name: str, list_kind: str, list_title: str = ""
) -> rules.ItemFacts:
    if item is None:
        return rules.ItemFacts(key="", name=name, list_kind=list_kind)
    return rules.ItemFacts(
        key=item.key,
        name=item.name,
        list_kind=list_kind,
        list_title=list_title,
        within_committee_duties=item.within_committee_duties,
        public_interest=item.public_interest,
        legal_risk=item.legal_risk,
        liability_bearing=item.liability_bearing,
        party_related=item.party_related,
        commitment_allowed=item.commitment_allowed,
        complexity=item.complexity,
        time_limit_days=_time_limit(item),
        route=item.route,
        responsible_departments=tuple(item.responsible_departments),
        exceptions=tuple(item.exceptions),
    )


def request_item_facts(req: CertificateRequest) -> rules.ItemFacts:
    """The item as the request found it on its catalogue (list kind fixed at intake)."""
    return item_facts(
        req.item,
        name=req.item_text,
        list_kind=req.list_kind,
        list_title=req.list_title,
    )


def request_facts(req: CertificateRequest) -> rules.RequestFacts:
    exc = getattr(req, "exceptionrecord", None)
    con = getattr(req, "consultation", None)
    risk = getattr(req, "riskassessment", None)
    return rules.RequestFacts(
        committee_name=req.committee.name,
        requiring_unit=req.requiring_unit,
        public_interest=req.public_interest,
        party_related=req.party_related,
        legal_risk=req.legal_risk,
        carries_liability=req.carries_liability,
        exception_claimed=req.exception_claimed,
        negative_exception_enabled=negative_exception_enabled(req.committee_id),
        exception=rules.ExceptionFacts(
            trigger=exc.trigger,
            entity_name=exc.entity_name,
            within_duties=exc.within_duties,
            verifiable=exc.verifiable,
            evidence=exc.evidence,
            assessment=exc.assessment,
            precautions=exc.precautions,
            # REQ-038: files retained with the case, not a tick box.
            materials_retained=req.attachments.filter(
                retained_for_exception=True
            ).exists(),
        )
        if exc is not None
        else None,
        consultation=rules.ConsultationFacts(
            form=con.form,
            held_on=con.held_on,
            participants=con.participants,
            result=con.result,
            head_signed=con.head_signed_by_id is not None,
        )
        if con is not None
        else None,
        risk=rules.RiskFacts(
            investigation=risk.investigation,
            deliberation=risk.deliberation,
            assessment=risk.assessment,
            precautions=risk.precautions,
        )
        if risk is not None
        else None,
    )


def decision_for(req: CertificateRequest) -> rules.Decision:
    """What the rules say about the request now, on the versions it started under."""
    return rules.decide(request_item_facts(req), request_facts(req))


def decision_shown(req: CertificateRequest) -> dict[str, Any]:
    """The decision as pages and the API show it: live while the request is open, as
    kept once it is final. Worked out once per loaded request (a page asks it for
    every action it may offer). The words are those of the active language."""
    if not req.is_open:
        kept: dict[str, Any] = req.decision  # a JSONField: Any to the stubs
        # Its words again in the reader's language, from the codes (issue 16).
        return rules.localized(kept)
    cached = req.__dict__.get("_decision_shown")
    if cached is None:
        cached = req.__dict__["_decision_shown"] = decision_for(req).as_dict()
    return cached


def decision_preview(item: Item, committee_code: str, on: dt.date) -> rules.Decision:
    """What the window would decide on this item for this committee before any fact is
    recorded (issue 16: the online application says at once when an item is refused,
    with its route; the same `rules.decide()` as intake)."""
    committee = Division.objects.get(code=committee_code)
    entry = catalogue_entry(item, committee_code, on)
    facts = item_facts(
        item, name=item.name, list_kind=entry.list_kind, list_title=entry.list_title
    )
    return rules.decide(
        facts,
        rules.RequestFacts(
            committee_name=committee.name,
            negative_exception_enabled=negative_exception_enabled(committee_code),
        ),
    )


def electronic_available(committee_code: str) -> bool:
    """Does the committee have an electronic seal in use (issue 14: only then can a
    certificate be issued electronically, and downloaded online)?"""
    return Seal.objects.filter(
        committee_id=committee_code, form=SealForm.ELECTRONIC, status=SealStatus.IN_USE
    ).exists()


def demand_warning(req: CertificateRequest) -> bool:
    """REQ-016: a unit demands a certificate the committee's positive list does not
    name (Party matters aside: they are not the committee's to issue at all)."""
    return (
        bool(req.requiring_unit.strip())
        and req.list_kind != ListKind.POSITIVE
        and req.intake_class != "party"
    )


def beyond_seal_scope(req: CertificateRequest) -> bool:
    """REQ-041, REQ-042: a unit demands a certificate that carries legal or economic
    liability, outside what a committee's seal may be used for."""
    item = req.item if req.item_id else None
    return bool(
        req.requiring_unit.strip()
        and (req.carries_liability or (item is not None and item.liability_bearing))
    )


def reportable(req: CertificateRequest) -> bool:
    """The demand behind the request may be reported as unreasonable (REQ-016, REQ-042):
    a certificate the list does not name, or one beyond the seal's scope."""
    return demand_warning(req) or beyond_seal_scope(req)


def is_final(req: CertificateRequest) -> bool:
    return req.status not in OPEN_STATUSES


# Notification-commitment, post-verification, credit (REQ-082–086) ------------------


def tasks_to_verify(user: Any) -> QuerySet[VerificationTask]:
    """Open tasks where the user may record the result (REQ-083)."""
    return VerificationTask.objects.visible_to(user, "commitment.verify").filter(
        status=TaskStatus.OPEN
    )


def submissions_pending(user: Any) -> QuerySet[CreditSubmission]:
    """Queued or failed submissions, for those who see credit records."""
    return CreditSubmission.objects.visible_to(user).filter(
        status__in=[SubmissionStatus.QUEUED, SubmissionStatus.FAILED]
    )
