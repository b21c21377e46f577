"""List versions: drafting, approval, publication and their refusals.

Covers REQ-002, REQ-004, REQ-006, REQ-009, REQ-010, REQ-012, REQ-014, REQ-018, REQ-019
and REQ-020.
"""

import datetime as dt

import pytest

from yinzheng.accounts.choices import Role
from yinzheng.catalogue import selectors, services
from yinzheng.catalogue.choices import BasisType, ListKind, VersionStatus
from yinzheng.catalogue.models import ListEntry
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import Conflict, InvalidInput, NotAllowed
from yinzheng.core.tests import factories as f
from yinzheng.ledger.models import Entry

from . import factories

D1 = dt.date(2024, 1, 1)
D2 = dt.date(2025, 1, 1)


@pytest.fixture
def county(tree):
    return "620725"


def draft(owner, kind=ListKind.POSITIVE):
    lst = services.list_create(actor=SYSTEM, owner_code=owner, kind=kind, title="清单")
    return services.version_draft(actor=SYSTEM, list_id=lst.pk, reason="首次制定")


def approve(version):
    return services.version_approve(
        actor=SYSTEM,
        version_id=version.pk,
        approval_body="县政府",
        approval_date=D1,
        approval_reference="常务会议纪要〔2024〕1号",
    )


def test_a_positive_item_with_only_a_policy_basis_is_refused_REQ_004(county):
    version = draft(county)
    it = factories.item(basis=BasisType.POLICY)
    with pytest.raises(InvalidInput) as exc:
        services.version_add_item(actor=SYSTEM, version_id=version.pk, item_key=it.key)
    assert exc.value.code == "entry_ineligible"
    assert [p["code"] for p in exc.value.detail] == ["policy_basis_only"]


def test_a_positive_item_without_basis_or_duties_names_both_REQ_004(county):
    version = draft(county)
    it = factories.item(basis=None, within_duties=False)
    with pytest.raises(InvalidInput) as exc:
        services.version_add_item(actor=SYSTEM, version_id=version.pk, item_key=it.key)
    assert {p["code"] for p in exc.value.detail} == {"no_basis", "not_within_duties"}


def test_a_negative_item_without_a_route_is_refused_REQ_006(county):
    version = draft(county, ListKind.NEGATIVE)
    it = factories.negative_item(route="")
    with pytest.raises(InvalidInput) as exc:
        services.version_add_item(actor=SYSTEM, version_id=version.pk, item_key=it.key)
    assert [p["code"] for p in exc.value.detail] == ["route_required"]


def test_publishing_needs_an_approval_record_REQ_014(county):
    version = draft(county)
    services.version_add_item(
        actor=SYSTEM, version_id=version.pk, item_key=factories.item().key
    )
    with pytest.raises(Conflict) as exc:
        services.version_publish(actor=SYSTEM, version_id=version.pk, valid_from=D1)
    assert exc.value.code == "approval_required"
    with pytest.raises(InvalidInput):
        services.version_approve(
            actor=SYSTEM,
            version_id=version.pk,
            approval_body="",
            approval_date=D1,
            approval_reference="",
        )


def test_a_published_version_never_changes_REQ_012(county):
    version = factories.published(county, ListKind.POSITIVE, [factories.item()])
    with pytest.raises(Conflict) as exc:
        services.version_add_item(
            actor=SYSTEM, version_id=version.pk, item_key=factories.item().key
        )
    assert exc.value.code == "version_not_draft"
    with pytest.raises(Conflict):
        services.version_remove_item(
            actor=SYSTEM, version_id=version.pk, item_key=version.entries.get().item.key
        )


def test_a_new_version_supersedes_the_old_without_overlap_REQ_012_018(county):
    a, b = factories.item(), factories.item()
    v1 = factories.published(county, ListKind.POSITIVE, [a])
    v2 = factories.published(
        county,
        ListKind.POSITIVE,
        [a, b],
        valid_from=D2,
        catalogue_list=v1.catalogue_list,
    )
    v1.refresh_from_db()
    assert v1.status == VersionStatus.SUPERSEDED
    assert v1.valid_to == D2 - dt.timedelta(days=1)
    assert (v2.number, v2.status, v2.valid_to) == (2, VersionStatus.PUBLISHED, None)
    diff = selectors.version_diff(v1, v2)
    assert [e.item for e in diff.added] == [b] and diff.removed == []


