"""The Party organisation's queue (REQ-043).

A request about a Party organisation or a Party member is transferred by the clerk
(`closing.request_transfer`); no committee seal is offered for it. The community
(village) Party organisation of that committee finds it in its queue
(`selectors.party_queue`) and records that it handled the matter, with a note of what
it did (`party_case_close`). Nothing here seals or issues; the request stays
"transferred", its Party record says when and by whom it was handled.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock
from yinzheng.core.actors import require_person
from yinzheng.core.errors import Conflict, CoreCode
from yinzheng.core.text import required_text
from yinzheng.ledger import audit

from ..choices import Status
from ..errors import CertificateCode
from ..models import PartyCaseRecord
from .common import _lock, _require_status

PARTY_HANDLE = "party.handle"


@transaction.atomic
def party_case_close(*, actor: Actor, request_id: int, note: str) -> PartyCaseRecord:
    """The Party organisation records that it handled a transferred Party matter."""
    req = _lock(request_id)
    policy.require(actor, PARTY_HANDLE, req)  # REQ-043: its own committee only
    _require_status(req, Status.TRANSFERRED)
    if PartyCaseRecord.objects.filter(request=req).exists():
        raise Conflict(
            _("党组织已登记办理情况"), code=CertificateCode.PARTY_CASE_CLOSED
        )
    text = required_text(note, _("党组织办理情况"), CoreCode.NOTE_REQUIRED, 4000)
    record = PartyCaseRecord.objects.create(
        request=req,
        note=text,
        recorded_by=require_person(actor),
        recorded_at=clock.now(),
    )
    audit.record(
        actor=actor,
        event="certificate_request.party_closed",
        subject=req,
        after={"note": text},
    )
    return record
