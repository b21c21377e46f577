"""The integrated online government-service platform (REQ-112).

    version_publish / guide_publish ─▶ PlatformMessage queued (same transaction)
        ─platform_send─▶ sent │ queued again after a back-off │ failed after MAX_ATTEMPTS

A county configures the endpoint of the platform its publications go to
(`platform_set`). Publishing a list version queues one message for every enabled
platform of a county the list applies to (the owner's subtree: a national list reaches
every county), publishing a guide one for every county where a list in force names its
item. The message is documented JSON (`version_payload`, `guide_payload`; schema names
`yinzheng.list-version/1`, `yinzheng.guide/1`), POSTed with the county's signature
(`esign.services.county_signature`: headers `X-Yinzheng-Key-Id`,
`X-Yinzheng-Signature`, ES256 over the body) and an `Idempotency-Key`, one row lock per
message. A refusal or an unreachable platform is retried after 1, 2, 4 … minutes (at
most 6 hours apart); after MAX_ATTEMPTS the message stays failed until someone retries
it (`platform_message_retry`). Every attempt's outcome is on the row, which the staff
page, the API and the inbox show. Sending runs after the publication commits (a task:
inline at once, or on a worker) and from `yinzheng platform-send` (cron).
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock, http, tasks
from yinzheng.core.actors import SYSTEM, person
from yinzheng.core.codes import Level, subtree_q
from yinzheng.core.errors import Conflict, CoreCode, InvalidInput, NotFound
from yinzheng.core.text import required_text
from yinzheng.divisions.models import Division
from yinzheng.esign.services import county_signature
from yinzheng.ledger import audit

from .. import selectors
from ..choices import PlatformMessageStatus
from ..errors import CatalogueCode
from ..models import GovPlatform, Guide, ListEntry, ListVersion, PlatformMessage

MANAGE = "catalogue.manage"
MAX_ATTEMPTS = 8
BACKOFF_FIRST = dt.timedelta(minutes=1)
BACKOFF_MOST = dt.timedelta(hours=6)
DEFAULT_TIMEOUT = 10.0
INLINE_LIMIT = 20  # messages a publishing request sends itself, in the inline set-up
VERSION_SCHEMA = "yinzheng.list-version/1"
GUIDE_SCHEMA = "yinzheng.guide/1"
MESSAGE_FIELDS = [
    "status",
    "attempts",
    "next_attempt_at",
    "last_attempt_at",
    "response_status",
    "last_error",
    "endpoint",
    "payload_sha256",
    "key_id",
    "sent_at",
]


@transaction.atomic
def platform_set(
    *, actor: Actor, county_code: str, name: str, endpoint: str, enabled: bool = True
) -> GovPlatform:
    """Configure the county's platform endpoint (county civil affairs)."""
    county = Division.objects.filter(code=county_code).first()
    if county is None:
        raise NotFound(code=CoreCode.DIVISION_NOT_FOUND)
    policy.require(actor, MANAGE, county_code)
    if county.level != Level.COUNTY:
        raise InvalidInput(
            _("政务服务平台按区（县）配置"), code=CatalogueCode.PLATFORM_COUNTY_ONLY
        )
    name = required_text(name, _("平台名称"), CoreCode.INVALID_INPUT, 200)
    endpoint = endpoint.strip()
    try:
        URLValidator(schemes=["http", "https"])(endpoint)
    except ValidationError:
        raise InvalidInput(
            _("接收地址须为 http:// 或 https:// 开头的网址"),
            code=CatalogueCode.PLATFORM_ENDPOINT_INVALID,
        ) from None
    row = GovPlatform.objects.select_for_update().filter(division=county).first()
    before = (
        {"name": row.name, "endpoint": row.endpoint, "enabled": row.enabled}
        if row
        else None
    )
    if row is None:
        row = GovPlatform(division=county)
    row.name, row.endpoint, row.enabled = name, endpoint, enabled
    row.updated_by, row.updated_at = person(actor), clock.now()
    row.save()
    audit.record(
        actor=actor,
        event="catalogue.platform_set",
        subject=row,
        division_code=county.code,
        before=before,
        after={"name": name, "endpoint": endpoint, "enabled": enabled},
    )
    return row


