"""What waits for list owners: periodic reviews that have fallen due (REQ-013), lists
not yet published on every channel (REQ-081), guides and related rules not yet out on
every channel of their jurisdiction (REQ-078)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts import policy
from yinzheng.core import clock
from yinzheng.core.inbox import InboxItem

from . import selectors


def reviews_due(user: Any) -> list[InboxItem]:
    if not policy.can(user, "catalogue.manage"):
        return []
    return [
        InboxItem(
            _("到期应清理评估的清单"),
            len(selectors.lists_due_for_review(user, clock.today())),
            reverse("catalogue:manage"),
        )
    ]


def follow_ups_open(user: Any) -> list[InboxItem]:
    if not policy.can(user, "catalogue.manage"):
        return []
    from .models import FollowUpTask

    count = FollowUpTask.objects.filter(
        closed_at__isnull=True,
        catalogue_list__in=selectors.lists_manageable(user),
    ).count()
    return [
        InboxItem(
            _("新批次负面清单引起的清单跟进任务"), count, reverse("catalogue:manage")
        )
    ]


def publications_out_of_sync(user: Any) -> list[InboxItem]:
    """REQ-081: lists whose current version is not yet out on every channel."""
    if not policy.can(user, "catalogue.manage"):
        return []
    return [
        InboxItem(
            _("尚未在全部渠道同步公布的清单"),
            len(selectors.lists_out_of_sync(user)),
            reverse("catalogue:manage"),
        )
    ]


def guides_and_rules_out_of_sync(user: Any) -> list[InboxItem]:
    """REQ-078: published guides and related rules of the user's jurisdictions not yet
    recorded, in what is published now, on every one of their channels."""
    if not policy.can(user, "catalogue.manage"):
        return []
    url = reverse("catalogue:publishing")
    return [
        InboxItem(
            _("尚未在全部渠道同步公布的办事指南"),
            len(selectors.guides_out_of_sync(user)),
            url + "#guides",
        ),
        InboxItem(
            _("尚未在全部渠道公布的相关制度"),
            len(selectors.rules_out_of_sync(user)),
            url + "#rules",
        ),
    ]


# Admission, exit and filing applications (REQ-021–030) -------------------------------


def _applications_url(**query: str) -> str:
    from urllib.parse import urlencode

    return reverse("catalogue:manage_applications") + "?" + urlencode(query)


def applications_waiting(user: Any) -> list[InboxItem]:
    """For civil affairs: applications to put to the joint review (REQ-021, REQ-023),
    reviews whose opinions are all in and wait for the meeting, filings to acknowledge."""
    if not policy.can(user, "catalogue.manage"):
        return []
    from .choices import ApplicationKind, ApplicationStatus
    from .models import Application

    mine = Application.objects.filter(
        catalogue_list__in=selectors.lists_manageable(user)
    )
    submitted = mine.filter(status=ApplicationStatus.SUBMITTED)
    return [
        InboxItem(
            _("准入/退出申请待联审"),
            submitted.exclude(kind=ApplicationKind.FILING).count(),
            _applications_url(status=ApplicationStatus.SUBMITTED),
        ),
        InboxItem(
            _("待作出决定"),
            mine.filter(status=ApplicationStatus.IN_REVIEW)
            .exclude(opinions__opinion="")
            .count(),
            _applications_url(status=ApplicationStatus.IN_REVIEW),
        ),
        InboxItem(
            _("报备待备案"),
            submitted.filter(kind=ApplicationKind.FILING).count(),
            _applications_url(
                status=ApplicationStatus.SUBMITTED, kind=ApplicationKind.FILING
            ),
        ),
    ]


def opinions_waiting(user: Any) -> list[InboxItem]:
    """For the departments and townships asked in a joint review, and civil affairs
    entering paper opinions (REQ-023)."""
    if not any(
        policy.can(user, action)
        for action in ("catalogue.apply", "catalogue.opinion_township")
    ):
        return []
    return [
        InboxItem(
            _("待反馈的联审意见"),
            len(selectors.opinions_awaited(user)),
            _applications_url(awaiting="1"),
        )
    ]


def announcements_unread(user: Any) -> list[InboxItem]:
    """REQ-122: a later national batch's announcement the user's committee has not yet
    acknowledged."""
    unread: dict[int, list[Any]] = {}
    shown = {}
    for announcement, committee in selectors.to_acknowledge(user):
        unread.setdefault(announcement.pk, []).append(committee)
        shown[announcement.pk] = announcement
    return [
        InboxItem(
            _("国家第 %(n)s 批负面清单公告，待阅知") % {"n": a.batch_no},
            len(unread[pk]),
            a.get_absolute_url(),
        )
        for pk, a in shown.items()
    ]


def announcements_pending(user: Any) -> list[InboxItem]:
    """REQ-122: committees under the user that have not acknowledged one of the latest
    announcements."""
    where = policy.scope(user, selectors.PROGRESS_ACTION)
    # Townships and counties chase their committees from the inbox; the levels above
    # (a province's ten thousand committees) read the progress page instead.
    if where.nowhere or any(len(code) < 6 for code in where.codes):
        return []
    return [
        InboxItem(
            _("尚未阅知国家第 %(n)s 批负面清单公告的村（居）委会") % {"n": a.batch_no},
            selectors.announcement_progress(user, a).pending,
            reverse("catalogue:announcement_progress", args=[a.pk]),
        )
        for a in selectors.announcements()[:3]
    ]


def platform_messages_waiting(user: Any) -> list[InboxItem]:
    """REQ-112: messages to the government-service platform not yet delivered."""
    if not policy.can(user, "catalogue.manage"):
        return []
    from .choices import PlatformMessageStatus
    from .models import PlatformMessage

    waiting = PlatformMessage.objects.visible_to(user).exclude(
        status=PlatformMessageStatus.SENT
    )
    return [
        InboxItem(
            _("未送达政务服务平台的推送"),
            waiting.filter(attempts__gt=0).count(),
            reverse("catalogue:platform"),
        )
    ]
