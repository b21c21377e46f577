"""Free text from a form, the API or the CLI: trimmed, required where a rule needs it,
bounded so a pasted book is refused with a clear message instead of a database error."""

import re
from typing import Any

from django.utils.translation import gettext as _

from .errors import CoreCode, ErrorCode, InvalidInput

CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


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
    # Word's line and page breaks arrive as VT and FF when pasted: line breaks here.
    value = (value or "").replace("\x0b", "\n").replace("\x0c", "\n").strip()
    if CONTROL.search(value):
        # NUL and the other C0 controls (a tab and line breaks are text): nothing a
        # person types, and what spreadsheets, PDFs and PostgreSQL refuse later.
        raise InvalidInput(
            _("%s含有不可见的控制字符") % label, code=CoreCode.INVALID_INPUT
        )
    if max_length and len(value) > max_length:
        raise InvalidInput(
            _("%(label)s不能超过 %(n)d 个字") % {"label": label, "n": max_length},
            code=code,
        )
    return value


MAX_ID = 2**63 - 1  # the largest key SQLite and PostgreSQL (bigint) store


def as_id(raw: object) -> int | None:
    """A row id from a query string or a form ("12"), or None: only ASCII digits (so
    not "²", which str.isdigit() accepts and int() refuses), within a 64-bit key."""
    text = str(raw or "").strip()
    if not (0 < len(text) <= 19 and text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None
