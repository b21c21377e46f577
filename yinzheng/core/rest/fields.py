"""Serializer fields that take what the schema says and nothing else (issue 13: the
API accepted input its schema rules out).

Text is text: DRF's `CharField` turns a JSON number into a string, so
`{"item_text": 0}` was stored as "0" although the schema says string. `text_only()`,
installed once at start-up (core.apps), makes every `CharField` — and the fields built
on it, e-mail, slug, URL, regex — refuse anything but a string. Form and multipart
bodies carry strings only, so they are unaffected.

A yes/no is a yes/no: DRF's `BooleanField` also takes the numbers 0 and 1 from JSON,
which the schema's `boolean` rules out; `text_only()` makes it refuse any number (a
form's "0"/"1"/"true"/"false" strings are still read as before).
"""

from typing import Any

from rest_framework import serializers

_lenient_text = serializers.CharField.to_internal_value
_lenient_flag = serializers.BooleanField.to_internal_value


def _text_only(field: serializers.CharField, data: Any) -> str:
    if not isinstance(data, str):
        field.fail("invalid")
    return _lenient_text(field, data)


def _flag_only(field: serializers.BooleanField, data: Any) -> bool:
    if isinstance(data, (int, float)) and not isinstance(data, bool):
        field.fail("invalid", input=data)
    return _lenient_flag(field, data)


def text_only() -> None:
    """Make every CharField refuse a value that is not a string, and every
    BooleanField a number (idempotent)."""
    serializers.CharField.to_internal_value = _text_only  # type: ignore[method-assign, assignment]
    serializers.BooleanField.to_internal_value = _flag_only  # type: ignore[method-assign, assignment]
