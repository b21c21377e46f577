"""Free text from a form, the API or the CLI: trimmed, required where a rule needs it,
bounded so a pasted book is refused with a clear message instead of a database error."""

from typing import Any

from django.utils.translation import gettext as _

from .errors import ErrorCode, InvalidInput


def required_text(
    value: str | None, label: Any, code: ErrorCode, max_length: int = 0
) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("请填写%s") % label, code=code)
    return optional_text(value, label, code, max_length)


def optional_text(
    value: str | None, label: Any, code: ErrorCode, max_length: int = 0
) -> str:
    value = (value or "").strip()
    if max_length and len(value) > max_length:
        raise InvalidInput(
            _("%(label)s不能超过 %(n)d 个字") % {"label": label, "n": max_length},
            code=code,
        )
    return value
