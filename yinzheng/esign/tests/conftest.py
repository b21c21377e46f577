"""Fixtures of the electronic-seal tests: the people of township A1 and committee A1a
(the seal tests' fixtures), and an electronic seal of A1a in use."""

import pytest

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
