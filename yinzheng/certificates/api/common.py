"""What the certificates' endpoints share: the permission to read them, a person and a
commitment's masked resident as their answers show them, a case handed on to the Party
organisation or a department as its receiver reads it, the PDF download in the schema,
and the two steps every view takes (validate the body, serve a stored file)."""

from operator import attrgetter

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import BasePermission

from yinzheng.accounts import policy
from yinzheng.core import masking, uploads
from yinzheng.core.rest.responses import PDFRenderer

from ..choices import Status
from ..models import CertificateRequest

# Plain strings with the values listed: enums named by field name ("status", "form")
# would collide with the other domains' in the schema.
STATUS_HELP = "办理状态：" + "、".join(Status.values)
PDF = {(200, PDFRenderer.media_type): OpenApiResponse(OpenApiTypes.BINARY)}


class CanViewCertificates(BasePermission):
    def has_permission(self, request, view) -> bool:
        return policy.can(request.user, "certificate.view")


class CertificatePersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="display_name")


class _Masked(serializers.Serializer):
    """The person of a commitment, masked (the request holds name and ID once)."""

    resident_name = serializers.SerializerMethodField(help_text="承诺人姓名（脱敏）")
    id_number = serializers.SerializerMethodField(help_text="公民身份号码（脱敏）")

    # Where the certificate request is, from the serialized object.
    request_path = "request"

    def _request(self, obj):
        return attrgetter(self.request_path)(obj)

    def get_resident_name(self, obj) -> str:
        return masking.mask_name(self._request(obj).resident_name)

    def get_id_number(self, obj) -> str:
        return masking.mask_id_number(self._request(obj).id_number)


class HandedOnCaseSerializer(serializers.ModelSerializer):
    """A case the committee handed on — to the Party organisation (REQ-043) or to a
    department (REQ-118) — as its receiver reads it: the resident's name masked, no
    ID number, no phone."""

    committee_name = serializers.CharField(source="committee.name")
    resident_name = serializers.SerializerMethodField(help_text="姓名（脱敏）")
    item_name = serializers.CharField()

    class Meta:
        model = CertificateRequest
        fields = [
            "id",
            "committee",
            "committee_name",
            "resident_name",
            "item_name",
            "purpose",
            "requiring_unit",
        ]

    def get_resident_name(self, obj: CertificateRequest) -> str:
        return masking.mask_name(obj.resident_name)


def file_response(
    field, name: str, file_type: uploads.FileType | None = None
) -> FileResponse:
    """A stored file through core.uploads (issue 13): the explicit type (given for the
    PDFs the system renders, told by the content otherwise), nosniff, inline only for a
    PDF or an image."""
    return uploads.serve(field, filename=name, file_type=file_type, inline=True)
