"""What every domain's endpoints share: the documented error answers and the renderers
that let content negotiation accept a file download (the view returns the bytes)."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer

from yinzheng.accounts import policy

from .serializers import ErrorSerializer

# The {"code", "message", "detail"} answers a write may give (api/errors.py).
ERRORS = {
    400: ErrorSerializer,
    401: ErrorSerializer,
    403: ErrorSerializer,
    404: ErrorSerializer,
    409: ErrorSerializer,
}


class FileRenderer(BaseRenderer):
    """Accepts the file's type in negotiation; the view returns the bytes itself."""

    media_type = "application/octet-stream"
    format = "bin"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class BinaryRenderer(FileRenderer):
    pass


class PDFRenderer(FileRenderer):
    media_type = "application/pdf"
    format = "pdf"


class XLSXRenderer(FileRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"


@extend_schema_field(
    serializers.ListField(
        child=serializers.CharField(),
        help_text="当前用户此时可办理的操作（policy.allowed_actions）；服务端仍会再次检查",
    )
)
class AllowedActionsField(serializers.Field):
    """The workflow actions the requesting user may take on the object now, as the
    pages offer them (`policy.allowed_actions`); the serializer needs the request in
    its context."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> list[str]:
        request = self.context.get("request")
        return sorted(policy.allowed_actions(getattr(request, "user", None), value))
