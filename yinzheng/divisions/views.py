from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yinzheng.accounts import policy
from yinzheng.accounts.models import RoleGrant
from yinzheng.accounts.views import GrantForm
from yinzheng.core.errors import DomainError

from . import selectors, services
from .forms import AbolishForm, MergeForm


@login_required
def index(request):
    q = request.GET.get("q", "").strip()
    if q:
        page = Paginator(selectors.search(request.user, q), 50).get_page(
            request.GET.get("page")
        )
        return render(request, "divisions/search.html", {"q": q, "page": page})
    roots = selectors.roots_for(request.user)
    only = roots.first() if roots.count() == 1 else None
    if only is not None:
        return redirect(only)
    return render(request, "divisions/index.html", {"roots": roots})


@login_required
def detail(request, code: str):
    division = selectors.division_get(request.user, code)
    if division is None:
        raise Http404
    children = Paginator(selectors.children_visible_to(request.user, division), 100)
    context = {
        "division": division,
        "chain": division.chain()[:-1],
        "children": children.get_page(request.GET.get("page")),
        "may_change_status": division.is_committee
        and division.is_active
        and policy.can(request.user, "division.change_status", division),
        "merge_form": MergeForm(),
        "may_manage_grants": policy.can(request.user, "grant.manage", division),
        "abolish_form": AbolishForm(),
        # The committee's seal-use registers (REQ-069–074).
        "may_view_registers": division.is_committee
        and policy.can(request.user, "register.view", division),
    }
    if context["may_manage_grants"]:
        context["grants"] = (
            RoleGrant.objects.active()
            .filter(division=division)
            .select_related("user")
            .order_by("role", "user__username")
        )
        context["grant_form"] = GrantForm()
    return render(request, "divisions/detail.html", context)


@login_required
@require_POST
def merge(request, code: str):
    form = MergeForm(request.POST)
    if form.is_valid():
        try:
            services.committee_merge(
                actor=request.user,
                code=code,
                into_code=form.cleaned_data["into_code"],
                reference=form.cleaned_data["reference"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已登记合并"))
    else:
        messages.error(request, _("请填写完整的合并信息"))
    return redirect("divisions:detail", code=code)


@login_required
@require_POST
def abolish(request, code: str):
    form = AbolishForm(request.POST)
    if form.is_valid():
        try:
            services.committee_abolish(
                actor=request.user, code=code, reference=form.cleaned_data["reference"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已登记撤销"))
    else:
        messages.error(request, _("请填写撤销依据"))
    return redirect("divisions:detail", code=code)


@login_required
def staffing(request):
    """Committees that lack a head or a custodian (REQ-064, REQ-067)."""
    if not policy.can(request.user, "division.staffing"):
        raise PermissionDenied
    page = Paginator(selectors.committees_missing_staff(request.user), 100).get_page(
        request.GET.get("page")
    )
    return render(request, "divisions/staffing.html", {"page": page})
