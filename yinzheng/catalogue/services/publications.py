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

Guides and related rules (相关制度) go out on the channels too (REQ-078). A guide is
published by every jurisdiction whose list in force names its item, on that
jurisdiction's channels (the union of its lists' sets, all seven without a list):
`guide_publication_record` records one channel for the guide's current publication, so
a guide withdrawn and published again is due on every channel anew. A related rule
(`rule_create`: title, 文号, date issued, text) belongs to the jurisdiction whose civil
affairs created it and is recorded once per channel (`rule_publication_record`). The
same checks apply as for a list version: a configured channel, a date neither before
the publication in the system nor in the future, once per channel.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock
from yinzheng.core.actors import person
from yinzheng.core.codes import Level
from yinzheng.core.errors import Conflict, CoreCode, InvalidInput, NotFound
from yinzheng.core.text import optional_text, required_text
from yinzheng.divisions.models import Division
from yinzheng.ledger import audit

from .. import selectors
from ..choices import Channel, GuideStatus, VersionStatus
from ..errors import CatalogueCode
from ..models import (
    CatalogueList,
    Guide,
    GuidePublication,
    ListVersion,
    Publication,
    RelatedRule,
    RulePublication,
)

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


def _published_date(version: ListVersion | Guide) -> dt.date | None:
    if version.published_at is None:
        return None
    return timezone.localdate(version.published_at)


def _check_channel(channel: str, configured: Iterable[str], outside: str) -> None:
    """A channel of the seven, and one of the set it must be published on."""
    if channel not in Channel.values:
        raise InvalidInput(
            _("公布渠道无效：%s") % channel, code=CatalogueCode.CHANNEL_UNKNOWN
        )
    if channel not in configured:
        raise InvalidInput(
            outside % Channel(channel).label,
            code=CatalogueCode.CHANNEL_NOT_CONFIGURED,
        )


