"""What the certificate pages share: the policy's actions, the view check, a request
found through the visibility filter (404 outside the user's subtrees), which form field
a service refusal on a request page belongs to, and — for the commitment and credit
pages — the resident masked and the divisions a user may pick in a form.

The queues of what the committee handed on — the Party organisation's (REQ-043) and the
departments' (REQ-118) — share their rows (the resident masked, a form on each) and
their one step (`queue_step`).

The request, intake, file, settings, commitment, credit and queue pages build on these
and never on each other.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect

from yinzheng.accounts import policy
from yinzheng.core import masking
from yinzheng.core.codes import Level
from yinzheng.core.errors import DomainError, NotAllowed
from yinzheng.divisions.models import Division

from .. import selectors
from ..models import CertificateRequest

HANDLE, APPROVE, SEAL = "certificate.handle", "certificate.approve", "certificate.seal"
CONFIGURE = "certificate.configure"


# Which form field a service refusal belongs to, by its code.
CODE_FIELDS = {
    "id_number_invalid": "id_number",
    "phone_invalid": "phone",
    "resident_name_required": "resident_name",
    "purpose_required": "purpose",
    "requiring_unit_required": "requiring_unit",
    "facts_required": "facts",
    "item_required": "item_text",
    "category_invalid": "category",
    "copies_invalid": "copies",
    "exception_unknown": "exception_claimed",
    "exception_materials_required": "material",
    "route_required": "route",
    "department_required": "department",
    "department_invalid": "to_department",
    "jurisdiction_invalid": "jurisdiction",
    "reason_required": "reason",
    "participants_required": "participants",
    "consultation_date_required": "held_on",
    "consultation_date_invalid": "held_on",
    "organisation_required": "demanding_organisation",
    "text_too_long": "notification",
    "signed_on_invalid": "signed_on",
}


def _require_view(user: Any) -> None:
    if not policy.can(user, "certificate.view"):
        raise PermissionDenied


def _request_or_404(user: Any, pk: int) -> CertificateRequest:
    _require_view(user)
    req = selectors.request_get(user, pk)
    if req is None:
        raise Http404
    return req


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


# The queues of handed-on cases (REQ-043, REQ-118) ----------------------------------


def queue_rows(
    cases: Iterable[Any], form_for: Callable[[Any], Any]
) -> list[dict[str, Any]]:
    """One row per queued case: the case, its request's resident masked, its form."""
    rows = []
    for case in cases:
        req = getattr(case, "request", case)
        rows.append(
            {
                "case": case,
                "req": req,
                "name": masking.mask_name(req.resident_name),
                "form": form_for(case),
            }
        )
    return rows


def queue_step(
    request: Any,
    form: forms.Form,
    call: Callable[[dict[str, Any]], Any],
    *,
    field: str | None,
    success: str,
    back: str,
) -> Any:
    """Run one step on a queued case: the service's refusal goes on `field` of the form
    (a permission refusal is 403); success redirects to `back` with the message. None
    when the form is to be shown again."""
    if not form.is_valid():
        return None
    try:
        call(form.cleaned_data)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        form.add_error(field if field in form.fields else None, str(exc.message))
        return None
    messages.success(request, success)
    return redirect(back)
