"""Seal lifecycle services: issue by the township (REQ-060), fixed storage (REQ-065),
loss and reissue (REQ-061), replacement with collection (REQ-062), abolition (REQ-063),
revocation and destruction, and the `require_usable` interface of the sealing work."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from yinzheng.core.errors import (
    Conflict,
    InvalidInput,
    InvalidTransition,
    NotAllowed,
)
from yinzheng.divisions import services as divisions
from yinzheng.ledger.models import Entry
from yinzheng.seals import selectors, services
from yinzheng.seals.choices import SealForm, SealStatus
from yinzheng.seals.models import CollectionTask, Handover, LossReport, Seal
from yinzheng.seals.services import SealUnusable

from . import factories
from .conftest import OTHER_TOWNSHIP


def _issue(people, tree, **kwargs):
    args = {
        "actor": people.township,
        "committee_code": tree["A1a"],
        "issuer_code": "620725101",
        "serial": "620725101001-01",
        "imprint": "山丹县清泉镇测试村民委员会",
        "form": SealForm.PHYSICAL,
        "storage_location": "村委会办公室保密柜",
        "issued_on": dt.date(2024, 3, 1),
    }
    args.update(kwargs)
    return services.seal_issue(**args)


def _events(seal):
    return list(
        Entry.objects.filter(subject=f"seals.seal:{seal.pk}")
        .order_by("pk")
        .values_list("event", flat=True)
    )


class TestIssue:
    def test_the_township_registers_a_seal_with_its_issuer_and_date(self, people, tree):
        seal = _issue(people, tree)
        assert seal.status == SealStatus.ISSUED
        assert seal.issuer_id == "620725101"
        assert seal.issued_on == dt.date(2024, 3, 1)
        assert _events(seal) == ["seal.issued"]

    def test_an_issuer_other_than_the_committees_township_is_refused(
        self, people, tree
    ):
        """REQ-060: registering a seal with another issuer is rejected."""
        for issuer in [OTHER_TOWNSHIP, "620725", tree["A1a"]]:
            with pytest.raises(InvalidInput) as exc:
                _issue(people, tree, issuer_code=issuer)
            assert exc.value.code == "issuer_not_township"
        assert not Seal.objects.exists()

    def test_another_township_and_committee_staff_may_not_issue(self, people, tree):
        for actor in [people.other_township, people.head, people.clerk, people.civil]:
            with pytest.raises(NotAllowed):
                _issue(people, tree, actor=actor)

    def test_a_seal_without_storage_location_is_refused(self, people, tree):
        """REQ-065: a seal cannot be saved without a storage location."""
        with pytest.raises(InvalidInput) as exc:
            _issue(people, tree, storage_location="  ")
        assert exc.value.code == "storage_location_required"
        seal = _issue(people, tree)
        with pytest.raises(IntegrityError), transaction.atomic():
            Seal.objects.filter(pk=seal.pk).update(storage_location="")

    def test_serials_are_unique(self, people, tree):
        _issue(people, tree)
        with pytest.raises(Conflict) as exc:
            _issue(people, tree)
        assert exc.value.code == "serial_taken"

    def test_an_abolished_committee_gets_no_new_seal(self, people, tree):
        divisions.committee_abolish(
            actor=people.civil, code=tree["A1a"], reference="山政发〔2024〕1号"
        )
        with pytest.raises(Conflict) as exc:
            _issue(people, tree)
        assert exc.value.code == "committee_inactive"

    def test_moving_the_storage_location_is_journaled(self, seal, people):
        """REQ-065: changing the location writes an audit entry with before/after."""
        services.seal_move_storage(
            actor=people.custodian, seal_id=seal.pk, storage_location="档案室铁皮柜"
        )
        entry = Entry.objects.filter(event="seal.storage_moved").get()
        body = entry.data["data"]
        assert body["before"]["storage_location"] == factories.STORAGE
        assert body["after"]["storage_location"] == "档案室铁皮柜"
        with pytest.raises(InvalidInput):
            services.seal_move_storage(
                actor=people.custodian, seal_id=seal.pk, storage_location=""
            )
        with pytest.raises(NotAllowed):
            services.seal_move_storage(
                actor=people.clerk, seal_id=seal.pk, storage_location="抽屉"
            )


class TestActivation:
    def test_a_seal_is_activated_only_with_a_custodian(self, people, tree):
        """REQ-064: every active seal has its custodian."""
        seal = factories.issued(officer=people.township, committee=tree["A1a"])
        with pytest.raises(Conflict) as exc:
            services.seal_activate(actor=people.township, seal_id=seal.pk)
        assert exc.value.code == "custodian_required"
        assert not selectors.usable(seal)
        services.custody_appoint(
            actor=people.head, seal_id=seal.pk, custodian_id=people.custodian.pk
        )
        seal = services.seal_activate(actor=people.township, seal_id=seal.pk)
        assert seal.status == SealStatus.IN_USE and seal.activated_at
        assert selectors.usable(seal)

    def test_only_the_issuing_township_activates(self, people, tree):
        seal = factories.issued(officer=people.township, committee=tree["A1a"])
        services.custody_appoint(
            actor=people.head, seal_id=seal.pk, custodian_id=people.custodian.pk
        )
        for actor in [people.head, people.custodian, people.other_township]:
            with pytest.raises(NotAllowed):
                services.seal_activate(actor=actor, seal_id=seal.pk)


class TestLossAndReissue:
    def test_a_lost_seal_is_unusable_at_once_and_queued_for_the_township(
        self, seal, people
    ):
        """REQ-061: lost → unusable, reported, and the reissue applied for."""
        report = services.seal_report_loss(
            actor=people.custodian,
            seal_id=seal.pk,
            lost_on=dt.date(2024, 5, 1),
            circumstances="外出开会途中遗失",
        )
        seal.refresh_from_db()
        assert seal.status == SealStatus.LOST and seal.unusable_since
        with pytest.raises(SealUnusable) as exc:
            services.require_usable(seal)
        assert exc.value.code == "seal_unusable"
        assert "已遗失" in str(exc.value.message)
        assert list(selectors.loss_reports_open(people.township)) == [report]
        assert not selectors.loss_reports_open(people.other_township).exists()
        assert selectors.current_custodian(seal) is None  # custody ended with it

    def test_the_reissued_seal_references_the_lost_one(self, seal, people):
        report = services.seal_report_loss(
            actor=people.head,
            seal_id=seal.pk,
            lost_on=dt.date(2024, 5, 1),
            circumstances="遗失",
        )
        with pytest.raises(NotAllowed):
            services.seal_reissue(
                actor=people.head,
                loss_report_id=report.pk,
                serial="R-1",
                imprint="补发",
                storage_location="柜",
                issued_on=dt.date(2024, 5, 2),
            )
        new = services.seal_reissue(
            actor=people.township,
            loss_report_id=report.pk,
            serial="R-1",
            imprint=seal.imprint,
            storage_location="新保密柜",
            issued_on=dt.date(2024, 5, 2),
        )
        assert new.replaces_id == seal.pk and new.status == SealStatus.ISSUED
        report.refresh_from_db()
        assert report.reissued_seal == new and report.closed_at
        assert not selectors.loss_reports_open(people.township).exists()
        services.custody_appoint(
            actor=people.head, seal_id=new.pk, custodian_id=people.custodian2.pk
        )
        assert services.seal_activate(actor=people.township, seal_id=new.pk)

    def test_a_loss_report_needs_circumstances_and_a_past_date(self, seal, people):
        with pytest.raises(InvalidInput):
            services.seal_report_loss(
                actor=people.custodian,
                seal_id=seal.pk,
                lost_on=dt.date(2024, 5, 1),
                circumstances=" ",
            )
        with pytest.raises(InvalidInput):
            services.seal_report_loss(
                actor=people.custodian,
                seal_id=seal.pk,
                lost_on=dt.date.today() + dt.timedelta(days=2),
                circumstances="遗失",
            )
        assert not LossReport.objects.exists()


class TestReplacement:
    def test_activating_a_replacement_without_collecting_the_old_seal_fails(
        self, seal, people, tree
    ):
        """REQ-062: the new seal is activated only with the old one's collection."""
        new = factories.issued(
            officer=people.township, committee=tree["A1a"], replaces=seal
        )
        services.custody_appoint(
            actor=people.head, seal_id=new.pk, custodian_id=people.custodian.pk
        )
        with pytest.raises(Conflict) as exc:
            services.seal_activate(actor=people.township, seal_id=new.pk)
        assert exc.value.code == "replacement_needs_collection"
        new.refresh_from_db()
        assert new.status == SealStatus.ISSUED

    def test_replacing_collects_the_old_and_activates_the_new_seal(
        self, seal, people, tree
    ):
        new = factories.issued(
            officer=people.township, committee=tree["A1a"], replaces=seal
        )
        services.custody_appoint(
            actor=people.head, seal_id=new.pk, custodian_id=people.custodian.pk
        )
        services.seal_replace(
            actor=people.township, old_seal_id=seal.pk, new_seal_id=new.pk
        )
        seal.refresh_from_db()
        new.refresh_from_db()
        assert seal.status == SealStatus.COLLECTED and seal.collected_at
        assert new.status == SealStatus.IN_USE
        assert new.activated_at == seal.collected_at  # one moment, one transaction
        with pytest.raises(SealUnusable):
            services.require_usable(seal)
        services.require_usable(new)

    def test_a_failed_activation_leaves_the_old_seal_in_use(self, seal, people, tree):
        """Without a custodian for the new seal nothing happens, not even collection."""
        new = factories.issued(
            officer=people.township, committee=tree["A1a"], replaces=seal
        )
        with pytest.raises(Conflict):
            services.seal_replace(
                actor=people.township, old_seal_id=seal.pk, new_seal_id=new.pk
            )
        seal.refresh_from_db()
        assert seal.status == SealStatus.IN_USE and seal.collected_at is None
        assert selectors.usable(seal)

    def test_only_a_registered_replacement_may_replace(self, seal, people, tree):
        other = factories.in_use(
            officer=people.township,
            head=people.head,
            custodian=people.custodian2,
            committee=tree["A1a"],
        )
        with pytest.raises(InvalidInput) as exc:
            services.seal_replace(
                actor=people.township, old_seal_id=seal.pk, new_seal_id=other.pk
            )
        assert exc.value.code == "not_a_replacement"


