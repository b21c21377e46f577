"""Where the lists went out (REQ-078, REQ-081, DIV-06).

REQ-081 (同步公布) asks every channel to show the same current version: `channel_status`
says, per configured channel, which version it last showed and whether that is the
current one; `lists_out_of_sync` feeds the inbox with the lists whose current version is
missing on a channel; `version_publications` gives the channels and dates a version went
out on, for the public pages and the JSON export (exports.py). Guides and related rules
(REQ-078) are published on their jurisdiction's channels (`jurisdiction_channels`: the
union of its lists' sets): `guide_channel_status`, `guide_rows` and `rule_channel_status`
say per channel when each went out and whether that shows what is published now;
`guides_out_of_sync` and `rules_out_of_sync` feed the inbox. Recording a publication
and setting a list's channels are services.publications'.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet

from yinzheng.core import clock

from ..choices import Channel, GuideStatus, VersionStatus
from ..models import (
    CatalogueList,
    Guide,
    GuidePublication,
    ListEntry,
    ListVersion,
    Publication,
    RelatedRule,
)
from .lists import latest_published, lists_manageable, versions_in_force_anywhere


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


# Guides and related rules (REQ-078) ---------------------------------------------------


def jurisdiction_channels(owner_code: str) -> list[str]:
    """The channels a jurisdiction publishes its guides and rules on: the union of its
    lists' channel sets, or all seven when it keeps no list (DIV-06)."""
    union: set[str] = set()
    for channels in CatalogueList.objects.filter(owner_id=owner_code).values_list(
        "channels", flat=True
    ):
        union.update(channels or [])
    return ordered_channels(union) if union else list(Channel.values)


def guide_jurisdictions(guide: Guide, on: dt.date | None = None) -> list[str]:
    """The owners of the lists in force that name the guide's item: the jurisdictions
    that publish the guide (the same ones the platform messages go to, REQ-112)."""
    on = on or clock.today()
    return sorted(
        set(
            ListEntry.objects.filter(
                item_id=guide.item_id, version__in=versions_in_force_anywhere(on)
            ).values_list("version__catalogue_list__owner_id", flat=True)
        )
    )


@dataclass(frozen=True)
class RecordStatus:
    """One channel of a guide or a rule: its last record and whether that shows what is
    published now."""

    channel: str
    label: Any
    published_on: dt.date | None
    location: str
    in_sync: bool


def guide_channel_status(guide: Guide, owner_code: str) -> list[RecordStatus]:
    """Per channel of the jurisdiction: when the guide last went out there, and whether
    that was its current publication (a guide republished since is 未同步). A guide not
    published has nothing to be out of sync with."""
    last: dict[str, GuidePublication] = {}
    for pub in GuidePublication.objects.filter(
        guide=guide, division_id=owner_code
    ).order_by("guide_published_at", "published_on", "pk"):
        last[pub.channel] = pub
    live = guide.status == GuideStatus.PUBLISHED and guide.published_at is not None
    return [
        RecordStatus(
            channel=channel,
            label=Channel(channel).label,
            published_on=pub.published_on if pub else None,
            location=pub.location if pub else "",
            in_sync=not live
            or (pub is not None and pub.guide_published_at == guide.published_at),
        )
        for channel in jurisdiction_channels(owner_code)
        for pub in [last.get(channel)]
    ]


def rule_channel_status(rule: RelatedRule) -> list[RecordStatus]:
    """Per channel of the rule's jurisdiction: its record, if any."""
    done = {p.channel: p for p in rule.publications.all()}
    return [
        RecordStatus(
            channel=channel,
            label=Channel(channel).label,
            published_on=pub.published_on if pub else None,
            location=pub.location if pub else "",
            in_sync=pub is not None,
        )
        for channel in jurisdiction_channels(rule.owner_id)
        for pub in [done.get(channel)]
    ]


@dataclass(frozen=True)
class GuideRow:
    guide: Guide
    owner_code: str
    owner_name: str
    channels: list[RecordStatus]

    @property
    def out_of_sync(self) -> list[RecordStatus]:
        return [c for c in self.channels if not c.in_sync]


