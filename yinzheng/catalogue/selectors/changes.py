"""The per-period change report of the lists (REQ-019: 坚决杜绝边减边增、明减暗增、先减后增).

For every version of the given lists that took effect within the period, what it added
to and removed from the version before it, each line with the decision behind it: the
approved admission (REQ-021) or exit (REQ-025) written into that version, the clean-up
decision (REQ-011), the initial load of a list (its first version), or — where none of
those is recorded — the version's own approval record (REQ-014). Totals count items
added and removed over the period. Nothing here writes; the staff page, the API and
`yinzheng catalogue-changes` read it the same way.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from yinzheng.core.errors import InvalidInput

from ..choices import ApplicationKind, ApplicationStatus
from ..errors import CatalogueCode
from ..models import Application, CatalogueList, CleanupDecision, ListVersion
from .lists import IN_FORCE_STATUSES, version_diff

# The longest period one report covers: ten years of versions is plenty for a county.


@dataclass(frozen=True)
class ChangeLine:
    item_key: str
    item_name: str
    # admission | exit | cleanup | initial_load | version
    decision_kind: str
    decision: str


@dataclass(frozen=True)
class VersionChanges:
    list_id: int
    list_title: str
    owner: str
    owner_name: str
    kind: str
    version_number: int
    valid_from: dt.date | None
    reason: str
    approval_body: str
    approval_date: dt.date | None
    approval_reference: str
    added: list[ChangeLine] = field(default_factory=list)
    removed: list[ChangeLine] = field(default_factory=list)


@dataclass(frozen=True)
class ChangeReport:
    start: dt.date
    end: dt.date
    versions: list[VersionChanges]

    @property
    def added_count(self) -> int:
        return sum(len(v.added) for v in self.versions)

    @property
    def removed_count(self) -> int:
        return sum(len(v.removed) for v in self.versions)


def check_period(start: dt.date | None, end: dt.date | None) -> None:
    if start is None or end is None or start > end:
        raise InvalidInput(
            _("统计期间无效：须写明起止日期，且开始日期不晚于结束日期"),
            code=CatalogueCode.PERIOD_INVALID,
        )


def _approval(version: ListVersion) -> str:
    return _("清单版本批准：%(body)s %(date)s %(ref)s") % {
        "body": version.approval_body,
        "date": version.approval_date.isoformat() if version.approval_date else "",
        "ref": version.approval_reference,
    }


def _application_line(application: Application) -> str:
    verb = _("准入") if application.kind == ApplicationKind.ADMISSION else _("退出")
    return _("%(verb)s申请（%(unit)s）经 %(date)s 联审会议批准：%(ref)s") % {
        "verb": verb,
        "unit": application.applicant_unit,
        "date": application.meeting_date.isoformat()
        if application.meeting_date
        else "",
        "ref": application.meeting_reference,
    }


def _version_changes(version: ListVersion) -> VersionChanges:
    catalogue_list = version.catalogue_list
    previous = (
        catalogue_list.versions.filter(
            status__in=IN_FORCE_STATUSES, number__lt=version.number
        )
        .order_by("-number")
        .first()
    )
    diff = version_diff(previous, version)
    applications = {
        (a.kind, a.item_id): a
        for a in Application.objects.filter(
            resulting_version=version,
            status__in=[ApplicationStatus.APPROVED, ApplicationStatus.PUBLISHED],
        )
    }
    cleanup = {
        d.item_id: d
        for d in CleanupDecision.objects.filter(
            review__resulting_version=version
        ).select_related("review")
    }
    added: list[ChangeLine] = []
    for entry in diff.added:
        admission = applications.get((ApplicationKind.ADMISSION, entry.item_id))
        if admission is not None:
            kind, why = "admission", _application_line(admission)
        elif previous is None:
            kind = "initial_load"
            why = _("清单初次制定（%s）") % version.reason + "；" + _approval(version)
        else:
            kind, why = "version", _approval(version)
        added.append(ChangeLine(entry.item.key, entry.item.name, kind, why))
    removed: list[ChangeLine] = []
    for entry in diff.removed:
        exit_ = applications.get((ApplicationKind.EXIT, entry.item_id))
        decision = cleanup.get(entry.item_id)
        if exit_ is not None:
            kind, why = "exit", _application_line(exit_)
        elif decision is not None:
            kind = "cleanup"
            why = _("清理：%(disposition)s %(reason)s") % {
                "disposition": decision.get_disposition_display(),
                "reason": decision.reason,
            }
        else:
            kind, why = "version", _approval(version)
        removed.append(ChangeLine(entry.item.key, entry.item.name, kind, why))
    return VersionChanges(
        list_id=catalogue_list.pk,
        list_title=catalogue_list.title,
        owner=catalogue_list.owner_id,
        owner_name=catalogue_list.owner.name,
        kind=catalogue_list.kind,
        version_number=version.number,
        valid_from=version.valid_from,
        reason=version.reason,
        approval_body=version.approval_body,
        approval_date=version.approval_date,
        approval_reference=version.approval_reference,
        added=added,
        removed=removed,
    )


def change_report(
    *, lists: QuerySet[CatalogueList], start: dt.date, end: dt.date
) -> ChangeReport:
    """Additions and removals of `lists` by the versions that took effect from `start`
    to `end`, both included (REQ-019)."""
    check_period(start, end)
    versions = (
        ListVersion.objects.filter(
            catalogue_list__in=lists,
            status__in=IN_FORCE_STATUSES,
            valid_from__gte=start,
            valid_from__lte=end,
        )
        .select_related("catalogue_list__owner")
        .order_by("catalogue_list__owner_id", "catalogue_list_id", "number")
    )
    return ChangeReport(
        start=start, end=end, versions=[_version_changes(v) for v in versions]
    )
