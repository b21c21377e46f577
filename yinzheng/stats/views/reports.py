"""Staff pages of reports upward (REQ-105, REQ-108).

A township's officers, or the county bureau for the county, write a report — progress,
a problem met, good practice, a local document, or the township summary in its five
sections — keep it as a draft, and submit it; it goes to the recipient the county's
reporting line names, whose civil-affairs officers find it in their inbox by its type
and sign for it. The county compiles its townships' submitted summaries into one
consolidated report to its superior, edits it and submits it. The detail page prints
(the five sections with their headings in order). The county bureau sets the
reporting line; everyone who reads the reports sees it.

The pages hold no rules: stats.services decides and its refusals are shown (a refusal
of the action itself is a 403); what a page offers comes from `policy.allowed_actions`
and stats.report_selectors, so a report outside the user's scope is a 404.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yinzheng.accounts import policy
from yinzheng.core import uploads
from yinzheng.core.codes import COUNTRY_CODE, Level, ancestor_codes
from yinzheng.core.errors import CoreCode
from yinzheng.core.text import as_id
from yinzheng.core.web import attempt
from yinzheng.divisions.models import Division

from .. import report_selectors as selectors
from .. import services
from ..choices import SECTIONED_KINDS, ReportKind, ReportStatus
from ..errors import StatsCode
from ..models import Campaign, UpwardReport
from ..models.reports import SECTIONS
from ..report_forms import CompileForm, ReportForm, ReportingLineForm, ReportSubmitForm
from ..services.reports import field_label
from .tables import PAGE_SIZE, VIEW
from .tables import _get_or_404 as get_or_404
from .tables import _require as require
from .tables import _submit as submit

REPORT, LINE = "stats.report", "stats.reporting_line"
BOXES = ("received", "sent", "all")
# What a writer picks from (a consolidated report is compiled, not written).
WRITTEN_KINDS = [k for k in ReportKind if k != ReportKind.CONSOLIDATED]
NUMERALS = [
    gettext_lazy("一、"),
    gettext_lazy("二、"),
    gettext_lazy("三、"),
    gettext_lazy("四、"),
    gettext_lazy("五、"),
]

# A refusal's code → the form field it concerns (else it goes on the form as a whole).
REPORT_FIELDS: dict[str, str] = {
    CoreCode.DIVISION_NOT_FOUND: "sender",
    CoreCode.ATTACHMENT_TOO_LARGE: "attachment",
    CoreCode.DOCUMENT_REQUIRED: "attachment",
    StatsCode.ATTACHMENT_TYPE_INVALID: "attachment",
    StatsCode.REPORT_ATTACHMENT_REQUIRED: "attachment",
    StatsCode.REPORT_BODY_REQUIRED: "body",
    StatsCode.REPORT_SENDER_INVALID: "sender",
    StatsCode.CAMPAIGN_NOT_APPLICABLE: "campaign",
}
COMPILE_FIELDS: dict[str, str] = {StatsCode.SUMMARIES_INVALID: "summaries"}
LINE_FIELDS: dict[str, str] = {StatsCode.SUPERIOR_INVALID: "superior"}


def _report_or_404(user: Any, pk: int) -> UpwardReport:
    require(user, VIEW)
    return get_or_404(selectors.reports(user), pk)


def _campaigns(user: Any) -> QuerySet[Campaign]:
    """Campaigns led at, above or below the user's nodes (the service checks that the
    campaign concerns the sender)."""
    where = policy.scope(user, VIEW)
    return Campaign.objects.filter(where.tree_q("division_id")).order_by(
        "-starts_on", "-id"
    )[:200]


def _campaign_id(value: str) -> int | None:
    return as_id(value) if value else None


def _kind_or_none(raw: str | None) -> str | None:
    return raw if raw in WRITTEN_KINDS else None


def _sections(report: UpwardReport) -> list[dict[str, Any]]:
    """REQ-105: the five sections with their headings, in order."""
    return [
        {
            "name": name,
            "numeral": NUMERALS[n],
            "label": field_label(name),
            "text": getattr(report, name),
        }
        for n, name in enumerate(SECTIONS)
    ]


def _text_values(data: dict[str, Any], kind: str) -> dict[str, Any]:
    names = SECTIONS if kind in SECTIONED_KINDS else ("body",)
    return {"title": data["title"], **{name: data[name] for name in names}}


# The reports ------------------------------------------------------------------------


@login_required
def report_list(request):
    """Sent and received reports (REQ-108), or all those the user reads (REQ-098),
    filtered by type and status."""
    user = request.user
    require(user, VIEW)
    receives, sends = selectors.may_receive(user), policy.can(user, REPORT)
    box = request.GET.get("box", "")
    if box not in BOXES:
        box = "received" if receives else "sent" if sends else "all"
    found = {
        "received": selectors.received,
        "sent": selectors.sent,
        "all": selectors.reports,
    }[box](user)
    kind = request.GET.get("kind", "")
    if kind in ReportKind.values:
        found = found.filter(kind=kind)
    else:
        kind = ""
    status = request.GET.get("status", "")
    if status in ReportStatus.values:
        found = found.filter(status=status)
    else:
        status = ""
    listing = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    senders = selectors.sender_choices(user) if sends else []
    return render(
        request,
        "stats/report_list.html",
        {
            "page": listing,
            "reports": list(listing),
            "box": box,
            "boxes": [
                ("received", _("收到的报告"), receives),
                ("sent", _("本单位报送的报告"), sends),
                ("all", _("全部可查看的报告"), True),
            ],
            "kind": kind,
            "status": status,
            "kind_choices": ReportKind.choices,
            "status_choices": ReportStatus.choices,
            "filtered": bool(kind or status),
            "may_write": bool(senders),
            "may_compile": any(s.level == Level.COUNTY for s in senders),
        },
    )


@login_required
def report_new(request):
    """REQ-108: a new report, kept as a draft. The type first, then its form."""
    user = request.user
    require(user, REPORT)
    senders = selectors.sender_choices(user)
    if not senders:
        raise PermissionDenied
    kind = _kind_or_none(request.GET.get("kind") or request.POST.get("kind"))
    if kind is None:
        return render(request, "stats/report_new.html", {"kinds": WRITTEN_KINDS})
    if kind == ReportKind.SUMMARY:  # REQ-105: the townships send summaries
        senders = [s for s in senders if s.level == Level.TOWNSHIP]
        if not senders:
            messages.error(
                request,
                _(
                    "总结报告由乡镇（街道）报送；县（市、区）请汇总各乡镇（街道）的总结报告"
                ),
            )
            return redirect("stats:report_new")
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        kind=kind,
        senders=senders,
        campaigns=_campaigns(user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = submit(
            request,
            form,
            lambda: services.report_draft(
                actor=user,
                sender_code=data["sender"],
                kind=kind,
                campaign_id=_campaign_id(data["campaign"]),
                attachment=data["attachment"] or None,
                **_text_values(data, kind),
            ),
            _("已保存草稿；核对后请报送"),
            REPORT_FIELDS,
        )
        if report is not None:
            return redirect(report.get_absolute_url())
    return render(
        request,
        "stats/report_new.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": ReportKind(kind).label,
            "sectioned": kind in SECTIONED_KINDS,
        },
    )


def _report_page(
    request: HttpRequest, report: UpwardReport, submit_form: forms.Form | None = None
) -> HttpResponse:
    user = request.user
    allowed = policy.allowed_actions(user, report)
    visible = selectors.reports(user)
    return render(
        request,
        "stats/report_detail.html",
        {
            "report": report,
            "allowed": allowed,
            "sectioned": report.kind in SECTIONED_KINDS,
            "sections": _sections(report),
            "sources": list(
                visible.filter(compiled_into=report).order_by("sender_id", "id")
            ),
            "compiled_into": list(visible.filter(sources=report)),
            "submit_form": submit_form
            or (ReportSubmitForm() if allowed["submit"] else None),
            "attachment_inline": bool(report.attachment)
            and uploads.stored_type(report.attachment).previewable,
        },
    )


@login_required
def report_detail(request, pk: int):
    """The report as printed: title, sender, recipient, and the body or the five
    sections with their headings in order (REQ-105)."""
    return _report_page(request, _report_or_404(request.user, pk))


@login_required
def report_edit(request, pk: int):
    """A draft changes until it is submitted."""
    user = request.user
    report = _report_or_404(user, pk)
    if not policy.allowed_actions(user, report)["edit"]:
        messages.error(
            request,
            _("报告已报送，不能再修改")
            if report.status != ReportStatus.DRAFT
            else _("只有报送单位可以修改本单位的报告"),
        )
        return redirect(report.get_absolute_url())
    names = (
        ("title", *SECTIONS) if report.kind in SECTIONED_KINDS else ("title", "body")
    )
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        kind=report.kind,
        campaigns=_campaigns(user),
        editing=True,
        has_attachment=bool(report.attachment),
        initial={
            **{name: getattr(report, name) for name in names},
            "campaign": str(report.campaign_id or ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = submit(
            request,
            form,
            lambda: services.report_update(
                actor=user,
                report_id=report.pk,
                values={
                    **{name: data[name] for name in names},
                    "campaign": _campaign_id(data["campaign"]),
                },
                attachment=data["attachment"] or None,
                remove_attachment=bool(data.get("remove_attachment")),
            ),
            _("已保存修改"),
            REPORT_FIELDS,
        )
        if done is not None:
            return redirect(report.get_absolute_url())
    return render(
        request,
        "stats/report_edit.html",
        {
            "report": report,
            "form": form,
            "sectioned": report.kind in SECTIONED_KINDS,
        },
    )


@login_required
@require_POST
def report_submit(request, pk: int):
    """REQ-108: the report goes to its recipient; REQ-105: a summary only with all
    five sections written (the service names the empty ones)."""
    user = request.user
    report = _report_or_404(user, pk)
    require(user, REPORT, report)
    form = ReportSubmitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请勾选确认后再报送"))
        return redirect(report.get_absolute_url())
    done = submit(
        request,
        form,
        lambda: services.report_submit(actor=user, report_id=report.pk),
        _("已报送"),
    )
    if done is None:
        report.refresh_from_db()
        return _report_page(request, report, submit_form=form)
    return redirect(report.get_absolute_url())


@login_required
@require_POST
def report_receive(request, pk: int):
    """The recipient signs for the report."""
    user = request.user
    report = _report_or_404(user, pk)
    attempt(
        request,
        lambda: services.report_receive(actor=user, report_id=report.pk),
        _("已签收"),
    )
    return redirect(report.get_absolute_url())


@login_required
def report_attachment(request, pk: int):
    """The attachment, to those who see the report (never a public URL): its type from
    its content, shown in the browser only for a PDF or an image (core.uploads)."""
    report = _report_or_404(request.user, pk)
    return uploads.serve(
        report.attachment, filename=report.attachment_name, inline=True
    )


# The county's consolidated report (REQ-105) ------------------------------------------


@login_required
def report_compile(request):
    """REQ-105: the county picks its townships' submitted summaries; a draft to its
    superior comes out, each section pre-filled, to be edited and then submitted."""
    user = request.user
    require(user, REPORT)
    counties = [s for s in selectors.sender_choices(user) if s.level == Level.COUNTY]
    if not counties:
        raise PermissionDenied
    wanted = request.POST.get("county") or request.GET.get("county") or ""
    county = next((c for c in counties if c.code == wanted), counties[0])
    summaries = list(selectors.compilable_summaries(county.code))
    line = services.reporting_line_for(county.code)
    form = CompileForm(
        request.POST or None,
        counties=counties,
        summaries=summaries,
        initial={
            "county": county.code,
            "title": _("%(county)s工作总结报告") % {"county": county.name},
            "summaries": [str(s.pk) for s in summaries],
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = submit(
            request,
            form,
            lambda: services.report_compile(
                actor=user,
                county_code=county.code,
                title=data["title"],
                summary_ids=[int(pk) for pk in data["summaries"]],
            ),
            _("已生成汇总报告草稿，请修改后报送"),
            COMPILE_FIELDS,
        )
        if report is not None:
            return redirect("stats:report_edit", pk=report.pk)
    return render(
        request,
        "stats/report_compile.html",
        {
            "form": form,
            "county": county,
            "counties": counties,
            "summaries": summaries,
            "line": line,
        },
    )


# The reporting line (REQ-108) --------------------------------------------------------


@login_required
def reporting_line(request):
    """Where the county's reports go; the county bureau changes it."""
    user = request.user
    require(user, VIEW)
    counties = list(selectors.counties_seen(user)[:200])
    if not counties:
        raise Http404
    wanted = request.POST.get("county") or request.GET.get("county") or ""
    county = next((c for c in counties if c.code == wanted), counties[0])
    line = services.reporting_line_for(county.code)
    manages = policy.can(user, LINE, county)
    form = None
    if manages:
        above = [c for c in ancestor_codes(county.code) if c != COUNTRY_CODE]
        form = ReportingLineForm(
            request.POST or None,
            superiors=Division.objects.filter(code__in=above).order_by("-code"),
            initial={
                "bureau_name": line.bureau_name,
                "superior": line.superior_id,
                "superior_name": line.superior_name,
            },
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            done = submit(
                request,
                form,
                lambda: services.reporting_line_set(
                    actor=user,
                    county_code=county.code,
                    bureau_name=data["bureau_name"],
                    superior_code=data["superior"],
                    superior_name=data["superior_name"],
                ),
                _("已保存报送关系"),
                LINE_FIELDS,
            )
            if done is not None:
                return redirect(f"{request.path}?county={county.code}")
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "stats/report_line.html",
        {
            "county": county,
            "counties": counties,
            "line": line,
            "configured": line.updated_at is not None,
            "form": form,
        },
    )
