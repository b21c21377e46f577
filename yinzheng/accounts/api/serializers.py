"""Grants and the signed-in user as the API shows them."""

from typing import Any

from rest_framework import serializers

from ..models import RoleGrant, User


class GrantSerializer(serializers.ModelSerializer):
    division_name = serializers.CharField(source="division.name", read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = RoleGrant
        fields = [
            "id",
            "role",
            "role_display",
            "division",
            "division_name",
            "department",
            "granted_at",
        ]


class GrantListSerializer(GrantSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta(GrantSerializer.Meta):
        fields = ["id", "username", "full_name", *GrantSerializer.Meta.fields[1:]]


class GrantCreateSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.CharField(max_length=20)
    division = serializers.CharField(max_length=12, source="division_code")
    # Blank for every role but the department officer's.
    department = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default=""
    )


class MeSerializer(serializers.ModelSerializer):
    grants = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "is_superuser", "grants"]

    def get_grants(self, obj: User) -> list[dict[str, Any]]:
        qs = obj.grants.active().select_related("division")
        return list(GrantSerializer(qs, many=True).data)
