"""Staff pages of the inventory survey (摸排, REQ-099).

The county bureau opens a survey; townships, departments and the bureau enter what
they find — a certificate committees actually issue, a local rule that requires one,
or a department's, utility's or agency's demand — each with the department responsible
for it (谁主管、谁负责). The bureau decides every entry (keep with its basis, or
cancel with the reason) and closes the survey once none is left undecided; a closed
survey is read-only.

The pages hold no rules: stats.services decides and its refusals are shown (a refusal
of the action itself is a 403); the lists come from `visible_to` and the viewer's
scope, so an object outside it is a 404.
"""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yinzheng.accounts import policy
from yinzheng.core.codes import Level
from yinzheng.core.errors import CoreCode
from yinzheng.core.web import attempt
from yinzheng.divisions.models import Division

from .. import services
from ..choices import Disposition, SourceType, SurveyStatus
from ..followups import followups
from ..forms import DisposeForm, EntryForm, SurveyForm
from ..models import Survey, SurveyEntry
from .tables import CHOICES_LIMIT, FILL, MANAGE, PAGE_SIZE, VIEW
from .tables import _get_or_404 as get_or_404
from .tables import _require as require
from .tables import _submit as submit

PENDING = "pending"

# A refusal's code → the form field it concerns (else it goes on the form as a whole).
SURVEY_FIELDS: dict[str, str] = {CoreCode.DIVISION_NOT_FOUND: "county"}
ENTRY_FIELDS: dict[str, str] = {
    CoreCode.DIVISION_NOT_FOUND: "division",
    CoreCode.DEPARTMENT_REQUIRED: "responsible_department",
}
DISPOSE_FIELDS: dict[str, str] = {CoreCode.REASON_REQUIRED: "basis"}


def _surveys(user: Any) -> QuerySet[Survey]:
    """The surveys of the counties in the user's scope, and of the county above a
    township's (the township enters its findings in the county's survey)."""
    where = policy.scope(user, VIEW)
    return Survey.objects.filter(where.tree_q("county_id")).select_related(
        "county", "opened_by", "closed_by"
    )


def _survey_or_404(user: Any, pk: int) -> Survey:
    require(user, VIEW)
    return get_or_404(_surveys(user), pk)


def _entry_or_404(user: Any, pk: int) -> SurveyEntry:
    require(user, VIEW)
    return get_or_404(
        SurveyEntry.objects.visible_to(user)
        .filter(survey__in=_surveys(user))
        .select_related("survey"),
        pk,
    )


def _entries(user: Any, survey: Survey) -> QuerySet[SurveyEntry]:
    return (
        SurveyEntry.objects.visible_to(user)
        .filter(survey=survey)
        .select_related("division", "disposed_by")
    )


def _enter_divisions(user: Any, survey: Survey) -> list[Division]:
    """Where in the survey's county the user may enter findings (the service decides
    again on every POST)."""
    where = policy.scope(user, FILL) | policy.scope(user, MANAGE)
    if not where:
        return []
    return list(
        Division.objects.filter(
            where.q("code"), code__startswith=survey.county_id
        ).order_by("code")[:CHOICES_LIMIT]
    )


def _dispose_form(entry: SurveyEntry, data: Any = None) -> forms.Form:
    return DisposeForm(
        data,
        auto_id=f"id_d{entry.pk}_%s",
        initial={"disposition": entry.disposition, "basis": entry.disposition_basis},
    )


def _counts(entries: QuerySet[SurveyEntry]) -> dict[str, list[dict[str, Any]]]:
    by_source = dict(
        entries.order_by().values_list("source_type").annotate(n=Count("id"))
    )
    by_disposition = dict(
        entries.order_by().values_list("disposition").annotate(n=Count("id"))
    )
    return {
        "source": [
            {"value": v, "label": label, "count": by_source.get(v, 0)}
            for v, label in SourceType.choices
        ],
        "disposition": [
            {"value": PENDING, "label": _("未处理"), "count": by_disposition.get("", 0)}
        ]
        + [
            {"value": v, "label": label, "count": by_disposition.get(v, 0)}
            for v, label in Disposition.choices
        ],
    }


def _survey_page(
    request: HttpRequest,
    survey: Survey,
    *,
    entry_form: forms.Form | None = None,
    refused: tuple[int, forms.Form] | None = None,
) -> HttpResponse:
    """The survey page; a refused form comes back with its errors on it."""
    user = request.user
    is_open = survey.status == SurveyStatus.OPEN
    entries = _entries(user, survey)
    source = request.GET.get("source", "")
    if source not in SourceType.values:
        source = ""
    pending = request.GET.get(PENDING) == "1"
    shown = entries
    if source:
        shown = shown.filter(source_type=source)
    if pending:
        shown = shown.filter(disposition="")
    disposes = is_open and policy.can(user, MANAGE, survey)
    divisions = _enter_divisions(user, survey) if is_open else []
    if entry_form is None and divisions:
        entry_form = EntryForm(divisions=divisions)
    kept = followups(survey, shown)
    rows = [
        {
            "entry": e,
            "form": (
                refused[1]
                if refused and refused[0] == e.pk
                else _dispose_form(e)
                if disposes
                else None
            ),
            "followup": kept.get(e.pk),
        }
        for e in shown
    ]
    return render(
        request,
        "stats/survey_detail.html",
        {
            "survey": survey,
            "rows": rows,
            "counts": _counts(entries),
            "total": entries.count(),
            "source": source,
            "pending": pending,
            "filtered": bool(source or pending),
            "source_choices": SourceType.choices,
            "entry_form": entry_form if is_open else None,
            "disposes": disposes,
            "may_apply": policy.can(user, "catalogue.apply"),
        },
    )


