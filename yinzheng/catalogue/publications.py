"""Publication channels and synchronised publication of the lists (REQ-078, REQ-081,
DIV-06).

Each list has a set of channels it must be published on: by default the union of the
seven the seeds name (government portal, government-service platform, service venues,
government Weibo, WeChat official account, community notice spot, community official
account); the owner narrows it to what their jurisdiction uses (`channels_set`). Once a
version is published in the system, the officer records, channel by channel, the date it
went out there and where (`publication_record`): only for a published version (or a
superseded one, to back-fill history), only on a configured channel, never before the
version was published nor in the future, and once per channel.

REQ-081 (同步公布) asks every channel to show the same current version: `channel_status`
says, per configured channel, which version it last showed and whether that is the
current one; `lists_out_of_sync` feeds the inbox with the lists whose current version is
missing on a channel. The JSON export carries the publication records (exports.py).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.core import clock
from yinzheng.core.actors import person
from yinzheng.core.errors import Conflict, InvalidInput, NotFound
from yinzheng.ledger import audit

from . import selectors
from .choices import Channel, VersionStatus
from .models import CatalogueList, ListVersion, Publication

ACTION = "catalogue.manage"
RECORDABLE_STATUSES = (VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED)


def _ordered_channels(channels: Iterable[str]) -> list[str]:
    wanted = set(channels)
    return [c for c in Channel.values if c in wanted]


@transaction.atomic
def channels_set(*, actor: Any, list_id: int, channels: Iterable[str]) -> CatalogueList:
    """The channels the list must be published on: a non-empty subset of the seven
    (REQ-078, DIV-06)."""
    catalogue_list = (
        CatalogueList.objects.select_for_update().filter(pk=list_id).first()
    )
    if catalogue_list is None:
        raise NotFound(code="list_not_found")
    policy.require(actor, ACTION, catalogue_list)
    channels = [str(c) for c in channels]
    unknown = sorted(set(channels) - set(Channel.values))
    if unknown:
        raise InvalidInput(
            _("公布渠道无效：%s") % "、".join(unknown),
            code="channel_unknown",
            detail=unknown,
        )
    if not channels:
        raise InvalidInput(_("请至少选择一个公布渠道"), code="channels_required")
    with audit.recorded(
        actor=actor,
        event="catalogue_list.channels_set",
        subject=catalogue_list,
        fields=["channels"],
    ):
        catalogue_list.channels = _ordered_channels(channels)
    return catalogue_list


def _published_date(version: ListVersion) -> dt.date | None:
    if version.published_at is None:
        return None
    return timezone.localdate(version.published_at)


@transaction.atomic
def publication_record(
    *,
    actor: Any,
    version_id: int,
    channel: str,
    published_on: dt.date,
    location: str = "",
) -> Publication:
    """Record that `version` went out on `channel` on `published_on` (REQ-078)."""
    version = (
        ListVersion.objects.select_for_update()
        .select_related("catalogue_list")
        .filter(pk=version_id)
        .first()
    )
    if version is None:
        raise NotFound(code="version_not_found")
    policy.require(actor, ACTION, version)
    if version.status not in RECORDABLE_STATUSES:
        raise Conflict(
            _("只有已公布的清单版本才能登记公布渠道"), code="version_not_published"
        )
    if channel not in Channel.values:
        raise InvalidInput(_("公布渠道无效：%s") % channel, code="channel_unknown")
    if channel not in version.catalogue_list.channels:
        raise InvalidInput(
            _("“%s”不在本清单设定的公布渠道中") % Channel(channel).label,
            code="channel_not_configured",
        )
    if not isinstance(published_on, dt.date):
        raise InvalidInput(_("请填写公布日期"), code="published_on_required")
    released = _published_date(version)
    if released is not None and published_on < released:
        raise InvalidInput(
            _("公布日期不能早于该版本在本系统公布的日期（%s）") % released.isoformat(),
            code="published_before_version",
        )
    if published_on > clock.today():
        raise InvalidInput(_("公布日期不能晚于今天"), code="published_in_future")
    if version.publications.filter(channel=channel).exists():
        raise Conflict(
            _("该版本已登记在“%s”公布") % Channel(channel).label,
            code="publication_exists",
        )
    try:
        with transaction.atomic():
            publication = Publication.objects.create(
                version=version,
                channel=channel,
                published_on=published_on,
                location=location.strip(),
                recorded_by=person(actor),
            )
    except IntegrityError as exc:  # a concurrent record of the same channel
        raise Conflict(
            _("该版本已登记在“%s”公布") % Channel(channel).label,
            code="publication_exists",
        ) from exc
    audit.record(
        actor=actor,
        event="publication.recorded",
        subject=publication,
        after={
            "list": version.catalogue_list_id,
            "version": version.number,
            "channel": channel,
            "published_on": published_on.isoformat(),
            "location": publication.location,
        },
    )
    return publication


# Selectors ----------------------------------------------------------------------------


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
        current = selectors.latest_published(catalogue_list)
    last: dict[str, Publication] = {}
    for pub in (
        Publication.objects.filter(version__catalogue_list=catalogue_list)
        .select_related("version")
        .order_by("version__number", "published_on")
    ):
        last[pub.channel] = pub  # the highest version number wins
    rows = []
    for channel in _ordered_channels(catalogue_list.channels):
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
    return [c for c in _ordered_channels(catalogue_list.channels) if c not in done]


def lists_out_of_sync(user: Any) -> list[CatalogueList]:
    """Lists the user manages whose current version is not yet recorded on every
    configured channel (REQ-081), for the inbox."""
    current = dict(
        ListVersion.objects.filter(
            catalogue_list__in=selectors.lists_manageable(user),
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