class TestCollectRevokeDestroy:
    def test_collected_and_revoked_seals_can_never_be_used(self, seal, people, tree):
        services.seal_revoke(actor=people.township, seal_id=seal.pk, reason="印文有误")
        seal.refresh_from_db()
        assert seal.revoked_at and seal.unusable_since == seal.revoked_at
        with pytest.raises(SealUnusable):
            services.require_usable(seal)
        with pytest.raises(Conflict) as exc:
            services.seal_destroy(actor=people.township, seal_id=seal.pk)
        assert exc.value.code == "collect_before_destroying"
        services.seal_collect(actor=people.township, seal_id=seal.pk)
        services.seal_destroy(actor=people.township, seal_id=seal.pk)
        seal.refresh_from_db()
        assert seal.status == SealStatus.DESTROYED and seal.destroyed_at
        with pytest.raises(InvalidTransition):
            services.seal_collect(actor=people.township, seal_id=seal.pk)

    def test_a_revoked_electronic_seal_is_destroyed_without_collection(
        self, people, tree
    ):
        seal = factories.in_use(
            officer=people.township,
            head=people.head,
            custodian=people.custodian,
            committee=tree["A1a"],
            form=SealForm.ELECTRONIC,
        )
        services.seal_revoke(actor=people.township, seal_id=seal.pk, reason="密钥泄露")
        assert services.seal_destroy(actor=people.township, seal_id=seal.pk)

    def test_retiring_an_electronic_seal_revokes_its_certificate_from_that_time(
        self, people, tree
    ):
        from yinzheng.esign.choices import RevocationReason
        from yinzheng.esign.models import KeyPair

        seal = factories.in_use(
            officer=people.township,
            head=people.head,
            custodian=people.custodian,
            committee=tree["A1a"],
            form=SealForm.ELECTRONIC,
        )
        key = KeyPair.objects.get(seal=seal)  # certified when issued (REQ-115)
        assert key.revoked_at is None
        services.seal_revoke(actor=people.township, seal_id=seal.pk, reason="作废")
        seal.refresh_from_db()
        key.refresh_from_db()
        assert key.revoked_at == seal.revoked_at == seal.unusable_since
        assert key.revocation_reason == RevocationReason.PRIVILEGE_WITHDRAWN

    def test_revocation_needs_a_reason_and_the_township(self, seal, people):
        with pytest.raises(InvalidInput):
            services.seal_revoke(actor=people.township, seal_id=seal.pk, reason="")
        with pytest.raises(NotAllowed):
            services.seal_revoke(actor=people.head, seal_id=seal.pk, reason="作废")


