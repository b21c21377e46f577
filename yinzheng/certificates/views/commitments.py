"""Staff pages of the post-verification of commitments (REQ-083), phone-friendly like
the rest: the tasks, sampled ones first, with the sampling form and the recent draws
(the seed of every draw shown, so anyone can check it), and one task with its result
form.

The commitment itself is recorded on the request's page (views.requests). Every write is
one service call; a refusal is shown on its form, success redirects with a message.
Rows outside the user's subtrees are 404, actions the policy refuses 403. The
resident's name and ID number are always masked here.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.core import clock
from yinzheng.core.errors import DomainError, NotAllowed
from yinzheng.core.web import show_error

from .. import services
from ..choices import TaskStatus
from ..forms.commitments import SamplingForm, TaskCloseForm
from ..models import Sampling, VerificationTask
from .common import _divisions, _person

VIEW = "certificate.view"
VERIFY = services.VERIFY
CREDIT_VIEW = services.CREDIT_VIEW

CODE_FIELDS = {
    "result_required": "result",
    "verified_on_required": "verified_on",
    "verified_on_invalid": "verified_on",
    "verifier_required": "verifier",
    "note_required": "note",
    "sample_rate_invalid": "rate",
    "sample_count_invalid": "count",
    "seed_invalid": "seed",
}

TASK_RELATED = (
    "committee",
    "commitment",
    "commitment__request",
    "commitment__request__item",
)


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
                sampling = services.commitment_sample(
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
            "method": services.DRAW_METHOD,
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
                services.verification_close(
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