def _check_date(published_on: Any, released: dt.date | None, too_early: str) -> None:
    """A date, not before what it records was published here, not in the future."""
    if not isinstance(published_on, dt.date):
        raise InvalidInput(
            _("请填写公布日期"), code=CatalogueCode.PUBLISHED_ON_REQUIRED
        )
    if released is not None and published_on < released:
        raise InvalidInput(
            too_early % released.isoformat(),
            code=CatalogueCode.PUBLISHED_BEFORE_VERSION,
        )
    if published_on > clock.today():
        raise InvalidInput(
            _("公布日期不能晚于今天"), code=CatalogueCode.PUBLISHED_IN_FUTURE
        )


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
    _check_channel(
        channel,
        version.catalogue_list.channels,
        _("“%s”不在本清单设定的公布渠道中"),
    )
    _check_date(
        published_on,
        _published_date(version),
        _("公布日期不能早于该版本在本系统公布的日期（%s）"),
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


# Guides and related rules (REQ-078) ---------------------------------------------------


def _jurisdiction(code: str) -> Division:
    division = Division.objects.filter(code=code).first()
    if division is None:
        raise NotFound(_("区划 %s 不存在") % code, code=CoreCode.DIVISION_NOT_FOUND)
    return division


@transaction.atomic
def guide_publication_record(
    *,
    actor: Actor,
    item_key: str,
    division_code: str,
    channel: str,
    published_on: dt.date,
    location: str = "",
) -> GuidePublication:
    """Record that `division_code` put the item's published guide out on `channel` on
    `published_on` (REQ-078); the record shows the guide's current publication."""
    division = _jurisdiction(division_code)
    policy.require(actor, ACTION, division)
    guide = (
        Guide.objects.select_for_update()
        .select_related("item")
        .filter(item__key=item_key)
        .first()
    )
    if guide is None:
        raise NotFound(_("该事项尚无办事指南"), code=CatalogueCode.GUIDE_NOT_FOUND)
    if guide.status != GuideStatus.PUBLISHED or guide.published_at is None:
        raise Conflict(
            _("只有已公布的办事指南才能登记公布渠道"),
            code=CatalogueCode.GUIDE_NOT_PUBLISHED,
        )
    if division.code not in selectors.guide_jurisdictions(guide):
        raise InvalidInput(
            _("%(division)s现行清单未列入“%(item)s”，无须公布其办事指南")
            % {"division": division.name, "item": guide.item.name},
            code=CatalogueCode.GUIDE_NOT_IN_JURISDICTION,
        )
    _check_channel(
        channel,
        selectors.jurisdiction_channels(division.code),
        _("“%s”不在本级清单设定的公布渠道中"),
    )
    _check_date(
        published_on,
        _published_date(guide),
        _("公布日期不能早于该办事指南在本系统公布的日期（%s）"),
    )
    exists = Conflict(
        _("该办事指南已登记在“%s”公布") % Channel(channel).label,
        code=CatalogueCode.PUBLICATION_EXISTS,
    )
    mine = GuidePublication.objects.filter(
        guide=guide,
        division=division,
        channel=channel,
        guide_published_at=guide.published_at,
    )
    if mine.exists():
        raise exists
    try:
        with transaction.atomic():
            publication = GuidePublication.objects.create(
                guide=guide,
                division=division,
                guide_published_at=guide.published_at,
                channel=channel,
                published_on=published_on,
                location=optional_text(
                    location, _("网址或位置"), CoreCode.INVALID_INPUT, 300
                ),
                recorded_by=person(actor),
            )
    except IntegrityError as exc:  # a concurrent record of the same channel
        raise exists from exc
    audit.record(
        actor=actor,
        event="guide_publication.recorded",
        subject=publication,
        division_code=division.code,
        after={
            "item": guide.item.key,
            "guide_published_at": guide.published_at.isoformat(),
            "channel": channel,
            "published_on": published_on.isoformat(),
            "location": publication.location,
        },
    )
    return publication


RULE_OWNER_LEVELS = {Level.COUNTRY, Level.PROVINCE, Level.PREFECTURE, Level.COUNTY}


@transaction.atomic
def rule_create(
    *,
    actor: Actor,
    owner_code: str,
    title: str,
    issued_on: dt.date | None,
    text: str,
    reference: str = "",
    sample: bool = False,
) -> RelatedRule:
    """A rule the jurisdiction publishes with its lists (相关制度, REQ-078), e.g.
    社区印章管理使用办法 or 社区工作准入制度."""
    owner = _jurisdiction(owner_code)
    policy.require(actor, ACTION, owner)
    if owner.level not in RULE_OWNER_LEVELS:
        raise InvalidInput(
            _("相关制度由国家、省、市、县级民政部门登记"),
            code=CatalogueCode.RULE_OWNER_LEVEL,
        )
    title = required_text(title, _("制度名称"), CatalogueCode.RULE_INVALID, 200)
    reference = optional_text(reference, _("文号"), CatalogueCode.RULE_INVALID, 200)
    text = required_text(text, _("正文或内容摘要"), CatalogueCode.RULE_INVALID)
    if not isinstance(issued_on, dt.date):
        raise InvalidInput(
            _("请填写印发日期"), code=CatalogueCode.RULE_ISSUED_ON_INVALID
        )
    if issued_on > clock.today():
        raise InvalidInput(
            _("印发日期不能晚于今天"), code=CatalogueCode.RULE_ISSUED_ON_INVALID
        )
    rule = RelatedRule.objects.create(
        owner=owner,
        title=title,
        reference=reference,
        issued_on=issued_on,
        text=text,
        sample=sample,
        created_by=person(actor),
    )
    audit.record(
        actor=actor,
        event="related_rule.created",
        subject=rule,
        division_code=owner.code,
        after={
            "title": title,
            "reference": reference,
            "issued_on": issued_on.isoformat(),
            "sample": sample,
        },
    )
    return rule


@transaction.atomic
def rule_publication_record(
    *,
    actor: Actor,
    rule_id: int,
    channel: str,
    published_on: dt.date,
    location: str = "",
) -> RulePublication:
    """Record that the rule went out on `channel` on `published_on` (REQ-078)."""
    rule = RelatedRule.objects.select_for_update().filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(_("相关制度不存在"), code=CatalogueCode.RULE_NOT_FOUND)
    policy.require(actor, ACTION, rule)
    _check_channel(
        channel,
        selectors.jurisdiction_channels(rule.owner_id),
        _("“%s”不在本级清单设定的公布渠道中"),
    )
    _check_date(
        published_on, rule.issued_on, _("公布日期不能早于该制度的印发日期（%s）")
    )
    exists = Conflict(
        _("该制度已登记在“%s”公布") % Channel(channel).label,
        code=CatalogueCode.PUBLICATION_EXISTS,
    )
    if rule.publications.filter(channel=channel).exists():
        raise exists
    try:
        with transaction.atomic():
            publication = RulePublication.objects.create(
                rule=rule,
                channel=channel,
                published_on=published_on,
                location=optional_text(
                    location, _("网址或位置"), CoreCode.INVALID_INPUT, 300
                ),
                recorded_by=person(actor),
            )
    except IntegrityError as exc:  # a concurrent record of the same channel
        raise exists from exc
    audit.record(
        actor=actor,
        event="rule_publication.recorded",
        subject=publication,
        division_code=rule.owner_id,
        after={
            "rule": rule.pk,
            "channel": channel,
            "published_on": published_on.isoformat(),
            "location": publication.location,
        },
    )
    return publication
