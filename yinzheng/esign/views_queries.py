"""The departments' verification page (REQ-111): a department officer checks a
certificate put before them — its QR content, its serial with the check code, or its
PDF — giving the legal basis and purpose of the query; the answer is the verdict with
every check, and the query is recorded (services.verification_query_with_code). Below,
the query log: one's own queries, and for civil affairs and inspectors those about
their subtree's certificates; each query's page says whether the audit journal holds
it (esign.journal). The page holds no rule: a refusal of the service is shown on the
field it concerns; a user who may neither query nor read the log gets 403.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from yinzheng.accounts import policy
from yinzheng.core.errors import CoreCode, DomainError
from yinzheng.core.web import show_error

from . import journal, selectors, services
from .choices import verdict_badge
from .errors import EsignCode
from .forms import QueryForm

VERIFY, QUERIES = "esign.verify", "esign.queries"
LOG_SHOWN = 100
# A refusal's code → the field it concerns.
FIELDS: dict[str, str] = {
    EsignCode.LEGAL_BASIS_REQUIRED: "legal_basis",
    CoreCode.PURPOSE_REQUIRED: "purpose",
    EsignCode.NOT_THAT_DEPARTMENT: "department",
    CoreCode.DOCUMENT_TOO_LARGE: "pdf",
    CoreCode.SERIAL_REQUIRED: "serial",
}


def _require_reader(user) -> bool:
    """May the user query (True) or only read the log (False)? Neither: 403."""
    if policy.can(user, VERIFY):
        return True
    if policy.can(user, QUERIES):
        return False
    raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def verifications(request):
    user = request.user
    may_query = _require_reader(user)
    departments = services.query_departments(user) if may_query else []
    form = QueryForm(departments=departments) if may_query else None
    query = result = None
    if request.method == "POST":
        if not may_query:
            raise PermissionDenied
        form = QueryForm(request.POST, request.FILES, departments=departments)
        if form.is_valid():
            given = form.cleaned_data
            pdf = given["pdf"]
            try:
                query, result = services.verification_query_with_code(
                    actor=user,
                    legal_basis=given["legal_basis"],
                    purpose=given["purpose"],
                    token=given["token"].strip(),
                    serial=given["serial"],
                    check_code=given["check_code"],
                    pdf=pdf.read() if pdf is not None else None,
                    holder_name=given["holder_name"],
                    department=given.get("department", ""),
                )
            except DomainError as exc:
                show_error(form, exc, FIELDS)
            else:
                form = QueryForm(departments=departments)  # the next query
    return render(
        request,
        "esign/verifications.html",
        {
            "form": form,
            "query": query,
            "result": result,
            "badge": verdict_badge(result.verdict) if result else "",
            "log": selectors.query_log(user)[:LOG_SHOWN],
            "log_shown": LOG_SHOWN,
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def verification(request, pk: int):
    """One query as recorded, and what the audit journal holds of it."""
    _require_reader(request.user)
    query = selectors.query_log(request.user).filter(pk=pk).first()
    if query is None:
        raise Http404
    return render(
        request,
        "esign/verification.html",
        {"query": query, "journal": journal.history(query)},
    )