# What is sent -------------------------------------------------------------------------


def _public(url: str) -> str:
    return f"{settings.PUBLIC_URL}{url}"


def version_payload(version: ListVersion) -> dict[str, Any]:
    """A published list version as the platform receives it."""
    lst = version.catalogue_list
    entries = ListEntry.objects.filter(version=version).select_related("item")
    return {
        "schema": VERSION_SCHEMA,
        "list": {
            "id": lst.pk,
            "title": lst.title,
            "kind": lst.kind,
            "owner_code": lst.owner_id,
            "owner_name": lst.owner.name,
            "sample": lst.sample,
        },
        "version": {
            "number": version.number,
            "valid_from": _day(version.valid_from),
            "valid_to": _day(version.valid_to),
            "published_at": version.published_at.isoformat()
            if version.published_at
            else None,
            "approval_body": version.approval_body,
            "approval_date": _day(version.approval_date),
            "approval_reference": version.approval_reference,
        },
        "entries": [
            {
                "number": e.number,
                "key": e.item.key,
                "name": e.item.name,
                "aliases": list(e.item.aliases),
                "route": e.item.route,
                "responsible_departments": list(e.item.responsible_departments),
                "note": e.note,
            }
            for e in entries.order_by("number")
        ],
        "url": _public(version.get_absolute_url()),
    }


def guide_payload(guide: Guide) -> dict[str, Any]:
    """A published guide as the platform receives it."""
    item = guide.item
    return {
        "schema": GUIDE_SCHEMA,
        "item": {"key": item.key, "name": item.name},
        "guide": {
            field: getattr(guide, field)
            for field in (
                "certificate_format",
                "procedure",
                "operating_rules",
                "time_limit_days",
                "validity_days",
                "purpose",
                "basis",
                "materials",
                "sample_form",
                "sample",
            )
        },
        "published_at": guide.published_at.isoformat() if guide.published_at else None,
        "url": _public(item.get_absolute_url()),
    }


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _queue(platforms: Any, subject: str, payload: dict[str, Any]) -> list[int]:
    now = clock.now()
    queued = []
    for platform in platforms.filter(enabled=True).order_by("division_id"):
        message, created = PlatformMessage.objects.get_or_create(
            platform=platform,
            subject=subject,
            defaults={"payload": payload, "created_at": now, "next_attempt_at": now},
        )
        if created:
            queued.append(message.pk)
    if queued:
        transaction.on_commit(_send_after_commit)
    return queued


def _send_after_commit() -> None:
    # Inline, the publishing request itself sends: a few messages only (a national list
    # may queue one per county), the rest left to the cron job; a worker sends them all.
    send_platform_messages.enqueue(limit=None if tasks.queued() else INLINE_LIMIT)


@task()
def send_platform_messages(*, limit: int | None = None) -> dict[str, Any]:
    """The due messages (at most `limit`), as the system, after a publication commits
    (issue 15, settings.TASKS: at once in the default single process, on a `yinzheng
    db_worker` otherwise); the outcomes are the task's result."""
    outcomes = platform_send(actor=SYSTEM, limit=limit)
    return {
        "outcomes": [o.as_dict() for o in outcomes],
        "failed": sum(o.outcome != "sent" for o in outcomes),
    }


def messages_for_version(version: ListVersion) -> list[int]:
    """Queued in the publication's transaction: the counties under the list's owner."""
    platforms = GovPlatform.objects.filter(
        subtree_q(version.catalogue_list.owner_id, "division_id")
    )
    return _queue(platforms, f"list_version:{version.pk}", version_payload(version))


def messages_for_guide(guide: Guide) -> list[int]:
    """Queued in the guide's publication: the counties where a list in force names
    its item."""
    owners = selectors.guide_jurisdictions(guide)
    if not owners:
        return []
    platforms = GovPlatform.objects.filter(
        reduce(or_, (subtree_q(code, "division_id") for code in owners))
    )
    stamp = guide.published_at.isoformat() if guide.published_at else ""
    return _queue(platforms, f"guide:{guide.pk}:{stamp}"[:80], guide_payload(guide))


