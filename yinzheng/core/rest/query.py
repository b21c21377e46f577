"""Query parameters are checked against what the schema documents for them.

Each endpoint declares its filters once, as drf-spectacular `OpenApiParameter`s in its
`extend_schema`; this module reads those same declarations on every request and refuses
a value the schema rules out (an unknown `status`, a `level` that is not a number, a date
that is not a date, a required `q` left empty) with a 400 in the one error shape, rather
than quietly listing nothing or everything (issue 13, finding 6). The schema and the
server therefore cannot drift apart, and no endpoint writes its own checks.

DRF offers no hook of its own between the permission check and the handler, so the
check runs as a throttle class (DEFAULT_THROTTLE_CLASSES): it runs on every view, after
authentication and permissions, and never limits anything.
"""

import datetime
import re
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.plumbing import build_basic_type, is_basic_type
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

# The spellings of a flag the endpoints have always accepted; the schema lists them.
FLAG_VALUES = ("true", "false", "1", "0")
# An integer without bounds of its own is any 64-bit one (what a client may send
# and the database can compare).
INT64 = (-(2**63), 2**63 - 1)


def documented_query_parameters(view: Any, method: str) -> list[OpenApiParameter]:
    """The query parameters the schema documents for the handler `view` runs for
    `method`: the ones given to its `extend_schema`."""
    name = getattr(view, "action", None) or method.lower()
    handler = getattr(view, name, None)
    schema_class = getattr(handler, "kwargs", {}).get("schema")
    if schema_class is None:
        return []
    schema = schema_class() if isinstance(schema_class, type) else schema_class
    schema.view = view
    schema.method = method.upper()
    schema.path = ""
    return [
        parameter
        for parameter in schema.get_override_parameters()
        if isinstance(parameter, OpenApiParameter)
        and parameter.location == OpenApiParameter.QUERY
        and not parameter.exclude
    ]


def parameter_schema(parameter: OpenApiParameter) -> dict[str, Any]:
    if isinstance(parameter.type, dict):
        return dict(parameter.type)
    if parameter.type is bool:
        return {"type": "boolean"}
    basic = build_basic_type(parameter.type) if is_basic_type(parameter.type) else None
    return dict(basic or {"type": "string"})


def _problem(parameter: OpenApiParameter, value: str) -> str | None:
    """What is wrong with one value of `parameter`, or None."""
    schema = parameter_schema(parameter)
    kind, fmt = schema.get("type"), schema.get("format")
    listed = None if parameter.enum is None else [str(v) for v in parameter.enum]
    # An empty value is one more value: outside an enum that does not list it (as
    # the schema's enum says), and blank only where the schema allows it.
    if (
        not value
        and listed is None
        and (not parameter.allow_blank or kind != "string" or fmt)
    ):
        return str(_("不能为空"))
    if not value and listed is None:
        return None
    if listed is not None and value not in listed:
        return str(_("可选值：%(values)s") % {"values": "、".join(listed)})
    if kind == "boolean" and value not in FLAG_VALUES:
        return str(_("可选值：%(values)s") % {"values": "、".join(FLAG_VALUES)})
    if kind == "integer":
        if not re.fullmatch(r"-?[0-9]{1,20}", value):
            return str(_("须为整数"))
        number = int(value)
        if not INT64[0] <= number <= INT64[1]:
            return str(_("超出允许的范围"))
        if number < schema.get("minimum", number) or number > schema.get(
            "maximum", number
        ):
            return str(_("超出允许的范围"))
    if kind == "number":
        try:
            if not float(value) == float(value) or abs(float(value)) == float("inf"):
                return str(_("须为数字"))
        except ValueError:
            return str(_("须为数字"))
    if fmt == "date":
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            return str(_("须为日期，如 2024-06-28"))
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            return str(_("须为日期，如 2024-06-28"))
    if fmt == "date-time":
        try:
            parsed = parse_datetime(value)
        except ValueError:
            parsed = None
        if parsed is None:
            return str(_("须为日期时间，如 2024-06-28T09:30:00+08:00"))
    if parameter.pattern and not re.search(parameter.pattern, value):
        return str(_("格式不正确"))
    return None


def _format_problem(view: Any, request: Any) -> str | None:
    """DRF's `?format=` (URL_FORMAT_OVERRIDE), which the schema documents with the
    view's renderers as its enum: an unknown one is DRF's 404 already, an empty one
    was quietly ignored."""
    override = api_settings.URL_FORMAT_OVERRIDE
    if not override or override not in request.query_params:
        return None
    allowed = [renderer.format for renderer in view.get_renderers()]
    values = request.query_params.getlist(override)
    if len(values) > 1:
        return str(_("只能给一个值"))
    if values[0] not in allowed:
        return str(_("可选值：%(values)s") % {"values": "、".join(allowed)})
    return None


def query_problems(view: Any, request: Any) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    format_problem = _format_problem(view, request)
    if format_problem is not None:
        problems[str(api_settings.URL_FORMAT_OVERRIDE)] = [format_problem]
    for parameter in documented_query_parameters(view, request.method):
        values = request.query_params.getlist(parameter.name)
        if not values:
            if parameter.required:
                problems[parameter.name] = [str(_("该参数必填"))]
            continue
        if len(values) > 1 and not parameter.many:
            problems[parameter.name] = [str(_("只能给一个值"))]
            continue
        for value in values:
            problem = _problem(parameter, value)
            if problem is not None:
                problems[parameter.name] = [problem]
                break
    return problems


class DocumentedQueryParameters(BaseThrottle):
    """Refuses a query parameter outside its documented type, enum or pattern; never
    throttles (see the module docstring for why it is a throttle class)."""

    def allow_request(self, request, view):
        problems = query_problems(view, request)
        if problems:
            raise serializers.ValidationError(problems)
        return True
