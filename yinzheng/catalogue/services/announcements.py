"""Publicity after a later national batch (REQ-122).

`national_batch_import` announces the batch in its own transaction
(`announcement_publish`): the public catalogue shows the announcement at once, and every
committee in service finds it in its inbox until its clerk or head acknowledges it
(`announcement_acknowledge`, once per committee). Townships, counties and inspectors
read which of their committees have not (`selectors.announcement_pending`).
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock
from yinzheng.core.actors import require_person
from yinzheng.core.codes import Level
from yinzheng.core.errors import Conflict, CoreCode, InvalidInput, NotFound
from yinzheng.divisions.models import Division
from yinzheng.ledger import audit

from ..errors import CatalogueCode
from ..models import Acknowledgement, Announcement, ListVersion

ACKNOWLEDGE = "catalogue.acknowledge"


def announcement_publish(*, actor: Actor, version: ListVersion) -> Announcement:
    """The announcement of a published national batch; called inside the import's
    transaction, so a batch is never in force unannounced."""
    announcement = Announcement.objects.create(
        version=version, published_at=clock.now()
    )
    audit.record(
        actor=actor,
        event="catalogue.announcement_published",
        subject=announcement,
        division_code=version.catalogue_list.owner_id,
        after={"version": version.pk, "batch": version.catalogue_list.batch_no},
    )
    return announcement


@transaction.atomic
def announcement_acknowledge(
    *, actor: Actor, announcement_id: int, committee_code: str
) -> Acknowledgement:
    """REQ-122: the committee has read the announcement (its clerk or head, once)."""
    announcement = Announcement.objects.filter(pk=announcement_id).first()
    if announcement is None:
        raise NotFound(_("没有这份公告"), code=CatalogueCode.ANNOUNCEMENT_NOT_FOUND)
    policy.require(actor, ACKNOWLEDGE, committee_code)
    committee = Division.objects.filter(
        code=committee_code, level=Level.COMMITTEE
    ).first()
    if committee is None:
        raise NotFound(code=CoreCode.COMMITTEE_NOT_FOUND)
    if not committee.is_active:
        raise InvalidInput(
            _("该村（居）委会已撤销或合并，无须阅知"), code=CoreCode.COMMITTEE_INACTIVE
        )
    reader = require_person(actor)  # a person reads it, not the system
    try:
        with transaction.atomic():
            ack = Acknowledgement.objects.create(
                announcement=announcement,
                committee=committee,
                acknowledged_at=clock.now(),
                acknowledged_by=reader,
            )
    except IntegrityError:
        raise Conflict(
            _("本村（居）委会已阅知这份公告"),
            code=CatalogueCode.ANNOUNCEMENT_ACKNOWLEDGED,
        ) from None
    audit.record(
        actor=actor,
        event="catalogue.announcement_acknowledged",
        subject=ack,
        division_code=committee.code,
        after={"announcement": announcement.pk, "committee": committee.code},
    )
    return ack
