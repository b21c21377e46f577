"""Staff pages of the admission, exit and filing applications (REQ-021–030, DIV-03, DIV-14).

A department officer (or a civil-affairs officer entering a form received on paper) fills
in the one 准入、退出申请（报备）表 page; the application's page then shows everything it
holds, the joint-review opinions, and only the actions the user may take, each a small
POST form that calls one service of catalogue.services.admissions: open the review
(civil affairs), record an opinion (the department or township asked, or civil affairs
for a paper opinion), supply the guide content (the applicant, REQ-028), decide at the
meeting with the list of what still keeps an approval back (REQ-023), track the law
amendment of an item to be discontinued (REQ-027), acknowledge a filing, withdraw.

Who sees what is Application.objects.visible_to: a user with none of the catalogue's
application actions gets 403; an application outside what the user sees is 404. The
server refuses what the policy refuses (403), whatever the page shows; any other refusal
is shown on the form that caused it. The justification attachment (REQ-029) is served
only through this module, to users who see the application.
"""

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yinzheng.accounts import policy
from yinzheng.accounts.choices import Department, department_label
from yinzheng.core import clock, masking, uploads
from yinzheng.core.codes import Level, subtree_q
from yinzheng.core.errors import DomainError, NotAllowed
from yinzheng.divisions.choices import CommitteeStatus
from yinzheng.divisions.models import Division

from .. import selectors
from ..choices import (
    ApplicationKind,
    ApplicationStatus,
    BasisType,
    ListKind,
    VersionStatus,
)
from ..forms import choice_field
from ..forms.applications import (
    ApplicationFilterForm,
    ApplicationForm,
    DecideForm,
    LawAmendmentForm,
    NoteForm,
    OpenReviewForm,
    OpinionForm,
    SupplyGuideForm,
)
from ..models import Application, CatalogueList, ListEntry, ReviewOpinion
from ..services import admissions

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PARTICIPANT_ACTIONS = ("catalogue.apply", "catalogue.opinion_township")
OPEN_STATUSES = {ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW}
PAGE_SIZE = 30
# An id in a parameter: ASCII digits that int() takes ("²".isdigit() is true too).
ID = re.compile(r"[0-9]{1,12}")
# Exit items are offered per list as option groups; past this many lists, the first ones.
MAX_EXIT_LISTS = 50


def _require_participant(user: Any) -> None:
    if not any(policy.can(user, action) for action in PARTICIPANT_ACTIONS):
        raise PermissionDenied


