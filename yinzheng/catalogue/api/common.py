"""What the catalogue endpoints share: the statuses the public sees, a version with its
entries (and how to load it again after a write), an item's legal bases, and the label
of an applicant department.

Reading needs no login and shows only published or superseded versions; a draft is seen
only by someone who may manage it. Every write calls one function of the catalogue
(services, publications, guides, cleanup, admissions), which checks the policy
("catalogue.manage") and the rules; refusals go through the one error handler as
{"code", "message", "detail"}.
"""

from django.db.models import Prefetch
from rest_framework import serializers

from .. import selectors
from ..choices import BasisType, VersionStatus
from ..models import Basis, ListEntry, ListVersion

PUBLIC = selectors.IN_FORCE_STATUSES
ENTRIES = Prefetch(
    "entries",
    queryset=ListEntry.objects.select_related("item")
    .prefetch_related("item__bases")
    .order_by("number"),
)


class BasisSerializer(serializers.ModelSerializer):
    type = serializers.ChoiceField(choices=BasisType.choices, source="basis_type")
    type_display = serializers.CharField(source="get_basis_type_display")

    class Meta:
        model = Basis
        fields = ["type", "type_display", "citation", "sample"]


class EntrySerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.key")
    name = serializers.CharField(source="item.name")
    aliases = serializers.ListField(
        child=serializers.CharField(), source="item.aliases"
    )
    open_alias_list = serializers.BooleanField(source="item.open_alias_list")
    route = serializers.CharField(source="item.route")
    responsible_departments = serializers.ListField(
        child=serializers.CharField(), source="item.responsible_departments"
    )
    sharing_departments = serializers.ListField(
        child=serializers.CharField(),
        source="item.sharing_departments",
        help_text="信息共享核查部门：办理部门向其查询核对（REQ-117）",
    )
    exceptions = serializers.ListField(
        child=serializers.CharField(), source="item.exceptions"
    )
    bases = BasisSerializer(source="item.bases", many=True)

    class Meta:
        model = ListEntry
        fields = [
            "number",
            "item",
            "name",
            "aliases",
            "open_alias_list",
            "route",
            "responsible_departments",
            "sharing_departments",
            "exceptions",
            "bases",
            "note",
        ]


class ApprovalSerializer(serializers.Serializer):
    body = serializers.CharField(source="approval_body")
    date = serializers.DateField(source="approval_date", allow_null=True)
    reference = serializers.CharField(source="approval_reference")


class VersionSummarySerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=VersionStatus.choices)
    status_display = serializers.CharField(source="get_status_display")
    approval = ApprovalSerializer(source="*")

    class Meta:
        model = ListVersion
        fields = [
            "number",
            "status",
            "status_display",
            "valid_from",
            "valid_to",
            "reason",
            "source_document",
            "approval",
            "published_at",
        ]


class VersionSerializer(VersionSummarySerializer):
    list = serializers.IntegerField(source="catalogue_list_id")
    list_title = serializers.CharField(source="catalogue_list.title")
    entries = EntrySerializer(many=True)

    class Meta(VersionSummarySerializer.Meta):
        fields = [
            "id",
            "list",
            "list_title",
            *VersionSummarySerializer.Meta.fields,
            "entries",
        ]


def _reload(version_id: int) -> ListVersion:
    return (
        ListVersion.objects.select_related("catalogue_list")
        .prefetch_related(ENTRIES)
        .get(pk=version_id)
    )