def guide_rows(user: Any, on: dt.date | None = None) -> list[GuideRow]:
    """Every published guide a jurisdiction the user manages publishes (its list in
    force names the item), with the state of each of its channels (REQ-078)."""
    on = on or clock.today()
    pairs = (
        ListEntry.objects.filter(
            version__in=versions_in_force_anywhere(on).filter(
                catalogue_list__in=lists_manageable(user)
            ),
            item__guide__status=GuideStatus.PUBLISHED,
        )
        .values_list(
            "item__guide",
            "version__catalogue_list__owner_id",
            "version__catalogue_list__owner__name",
        )
        .distinct()
    )
    wanted: dict[tuple[int, str], str] = {
        (guide_id, code): name for guide_id, code, name in pairs
    }
    if not wanted:
        return []
    guides = Guide.objects.select_related("item").in_bulk(
        {guide_id for guide_id, _code in wanted}
    )
    channel_sets = {code: jurisdiction_channels(code) for _g, code in wanted}
    last: dict[tuple[int, str, str], GuidePublication] = {}
    for pub in GuidePublication.objects.filter(
        guide_id__in=guides, division_id__in=channel_sets
    ).order_by("guide_published_at", "published_on", "pk"):
        last[(pub.guide_id, pub.division_id, pub.channel)] = pub
    rows = []
    for (guide_id, code), name in sorted(
        wanted.items(), key=lambda kv: (kv[0][1], guides[kv[0][0]].item.name)
    ):
        guide = guides[guide_id]
        statuses = []
        for channel in channel_sets[code]:
            shown = last.get((guide_id, code, channel))
            statuses.append(
                RecordStatus(
                    channel=channel,
                    label=Channel(channel).label,
                    published_on=shown.published_on if shown else None,
                    location=shown.location if shown else "",
                    in_sync=shown is not None
                    and shown.guide_published_at == guide.published_at,
                )
            )
        rows.append(GuideRow(guide, code, name, statuses))
    return rows


def guides_out_of_sync(user: Any) -> list[GuideRow]:
    """Guides a jurisdiction the user manages has not yet put out, in their current
    publication, on every one of its channels (REQ-078), for the inbox."""
    return [row for row in guide_rows(user) if row.out_of_sync]


def rules_manageable(user: Any) -> QuerySet[RelatedRule]:
    return (
        RelatedRule.objects.visible_to(user)
        .select_related("owner")
        .prefetch_related("publications")
    )


def rules_out_of_sync(user: Any) -> list[RelatedRule]:
    """Related rules the user manages not yet recorded on every channel of their
    jurisdiction (REQ-078), for the inbox."""
    return [
        rule
        for rule in rules_manageable(user)
        if any(not c.in_sync for c in rule_channel_status(rule))
    ]


def current_guide_publications(
    owner_code: str, item_ids: Iterable[int]
) -> dict[int, list[GuidePublication]]:
    """Item id → the channels and dates `owner_code` put the item's guide out on, in
    its current publication, in channel order (the JSON export)."""
    order = {c: n for n, c in enumerate(Channel.values)}
    found: dict[int, list[GuidePublication]] = defaultdict(list)
    for pub in GuidePublication.objects.filter(
        division_id=owner_code,
        guide__item_id__in=list(item_ids),
        guide__status=GuideStatus.PUBLISHED,
        guide_published_at=F("guide__published_at"),
    ).select_related("guide"):
        found[pub.guide.item_id].append(pub)
    for pubs in found.values():
        pubs.sort(key=lambda p: order.get(p.channel, 99))
    return found


def guide_publications_public(guide: Guide) -> list[GuidePublication]:
    """Where and when each jurisdiction put the guide out, in its current publication
    (public: the item's page), by jurisdiction then channel order."""
    if guide.status != GuideStatus.PUBLISHED or guide.published_at is None:
        return []
    order = {c: n for n, c in enumerate(Channel.values)}
    pubs = GuidePublication.objects.filter(
        guide=guide, guide_published_at=guide.published_at
    ).select_related("division")
    return sorted(pubs, key=lambda p: (p.division_id, order.get(p.channel, 99)))
