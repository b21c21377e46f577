"""The JSON parser every endpoint uses: DRF's, with a limit on nesting.

Python's decoder recurses once per level, so a body nested a few thousand levels deep
ran out of stack and answered 500 (issue 13, finding 6). No request of this API nests
more than a handful of levels, so anything past `MAX_DEPTH` is refused as a 400 in the
one error shape, before a serializer sees it.
"""

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers

MAX_DEPTH = 64


def _too_deep(data: Any, limit: int) -> bool:
    """Whether `data` nests containers more than `limit` levels (iteratively: the
    check must not recurse either)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _too_deep_error() -> exceptions.ParseError:
    return exceptions.ParseError(
        _("JSON 嵌套不得超过 %(limit)d 层") % {"limit": MAX_DEPTH}
    )


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise _too_deep_error() from None
        if _too_deep(data, MAX_DEPTH):
            raise _too_deep_error()
        return data
