"""Seals made through the services, as the township and the head would make them."""

import datetime as dt
import itertools
from typing import Any

from yinzheng.seals import selectors, services
from yinzheng.seals.choices import SealForm
from yinzheng.seals.models import Seal

_serials = itertools.count(1)
STORAGE = "村委会办公室保密柜"


def issued(
    *,
    officer: Any,
    committee: str,
    form: str = SealForm.PHYSICAL,
    replaces: Seal | None = None,
    storage_location: str = STORAGE,
    serial: str | None = None,
) -> Seal:
    return services.seal_issue(
        actor=officer,
        committee_code=committee,
        issuer_code=committee[:9],
        serial=serial or f"T-{next(_serials):05d}",
        imprint=f"测试印文{committee}",
        form=form,
        storage_location=storage_location,
        issued_on=dt.date(2024, 3, 1),
        replaces_id=replaces.pk if replaces else None,
    )


def in_use(
    *, officer: Any, head: Any, custodian: Any, committee: str, **kwargs: Any
) -> Seal:
    """Issued by the township, entrusted by the head, activated."""
    seal = issued(officer=officer, committee=committee, **kwargs)
    services.custody_appoint(actor=head, seal_id=seal.pk, custodian_id=custodian.pk)
    return services.seal_activate(actor=officer, seal_id=seal.pk)


def hand_over(seal: Seal, *, people: Any, to: Any) -> None:
    """A completed handover of the committee's seals to `to` (REQ-068)."""
    from yinzheng.core import clock

    handover = services.handover_open(
        actor=people.head,
        committee_code=seal.committee_id,
        trigger="custodian_change",
        trigger_date=clock.today(),
        outgoing_id=selectors.current_custodian(seal).pk,
        incoming_id=to.pk,
    )
    outgoing = selectors.current_custodian(seal)
    for item in handover.items.all():
        services.handover_check_item(actor=outgoing, item_id=item.pk)
    services.handover_confirm(actor=outgoing, handover_id=handover.pk, side="outgoing")
    services.handover_confirm(actor=to, handover_id=handover.pk, side="incoming")


def taken_out(seal: Seal, *, people: Any) -> None:
    """The seal leaves the office with the head's approval (REQ-066)."""
    import datetime as dt

    from yinzheng.core import clock

    takeout = services.takeout_request(
        actor=people.custodian,
        seal_id=seal.pk,
        purpose="到镇政府办理年检",
        due_back_at=clock.now() + dt.timedelta(hours=4),
    )
    services.takeout_decide(actor=people.head, takeout_id=takeout.pk, approve=True)
    services.takeout_leave(actor=people.custodian, takeout_id=takeout.pk)
