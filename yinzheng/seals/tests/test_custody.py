"""Custody (REQ-064, REQ-067/DIV-01), the head as first responsible person (REQ-059),
take-out permits (REQ-066) and handovers within 10 days (REQ-068)."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from yinzheng.accounts import services as accounts
from yinzheng.accounts.choices import Role
from yinzheng.accounts.models import RoleGrant
from yinzheng.core import clock, inbox
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import (
    Conflict,
    InvalidInput,
    InvalidTransition,
    NotAllowed,
    SeparationOfDuties,
)
from yinzheng.core.tests import factories as f
from yinzheng.seals import selectors, services
from yinzheng.seals.choices import (
    CustodyEnd,
    HandoverStatus,
    TakeOutRefusal,
    TakeOutStatus,
)
from yinzheng.seals.models import Custody, Handover, TakeOut
from yinzheng.seals.services import SealUnusable

from . import factories


class TestCustody:
    def test_the_head_appoints_the_custodian_and_the_act_is_recorded(
        self, people, tree
    ):
        seal = factories.issued(officer=people.township, committee=tree["A1a"])
        custody = services.custody_appoint(
            actor=people.head, seal_id=seal.pk, custodian_id=people.custodian.pk
        )
        assert custody.appointed_by == people.head and custody.until is None
        assert selectors.current_custodian(seal) == people.custodian
        event = selectors.seal_history(seal)[-1]
        assert event.event == "seal.custodian_appointed"
        assert event.after["appointed_by"] == people.head.pk

    def test_the_head_cannot_be_appointed_custodian(self, people, tree):
        """REQ-067, DIV-01: the head approves, so never keeps the seal."""
        seal = factories.issued(officer=people.township, committee=tree["A1a"])
        both = f.user("both", role=Role.CUSTODIAN, at=tree["A1a"])
        accounts.grant_role(
            actor=SYSTEM, user=both, role=Role.HEAD, division_code=tree["A1a"]
        )
        for appointee in (people.head, both):
            with pytest.raises(SeparationOfDuties) as exc:
                services.custody_appoint(
                    actor=people.head, seal_id=seal.pk, custodian_id=appointee.pk
                )
            assert exc.value.code == "custodian_is_head"
        assert not Custody.objects.exists()

    def test_a_second_concurrent_custodian_is_refused(self, seal, people):
        """REQ-064: changing the custodian is a handover; the database refuses a second
        current custody even behind the service's back."""
        with pytest.raises(Conflict) as exc:
            services.custody_appoint(
                actor=people.head, seal_id=seal.pk, custodian_id=people.custodian2.pk
            )
        assert exc.value.code == "custodian_exists"
        with pytest.raises(IntegrityError), transaction.atomic():
            Custody.objects.create(
                seal=seal,
                custodian=people.custodian2,
                appointed_by=people.head,
                since=clock.now(),
            )
        assert selectors.current_custodian(seal) == people.custodian

    def test_only_the_committees_head_appoints(self, people, tree):
        seal = factories.issued(officer=people.township, committee=tree["A1a"])
        other_head = f.user("head-b", role=Role.HEAD, at=tree["A1b"])
        admin = f.user("root", superuser=True)
        for actor in [people.clerk, people.custodian, people.township, other_head]:
            with pytest.raises(NotAllowed):
                services.custody_appoint(
                    actor=actor, seal_id=seal.pk, custodian_id=people.custodian.pk
                )
        with pytest.raises(NotAllowed) as exc:
            services.custody_appoint(
                actor=admin, seal_id=seal.pk, custodian_id=people.custodian.pk
            )
        assert exc.value.code == "head_only"

    def test_the_appointee_must_hold_the_custodian_role_there(self, people, tree):
        seal = factories.issued(officer=people.township, committee=tree["A1a"])
        elsewhere = f.user("yz-b", role=Role.CUSTODIAN, at=tree["A1b"])
        for appointee in (people.clerk, elsewhere):
            with pytest.raises(InvalidInput) as exc:
                services.custody_appoint(
                    actor=people.head, seal_id=seal.pk, custodian_id=appointee.pk
                )
            assert exc.value.code == "custodian_role_required"

    def test_committees_with_fewer_than_two_staff_are_flagged(self, people, tree):
        """DIV-01 needs two people; A1b has one."""
        f.user("alone", role=Role.CLERK, at=tree["A1b"])
        township = people.township
        flagged = set(
            selectors.committees_short_staffed(township).values_list("code", flat=True)
        )
        assert flagged == {tree["A1b"]}
        assert selectors.short_staffed(tree["A1b"])
        assert not selectors.short_staffed(tree["A1a"])


