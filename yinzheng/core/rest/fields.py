"""Serializer fields that take what the schema says and nothing else (issue 13: the
API accepted input its schema rules out).

Text is text: DRF's `CharField` turns a JSON number into a string, so
`{"item_text": 0}` was stored as "0" although the schema says string. `text_only()`,
installed once at start-up (core.apps), makes every `CharField` — and the fields built
on it, e-mail, slug, URL, regex — refuse anything but a string. Form and multipart
bodies carry strings only, so they are unaffected.
"""

from typing import Any

from rest_framework import serializers

_lenient_text = serializers.CharField.to_internal_value


def _text_only(field: serializers.CharField, data: Any) -> str:
    if not isinstance(data, str):
        field.fail("invalid")
    return _lenient_text(field, data)


def text_only() -> None:
    """Make every CharField refuse a value that is not a string (idempotent)."""
    serializers.CharField.to_internal_value = _text_only  # type: ignore[method-assign, assignment]
