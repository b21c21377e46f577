"""Staff pages of inspections (督查, REQ-092, REQ-094, REQ-095).

The county's inspectors and civil affairs record an inspection with its mode (明察暗访,
实地调研, 随机检查, 专项督导) and the committees it visits, chosen by hand or from a
special-inspection draw: 2 committees per township, drawn with a logged seed from a
logged list of candidates, so the draw page can draw again and show it agrees. Each
problem found is recorded at a committee, in an inspection or outside one; a
non-compliant seal use brings its circulated criticism and rectification item at once
(REQ-092), any other finding goes on the rectification list when the inspector gives
it a responsible unit and a deadline (REQ-096).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yinzheng.accounts import policy
from yinzheng.core import clock
from yinzheng.core.text import as_id
from yinzheng.core.web import form_errors
from yinzheng.divisions.models import Division

from .. import selectors, services
from ..choices import FindingKind, InspectionMode
from ..forms import (
    DrawForm,
    FindingForm,
    FindingItemForm,
    InspectionFilterForm,
    InspectionForm,
)
from ..models import Alert, Draw, Finding, Inspection
from .common import (
    INSPECT,
    VIEW,
    committees_where,
    counties_where,
    get_or_404,
    history,
    page,
    paginate,
    query_without_page,
    require,
    submit,
)

RECENT = 50


@login_required
def inspection_list(request):
    """REQ-094: the inspections, filterable by mode; the draws beside them."""
    user = request.user
    require(user, VIEW)
    form = InspectionFilterForm(request.GET or None)
    mode = ""
    if form.is_bound and form.is_valid():
        mode = form.cleaned_data["mode"]
    listing = paginate(request, selectors.inspections(user, mode))
    draws = Draw.objects.visible_to(user).select_related("county", "drawn_by")
    return page(
        request,
        "supervision/inspection_list.html",
        {
            "form": form,
            "page": listing,
            "query": query_without_page(request),
            "draws": draws[:RECENT],
            "may_inspect": policy.can(user, INSPECT),
        },
    )


@login_required
def inspection_new(request):
    user = request.user
    require(user, INSPECT)
    counties = counties_where(user, INSPECT)
    draws = list(
        Draw.objects.visible_to(user, INSPECT).select_related("county")[:RECENT]
    )
    initial: dict[str, Any] = {"started_on": clock.today()}
    draw_id = request.GET.get("draw", "")
    chosen = next((d for d in draws if str(d.pk) == draw_id), None)
    if chosen is not None:
        initial.update(
            draw=chosen.pk, county=chosen.county_id, mode=InspectionMode.SPECIAL
        )
    form = InspectionForm(
        request.POST or None,
        initial=initial,
        counties=counties,
        committees=committees_where(user, INSPECT),
        draws=draws,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        inspection = submit(
            request,
            form,
            lambda: services.inspection_create(
                actor=user,
                county_code=data["county"],
                title=data["title"],
                mode=data["mode"],
                started_on=data["started_on"],
                inspectors=data["inspectors"],
                committee_codes=data["committees"],
                draw_id=data["draw"],
                note=data["note"],
            ),
            _("已登记督查"),
        )
        if inspection is not None:
            return redirect(inspection.get_absolute_url())
    return page(request, "supervision/inspection_new.html", {"form": form})


def _inspection_or_404(user: Any, pk: int) -> Inspection:
    require(user, VIEW)
    return get_or_404(selectors.inspections(user).select_related("created_by"), pk)


def _finding_committees(user: Any, inspection: Inspection) -> list[Division]:
    """The inspection's committees, else every committee of its county."""
    chosen = list(inspection.committees.order_by("code"))
    return chosen or committees_where(user, INSPECT, under=inspection.county_id)


def _findings(user: Any, **filters: Any) -> list[Finding]:
    return list(
        Finding.objects.visible_to(user)
        .filter(**filters)
        .select_related("committee", "recorded_by", "criticism", "inspection")
        .prefetch_related("items")
        .order_by("-recorded_at", "-pk")
    )


