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


SAMPLE_MARK = "（示例）"


def bracket_inner(text: str) -> str:
    """What goes between full-width brackets for `text` (issue 16): demo data's
    leading "（示例）" becomes "示例：…", so that bracketing it never doubles."""
    text = (text or "").strip()
    if text.startswith(SAMPLE_MARK):
        rest = text.removeprefix(SAMPLE_MARK).strip()
        return f"示例：{rest}" if rest else "示例"
    if text.startswith("（") and text.endswith("）") and _one_group(text):
        return text[1:-1]
    return text


def in_brackets(text: str) -> str:
    """`text` in full-width brackets, once: （text）, never （（示例）…）."""
    inner = bracket_inner(text)
    return f"（{inner}）" if inner else ""


def _one_group(text: str) -> bool:
    """True when the opening bracket closes only at the very end."""
    depth = 0
    for i, char in enumerate(text):
        depth += {"（": 1, "）": -1}.get(char, 0)
        if depth == 0 and i < len(text) - 1:
            return False
    return depth == 0
