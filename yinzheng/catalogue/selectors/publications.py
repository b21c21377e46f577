"""Where the lists went out (REQ-078, REQ-081, DIV-06).

REQ-081 (同步公布) asks every channel to show the same current version: `channel_status`
says, per configured channel, which version it last showed and whether that is the
current one; `lists_out_of_sync` feeds the inbox with the lists whose current version is
missing on a channel; `version_publications` gives the channels and dates a version went
out on, for the public pages and the JSON export (exports.py). Recording a publication
and setting a list's channels are services.publications'.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..choices import Channel, VersionStatus
from ..models import CatalogueList, ListVersion, Publication
from .lists import latest_published, lists_manageable


def ordered_channels(channels: Iterable[str]) -> list[str]:
    """`channels` in the order the seeds name the seven."""
    wanted = set(channels)
    return [c for c in Channel.values if c in wanted]


@dataclass(frozen=True)
class ChannelStatus:
    channel: str
    label: Any
    version_number: int | None  # the version last recorded on this channel
    published_on: dt.date | None
    location: str
    in_sync: bool  # shows the current published version (REQ-081)


def channel_status(
    catalogue_list: CatalogueList, current: ListVersion | None = None
) -> list[ChannelStatus]:
    """Per configured channel: the version it last showed, when, and whether that is
    the current published version (同步公布, REQ-081). A list with nothing published
    has nothing to be out of sync with."""
    if current is None:
        current = latest_published(catalogue_list)
    last: dict[str, Publication] = {}
    for publication in (
        Publication.objects.filter(version__catalogue_list=catalogue_list)
        .select_related("version")
        .order_by("version__number", "published_on")
    ):
        last[publication.channel] = publication  # the highest version number wins
    rows = []
    for channel in ordered_channels(catalogue_list.channels):
        pub = last.get(channel)
        rows.append(
            ChannelStatus(
                channel=channel,
                label=Channel(channel).label,
                version_number=pub.version.number if pub else None,
                published_on=pub.published_on if pub else None,
                location=pub.location if pub else "",
                in_sync=current is None
                or (pub is not None and pub.version_id == current.pk),
            )
        )
    return rows


def missing_channels(catalogue_list: CatalogueList, version: ListVersion) -> list[str]:
    """Configured channels `version` has not been recorded on."""
    done = set(version.publications.values_list("channel", flat=True))
    return [c for c in ordered_channels(catalogue_list.channels) if c not in done]


def lists_out_of_sync(user: Any) -> list[CatalogueList]:
    """Lists the user manages whose current version is not yet recorded on every
    configured channel (REQ-081), for the inbox."""
    current = dict(
        ListVersion.objects.filter(
            catalogue_list__in=lists_manageable(user),
            status=VersionStatus.PUBLISHED,
        ).values_list("catalogue_list_id", "pk")
    )
    if not current:
        return []
    done: dict[int, set[str]] = defaultdict(set)
    for version_id, channel in Publication.objects.filter(
        version_id__in=current.values()
    ).values_list("version_id", "channel"):
        done[version_id].add(channel)
    lists = CatalogueList.objects.filter(pk__in=current).order_by(
        "owner_id", "kind", "batch_no", "pk"
    )
    return [lst for lst in lists if set(lst.channels) - done[current[lst.pk]]]


def version_publications(version: ListVersion) -> list[Publication]:
    """The channels and dates a version went out on, in channel order (public)."""
    order = {c: n for n, c in enumerate(Channel.values)}
    return sorted(version.publications.all(), key=lambda p: order.get(p.channel, 99))