def _application_or_404(user: Any, pk: int) -> Application:
    _require_participant(user)
    application = (
        Application.objects.visible_to(user)
        .select_related(
            "catalogue_list__owner",
            "item",
            "resulting_version",
            "submitted_by",
            "decided_by",
        )
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404
    return application


# The list ------------------------------------------------------------------------------


@login_required
def application_list(request):
    """The applications the user sees, newest first, filtered by status and type
    (REQ-026: the submissions can be filtered by type)."""
    user = request.user
    _require_participant(user)
    form = ApplicationFilterForm(request.GET)
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    qs = Application.objects.visible_to(user)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    list_id = request.GET.get("list", "")
    if ID.fullmatch(list_id):
        qs = qs.filter(catalogue_list_id=int(list_id))
    awaiting = bool(request.GET.get("awaiting"))
    if awaiting:
        qs = qs.filter(
            pk__in={o.application_id for o in selectors.opinions_awaited(user)}
        )
    qs = (
        qs.select_related("catalogue_list__owner", "item")
        .annotate(
            requested=Count("opinions"),
            pending=Count("opinions", filter=Q(opinions__opinion="")),
        )
        .order_by("-submitted_at", "-id")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalogue/applications/list.html",
        {
            "page": page,
            "filter_form": form,
            "awaiting": awaiting,
            "may_apply": policy.can(user, "catalogue.apply"),
        },
    )


# The form --------------------------------------------------------------------------------


def _target_lists(user: Any) -> QuerySet[CatalogueList]:
    """Positive lists and assistance lists (community work, REQ-120) owned inside the
    subtrees where the user may apply; the service decides in the end."""
    return (
        CatalogueList.objects.visible_to(user, "catalogue.apply")
        .select_related("owner")
        .filter(kind__in=[ListKind.POSITIVE, ListKind.ASSISTANCE])
        .order_by("owner_id", "batch_no", "pk")
    )


def _exit_items(lists: list[CatalogueList]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The items of each list's current version, grouped by list (no script needed)."""
    entries = (
        ListEntry.objects.filter(
            version__catalogue_list__in=lists[:MAX_EXIT_LISTS],
            version__status=VersionStatus.PUBLISHED,
        )
        .select_related("item", "version__catalogue_list")
        .order_by("version__catalogue_list_id", "number")
    )
    groups: dict[int, tuple[str, list[tuple[str, str]]]] = {}
    for e in entries:
        lst = e.version.catalogue_list
        groups.setdefault(lst.pk, (lst.title, []))[1].append(
            (e.item.key, f"{e.number}. {e.item.name}")
        )
    return list(groups.values())


def _department_choices(user: Any) -> list[tuple[str, "StrOrPromise"]]:
    """Civil affairs enters any department's paper form; a department officer applies
    for their own departments (the service refuses anything else)."""
    own = policy.departments_of(user)
    if policy.can(user, "catalogue.manage") or not own:
        return list(Department.choices)
    return [(v, label) for v, label in Department.choices if v in own]


# What another page may hand over to a new application (the inventory survey's kept
# entry, REQ-099): shown in the form for the applicant to check, never submitted as is.
_PREFILL = {"item_name": 100, "reason": 2000, "citation_1": 500}


def _prefill(query: Any) -> dict[str, str]:
    return {
        name: "".join(ch for ch in query[name] if ch.isprintable() or ch == "\n")[
            :limit
        ]
        for name, limit in _PREFILL.items()
        if query.get(name)
    }


@login_required
def application_new(request):
    user = request.user
    if not policy.can(user, "catalogue.apply"):
        raise PermissionDenied
    lists = list(_target_lists(user))
    options = {"lists": lists, "exit_items": _exit_items(lists)}
    if request.method == "POST":
        form = ApplicationForm(request.POST, request.FILES, **options)
        choice_field(form, "department").choices = _department_choices(user)
        if form.is_valid():
            try:
                application = admissions.application_submit(
                    actor=user, **form.submit_kwargs()
                )
            except NotAllowed as exc:
                raise PermissionDenied(exc.message) from exc
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已提交申请，等待民政部门组织联审"))
                return redirect(application.get_absolute_url())
    else:
        initial: dict[str, Any] = {}
        own = policy.departments_of(user)
        if own:
            initial["department"] = own[0]
        wanted = request.GET.get("list", "")
        if ID.fullmatch(wanted) and any(lst.pk == int(wanted) for lst in lists):
            initial["catalogue_list"] = int(wanted)
        if request.GET.get("kind") in ApplicationKind.values:
            initial["kind"] = request.GET["kind"]
        initial.update(_prefill(request.GET))
        form = ApplicationForm(initial=initial, **options)
        choice_field(form, "department").choices = _department_choices(user)
    return render(
        request,
        "catalogue/applications/new.html",
        {"form": form, "lists": lists},
    )


# The application's page ------------------------------------------------------------------


def _townships(application: Application) -> list[Division] | None:
    """A county list asks its townships (all of them by default); a higher list names
    them by code."""
    owner = application.catalogue_list.owner
    if owner.level != Level.COUNTY:
        return None
    return list(
        Division.objects.filter(
            subtree_q(owner.code, field="code"),
            level=Level.TOWNSHIP,
            status=CommitteeStatus.ACTIVE,
        ).order_by("code")
    )


def _open_review_form(application: Application, data=None) -> OpenReviewForm:
    townships = _townships(application)
    initial = {"townships": [t.code for t in townships]} if townships else {}
    return OpenReviewForm(data, townships=townships, initial=initial)


def _opinion_form(opinion: ReviewOpinion, data=None) -> OpinionForm:
    return OpinionForm(data, prefix=f"opinion-{opinion.pk}")


def _guide_form(application: Application, data=None) -> SupplyGuideForm:
    fields = [*admissions.GUIDE_CONTENT_FIELDS, "time_limit_days", "rights_matching"]
    return SupplyGuideForm(
        data, initial={name: getattr(application, name) for name in fields}
    )


def _note_form(prefix: str, label: str, data=None) -> NoteForm:
    return NoteForm(data, prefix=prefix, label=label)


def _detail_page(request, application: Application, bound=None):
    """The application with the actions `request.user` may take; `bound` holds the
    form that was just refused, keyed like the context, so its input and error stay."""
    user = request.user
    bound = bound or {}
    lst = application.catalogue_list
    status = application.status
    kind = application.kind
    may_manage = policy.can(user, "catalogue.manage", lst)
    may_apply = admissions.may_act_for_applicant(user, application)
    allowed = policy.allowed_actions(user, application)
    rows: list[dict[str, Any]] = []
    for opinion in application.opinions.select_related("township", "recorded_by"):
        form = None
        if "record" in policy.allowed_actions(user, opinion):
            form = bound.get(f"opinion-{opinion.pk}") or _opinion_form(opinion)
        rows.append({"opinion": opinion, "form": form})
    forms: dict[str, Any] = {}
    if "file" in allowed:
        forms["file"] = bound.get("file") or _note_form("file", _("备案意见"))
    if "open_review" in allowed:
        forms["review"] = bound.get("review") or _open_review_form(application)
    if "supply_guide" in allowed:
        forms["guide"] = bound.get("guide") or _guide_form(application)
    problems = None
    if "decide" in allowed:
        problems = admissions.decision_problems(application)
        forms["decide"] = bound.get("decide") or DecideForm(
            initial={"meeting_date": clock.today()}
        )
    if "law_amendment" in allowed:
        forms["law"] = bound.get("law") or LawAmendmentForm()
    if "withdraw" in allowed:
        forms["withdraw"] = bound.get("withdraw") or _note_form(
            "withdraw", _("撤回原因")
        )
    version = application.resulting_version
    return render(
        request,
        "catalogue/applications/detail.html",
        {
            "application": application,
            "list": lst,
            "department": department_label(application.department),
            "contact": application.contact
            if may_manage or may_apply
            else masking.mask_phones_in(application.contact),
            "bases": [
                {
                    "type": dict(BasisType.choices).get(b["type"], b["type"]),
                    "citation": b["citation"],
                }
                for b in application.bases
            ],
            "policy_only": admissions.policy_only(application.bases),
            "rows": rows,
            "pending": sum(1 for r in rows if not r["opinion"].opinion),
            "problems": problems,
            "forms": forms,
            "may_manage": may_manage,
            "version_public": version is not None
            and version.status in selectors.IN_FORCE_STATUSES,
            "discontinuing": kind == ApplicationKind.EXIT
            and status == ApplicationStatus.APPROVED
            and version is None,
        },
    )


@login_required
def application_detail(request, pk: int):
    return _detail_page(request, _application_or_404(request.user, pk))


@login_required
def application_justification(request, pk: int):
    """The research and justification attachment (REQ-029), for those who see the
    application only; media files are never served from a public URL. Always a
    download, typed by its content (issue 13)."""
    application = _application_or_404(request.user, pk)
    return uploads.serve(
        application.justification,
        filename=f"{_('研究论证材料')}-{application.pk}",
        fallback=f"justification-{application.pk}",
    )


def _act(
    request,
    application: Application,
    key: str,
    form,
    call: Callable[[dict[str, Any]], Any],
    success: str,
):
    """Run one service call with the bound `form`'s data; a policy refusal is 403, any
    other refusal goes back onto that form on the application's page."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, success)
            return redirect(application.get_absolute_url())
    return _detail_page(request, application, bound={key: form})


@login_required
@require_POST
def application_open_review(request, pk: int):
    application = _application_or_404(request.user, pk)
    form = _open_review_form(application, request.POST)
    return _act(
        request,
        application,
        "review",
        form,
        lambda data: admissions.application_open_review(
            actor=request.user,
            application_id=application.pk,
            township_codes=form.codes(),
        ),
        _("已启动联审，已向有关部门和乡镇（街道）征求意见"),
    )


@login_required
@require_POST
def opinion_record(request, opinion_id: int):
    opinion = ReviewOpinion.objects.filter(pk=opinion_id).first()
    if opinion is None:
        _require_participant(request.user)
        raise Http404
    application = _application_or_404(request.user, opinion.application_id)
    form = _opinion_form(opinion, request.POST)
    return _act(
        request,
        application,
        f"opinion-{opinion.pk}",
        form,
        lambda data: admissions.opinion_record(
            actor=request.user,
            opinion_id=opinion.pk,
            opinion=data["opinion"],
            comments=data["comments"],
        ),
        _("已登记意见"),
    )


@login_required
@require_POST
def application_supply_guide(request, pk: int):
    application = _application_or_404(request.user, pk)
    form = _guide_form(application, request.POST)
    return _act(
        request,
        application,
        "guide",
        form,
        lambda data: admissions.application_supply_guide(
            actor=request.user, application_id=application.pk, **data
        ),
        _("已保存办事指南内容"),
    )


@login_required
@require_POST
def application_decide(request, pk: int):
    application = _application_or_404(request.user, pk)
    form = DecideForm(request.POST)
    outcome = request.POST.get("decide-decision")
    return _act(
        request,
        application,
        "decide",
        form,
        lambda data: admissions.application_decide(
            actor=request.user,
            application_id=application.pk,
            approve=data["decision"] == "approve",
            meeting_date=data["meeting_date"],
            meeting_reference=data["meeting_reference"],
            reasons=data["reasons"],
        ),
        _("已记录决定：通过，已写入清单的下一版本草稿")
        if outcome == "approve"
        else _("已记录决定：不通过"),
    )


@login_required
@require_POST
def application_law_amendment(request, pk: int):
    application = _application_or_404(request.user, pk)
    form = LawAmendmentForm(request.POST)
    return _act(
        request,
        application,
        "law",
        form,
        lambda data: admissions.application_law_amendment(
            actor=request.user,
            application_id=application.pk,
            status=data["status"],
            note=data["note"],
        ),
        _("已记录修法进展"),
    )


@login_required
@require_POST
def application_file(request, pk: int):
    application = _application_or_404(request.user, pk)
    form = _note_form("file", _("备案意见"), request.POST)
    return _act(
        request,
        application,
        "file",
        form,
        lambda data: admissions.application_file(
            actor=request.user, application_id=application.pk, note=data["note"]
        ),
        _("已备案"),
    )


@login_required
@require_POST
def application_withdraw(request, pk: int):
    application = _application_or_404(request.user, pk)
    form = _note_form("withdraw", _("撤回原因"), request.POST)
    return _act(
        request,
        application,
        "withdraw",
        form,
        lambda data: admissions.application_withdraw(
            actor=request.user, application_id=application.pk, reason=data["note"]
        ),
        _("已撤回申请"),
    )
