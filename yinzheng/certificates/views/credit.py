"""Staff pages of credit (REQ-084–086): the credit records of false commitments, one
record with its disclosure and penalty and its submissions to the platform (a
confirmation the platform gave through its own channel entered by hand), and the credit
platform of each jurisdiction.

Every write is one service call; a refusal is shown on its form, success redirects with
a message. Rows outside the user's subtrees are 404, actions the policy refuses 403. The
resident's name and ID number are always masked here.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.core.errors import DomainError, NotAllowed
from yinzheng.core.web import show_error

from .. import selectors, services
from ..choices import SubmissionStatus
from ..forms.commitments import AcknowledgeForm, DisclosureForm, PlatformForm
from ..models import CreditPlatform, CreditRecord
from .common import _divisions, _person

CREDIT_VIEW = services.CREDIT_VIEW
CREDIT_MANAGE = services.CREDIT_MANAGE
CREDIT_CONFIGURE = services.CREDIT_CONFIGURE

CODE_FIELDS = {
    "disclosed_on_invalid": "disclosed_on",
    "penalty_on_invalid": "penalty_on",
    "platform_name_required": "name",
    "endpoint_invalid": "endpoint",
}

RECORD_RELATED = ("committee", "commitment", "commitment__request", "task")


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
    bound: AcknowledgeForm | DisclosureForm | None = None
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
                return services.credit_submission_acknowledge(
                    actor=user, submission_id=sub.pk, reference=v["reference"]
                )

            success = _("已登记平台确认")
        else:
            disclosure = DisclosureForm(request.POST, prefix="disclosure")
            bound = disclosure
            # `record` is reassigned below, so a closure sees it Optional.
            record_id = record.pk

            def call(v):
                return services.credit_disclosure_set(
                    actor=user, record_id=record_id, **v
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
                services.credit_platform_set(
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
