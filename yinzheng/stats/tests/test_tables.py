"""The statistics table: the bureau opens it, each township and department fills in
its own return row by row and submits it, the bureau sees every unit's status against
the deadline (REQ-100, REQ-102)."""

import datetime as dt

import pytest

from yinzheng.accounts.choices import Department, Role
from yinzheng.core.errors import Conflict, InvalidInput, NotAllowed
from yinzheng.core.tests import factories as f
from yinzheng.stats import selectors, services
from yinzheng.stats.choices import UnitStatus
from yinzheng.stats.errors import StatsCode
from yinzheng.stats.models.tables import TITLE
from yinzheng.stats.tests import factories
from yinzheng.stats.tests.factories import COUNTY, DEADLINE, ROW, T1, T2

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tree, clock_at):
    clock_at(2020, 12, 1, 10)
    return factories.people()


@pytest.fixture
def table(people):
    return services.table_create(
        actor=people["bureau"],
        county_code=COUNTY,
        deadline=DEADLINE,
        departments=[Department.PUBLIC_SECURITY, Department.HEALTH],
    )


def _statuses(table, today):
    return {
        (u.division_code, u.department): u.status
        for u in selectors.unit_statuses(table, today)
    }


def test_the_bureau_opens_the_table_with_its_title_and_deadline(people, table):
    assert table.title == TITLE
    assert table.deadline == DEADLINE
    with pytest.raises(NotAllowed):  # the province reads, the county opens
        services.table_create(
            actor=people["province"], county_code=COUNTY, deadline=DEADLINE
        )
    with pytest.raises(NotAllowed):
        services.table_create(actor=people["t1"], county_code=COUNTY, deadline=DEADLINE)


def test_a_township_fills_in_its_table_row_by_row_REQ_100(people, table):
    ret = services.return_open(actor=people["t1"], table_id=table.pk, township_code=T1)
    first = services.row_add(actor=people["t1"], return_id=ret.pk, values=ROW)
    second = services.row_add(
        actor=people["t1"],
        return_id=ret.pk,
        values={**ROW, "item_name": "亲属关系证明"},
    )
    third = services.row_add(
        actor=people["t1"], return_id=ret.pk, values={**ROW, "item_name": "居住证明"}
    )
    assert [first.position, second.position, third.position] == [1, 2, 3]
    services.row_update(
        actor=people["t1"], row_id=second.pk, values={"note": "需公安部门核实"}
    )
    services.row_delete(actor=people["t1"], row_id=first.pk)
    rows = list(selectors.rows_of(ret))
    assert [(r.position, r.item_name) for r in rows] == [
        (1, "亲属关系证明"),
        (2, "居住证明"),
    ]
    assert rows[0].note == "需公安部门核实"
    # The same unit opening again gets the same return.
    again = services.return_open(
        actor=people["t1"], table_id=table.pk, township_code=T1
    )
    assert again.pk == ret.pk


def test_a_row_needs_every_official_column_but_the_note(people, table):
    ret = services.return_open(actor=people["t1"], table_id=table.pk, township_code=T1)
    for missing in ("item_name", "basis", "implementing_unit", "competent_department"):
        with pytest.raises(InvalidInput):
            services.row_add(
                actor=people["t1"], return_id=ret.pk, values={**ROW, missing: " "}
            )
    with pytest.raises(InvalidInput):
        services.row_add(
            actor=people["t1"], return_id=ret.pk, values={**ROW, "colour": "红"}
        )


def test_each_unit_fills_in_only_its_own_return(people, table):
    with pytest.raises(NotAllowed):
        services.return_open(actor=people["t2"], table_id=table.pk, township_code=T1)
    with pytest.raises(NotAllowed):  # a department inside the county, not a township
        services.return_open(
            actor=people["police"], table_id=table.pk, township_code=T1
        )
    ret = services.return_open(
        actor=people["police"], table_id=table.pk, department=Department.PUBLIC_SECURITY
    )
    assert ret.unit_name.endswith("公安")
    with pytest.raises(NotAllowed):
        services.return_open(
            actor=people["police"], table_id=table.pk, department=Department.HEALTH
        )
    with pytest.raises(InvalidInput):  # not among the table's reporting departments
        services.return_open(
            actor=people["police"], table_id=table.pk, department=Department.JUSTICE
        )
    with pytest.raises(NotAllowed):
        services.row_add(actor=people["t1"], return_id=ret.pk, values=ROW)


