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

Which channels do not show the current version yet (REQ-081, 同步公布) is read by
selectors.publications; the JSON export carries the publication records (exports.py).
"""

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock
from yinzheng.core.actors import person
from yinzheng.core.errors import Conflict, InvalidInput, NotFound
from yinzheng.ledger import audit

from .. import selectors
from ..choices import Channel, VersionStatus
from ..errors import CatalogueCode
from ..models import CatalogueList, ListVersion, Publication

ACTION = "catalogue.manage"


RECORDABLE_STATUSES = (VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED)


@transaction.atomic
def channels_set(
    *, actor: Actor, list_id: int, channels: Iterable[str]
) -> CatalogueList:
    """The channels the list must be published on: a non-empty subset of the seven
    (REQ-078, DIV-06)."""
    catalogue_list = (
        CatalogueList.objects.select_for_update().filter(pk=list_id).first()
    )
    if catalogue_list is None:
        raise NotFound(code=CatalogueCode.LIST_NOT_FOUND)
    policy.require(actor, ACTION, catalogue_list)
    channels = [str(c) for c in channels]
    unknown = sorted(set(channels) - set(Channel.values))
    if unknown:
        raise InvalidInput(
            _("公布渠道无效：%s") % "、".join(unknown),
            code=CatalogueCode.CHANNEL_UNKNOWN,
            detail=unknown,
        )
    if not channels:
        raise InvalidInput(
            _("请至少选择一个公布渠道"), code=CatalogueCode.CHANNELS_REQUIRED
        )
    with audit.recorded(
        actor=actor,
        event="catalogue_list.channels_set",
        subject=catalogue_list,
        fields=["channels"],
    ):
        catalogue_list.channels = selectors.ordered_channels(channels)
    return catalogue_list


def _published_date(version: ListVersion) -> dt.date | None:
    if version.published_at is None:
        return None
    return timezone.localdate(version.published_at)


@transaction.atomic
def publication_record(
    *,
    actor: Actor,
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
        raise NotFound(code=CatalogueCode.VERSION_NOT_FOUND)
    policy.require(actor, ACTION, version)
    if version.status not in RECORDABLE_STATUSES:
        raise Conflict(
            _("只有已公布的清单版本才能登记公布渠道"),
            code=CatalogueCode.VERSION_NOT_PUBLISHED,
        )
    if channel not in Channel.values:
        raise InvalidInput(
            _("公布渠道无效：%s") % channel, code=CatalogueCode.CHANNEL_UNKNOWN
        )
    if channel not in version.catalogue_list.channels:
        raise InvalidInput(
            _("“%s”不在本清单设定的公布渠道中") % Channel(channel).label,
            code=CatalogueCode.CHANNEL_NOT_CONFIGURED,
        )
    if not isinstance(published_on, dt.date):
        raise InvalidInput(
            _("请填写公布日期"), code=CatalogueCode.PUBLISHED_ON_REQUIRED
        )
    released = _published_date(version)
    if released is not None and published_on < released:
        raise InvalidInput(
            _("公布日期不能早于该版本在本系统公布的日期（%s）") % released.isoformat(),
            code=CatalogueCode.PUBLISHED_BEFORE_VERSION,
        )
    if published_on > clock.today():
        raise InvalidInput(
            _("公布日期不能晚于今天"), code=CatalogueCode.PUBLISHED_IN_FUTURE
        )
    if version.publications.filter(channel=channel).exists():
        raise Conflict(
            _("该版本已登记在“%s”公布") % Channel(channel).label,
            code=CatalogueCode.PUBLICATION_EXISTS,
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
            code=CatalogueCode.PUBLICATION_EXISTS,
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
