"""What the staff pages of every app share: one service call with its refusal shown,
a bound form's errors as one line, a refusal put on the field it concerns."""

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .errors import DomainError, NotAllowed, SeparationOfDuties


def form_errors(form: forms.Form) -> str:
    """A bound form's errors as one line: "label：message；label：message"."""
    return "；".join(
        f"{form.fields[name].label or name}：{'、'.join(map(str, errors))}"
        if name in form.fields
        else "、".join(map(str, errors))
        for name, errors in form.errors.items()
    )


def attempt(request: HttpRequest, call: Callable[[], Any], success: str) -> Any:
    """Run one service call and show its refusal, or `success`; None when refused.

    A refusal of the action itself is a 403; separation of duties (the user may act
    in general, not on this matter) and every other rule are shown as a message.
    """
    try:
        result = call()
    except SeparationOfDuties as exc:
        messages.error(request, exc.message)
        return None
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, success)
    return result if result is not None else True


def show_error(form: forms.Form, exc: DomainError, fields: Mapping[str, str]) -> None:
    """Put a refusal on the form field its code concerns (`fields`: code → field), or
    on the form as a whole."""
    field = fields.get(exc.code)
    form.add_error(field if field in form.fields else None, str(exc.message))
