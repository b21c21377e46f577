"""Where a kept survey entry went (REQ-099): a certificate the bureau keeps must reach a
list through an admission application (REQ-021), so each kept entry shows whether its
item is already on a list in force for the county, which application proposes it, or
that none does yet — with the link that opens one, pre-filled from the entry."""

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from yinzheng.catalogue.choices import ApplicationKind, ListKind
from yinzheng.catalogue.models import Application
from yinzheng.catalogue.selectors.in_force import effective_catalogue
from yinzheng.core import clock
from yinzheng.core.codes import ancestor_codes

from .choices import Disposition
from .models import Survey, SurveyEntry


@dataclass(frozen=True)
class Followup:
    state: str  # "listed" | "negative" | "applied" | "none"
    text: str
    url: str = ""


def _apply_url(entry: SurveyEntry) -> str:
    query = {
        "kind": ApplicationKind.ADMISSION,
        "item_name": entry.item_name,
        "citation_1": entry.disposition_basis,
        "reason": _("证明事项摸排保留条目：%(name)s。%(basis)s")
        % {"name": entry.item_name, "basis": entry.basis or entry.disposition_basis},
    }
    return f"{reverse('catalogue:manage_application_new')}?{urlencode(query)}"


def followups(survey: Survey, entries: Iterable[SurveyEntry]) -> dict[int, Followup]:
    """For each kept entry, by its id: what the lists in force for the survey's county
    say about an item of that name, else the newest admission application for it on a
    list of the county's chain, else nothing yet. Three queries, whatever the count."""
    kept = [e for e in entries if e.disposition == Disposition.KEEP]
    if not kept:
        return {}
    in_force = effective_catalogue(survey.county_id, clock.today())
    by_name = {entry.item.name: entry for entry in in_force.values()}
    chain = [*ancestor_codes(survey.county_id), survey.county_id]
    applications: dict[str, Application] = {}
    for proposed in Application.objects.filter(
        kind=ApplicationKind.ADMISSION,
        item_name__in={e.item_name for e in kept},
        catalogue_list__owner_id__in=chain,
    ).order_by("submitted_at", "pk"):
        applications[proposed.item_name] = proposed  # the newest wins
    result: dict[int, Followup] = {}
    for e in kept:
        listed = by_name.get(e.item_name)
        application = applications.get(e.item_name)
        if listed is not None and listed.kind == ListKind.NEGATIVE:
            result[e.pk] = Followup(
                "negative",
                _("该事项列入负面清单《%(title)s》，不应保留")
                % {"title": listed.list_title},
            )
        elif listed is not None:
            result[e.pk] = Followup(
                "listed", _("已列入《%(title)s》") % {"title": listed.list_title}
            )
        elif application is not None:
            result[e.pk] = Followup(
                "applied",
                _("准入申请：%(status)s")
                % {"status": application.get_status_display()},
                application.get_absolute_url(),
            )
        else:
            result[e.pk] = Followup("none", _("尚未提出准入申请"), _apply_url(e))
    return result
