from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from yinzheng.accounts import policy
from yinzheng.core.errors import NotAllowed

from . import services
from .models import Chain


@login_required
def index(request):
    if not policy.can(request.user, "audit.view"):
        raise NotAllowed()
    chains = policy.visible(Chain.objects.all(), request.user, field="division")
    if not policy.sees_everything(request.user):
        chains = chains.exclude(division__isnull=True)
    reports = None
    if request.GET.get("verify"):
        reports = [services.verify_chain(c) for c in chains[:200]]
    return render(
        request, "ledger/index.html", {"chains": chains[:200], "reports": reports}
    )