def _item_forms(
    user: Any, findings: list[Finding], bound: FindingItemForm | None, bound_pk: int
) -> dict[int, FindingItemForm]:
    """A to-the-list form for each finding not yet on it, where the user inspects."""
    today = clock.today()
    item_forms = {}
    for finding in findings:
        if finding.items.all() or not policy.can(user, INSPECT, finding):
            continue
        if bound is not None and finding.pk == bound_pk:
            item_forms[finding.pk] = bound
            continue
        item_forms[finding.pk] = FindingItemForm(
            finding_id=finding.pk,
            initial={"responsible_unit": finding.committee.name, "deadline": today},
        )
    return item_forms


def _with_forms(
    findings: list[Finding], item_forms: dict[int, FindingItemForm]
) -> list[dict[str, Any]]:
    return [{"finding": f, "item_form": item_forms.get(f.pk)} for f in findings]


def _inspection_page(
    request,
    inspection: Inspection,
    finding_form: FindingForm | None = None,
    item_form: FindingItemForm | None = None,
    item_pk: int = 0,
) -> HttpResponse:
    user = request.user
    findings = _findings(user, inspection=inspection)
    may_inspect = policy.can(user, INSPECT, inspection)
    if may_inspect and finding_form is None:
        finding_form = FindingForm(
            initial={"inspection": inspection.pk},
            committees=_finding_committees(user, inspection),
        )
    return page(
        request,
        "supervision/inspection_detail.html",
        {
            "inspection": inspection,
            "committees": inspection.committees.order_by("code"),
            "findings": _with_forms(
                findings, _item_forms(user, findings, item_form, item_pk)
            ),
            "finding_form": finding_form if may_inspect else None,
            "history": history(inspection),
        },
    )


@login_required
def inspection_detail(request, pk: int):
    inspection = _inspection_or_404(request.user, pk)
    return _inspection_page(request, inspection)


def _standalone_page(
    request,
    form: FindingForm,
    item_form: FindingItemForm | None = None,
    item_pk: int = 0,
) -> HttpResponse:
    """REQ-092: a finding outside any inspection, and those not yet on the list."""
    user = request.user
    findings = [
        f
        for f in _findings(user, inspection__isnull=True)[:RECENT]
        if not f.items.all()
    ]
    return page(
        request,
        "supervision/finding_new.html",
        {
            "form": form,
            "findings": _with_forms(
                findings, _item_forms(user, findings, item_form, item_pk)
            ),
        },
    )


@login_required
def finding_new(request):
    """Record a finding: from an inspection's page (its id posted with it) or on its
    own for a committee (REQ-092)."""
    user = request.user
    require(user, INSPECT)
    inspection = None
    raw = request.POST.get("finding-inspection") or request.GET.get("inspection")
    inspection_id = as_id(raw)
    if raw and inspection_id is None:
        raise Http404
    if inspection_id is not None:
        inspection = _inspection_or_404(user, inspection_id)
        require(user, INSPECT, inspection)
        committees = _finding_committees(user, inspection)
    else:
        committees = committees_where(user, INSPECT)
    initial = {"inspection": inspection.pk if inspection else None}
    initial.update(_from_alert(user, request.GET.get("alert", "")))
    form = FindingForm(request.POST or None, initial=initial, committees=committees)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            finding = submit(
                request,
                form,
                lambda: services.finding_record(
                    actor=user,
                    committee_code=data["committee"],
                    kind=data["kind"],
                    description=data["description"],
                    inspection_id=inspection.pk if inspection else None,
                    deadline=data["deadline"],
                    criticism_text=data["criticism_text"],
                    entry_ids=data["entries"],
                    register=data["register"],
                    register_year=data["register_year"],
                    register_seqs=data["register_seqs"],
                ),
                _("已记录发现的问题"),
            )
            if finding is not None:
                return redirect(_after_finding(finding))
        else:
            messages.error(request, form_errors(form))
    if inspection is not None:
        if request.method == "GET":
            return redirect(inspection.get_absolute_url() + "#finding")
        return _inspection_page(request, inspection, finding_form=form)
    return _standalone_page(request, form)


