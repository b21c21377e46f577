"""Fixtures of the electronic-seal tests: the people of township A1 and committee A1a
(the seal tests' fixtures), an electronic seal of A1a in use, and the county health
bureau's officer who verifies certificates."""

import pytest

from yinzheng.accounts.choices import Department, Role
from yinzheng.core.tests import factories as core_factories
from yinzheng.seals.choices import SealForm
from yinzheng.seals.tests import factories as seal_factories
from yinzheng.seals.tests.conftest import OTHER_TOWNSHIP, TOWNSHIP, people, seal

__all__ = ["OTHER_TOWNSHIP", "TOWNSHIP", "people", "seal"]


@pytest.fixture
def eseal(people, tree):
    """An electronic seal of A1a in use, kept by `people.custodian`."""
    return seal_factories.in_use(
        officer=people.township,
        head=people.head,
        custodian=people.custodian,
        committee=tree["A1a"],
        form=SealForm.ELECTRONIC,
    )


@pytest.fixture
def health(tree):
    """The county health bureau's officer (a department grant over 620725)."""
    return core_factories.user(
        "weijian", role=Role.DEPARTMENT, at="620725", department=Department.HEALTH
    )
