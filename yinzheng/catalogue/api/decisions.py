"""`/api/catalogue/decisions/`: the public list of the admission and exit decisions
made (REQ-024): no login, no person's name, no contact.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from yinzheng.accounts.choices import department_label

from .. import selectors
from ..choices import ApplicationKind, ApplicationStatus
from ..models import Application


class PublicDecisionSerializer(serializers.ModelSerializer):
    """What the public page shows; nothing about people."""

    list = serializers.IntegerField(source="catalogue_list_id")
    list_title = serializers.CharField(source="catalogue_list.title")
    owner = serializers.CharField(source="catalogue_list.owner_id")
    owner_name = serializers.CharField(source="catalogue_list.owner.name")
    kind = serializers.CharField(help_text="admission 或 exit")
    kind_display = serializers.CharField(source="get_kind_display")
    item_name = serializers.CharField(source="subject_name")
    department_display = serializers.SerializerMethodField()
    outcome = serializers.CharField(
        source="status", help_text="approved（待公布）、rejected、published"
    )
    outcome_display = serializers.CharField(source="get_status_display")
    to_be_discontinued = serializers.SerializerMethodField(
        help_text="退出已通过，待修改法律法规后退出（REQ-027）"
    )
    reasons = serializers.CharField(source="decision_reasons")
    version = serializers.SerializerMethodField(
        help_text="公布了该决定的清单版本号（未公布为空）"
    )

    class Meta:
        model = Application
        fields = [
            "id",
            "meeting_date",
            "list",
            "list_title",
            "owner",
            "owner_name",
            "kind",
            "kind_display",
            "item_key",
            "item_name",
            "department",
            "department_display",
            "applicant_unit",
            "outcome",
            "outcome_display",
            "to_be_discontinued",
            "meeting_reference",
            "reasons",
            "version",
        ]

    def get_department_display(self, obj: Application) -> str:
        return department_label(obj.department)

    def get_to_be_discontinued(self, obj: Application) -> bool:
        return (
            obj.kind == ApplicationKind.EXIT
            and obj.status == ApplicationStatus.APPROVED
            and obj.resulting_version_id is None
        )

    def get_version(self, obj: Application) -> int | None:
        version = obj.resulting_version
        if version is None or version.status not in selectors.IN_FORCE_STATUSES:
            return None
        return version.number


@extend_schema_view(
    get=extend_schema(
        summary="已作出的准入、退出决定（无须登录；REQ-024）",
        responses={200: PublicDecisionSerializer(many=True)},
    )
)
class DecisionListView(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = PublicDecisionSerializer

    def get_queryset(self):
        return selectors.decisions_public()