def test_a_new_version_cannot_start_before_the_current_one(county):
    v1 = factories.published(
        county, ListKind.POSITIVE, [factories.item()], valid_from=D2
    )
    with pytest.raises(services.ListRuleViolation) as exc:
        factories.published(
            county,
            ListKind.POSITIVE,
            [factories.item()],
            valid_from=D1,
            catalogue_list=v1.catalogue_list,
        )
    assert exc.value.detail[0]["code"] == "validity_overlap"


def test_a_positive_entry_on_a_higher_negative_list_blocks_publication_REQ_010(county):
    shared = factories.item("亲属关系证明")
    shared_negative = factories.negative_item()
    factories.published("62", ListKind.NEGATIVE, [shared_negative])
    version = draft(county)
    services.version_add_item(actor=SYSTEM, version_id=version.pk, item_key=shared.key)
    # The item is negative above: make it so without breaking its positive eligibility.
    factories.published("CN", ListKind.NEGATIVE, [], valid_from=D1)
    neg = services.list_create(
        actor=SYSTEM, owner_code="6207", kind=ListKind.NEGATIVE, title="市负面清单"
    )
    neg_version = services.version_draft(actor=SYSTEM, list_id=neg.pk, reason="x")
    shared.route, shared.responsible_departments = "向公安部门申请", ["公安"]
    shared.save()
    services.version_add_item(
        actor=SYSTEM, version_id=neg_version.pk, item_key=shared.key
    )
    approve(neg_version)
    services.version_publish(actor=SYSTEM, version_id=neg_version.pk, valid_from=D1)
    approve(version)
    with pytest.raises(services.ListRuleViolation) as exc:
        services.version_publish(actor=SYSTEM, version_id=version.pk, valid_from=D2)
    assert [p["code"] for p in exc.value.detail] == [
        "conflicts_with_higher_negative_list"
    ]
    assert "市负面清单" in str(exc.value.message)


def test_re_adding_a_removed_item_needs_an_admission_REQ_019(county):
    """Directly re-adding a cancelled item fails with "admission required"."""
    a, b = factories.item(), factories.item()
    v1 = factories.published(county, ListKind.POSITIVE, [a, b])
    lst = v1.catalogue_list
    factories.published(
        county, ListKind.POSITIVE, [a], valid_from=D2, catalogue_list=lst
    )
    with pytest.raises(services.AdmissionRequired) as exc:
        factories.published(
            county,
            ListKind.POSITIVE,
            [a, b],
            valid_from=dt.date(2026, 1, 1),
            catalogue_list=lst,
            admit=False,
        )
    assert exc.value.code == "admission_required"
    assert "曾被移出本清单，须经准入审核方可重新列入" in str(exc.value.message)
    # The way back is an approved admission: test_admissions.py.


def test_a_re_added_item_written_around_the_service_blocks_publication_REQ_019(
    county,
):
    a, b = factories.item(), factories.item()
    v1 = factories.published(county, ListKind.POSITIVE, [a, b])
    factories.published(
        county, ListKind.POSITIVE, [a], valid_from=D2, catalogue_list=v1.catalogue_list
    )
    v3 = services.version_draft(
        actor=SYSTEM, list_id=v1.catalogue_list_id, reason="调整"
    )
    ListEntry.objects.create(version=v3, item=b, number=2)
    approve(v3)
    with pytest.raises(services.ListRuleViolation) as exc:
        services.version_publish(
            actor=SYSTEM, version_id=v3.pk, valid_from=dt.date(2026, 1, 1)
        )
    assert [p["code"] for p in exc.value.detail] == ["backsliding"]


def test_effective_catalogue_merges_the_chain_on_a_date_REQ_003_009(tree):
    """A county keeps its positive list; its committees see exactly those items (and
    the ones above them) as issuable, committees elsewhere do not (REQ-003)."""
    baseline = set(selectors.effective_catalogue(tree["A1a"], D1))  # national batch 1
    national, provincial, county_item, other_county = (
        factories.negative_item(),
        factories.item(),
        factories.item(),
        factories.item(),
    )
    factories.published("CN", ListKind.NEGATIVE, [national], valid_from=D1)
    factories.published("62", ListKind.POSITIVE, [provincial])
    factories.published("620725", ListKind.POSITIVE, [county_item], valid_from=D2)
    factories.published("440804", ListKind.POSITIVE, [other_county])

    before = selectors.effective_catalogue(tree["A1a"], D1)
    after = selectors.effective_catalogue(tree["A1a"], D2)
    elsewhere = selectors.effective_catalogue(tree["B1a"], D2)

    assert {k: e.kind for k, e in before.items() if k not in baseline} == {
        national.key: "negative",
        provincial.key: "positive",
    }
    assert set(after) - baseline == {national.key, provincial.key, county_item.key}
    assert set(elsewhere) - baseline == {national.key, other_county.key}
    assert after[county_item.key].owner_code == "620725"


