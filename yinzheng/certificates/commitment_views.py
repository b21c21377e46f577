"""Staff pages of the notification-commitment after the case is closed (REQ-083–086),
phone-friendly like the rest: the post-verification tasks with the sampling form (the
seed of every draw shown, so anyone can check it), one task with its result form, the
credit records with disclosure and penalty and their submissions to the platform, and
the credit platform of each jurisdiction.

The commitment itself is recorded on the request's page (views.py). Every write is one
call into `commitments`; a refusal is shown on its form, success redirects with a
message. Rows outside the user's subtrees are 404, actions the policy refuses 403. The
resident's name and ID number are always masked here.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.core import clock, masking
from yinzheng.core.codes import Level
from yinzheng.core.errors import DomainError, NotAllowed
from yinzheng.core.web import show_error
from yinzheng.divisions.models import Division

from . import commitments, selectors
from .choices import SubmissionStatus, TaskStatus
from .forms import (
    AcknowledgeForm,
    DisclosureForm,
    PlatformForm,
    SamplingForm,
    TaskCloseForm,
)
from .models import CreditPlatform, CreditRecord, Sampling, VerificationTask

VIEW = "certificate.view"
VERIFY = commitments.VERIFY
CREDIT_VIEW = commitments.CREDIT_VIEW
CREDIT_MANAGE = commitments.CREDIT_MANAGE
CREDIT_CONFIGURE = commitments.CREDIT_CONFIGURE

CODE_FIELDS = {
    "result_required": "result",
    "verified_on_required": "verified_on",
    "verified_on_invalid": "verified_on",
    "verifier_required": "verifier",
    "note_required": "note",
    "sample_rate_invalid": "rate",
    "sample_count_invalid": "count",
    "seed_invalid": "seed",
    "disclosed_on_invalid": "disclosed_on",
    "penalty_on_invalid": "penalty_on",
    "platform_name_required": "name",
    "endpoint_invalid": "endpoint",
}

TASK_RELATED = (
    "committee",
    "commitment",
    "commitment__request",
    "commitment__request__item",
)
RECORD_RELATED = ("committee", "commitment", "commitment__request", "task")


def _person(req) -> dict[str, str]:
    return {
        "name": masking.mask_name(req.resident_name),
        "id_number": masking.mask_id_number(req.id_number),
    }


def _divisions(user: Any, action: str) -> list[Division]:
    """Townships and above where the user may take `action` (the forms' choices)."""
    return list(
        Division.objects.filter(level__lte=Level.TOWNSHIP)
        .in_scope_of(user, action)
        .order_by("code")[:500]
    )


# Post-verification (REQ-083) ----------------------------------------------------------


@login_required
def tasks(request):
    """The post-verification tasks: sampled ones first, then the oldest; the sampling
    form and the recent draws with their seeds."""
    user = request.user
    if not policy.can(user, VIEW):
        raise PermissionDenied
    may_sample = policy.can(user, VERIFY)
    divisions = _divisions(user, VERIFY) if may_sample else []
    form = SamplingForm(request.POST or None, prefix="sample", divisions=divisions)
    if request.method == "POST":
        if not may_sample:
            raise PermissionDenied
        if form.is_valid():
            v = form.cleaned_data
            try:
                sampling = commitments.commitment_sample(
                    actor=user,
                    scope_code=v["scope"],
                    rate=v.get("rate"),
                    count=v.get("count"),
                    seed=v.get("seed") or None,
                )
            except NotAllowed as exc:
                raise PermissionDenied(exc.message) from exc
            except DomainError as exc:
                show_error(form, exc, CODE_FIELDS)
            else:
                messages.success(
                    request,
                    _(
                        "已从 %(n)d 个待核查任务中抽中 %(k)d 个，列为优先核查；"
                        "随机种子 %(seed)s"
                    )
                    % {
                        "n": len(sampling.population),
                        "k": len(sampling.picks),
                        "seed": sampling.seed,
                    },
                )
                return redirect(reverse("certificates:commitment_tasks") + "#draws")
    status = request.GET.get("status", TaskStatus.OPEN)
    qs = VerificationTask.objects.visible_to(user).select_related(*TASK_RELATED)
    if status in TaskStatus.values:
        qs = qs.filter(status=status)
    if request.GET.get("sampled") == "1":
        qs = qs.filter(sampled=True)
    page = Paginator(qs.order_by("-sampled", "created_at", "pk"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "certificates/commitment_tasks.html",
        {
            "page": page,
            "rows": [
                {"task": t, **_person(t.commitment.request)} for t in page.object_list
            ],
            "status": status,
            "statuses": TaskStatus.choices,
            "sampled_only": request.GET.get("sampled") == "1",
            "form": form if may_sample and divisions else None,
            "draws": Sampling.objects.visible_to(user).select_related(
                "scope", "drawn_by"
            )[:20],
            "method": commitments.DRAW_METHOD,
            "may_view_credit": policy.can(user, CREDIT_VIEW),
        },
    )


@login_required
def task_detail(request, pk: int):
    user = request.user
    if not policy.can(user, VIEW):
        raise PermissionDenied
    task = (
        VerificationTask.objects.visible_to(user)
        .select_related(*TASK_RELATED)
        .filter(pk=pk)
        .first()
    )
    if task is None:
        raise Http404
    may_close = "close" in policy.allowed_actions(user, task)
    form = TaskCloseForm(
        request.POST or None,
        prefix="close",
        initial={"verified_on": clock.today(), "verifier": user.display_name},
    )
    if request.method == "POST":
        if not policy.can(user, VERIFY, task):
            raise PermissionDenied
        if form.is_valid():
            try:
                commitments.verification_close(
                    actor=user, task_id=task.pk, **form.cleaned_data
                )
            except NotAllowed as exc:
                raise PermissionDenied(exc.message) from exc
            except DomainError as exc:
                show_error(form, exc, CODE_FIELDS)
            else:
                messages.success(request, _("已登记核查结果"))
                return redirect("certificates:commitment_task", pk=task.pk)
        task = VerificationTask.objects.visible_to(user).get(pk=pk)
    commitment = task.commitment
    record = getattr(task, "credit_record", None)
    return render(
        request,
        "certificates/commitment_task.html",
        {
            "task": task,
            "commitment": commitment,
            "req": commitment.request,
            **_person(commitment.request),
            "form": form if may_close else None,
            "record": record
            if record is not None and policy.can(user, CREDIT_VIEW, record)
            else None,
        },
    )


# Credit records (REQ-084, REQ-085) ------------------------------------------------------


@login_required
def credit_records(request):
    user = request.user
    if not policy.can(user, CREDIT_VIEW):
        raise PermissionDenied
    qs = (
        CreditRecord.objects.visible_to(user)
        .select_related(*RECORD_RELATED)
        .order_by("-created_at", "-pk")
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "certificates/credit_records.html",
        {
            "page": page,
            "rows": [
                {
                    "record": r,
                    **_person(r.commitment.request),
                    "last": r.submissions.order_by("-pk").first(),
                }
                for r in page.object_list
            ],
            "pending": selectors.submissions_pending(user).count(),
            "may_configure": policy.can(user, CREDIT_CONFIGURE),
        },
    )


@login_required
def credit_record(request, pk: int):
    user = request.user
    if not policy.can(user, CREDIT_VIEW):
        raise PermissionDenied
    record = (
        CreditRecord.objects.visible_to(user)
        .select_related(*RECORD_RELATED)
        .filter(pk=pk)
        .first()
    )
    if record is None:
        raise Http404
    may_manage = policy.can(user, CREDIT_MANAGE, record)
    disclosure = DisclosureForm(
        prefix="disclosure",
        initial={
            "disclosure_site": record.disclosure_site,
            "disclosed_on": record.disclosed_on,
            "penalty_decision": record.penalty_decision,
            "penalty_on": record.penalty_on,
            "penalty_published": record.penalty_published,
        },
    )
    acknowledge = AcknowledgeForm(prefix="ack")
    bound = None
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if "ack-submission" in request.POST:
            acknowledge = AcknowledgeForm(request.POST, prefix="ack")
            bound = acknowledge
            sub = record.submissions.filter(
                pk=request.POST.get("ack-submission") or 0
            ).first()
            if sub is None:
                raise Http404

            def call(v):
                return commitments.credit_submission_acknowledge(
                    actor=user, submission_id=sub.pk, reference=v["reference"]
                )

            success = _("已登记平台确认")
        else:
            disclosure = DisclosureForm(request.POST, prefix="disclosure")
            bound = disclosure

            def call(v):
                return commitments.credit_disclosure_set(
                    actor=user, record_id=record.pk, **v
                )

            success = _("已保存公示和处罚情况")
        if bound.is_valid():
            try:
                call(bound.cleaned_data)
            except NotAllowed as exc:
                raise PermissionDenied(exc.message) from exc
            except DomainError as exc:
                show_error(bound, exc, CODE_FIELDS)
            else:
                messages.success(request, success)
                return redirect("certificates:credit_record", pk=record.pk)
        record = CreditRecord.objects.visible_to(user).get(pk=pk)
    return render(
        request,
        "certificates/credit_record.html",
        {
            "record": record,
            "commitment": record.commitment,
            "req": record.commitment.request,
            **_person(record.commitment.request),
            "submissions": record.submissions.order_by("pk"),
            "disclosure": disclosure if may_manage else None,
            "acknowledge": acknowledge if may_manage else None,
            "sent": SubmissionStatus.SENT,
            "platform": selectors.credit_platform_for(record.committee_id),
        },
    )


# The credit platform of each jurisdiction (REQ-086) -------------------------------------


@login_required
def credit_platforms(request):
    user = request.user
    if not policy.can(user, CREDIT_VIEW):
        raise PermissionDenied
    may_configure = policy.can(user, CREDIT_CONFIGURE)
    divisions = _divisions(user, CREDIT_CONFIGURE) if may_configure else []
    form = PlatformForm(
        request.POST or None, divisions=divisions, initial={"enabled": True}
    )
    if request.method == "POST":
        if not may_configure:
            raise PermissionDenied
        if form.is_valid():
            v = form.cleaned_data
            try:
                commitments.credit_platform_set(
                    actor=user,
                    division_code=v["division"],
                    name=v["name"],
                    endpoint=v["endpoint"],
                    enabled=v["enabled"],
                    note=v["note"],
                )
            except NotAllowed as exc:
                raise PermissionDenied(exc.message) from exc
            except DomainError as exc:
                show_error(form, exc, CODE_FIELDS)
            else:
                messages.success(request, _("已保存信用信息共享平台设置"))
                return redirect("certificates:credit_platforms")
    return render(
        request,
        "certificates/credit_platforms.html",
        {
            "form": form if may_configure and divisions else None,
            "platforms": CreditPlatform.objects.visible_to(user).select_related(
                "division", "updated_by"
            ),
        },
    )
