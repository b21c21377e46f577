"""The page tests' people and objects (test_views*.py): a module with fixtures of the
same names (staff …) keeps its own."""

import datetime as dt

import pytest

from yinzheng.supervision import services
from yinzheng.supervision.choices import Channel, FindingKind, ReporterType

from .factories import people, registered
from .pages import TODAY


@pytest.fixture
def staff(tree, clock_at):
    clock_at(2026, 3, 2, 9)
    return people(tree)


@pytest.fixture
def case(staff, tree):
    return registered(
        staff.civil,
        channel=Channel.HOTLINE,
        reporter_type=ReporterType.RESIDENT,
        committee_code=tree["A1a"],
        contact_name="张三丰",
        contact_phone="13912345678",
    )


@pytest.fixture
def item(staff, tree):
    """A seal-use finding at A1a: its criticism and its rectification item."""
    finding = services.finding_record(
        actor=staff.inspector,
        committee_code=tree["A1a"],
        kind=FindingKind.NON_COMPLIANT_SEAL_USE,
        description="空白纸张加盖公章",
        deadline=TODAY + dt.timedelta(days=10),
    )
    return finding.items.get()