def test_withdrawing_an_item_above_removes_it_below_REQ_009(tree):
    a = factories.item()
    v1 = factories.published("6207", ListKind.POSITIVE, [a])
    factories.published(
        "6207", ListKind.POSITIVE, [], valid_from=D2, catalogue_list=v1.catalogue_list
    )
    assert a.key in selectors.effective_catalogue(tree["A1a"], D1)
    assert a.key not in selectors.effective_catalogue(tree["A1a"], D2)


def test_only_civil_affairs_of_the_owner_manage_its_lists(tree):
    clerk = f.user("c", role=Role.CLERK, at=tree["A1a"])
    other = f.user("o", role=Role.CIVIL_AFFAIRS, at="440804")
    officer = f.user("m", role=Role.CIVIL_AFFAIRS, at="620725")
    for actor in (clerk, other):
        with pytest.raises(NotAllowed):
            services.list_create(
                actor=actor, owner_code="620725", kind=ListKind.POSITIVE, title="x"
            )
    lst = services.list_create(
        actor=officer, owner_code="620725", kind=ListKind.POSITIVE, title="山丹县清单"
    )
    assert (
        Entry.objects.filter(
            event="catalogue_list.created", actor_id=officer.pk
        ).count()
        == 1
    )
    with pytest.raises(InvalidInput):
        services.list_create(
            actor=officer,
            owner_code="620725101",
            kind=ListKind.POSITIVE,
            title="乡镇不能制定",
        )
    assert lst.owner_id == "620725"


def test_item_create_records_typed_bases_and_audits_REQ_002_020(tree):
    officer = f.user("m", role=Role.CIVIL_AFFAIRS, at="620725")
    item = services.item_create(
        actor=officer,
        key="residence",
        name="居住情况证明",
        aliases=["居住证明"],
        bases=[(BasisType.POLICY, "某政策文件")],
        within_committee_duties=True,
    )
    assert item.policy_basis_only  # REQ-020: flagged
    assert Entry.objects.filter(event="item.created", actor_id=officer.pk).exists()
    with pytest.raises(Conflict):
        services.item_create(actor=officer, key="residence", name="重复")


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"key": "Bad Key", "name": "x"}, "item_key_invalid"),
        ({"key": "ok", "name": " "}, "item_name_required"),
        ({"key": "ok", "name": "x", "bases": [("law", "")]}, "basis_invalid"),
        ({"key": "ok", "name": "x", "bases": [("rumour", "x")]}, "basis_invalid"),
        ({"key": "ok", "name": "x", "search_text": "x"}, "item_field_unknown"),
        ({"key": "ok", "name": "x", "complexity": "complex"}, "item_invalid"),
    ],
)
def test_item_create_refuses_bad_input(tree, kwargs, code):
    with pytest.raises(InvalidInput) as exc:
        services.item_create(actor=SYSTEM, **kwargs)
    assert exc.value.code == code


def test_a_clerk_cannot_create_items(tree):
    clerk = f.user("c", role=Role.CLERK, at=tree["A1a"])
    with pytest.raises(NotAllowed):
        services.item_create(actor=clerk, key="x1", name="x")


def test_an_approved_version_can_be_reopened_and_a_draft_discarded(county):
    version = draft(county)
    services.version_add_item(
        actor=SYSTEM, version_id=version.pk, item_key=factories.item().key
    )
    approve(version)
    reopened = services.version_reopen(actor=SYSTEM, version_id=version.pk)
    assert reopened.status == VersionStatus.DRAFT and not reopened.approval_reference
    services.version_discard(actor=SYSTEM, version_id=version.pk)
    assert not type(version).objects.filter(pk=version.pk).exists()
    assert Entry.objects.filter(event="list_version.discarded").exists()


def test_a_published_version_cannot_be_discarded(county):
    version = factories.published(county, ListKind.POSITIVE, [factories.item()])
    with pytest.raises(Conflict):
        services.version_discard(actor=SYSTEM, version_id=version.pk)
    with pytest.raises(Conflict):
        services.version_reopen(actor=SYSTEM, version_id=version.pk)
