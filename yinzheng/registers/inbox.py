"""What waits for the keepers of the seal-use registers: certificate entries the
resident has not yet signed (REQ-073), for the committee's custodian and clerks and the
township; and, from January to March, last year's registers not yet archived (REQ-074),
for the custodian and the township."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts import policy
from yinzheng.core import clock
from yinzheng.core.inbox import InboxItem
from yinzheng.ledger.models import Chain

from .services import books as registers
from .services.checkpoints import REGISTER_KINDS

ARCHIVE_MONTHS = (1, 2, 3)


def unconfirmed_entries(user: Any) -> list[InboxItem]:
    """REQ-073: certificate entries of open years still waiting for the resident."""
    # Those who take the confirmation, and the township that signs the registers.
    where = policy.scope(user, "register.confirm") | policy.scope(
        user, "register.checkpoint"
    )
    if not where:
        return []
    count = (
        registers.unconfirmed(where.q("chain__division_id"))
        .filter(chain__closed_at__isnull=True)
        .count()
    )
    return [InboxItem(_("待居民签字确认的登记"), count, reverse("registers:registers"))]


def archives_due(user: Any) -> list[InboxItem]:
    """REQ-074: in the first quarter, last year's registers with entries not archived."""
    today = clock.today()
    if today.month not in ARCHIVE_MONTHS:
        return []
    where = policy.scope(user, "register.archive")
    if not where:
        return []
    count = (
        Chain.objects.filter(where.q("division_id"))
        .filter(
            kind__in=REGISTER_KINDS,
            key__endswith=f":{today.year - 1}",
            head_seq__gt=0,
            closed_at__isnull=True,
        )
        .count()
    )
    return [InboxItem(_("上年度登记簿待归档"), count, reverse("registers:registers"))]