# Sending ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendOutcome:
    message_id: int
    outcome: str  # sent / retry / failed
    endpoint: str = ""
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "message": self.message_id,
            "outcome": self.outcome,
            "endpoint": self.endpoint,
            "detail": self.detail,
        }


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the attempts made so far: 1, 2, 4 … minutes, at most 6 hours."""
    wait: dt.timedelta = BACKOFF_FIRST * (2 ** max(attempts - 1, 0))
    return min(wait, BACKOFF_MOST)


def _send_one(pk: int, *, actor: Actor, timeout: float) -> SendOutcome | None:
    with transaction.atomic():
        message = (
            PlatformMessage.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("platform")
            .filter(pk=pk, status=PlatformMessageStatus.QUEUED)
            .first()
        )
        if message is None:
            return None  # sent meanwhile, or being sent by another run
        platform = message.platform
        body = json.dumps(
            message.payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")
        ).encode("utf-8")
        key_id, signature = county_signature(
            county_code=platform.division_id, payload=body
        )
        posted = http.post(
            platform.endpoint,
            body,
            timeout=timeout,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Idempotency-Key": f"yinzheng-platform-message-{message.pk}",
                "X-Yinzheng-Key-Id": key_id,
                "X-Yinzheng-Signature": signature,
                "User-Agent": "yinzheng-platform/1",
            },
        )
        status, error, ok = posted.status, posted.error, posted.ok
        now = clock.now()
        with audit.recorded(
            actor=actor,
            event="catalogue.platform_message_attempted",
            subject=message,
            fields=MESSAGE_FIELDS,
        ):
            message.attempts += 1
            message.last_attempt_at, message.response_status = now, status
            message.endpoint, message.key_id = platform.endpoint, key_id
            message.payload_sha256 = hashlib.sha256(body).hexdigest()
            if ok:
                message.status, message.sent_at = PlatformMessageStatus.SENT, now
                message.last_error, message.next_attempt_at = "", None
            elif message.attempts >= MAX_ATTEMPTS:
                message.status = PlatformMessageStatus.FAILED
                message.last_error = error or _("平台未接收")
                message.next_attempt_at = None
            else:
                message.last_error = error or _("平台未接收")
                message.next_attempt_at = now + backoff(message.attempts)
        outcome = "sent" if ok else str(message.status).replace("queued", "retry")
        return SendOutcome(pk, outcome, platform.endpoint, message.last_error)


def platform_send(
    *,
    actor: Actor,
    timeout: float = DEFAULT_TIMEOUT,
    under: str | None = None,
    limit: int | None = None,
) -> list[SendOutcome]:
    """Send every queued message that is due (the task after a publication, and the
    `yinzheng platform-send` cron job); one transaction and row lock per message."""
    due = PlatformMessage.objects.filter(
        status=PlatformMessageStatus.QUEUED, next_attempt_at__lte=clock.now()
    )
    if under:
        due = due.filter(subtree_q(under, "platform_id"))
    outcomes = []
    ordered = due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)
    for pk in ordered[:limit] if limit is not None else ordered:
        outcome = _send_one(pk, actor=actor, timeout=timeout)
        if outcome is not None:
            outcomes.append(outcome)
    return outcomes


@transaction.atomic
def platform_message_retry(*, actor: Actor, message_id: int) -> PlatformMessage:
    """A message that gave up is queued again, due now."""
    message = (
        PlatformMessage.objects.select_for_update()
        .filter(pk=message_id)
        .select_related("platform")
        .first()
    )
    if message is None or not policy.can(actor, MANAGE, message):
        raise NotFound(code=CatalogueCode.PLATFORM_MESSAGE_NOT_FOUND)
    if message.status != PlatformMessageStatus.FAILED:
        raise Conflict(
            _("只有已停止重试的推送可以重新发送"),
            code=CatalogueCode.PLATFORM_MESSAGE_NOT_FAILED,
        )
    with audit.recorded(
        actor=actor,
        event="catalogue.platform_message_retried",
        subject=message,
        fields=MESSAGE_FIELDS,
    ):
        message.status = PlatformMessageStatus.QUEUED
        message.attempts, message.next_attempt_at = 0, clock.now()
    transaction.on_commit(_send_after_commit)
    return message