def test_a_submitted_return_changes_no_more(people, table):
    ret = services.return_open(actor=people["t1"], table_id=table.pk, township_code=T1)
    with pytest.raises(InvalidInput) as exc:
        services.return_submit(actor=people["t1"], return_id=ret.pk)
    assert exc.value.code == StatsCode.RETURN_EMPTY
    row = services.row_add(actor=people["t1"], return_id=ret.pk, values=ROW)
    services.return_submit(actor=people["t1"], return_id=ret.pk)
    for call in (
        lambda: services.row_add(actor=people["t1"], return_id=ret.pk, values=ROW),
        lambda: services.row_update(actor=people["t1"], row_id=row.pk, values=ROW),
        lambda: services.row_delete(actor=people["t1"], row_id=row.pk),
        lambda: services.return_submit(actor=people["t1"], return_id=ret.pk),
    ):
        with pytest.raises(Conflict):
            call()


def test_the_bureau_sees_every_unit_against_the_deadline_REQ_102(
    people, table, clock_at
):
    """Every township and department: not started / draft / submitted / late."""
    before = dt.date(2020, 12, 1)
    assert _statuses(table, before) == {
        (T1, ""): UnitStatus.NOT_STARTED,
        (T2, ""): UnitStatus.NOT_STARTED,
        (COUNTY, Department.HEALTH): UnitStatus.NOT_STARTED,
        (COUNTY, Department.PUBLIC_SECURITY): UnitStatus.NOT_STARTED,
    }
    ret = services.return_open(actor=people["t1"], table_id=table.pk, township_code=T1)
    services.row_add(actor=people["t1"], return_id=ret.pk, values=ROW)
    services.return_open(actor=people["t2"], table_id=table.pk, township_code=T2)
    assert _statuses(table, before)[(T1, "")] == UnitStatus.DRAFT
    services.return_submit(actor=people["t1"], return_id=ret.pk)
    after = dt.date(2020, 12, 31)
    statuses = _statuses(table, after)
    assert statuses[(T1, "")] == UnitStatus.SUBMITTED
    assert statuses[(T2, "")] == UnitStatus.LATE
    assert statuses[(COUNTY, Department.HEALTH)] == UnitStatus.LATE
    late = {u.division_code: u.late for u in selectors.unit_statuses(table, after)}
    assert late[T1] is False


def test_a_return_submitted_after_the_deadline_is_marked_late(people, table, clock_at):
    ret = services.return_open(actor=people["t1"], table_id=table.pk, township_code=T1)
    services.row_add(actor=people["t1"], return_id=ret.pk, values=ROW)
    clock_at(2021, 1, 4, 9)
    services.return_submit(actor=people["t1"], return_id=ret.pk)
    unit = next(
        u
        for u in selectors.unit_statuses(table, dt.date(2021, 1, 5))
        if u.division_code == T1
    )
    assert unit.status == UnitStatus.SUBMITTED and unit.late


def test_the_county_table_gathers_the_submitted_returns(people, table):
    for user, code in ((people["t1"], T1), (people["t2"], T2)):
        ret = services.return_open(actor=user, table_id=table.pk, township_code=code)
        services.row_add(actor=user, return_id=ret.pk, values={**ROW, "note": code})
    services.return_submit(
        actor=people["t1"],
        return_id=services.return_open(
            actor=people["t1"], table_id=table.pk, township_code=T1
        ).pk,
    )
    assert [r.note for r in selectors.consolidated_rows(table)] == [T1]


def test_units_are_told_what_they_still_have_to_fill(people, table):
    from yinzheng.stats import inbox

    assert {str(i.label): i.count for i in inbox.to_fill(people["t1"])} == {
        "待填报的证明事项统计表": 1
    }
    ret = services.return_open(actor=people["t1"], table_id=table.pk, township_code=T1)
    services.row_add(actor=people["t1"], return_id=ret.pk, values=ROW)
    services.return_submit(actor=people["t1"], return_id=ret.pk)
    assert selectors.returns_to_fill(people["t1"]) == []
    assert len(selectors.returns_to_fill(people["police"])) == 1


def test_a_township_sees_its_countys_table_but_not_anothers(people, table):
    assert list(selectors.tables(people["t1"])) == [table]
    assert list(selectors.tables(people["police"])) == [table]
    other = f.user("other", role=Role.TOWNSHIP, at="440804001")
    assert not selectors.tables(other).exists()


def test_filling_is_offered_to_the_units_own_officers_while_a_draft(people, table):
    from rest_framework.test import APIClient

    from yinzheng.accounts import policy

    ret = services.return_open(actor=people["t1"], table_id=table.pk, township_code=T1)
    assert policy.allowed_actions(people["t1"], ret)["fill"]
    assert not policy.allowed_actions(people["police"], ret)["fill"]
    assert not policy.allowed_actions(people["bureau"], ret)["fill"]
    api = APIClient()
    api.force_authenticate(people["t1"])
    assert api.get(f"/api/stats/returns/{ret.pk}/").json()["allowed_actions"] == [
        "fill"
    ]
    services.row_add(actor=people["t1"], return_id=ret.pk, values=ROW)
    services.return_submit(actor=people["t1"], return_id=ret.pk)
    ret.refresh_from_db()
    assert not policy.allowed_actions(people["t1"], ret)
