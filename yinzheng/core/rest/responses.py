"""What every app's endpoints share: the documented error answers and the renderers
that let content negotiation accept a file download (the view returns the bytes)."""

from collections.abc import Iterable
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer

from yinzheng.core.uploads import OCTET_STREAM, FileType


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    detail = serializers.JSONField(required=False)


# The {"code", "message", "detail"} answers a write may give (core.rest.errors).
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


def validated(serializer_class: type[serializers.Serializer], request: Any) -> Any:
    """The request body checked by `serializer_class` (a 400 in the one error shape
    when it does not pass)."""
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


def file_responses(types: Iterable[FileType]) -> dict[int | tuple[int, str], Any]:
    """The 200 answers of a download of an upload that may be any of `types`: each
    with its real content type (core.uploads types the file by its content), plus
    application/octet-stream for an old file whose content no type matches."""
    media = {t.content_type.split(";")[0] for t in types} | {OCTET_STREAM.content_type}
    return {(200, m): OpenApiResponse(OpenApiTypes.BINARY) for m in sorted(media)}