class TestAbolition:
    def test_merging_a_committee_blocks_its_seals_and_opens_a_collection_task(
        self, seal, people, tree
    ):
        """REQ-063: after "merged", every sealing attempt fails and the township has an
        open collection task."""
        issued = factories.issued(officer=people.township, committee=tree["A1a"])
        divisions.committee_merge(
            actor=people.civil,
            code=tree["A1a"],
            into_code=tree["A1b"],
            reference="山政发〔2024〕2号",
        )
        for s in (seal, issued):
            s.refresh_from_db()
            assert s.status == SealStatus.BLOCKED and s.unusable_since
            with pytest.raises(SealUnusable):
                services.require_usable(s)
        task = selectors.collection_tasks_open(people.township).get()
        assert task.committee_id == tree["A1a"] and "山政发〔2024〕2号" in task.reason
        assert not selectors.collection_tasks_open(people.other_township).exists()

    def test_the_collection_task_stays_open_until_confirmed(self, seal, people, tree):
        divisions.committee_abolish(
            actor=people.civil, code=tree["A1a"], reference="山政发〔2024〕3号"
        )
        task = CollectionTask.objects.get()
        assert task.closed_at is None
        with pytest.raises(NotAllowed):
            services.collection_task_confirm(actor=people.head, task_id=task.pk)
        services.collection_task_confirm(
            actor=people.township, task_id=task.pk, note="已收回实物印章一枚"
        )
        task.refresh_from_db()
        seal.refresh_from_db()
        assert task.closed_at and task.closed_by == people.township
        assert seal.status == SealStatus.COLLECTED
        assert not selectors.collection_tasks_open(people.township).exists()
        with pytest.raises(Conflict):
            services.collection_task_confirm(actor=people.township, task_id=task.pk)

    def test_a_long_abolition_reference_still_fits_the_collection_task(
        self, seal, people, tree
    ):
        """The reference may take its 200 characters; the task's reason (200 too) then
        shortens it instead of failing on PostgreSQL (issue 13, found by schemathesis)."""
        reference = "山政发〔2024〕" + "长" * 190
        divisions.committee_abolish(
            actor=people.civil, code=tree["A1a"], reference=reference
        )
        task = CollectionTask.objects.get()
        assert len(task.reason) <= CollectionTask._meta.get_field("reason").max_length
        assert task.reason_text.startswith("已撤销（山政发〔2024〕长")

    def test_abolition_cancels_an_open_handover(self, seal, people, tree):
        handover = services.handover_open(
            actor=people.head,
            committee_code=tree["A1a"],
            trigger="term_election",
            trigger_date=dt.date.today(),
            outgoing_id=people.custodian.pk,
            incoming_id=people.custodian2.pk,
        )
        divisions.committee_abolish(
            actor=people.civil, code=tree["A1a"], reference="山政发〔2024〕4号"
        )
        handover.refresh_from_db()
        assert handover.status == "cancelled"
        assert not Handover.objects.filter(status="open").exists()


class TestInterface:
    def test_an_issued_seal_is_not_yet_usable(self, people, tree):
        seal = factories.issued(officer=people.township, committee=tree["A1a"])
        with pytest.raises(SealUnusable) as exc:
            services.require_usable(seal)
        assert exc.value.detail["reason"] == "issued"
        assert "已制发（未启用）" in str(exc.value.message)

    def test_the_seal_in_use_is_usable(self, seal):
        services.require_usable(seal)
        assert selectors.usable(seal) and selectors.unusable_reason(seal) is None

    def test_history_lists_the_seals_events_in_order(self, seal, people):
        services.seal_move_storage(
            actor=people.head, seal_id=seal.pk, storage_location="档案室"
        )
        events = [e.event for e in selectors.seal_history(seal)]
        assert events == [
            "seal.issued",
            "seal.custodian_appointed",
            "seal.activated",
            "seal.storage_moved",
        ]
        assert selectors.seal_history(seal)[-1].actor == people.head.display_name