# The surveys ------------------------------------------------------------------------


@login_required
def survey_list(request):
    """The surveys of the user's county (or counties), newest first."""
    user = request.user
    require(user, VIEW)
    listing = Paginator(_surveys(user), PAGE_SIZE).get_page(request.GET.get("page"))
    counts: dict[int, dict[str, int]] = {
        row["survey"]: {"total": row["total"], "pending": row["pending"]}
        for row in SurveyEntry.objects.visible_to(user)
        .filter(survey__in=[s.pk for s in listing])
        .order_by()
        .values("survey")
        .annotate(total=Count("id"), pending=Count("id", filter=Q(disposition="")))
    }
    return render(
        request,
        "stats/survey_list.html",
        {
            "page": listing,
            "surveys": [
                {
                    "survey": s,
                    "total": counts.get(s.pk, {}).get("total", 0),
                    "pending": counts.get(s.pk, {}).get("pending", 0),
                }
                for s in listing
            ],
            "may_manage": policy.can(user, MANAGE),
        },
    )


@login_required
def survey_new(request):
    """REQ-099: the bureau opens a survey of its county."""
    user = request.user
    require(user, MANAGE)
    counties = (
        Division.objects.filter(level=Level.COUNTY)
        .in_scope_of(user, MANAGE)
        .order_by("code")[:CHOICES_LIMIT]
    )
    form = SurveyForm(request.POST or None, counties=counties)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        survey = submit(
            request,
            form,
            lambda: services.survey_open(
                actor=user, county_code=data["county"], title=data["title"]
            ),
            _("已发起摸排，各乡镇（街道）和部门可以填报"),
            SURVEY_FIELDS,
        )
        if survey is not None:
            return redirect(survey.get_absolute_url())
    return render(request, "stats/survey_new.html", {"form": form})


@login_required
def survey_detail(request, pk: int):
    """REQ-099: the entries with their dispositions, filtered and counted."""
    return _survey_page(request, _survey_or_404(request.user, pk))


@login_required
@require_POST
def entry_add(request, pk: int):
    user = request.user
    survey = _survey_or_404(user, pk)
    if not any(policy.can(user, action) for action in (FILL, MANAGE)):
        raise PermissionDenied
    form = EntryForm(request.POST, divisions=_enter_divisions(user, survey))
    if form.is_valid():
        data = form.cleaned_data
        entry = submit(
            request,
            form,
            lambda: services.entry_add(
                actor=user,
                survey_id=survey.pk,
                division_code=data["division"],
                source_type=data["source_type"],
                item_name=data["item_name"],
                responsible_department=data["responsible_department"],
                basis=data["basis"],
                demanding_unit=data["demanding_unit"],
                note=data["note"],
            ),
            _("已添加摸排条目"),
            ENTRY_FIELDS,
        )
        if entry is not None:
            return redirect(f"{survey.get_absolute_url()}#entry-{entry.pk}")
        survey.refresh_from_db()
        if survey.status != SurveyStatus.OPEN:
            return redirect(survey.get_absolute_url())
    return _survey_page(request, survey, entry_form=form)


@login_required
@require_POST
def entry_dispose(request, pk: int):
    """The bureau keeps an entry with its basis, or cancels it with the reason."""
    user = request.user
    entry = _entry_or_404(user, pk)
    survey = entry.survey
    require(user, MANAGE, survey)
    form = _dispose_form(entry, request.POST)
    if form.is_valid():
        done = submit(
            request,
            form,
            lambda: services.entry_dispose(
                actor=user,
                entry_id=entry.pk,
                disposition=form.cleaned_data["disposition"],
                basis=form.cleaned_data["basis"],
            ),
            _("已提出处理意见"),
            DISPOSE_FIELDS,
        )
        survey.refresh_from_db()
        if done is not None or survey.status != SurveyStatus.OPEN:
            return redirect(f"{survey.get_absolute_url()}#entry-{entry.pk}")
    return _survey_page(request, survey, refused=(entry.pk, form))


@login_required
@require_POST
def survey_close(request, pk: int):
    """REQ-099: not while any entry lacks its disposition (the service lists them)."""
    user = request.user
    survey = _survey_or_404(user, pk)
    require(user, MANAGE, survey)
    attempt(
        request,
        lambda: services.survey_close(actor=user, survey_id=survey.pk),
        _("摸排已结束"),
    )
    return redirect(survey.get_absolute_url())