class TestHead:
    def test_the_first_responsible_person_follows_the_dated_head_grants(
        self, people, tree
    ):
        """REQ-059: before and after the change date, the respective heads."""
        old = RoleGrant.objects.get(user=people.head, role=Role.HEAD)
        day = dt.timedelta(days=1)
        start = timezone.now() - 30 * day
        RoleGrant.objects.filter(pk=old.pk).update(granted_at=start)
        accounts.grant_revoke(actor=SYSTEM, grant_id=old.pk)
        RoleGrant.objects.filter(pk=old.pk).update(revoked_at=start + 10 * day)
        new_head = f.user("newhead", role=Role.HEAD, at=tree["A1a"])
        RoleGrant.objects.filter(user=new_head).update(granted_at=start + 10 * day)
        committee = tree["A1a"]
        # Dates are local (Asia/Shanghai): from 16:00 UTC the UTC date is a day behind.
        assert (
            selectors.head_of(committee, on=timezone.localdate(start + 5 * day))
            == people.head
        )
        assert (
            selectors.head_of(committee, on=timezone.localdate(start + 10 * day))
            == new_head
        )
        assert selectors.head_of(committee, on=start + 11 * day) == new_head
        assert selectors.head_of(committee) == new_head
        assert selectors.head_of(committee, on=(start - 5 * day).date()) is None
        history = selectors.head_history(committee)
        assert [t.user for t in history] == [people.head, new_head]
        assert history[0].until == start + 10 * day and history[1].until is None


def _takeout(seal, people, hours=4):
    return services.takeout_request(
        actor=people.custodian,
        seal_id=seal.pk,
        purpose="村民代表会议现场用印",
        due_back_at=clock.now() + dt.timedelta(hours=hours),
    )


class TestTakeOut:
    def test_a_seal_cannot_leave_without_the_heads_approval(self, seal, people):
        """REQ-066: a take-out record without the head's approval cannot be saved."""
        takeout = _takeout(seal, people)
        with pytest.raises(Conflict) as exc:
            services.takeout_leave(actor=people.custodian, takeout_id=takeout.pk)
        assert exc.value.code == "takeout_not_approved"
        with pytest.raises(IntegrityError), transaction.atomic():
            TakeOut.objects.filter(pk=takeout.pk).update(status=TakeOutStatus.OUT)
        assert selectors.usable(seal)

    def test_only_the_head_approves(self, seal, people):
        takeout = _takeout(seal, people)
        for actor in [people.custodian, people.clerk, people.township]:
            with pytest.raises(NotAllowed):
                services.takeout_decide(
                    actor=actor, takeout_id=takeout.pk, approve=True
                )

    def test_an_approved_seal_is_out_until_its_return_is_recorded(self, seal, people):
        takeout = _takeout(seal, people)
        services.takeout_decide(actor=people.head, takeout_id=takeout.pk, approve=True)
        services.takeout_leave(actor=people.custodian, takeout_id=takeout.pk)
        out = selectors.current_takeout(seal)
        assert out.decided_by == people.head and out.purpose and out.out_at
        with pytest.raises(SealUnusable) as exc:
            services.require_usable(seal)
        assert exc.value.detail["reason"] == "out_of_office"
        services.takeout_return(actor=people.custodian, takeout_id=takeout.pk)
        assert selectors.current_takeout(seal) is None
        services.require_usable(seal)
        with pytest.raises(InvalidTransition):
            services.takeout_return(actor=people.custodian, takeout_id=takeout.pk)

    def test_a_refusal_needs_a_reason_and_ends_the_permit(self, seal, people):
        takeout = _takeout(seal, people)
        with pytest.raises(InvalidInput):
            services.takeout_decide(
                actor=people.head, takeout_id=takeout.pk, approve=False
            )
        services.takeout_decide(
            actor=people.head,
            takeout_id=takeout.pk,
            approve=False,
            reason="可在办公室用印",
        )
        with pytest.raises(Conflict):
            services.takeout_leave(actor=people.custodian, takeout_id=takeout.pk)

    def test_a_retired_seals_pending_permits_lapse(self, seal, people):
        takeout = _takeout(seal, people)
        services.seal_revoke(actor=people.township, seal_id=seal.pk, reason="作废")
        takeout.refresh_from_db()
        assert takeout.status == TakeOutStatus.REFUSED
        assert takeout.refusal_code == TakeOutRefusal.SEAL_RETIRED
        assert takeout.refusal_text == "印章已停止使用"
        with pytest.raises(InvalidTransition):
            services.takeout_decide(
                actor=people.head, takeout_id=takeout.pk, approve=True
            )
        assert "seal.takeout_lapsed" in [e.event for e in selectors.seal_history(seal)]

    def test_overdue_takeouts_are_listed_for_the_township(self, seal, people):
        takeout = _takeout(seal, people)
        services.takeout_decide(actor=people.head, takeout_id=takeout.pk, approve=True)
        services.takeout_leave(actor=people.custodian, takeout_id=takeout.pk)
        later = clock.now() + dt.timedelta(hours=5)
        assert list(selectors.takeouts_overdue(people.township, later)) == [takeout]
        assert not selectors.takeouts_overdue(people.township, clock.now()).exists()
        assert not selectors.takeouts_overdue(people.other_township, later).exists()

    def test_a_takeout_needs_purpose_and_future_due_time(self, seal, people):
        with pytest.raises(InvalidInput):
            services.takeout_request(
                actor=people.custodian,
                seal_id=seal.pk,
                purpose="",
                due_back_at=clock.now() + dt.timedelta(hours=1),
            )
        with pytest.raises(InvalidInput):
            services.takeout_request(
                actor=people.custodian,
                seal_id=seal.pk,
                purpose="开会",
                due_back_at=clock.now() - dt.timedelta(hours=1),
            )


