from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from yinzheng.accounts import policy
from yinzheng.core.errors import NotAllowed

from . import selectors, services


@login_required
def index(request):
    if not policy.can(request.user, "audit.view"):
        raise NotAllowed()
    chains = selectors.chains_visible(request.user)
    reports = None
    if request.GET.get("verify"):
        reports = [services.verify_chain(c) for c in chains[:200]]
    return render(
        request, "ledger/index.html", {"chains": chains[:200], "reports": reports}
    )
