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