def _open(people, tree, trigger_date=None, **kwargs):
    return services.handover_open(
        actor=people.head,
        committee_code=tree["A1a"],
        trigger="term_election",
        trigger_date=trigger_date or clock.today(),
        outgoing_id=people.custodian.pk,
        incoming_id=people.custodian2.pk,
        **kwargs,
    )


def _check_all(handover, actor):
    for item in handover.items.all():
        services.handover_check_item(actor=actor, item_id=item.pk)


class TestHandover:
    def test_the_handover_is_due_ten_calendar_days_after_the_trigger(
        self, seal, people, tree
    ):
        """REQ-068: opened for day T, due T+10 (calendar days, across the holiday)."""
        handover = _open(people, tree, trigger_date=dt.date(2024, 9, 28))
        assert handover.due_on == dt.date(2024, 10, 8)
        assert services.handover_due_on(dt.date(2024, 3, 1)) == dt.date(2024, 3, 11)

    def test_an_unfinished_handover_is_overdue_for_the_township_after_t_plus_10(
        self, seal, people, tree
    ):
        trigger = clock.today() - dt.timedelta(days=10)
        handover = _open(people, tree, trigger_date=trigger)
        assert not selectors.handovers_overdue(people.township, clock.today()).exists()
        tomorrow = clock.today() + dt.timedelta(days=1)
        assert list(selectors.handovers_overdue(people.township, tomorrow)) == [
            handover
        ]
        assert not selectors.handovers_overdue(people.other_township, tomorrow).exists()

    def test_the_checklist_holds_the_seals_and_the_registers(self, seal, people, tree):
        handover = _open(people, tree, extra_items=["保密柜钥匙两把"])
        items = list(handover.items.order_by("position"))
        assert [i.seal_id for i in items] == [seal.pk, None, None]
        assert "用印登记簿" in items[1].description
        assert items[2].description == "保密柜钥匙两把"

    def test_completing_the_handover_changes_the_custodian(self, seal, people, tree):
        handover = _open(people, tree)
        _check_all(handover, people.custodian)
        services.handover_confirm(
            actor=people.custodian, handover_id=handover.pk, side="outgoing"
        )
        assert selectors.current_custodian(seal) == people.custodian
        services.handover_confirm(
            actor=people.custodian2, handover_id=handover.pk, side="incoming"
        )
        handover.refresh_from_db()
        assert handover.status == HandoverStatus.COMPLETED and handover.completed_at
        assert selectors.current_custodian(seal) == people.custodian2
        history = list(selectors.custody_history(seal))
        assert [c.custodian for c in history] == [people.custodian, people.custodian2]
        assert history[0].end_reason == CustodyEnd.HANDOVER
        assert history[1].appointed_by == people.head
        assert not selectors.handovers_open(people.township).exists()

    def test_confirmations_are_by_the_parties_and_two_people(self, seal, people, tree):
        handover = _open(people, tree)
        with pytest.raises(Conflict) as exc:
            services.handover_confirm(
                actor=people.custodian, handover_id=handover.pk, side="outgoing"
            )
        assert exc.value.code == "checklist_incomplete"
        _check_all(handover, people.custodian)
        for actor, side in [
            (people.custodian, "incoming"),
            (people.head, "incoming"),
            (people.clerk, "outgoing"),
            (people.township, "outgoing"),
        ]:
            with pytest.raises(NotAllowed):
                services.handover_confirm(
                    actor=actor, handover_id=handover.pk, side=side
                )
        # The head confirms for the outgoing side; the incoming custodian for theirs.
        services.handover_confirm(
            actor=people.head, handover_id=handover.pk, side="outgoing"
        )
        with pytest.raises(Conflict):
            services.handover_confirm(
                actor=people.custodian, handover_id=handover.pk, side="outgoing"
            )
        services.handover_confirm(
            actor=people.custodian2, handover_id=handover.pk, side="incoming"
        )
        handover.refresh_from_db()
        assert handover.outgoing_confirmed_by != handover.incoming_confirmed_by

    def test_opening_is_the_heads_and_names_a_proper_incoming_custodian(
        self, seal, people, tree
    ):
        with pytest.raises(NotAllowed):
            services.handover_open(
                actor=people.township,
                committee_code=tree["A1a"],
                trigger="term_election",
                trigger_date=clock.today(),
                outgoing_id=people.custodian.pk,
                incoming_id=people.custodian2.pk,
            )
        for incoming, code in [
            (people.head, "custodian_is_head"),
            (people.clerk, "custodian_role_required"),
            (people.custodian, "same_person"),
        ]:
            with pytest.raises((InvalidInput, SeparationOfDuties)) as exc:
                _open_to(people, tree, incoming)
            assert exc.value.code == code
        with pytest.raises(Conflict) as exc:
            services.handover_open(
                actor=people.head,
                committee_code=tree["A1a"],
                trigger="custodian_change",
                trigger_date=clock.today(),
                outgoing_id=people.custodian2.pk,
                incoming_id=people.custodian.pk,
            )
        assert exc.value.code == "nothing_to_hand_over"
        _open(people, tree)
        with pytest.raises(Conflict) as exc:
            _open(people, tree)
        assert exc.value.code == "handover_open_exists"

    def test_a_cancelled_handover_changes_nothing(self, seal, people, tree):
        handover = _open(people, tree)
        with pytest.raises(NotAllowed):
            services.handover_cancel(
                actor=people.custodian2, handover_id=handover.pk, reason="误发起"
            )
        services.handover_cancel(
            actor=people.township, handover_id=handover.pk, reason="误发起"
        )
        assert Handover.objects.get().status == HandoverStatus.CANCELLED
        assert selectors.current_custodian(seal) == people.custodian

    def test_the_inbox_reminds_the_parties_and_the_township(self, seal, people, tree):
        handover = _open(people, tree, trigger_date=clock.today() - dt.timedelta(11))
        labels = {str(i.label): i.count for i in inbox.items_for(people.custodian2)}
        assert labels["待您确认的印章移交"] == 1
        township = {str(i.label): i.count for i in inbox.items_for(people.township)}
        assert township["逾期未完成的印章移交"] == 1
        assert handover.due_on < clock.today()


def _open_to(people, tree, incoming):
    return services.handover_open(
        actor=people.head,
        committee_code=tree["A1a"],
        trigger="term_election",
        trigger_date=clock.today(),
        outgoing_id=people.custodian.pk,
        incoming_id=incoming.pk,
    )
