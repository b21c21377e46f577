"""The publication channels and dates of the lists (REQ-078, REQ-081), as serializers.

The endpoints are actions of `CatalogueListViewSet` in .lists (a version's dates, a
list's channels) and of `VersionViewSet` in .versions (recording a date); they call
catalogue.services.publications.
"""

from rest_framework import serializers

from ..choices import Channel, VersionStatus
from ..models import Publication

# Enums are ChoiceFields on the TextChoices, named in the schema by
# SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] ("kind" and "status" are used by several).
_STATUS_HELP = "版本状态：" + "、".join(VersionStatus.values)
_CHANNEL_HELP = "公布渠道：" + "、".join(Channel.values)


class PublicationSerializer(serializers.ModelSerializer):
    channel = serializers.ChoiceField(choices=Channel.choices, help_text=_CHANNEL_HELP)
    channel_display = serializers.CharField(source="get_channel_display")

    class Meta:
        model = Publication
        fields = ["channel", "channel_display", "published_on", "location"]


class VersionPublicationsSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="版本号")
    status = serializers.ChoiceField(
        choices=VersionStatus.choices, help_text=_STATUS_HELP
    )
    valid_from = serializers.DateField(allow_null=True)
    publications = PublicationSerializer(many=True)


class PublicationCreateSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices, help_text=_CHANNEL_HELP)
    published_on = serializers.DateField(help_text="在该渠道公布的日期")
    location = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )


class ChannelStatusSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices, help_text=_CHANNEL_HELP)
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    version_number = serializers.IntegerField(
        allow_null=True, help_text="该渠道最近公布的版本号"
    )
    published_on = serializers.DateField(allow_null=True)
    location = serializers.CharField()
    in_sync = serializers.BooleanField(help_text="是否为现行版本（同步公布，REQ-081）")


class ListChannelsSerializer(serializers.Serializer):
    list = serializers.IntegerField()
    current_version = serializers.IntegerField(allow_null=True)
    channels = ChannelStatusSerializer(many=True)


class ChannelsSetSerializer(serializers.Serializer):
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices),
        allow_empty=True,
        help_text=_CHANNEL_HELP,
    )