def _from_alert(user: Any, raw: str) -> dict[str, Any]:
    """An alert looked into becomes a finding: its committee, summary and entries."""
    alert_id = as_id(raw)
    if alert_id is None:
        return {}
    alert = Alert.objects.visible_to(user).filter(pk=alert_id).first()
    if alert is None:
        return {}
    entries = [str(e["entry"]) for e in alert.evidence if "entry" in e]
    return {
        "committee": alert.committee_id,
        "kind": FindingKind.NON_COMPLIANT_SEAL_USE,
        "description": alert.summary,
        "entries": ",".join(entries),
    }


def _after_finding(finding: Finding) -> str:
    """Where to go next: the item the finding opened, else where it was recorded."""
    item = finding.items.order_by("pk").first()
    if item is not None:
        return item.get_absolute_url()
    if finding.inspection_id:
        url = reverse("supervision:inspection", args=[finding.inspection_id])
        return f"{url}#finding-{finding.pk}"
    return f"{reverse('supervision:finding_new')}#finding-{finding.pk}"


@login_required
@require_POST
def finding_item(request, pk: int):
    """REQ-096: put a finding on the rectification list with a unit and a deadline."""
    user = request.user
    require(user, VIEW)
    finding = get_or_404(
        Finding.objects.visible_to(user).select_related("inspection", "committee"),
        pk,
    )
    require(user, INSPECT, finding)
    form = FindingItemForm(request.POST, finding_id=pk)
    if form.is_valid():
        data = form.cleaned_data
        item = submit(
            request,
            form,
            lambda: services.finding_to_item(
                actor=user,
                finding_id=pk,
                responsible_unit=data["responsible_unit"],
                deadline=data["deadline"],
                problem=data["problem"],
                responsible_code=data["responsible_code"] or None,
            ),
            _("已列入整改清单"),
        )
        if item is not None:
            return redirect(item.get_absolute_url())
    else:
        messages.error(request, form_errors(form))
    if finding.inspection is not None:
        return _inspection_page(request, finding.inspection, item_form=form, item_pk=pk)
    blank = FindingForm(committees=committees_where(user, INSPECT))
    return _standalone_page(request, blank, item_form=form, item_pk=pk)


# The special-inspection draw (REQ-095) ----------------------------------------------


@login_required
def draw_new(request):
    user = request.user
    require(user, INSPECT)
    form = DrawForm(request.POST or None, counties=counties_where(user, INSPECT))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        draw = submit(
            request,
            form,
            lambda: services.draw_create(
                actor=user, county_code=data["county"], seed=data["seed"] or None
            ),
            _("已完成抽取"),
        )
        if draw is not None:
            return redirect("supervision:draw", pk=draw.pk)
    return page(request, "supervision/draw_new.html", {"form": form})


@login_required
def draw_detail(request, pk: int):
    """Per township the candidates and the drawn committees, and whether drawing
    again from the logged seed and candidates gives the same."""
    user = request.user
    require(user, VIEW)
    draw = get_or_404(
        Draw.objects.visible_to(user).select_related("county", "drawn_by"), pk
    )
    candidates: dict[str, list[str]] = draw.sample.get("candidates", {})
    drawn: dict[str, list[str]] = draw.sample.get("drawn", {})
    codes = set(candidates) | {c for group in candidates.values() for c in group}
    names = dict(Division.objects.filter(code__in=codes).values_list("code", "name"))
    townships = [
        {
            "code": township,
            "name": names.get(township, township),
            "drawn": [
                {"code": c, "name": names.get(c, c)} for c in drawn.get(township, [])
            ],
            "candidates": [
                {
                    "code": c,
                    "name": names.get(c, c),
                    "drawn": c in drawn.get(township, []),
                }
                for c in committees
            ],
        }
        for township, committees in sorted(candidates.items())
    ]
    return page(
        request,
        "supervision/draw_detail.html",
        {
            "draw": draw,
            "townships": townships,
            "drawn_count": sum(len(g) for g in drawn.values()),
            "replays": services.draw_replay(draw),
            "inspections": draw.inspections.order_by("-started_on"),
            "may_inspect": policy.can(user, INSPECT, draw),
        },
    )
