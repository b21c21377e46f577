"""Reads of reporting upward (REQ-105, REQ-108–110): who speaks for a report's sender and
who signs for its recipient, the reports a user sees (sent, received, or all those in
their scope), the township summaries a county may compile, the bureau's contact list with
each township's liaison or the gap (REQ-109), and each township's assessments over time
(REQ-110).

The policy says *where* a user may send or receive; these functions add *for whom*: a
county bureau's grant covers its townships, yet it does not write in a township's name,
and a city's grant covers its counties, yet it signs only for what is addressed to the
city itself.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from yinzheng.accounts import policy
from yinzheng.accounts.choices import Role
from yinzheng.core import masking
from yinzheng.core.codes import Level, covers, level_of
from yinzheng.divisions.models import Division

from .choices import ReportKind, ReportStatus
from .models import Assessment, Liaison, UpwardReport

VIEW = "stats.view"
REPORT, RECEIVE = "stats.report", "stats.report_receive"
LIAISON, ASSESS = "stats.liaison_manage", "stats.assess"
CHOICES_LIMIT = 2000

# Who speaks for a sender: a township's own officers, the county's bureau (and an
# administrator over either).
SENDER_ROLES: dict[int, frozenset[str]] = {
    Level.TOWNSHIP: frozenset({Role.TOWNSHIP, Role.ADMIN}),
    Level.COUNTY: frozenset({Role.CIVIL_AFFAIRS, Role.ADMIN}),
}


def _grant_codes(user: Any, action_code: str, roles: frozenset[str]) -> list[str]:
    """The divisions of the user's grants with one of `roles` at a level the action
    allows."""
    spec = policy.action(action_code)
    return [
        code
        for role, code, _dept in policy.grants_of(user)
        if role in roles
        and role in spec.roles
        and (spec.levels is None or level_of(code) in spec.levels)
    ]


def sends_for(user: Any, division: Division | str) -> bool:
    """May the user draft and submit reports in the name of this township or county?"""
    code = policy.division_code_of(division)
    if not policy.can(user, REPORT, code):
        return False
    if policy.acts_everywhere(user):
        return True
    level = level_of(code)
    roles = SENDER_ROLES.get(level)
    if roles is None:
        return False
    return any(
        covers(top, code) and (level == Level.TOWNSHIP or level_of(top) == level)
        for top in _grant_codes(user, REPORT, roles)
    )


def receives_for(user: Any, recipient_code: str) -> bool:
    """May the user sign for reports addressed to this division? Its own civil-affairs
    officers only: a grant above covers it but is another body."""
    if not policy.can(user, RECEIVE, recipient_code):
        return False
    if policy.acts_everywhere(user):
        return True
    spec = policy.action(RECEIVE)
    return recipient_code in _grant_codes(user, RECEIVE, spec.roles)


def sending_q(user: Any) -> Q:
    """Reports whose sender the user speaks for."""
    if policy.acts_everywhere(user):
        return Q()
    township = policy.Scope.of(
        _grant_codes(user, REPORT, SENDER_ROLES[Level.TOWNSHIP])
    ).q("sender_id") & Q(sender__level=Level.TOWNSHIP)
    counties = [
        c
        for c in _grant_codes(user, REPORT, SENDER_ROLES[Level.COUNTY])
        if level_of(c) == Level.COUNTY
    ]
    return township | Q(sender_id__in=counties)


def receiving_q(user: Any) -> Q:
    """Reports addressed to a division the user signs for."""
    if policy.acts_everywhere(user):
        return Q()
    return Q(recipient_id__in=_grant_codes(user, RECEIVE, policy.action(RECEIVE).roles))


def reports(user: Any) -> QuerySet[UpwardReport]:
    """Every report in the user's scope (the sender's subtree, REQ-098: the levels
    above read), drafts only for those who speak for their sender."""
    found = UpwardReport.objects.visible_to(user)
    if not policy.acts_everywhere(user):
        found = found.filter(~Q(status=ReportStatus.DRAFT) | sending_q(user))
    return found.select_related(
        "sender",
        "recipient",
        "campaign",
        "created_by",
        "submitted_by",
        "received_by",
    )


def sent(user: Any) -> QuerySet[UpwardReport]:
    return reports(user).filter(sending_q(user))


def received(user: Any) -> QuerySet[UpwardReport]:
    """REQ-108: what was submitted to a division the user signs for."""
    return reports(user).filter(receiving_q(user)).exclude(status=ReportStatus.DRAFT)


def may_receive(user: Any) -> bool:
    return policy.acts_everywhere(user) or bool(
        _grant_codes(user, RECEIVE, policy.action(RECEIVE).roles)
    )


def sender_choices(user: Any) -> list[Division]:
    """The townships and counties the user may send for (the services decide again)."""
    where = policy.scope(user, REPORT)
    if not where:
        return []
    candidates = Division.objects.filter(
        where.q("code"), level__in=[Level.COUNTY, Level.TOWNSHIP]
    ).order_by("code")[:CHOICES_LIMIT]
    return [d for d in candidates if sends_for(user, d)]


def compilable_summaries(county_code: str) -> QuerySet[UpwardReport]:
    """REQ-105: the summaries the county's townships have submitted to it."""
    return (
        UpwardReport.objects.filter(
            kind=ReportKind.SUMMARY,
            status__in=[ReportStatus.SUBMITTED, ReportStatus.RECEIVED],
            recipient_id=county_code,
            sender__parent_id=county_code,
            sender__level=Level.TOWNSHIP,
        )
        .select_related("sender")
        .order_by("sender_id", "submitted_at", "id")
    )


