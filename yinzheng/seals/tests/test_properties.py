"""Over random sequences of lifecycle, custody and take-out events: a seal that has once
been lost, blocked, revoked, collected or destroyed never becomes usable again
(REQ-061–063), whatever is tried after."""

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yinzheng.accounts import services as accounts
from yinzheng.accounts.choices import Role
from yinzheng.core import clock
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import DomainError
from yinzheng.core.tests import factories as f
from yinzheng.divisions import services as divisions
from yinzheng.seals import selectors, services
from yinzheng.seals.choices import DEAD_STATUSES, SealStatus
from yinzheng.seals.models import Seal, TakeOut

from . import factories

_committees = itertools.count(1)

OPS = [
    "appoint",
    "activate",
    "lose",
    "revoke",
    "collect",
    "destroy",
    "abolish",
    "confirm_collection",
    "replace",
    "reissue",
    "move",
    "takeout",
    "return",
]


def _staff(username: str, role: str, at: str):
    user = f.user(username)
    if not user.grants.active().filter(role=role, division_id=at).exists():
        accounts.grant_role(actor=SYSTEM, user=user, role=role, division_code=at)
    return user


def _world():
    """A fresh committee of township A1 with its head and two custodians (hypothesis
    runs its examples in one test transaction, so each gets its own committee)."""
    code = f"620725101{next(_committees) + 100:03d}"
    f.division(code)
    return {
        "code": code,
        "township": _staff("prop-township", Role.TOWNSHIP, "620725101"),
        "civil": _staff("prop-civil", Role.CIVIL_AFFAIRS, "620725"),
        "head": _staff(f"prop-head-{code}", Role.HEAD, code),
        "custodian": _staff(f"prop-yz-{code}", Role.CUSTODIAN, code),
        "custodian2": _staff(f"prop-yz2-{code}", Role.CUSTODIAN, code),
    }


def _apply(op: str, seal: Seal, w: dict) -> None:
    township, head = w["township"], w["head"]
    if op == "appoint":
        services.custody_appoint(
            actor=head, seal_id=seal.pk, custodian_id=w["custodian"].pk
        )
    elif op == "activate":
        services.seal_activate(actor=township, seal_id=seal.pk)
    elif op == "lose":
        services.seal_report_loss(
            actor=w["custodian"],
            seal_id=seal.pk,
            lost_on=dt.date(2024, 5, 1),
            circumstances="遗失",
        )
    elif op == "revoke":
        services.seal_revoke(actor=township, seal_id=seal.pk, reason="作废")
    elif op == "collect":
        services.seal_collect(actor=township, seal_id=seal.pk)
    elif op == "destroy":
        services.seal_destroy(actor=township, seal_id=seal.pk)
    elif op == "abolish":
        divisions.committee_abolish(actor=w["civil"], code=w["code"], reference="文号")
    elif op == "confirm_collection":
        for task in selectors.collection_tasks_open(township):
            services.collection_task_confirm(actor=township, task_id=task.pk)
    elif op == "replace":
        new = factories.issued(officer=township, committee=w["code"], replaces=seal)
        services.custody_appoint(
            actor=head, seal_id=new.pk, custodian_id=w["custodian2"].pk
        )
        services.seal_replace(actor=township, old_seal_id=seal.pk, new_seal_id=new.pk)
    elif op == "reissue":
        for report in seal.loss_reports.filter(closed_at__isnull=True):
            services.seal_reissue(
                actor=township,
                loss_report_id=report.pk,
                serial=f"RE-{report.pk}",
                imprint="补发",
                storage_location="柜",
                issued_on=dt.date(2024, 5, 2),
            )
    elif op == "move":
        services.seal_move_storage(
            actor=head, seal_id=seal.pk, storage_location=f"柜{clock.now():%f}"
        )
    elif op == "takeout":
        takeout = services.takeout_request(
            actor=w["custodian"],
            seal_id=seal.pk,
            purpose="开会",
            due_back_at=clock.now() + dt.timedelta(hours=1),
        )
        services.takeout_decide(actor=head, takeout_id=takeout.pk, approve=True)
        services.takeout_leave(actor=w["custodian"], takeout_id=takeout.pk)
    elif op == "return":
        for takeout in TakeOut.objects.filter(seal=seal, status="out"):
            services.takeout_return(actor=w["custodian"], takeout_id=takeout.pk)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(st.sampled_from(OPS), min_size=1, max_size=14))
def test_a_seal_once_unusable_for_good_never_becomes_usable_again(ops):
    w = _world()
    seal = factories.issued(officer=w["township"], committee=w["code"])
    dead_since = None
    for step, op in enumerate(ops):
        try:
            _apply(op, seal, w)
        except DomainError:
            pass
        seal.refresh_from_db()
        if seal.status in DEAD_STATUSES and dead_since is None:
            dead_since = step
            assert seal.unusable_since is not None
        if dead_since is not None:
            assert seal.status in DEAD_STATUSES
            assert not selectors.usable(seal), (ops, step)
            with pytest.raises(services.SealUnusable):
                services.require_usable(seal)
        if seal.status == SealStatus.IN_USE:
            # In use: exactly one custodian, and usable unless it is out.
            assert selectors.current_custodian(seal) is not None
            out = TakeOut.objects.filter(seal=seal, status="out").exists()
            assert selectors.usable(seal) is (not out)
