"""The OpenAPI schema's error component lists every error code the API can answer with.

The codes are the members of the apps' `ErrorCode` enums (core.errors.error_codes); the
hook adds them to the `Error` component as an enum, with the enum each comes from, so a
client can switch on them and a reviewer can see them all in one place.
"""

from importlib import import_module
from typing import Any

from django.apps import apps

from yinzheng.core.errors import error_codes


def _load_every_app_errors() -> None:
    for config in apps.get_app_configs():
        if config.name.startswith("yinzheng."):
            try:
                import_module(f"{config.name}.errors")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.errors":
                    raise


def error_codes_hook(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS)."""
    _load_every_app_errors()
    codes = error_codes()
    error = result.get("components", {}).get("schemas", {}).get("Error")
    if error is not None:
        prop = error["properties"]["code"]
        prop["enum"] = list(codes)
        prop["description"] = "错误代码（稳定，客户端据此判断）：\n" + "\n".join(
            f"* `{code}` — {', '.join(enums)}" for code, enums in codes.items()
        )
    return result


# Answers any operation can give through the one error handler (core.rest.errors): bad
# input or parameters, no or a wrong token, outside the user's scope, a record or page
# that does not exist, too many requests.
_COMMON_ERRORS = {
    "400": "输入或查询参数有误",
    "401": "未登录或令牌无效",
    "403": "无权执行此操作",
    "404": "记录或页面不存在（或不在管辖范围内）",
    "429": "请求过于频繁",
}
# The application server refuses a request line over 4 KB before Django sees it.
_URI_TOO_LONG = {"description": "请求地址过长"}
# Every request with a NUL character anywhere is refused (core.middleware): a string
# query parameter says so, unless it states a pattern of its own (which excludes it).
NO_NUL = r"^[^\x00]*$"
# RFC 3339's full-time wants an offset; the API sends wall-clock times ("08:30:00").
_CLOCK_TIME = {
    "type": "string",
    "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$",
    "example": "08:30:00",
}


def _clock_times(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("format") == "time":
            del node["format"]
            node.update({k: v for k, v in _CLOCK_TIME.items() if k not in node})
        for value in node.values():
            _clock_times(value)
    elif isinstance(node, list):
        for value in node:
            _clock_times(value)


def conformance_hook(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the schema states what the server does
    (issue 13, finding 6) — the error answers every operation can give, flags as the
    values the server accepts (core.rest.query), integers as 64-bit ones, clock times
    as they are sent."""
    from .query import FLAG_VALUES, INT64

    error = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in {"get", "put", "patch", "post", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in _COMMON_ERRORS.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": error}},
                    },
                )
            if method == "get":
                responses.setdefault("414", _URI_TOO_LONG)
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter.get("in") != "query":
                    continue
                if schema.get("type") == "boolean":
                    parameter["schema"] = {"type": "string", "enum": list(FLAG_VALUES)}
                elif schema.get("type") == "integer":
                    # Any 64-bit integer unless the parameter bounds it (query.py).
                    schema.setdefault("format", "int64")
                    schema.setdefault("minimum", INT64[0])
                    schema.setdefault("maximum", INT64[1])
                elif schema.get("type") == "string" and not (
                    {"pattern", "enum", "format"} & set(schema)
                ):
                    schema["pattern"] = NO_NUL
    _clock_times(result.get("components", {}))
    return result