def counties_seen(user: Any) -> QuerySet[Division]:
    """The counties whose reporting the user may read: those in their scope and the
    county above a township's."""
    where = policy.scope(user, VIEW)
    return Division.objects.filter(where.tree_q("code"), level=Level.COUNTY).order_by(
        "code"
    )


# The contact list (REQ-109) -----------------------------------------------------------


@dataclass(frozen=True)
class ContactRow:
    township: Division
    liaison: Liaison | None
    # In full for the bureau and the township itself, masked for every other reader.
    phone: str
    editable: bool

    @property
    def gap(self) -> bool:
        return self.liaison is None


def _townships(user: Any, county_code: str) -> QuerySet[Division]:
    where = policy.scope(user, VIEW)
    return Division.objects.filter(
        where.q("code"), parent_id=county_code, level=Level.TOWNSHIP
    ).order_by("code")


def contact_list(user: Any, county_code: str) -> list[ContactRow]:
    """REQ-109: every township of the county the user sees, with its one liaison or
    the gap (未指定)."""
    townships = list(_townships(user, county_code))
    liaisons = {
        liaison.township_id: liaison
        for liaison in Liaison.objects.filter(
            township_id__in=[t.code for t in townships]
        )
    }
    manages = policy.scope(user, LIAISON)
    rows = []
    for township in townships:
        liaison = liaisons.get(township.code)
        full = manages.covers(township.code)
        phone = ""
        if liaison is not None:
            phone = liaison.phone if full else masking.mask_phone(liaison.phone)
        rows.append(ContactRow(township, liaison, phone, full))
    return rows


# Assessments per township over time (REQ-110) ------------------------------------------


@dataclass(frozen=True)
class TownshipAssessments:
    township: Division
    # Oldest first: the township's progress read over time.
    assessments: list[Assessment] = field(default_factory=list)

    @property
    def latest(self) -> Assessment | None:
        return self.assessments[-1] if self.assessments else None


def assessments_by_township(
    user: Any, county_code: str, township_code: str = ""
) -> list[TownshipAssessments]:
    """REQ-110: each township of the county the user sees, with its assessments in
    date order (one township's when `township_code` names it)."""
    townships = _townships(user, county_code)
    if township_code:
        townships = townships.filter(code=township_code)
    found: dict[str, list[Assessment]] = {t.code: [] for t in townships}
    for assessment in (
        Assessment.objects.visible_to(user)
        .filter(township_id__in=list(found))
        .select_related("campaign", "recorded_by")
        .order_by("township_id", "assessed_on", "id")
    ):
        found[assessment.township_id].append(assessment)
    return [TownshipAssessments(t, found[t.code]) for t in townships]
