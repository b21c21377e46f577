"""Fixtures shared by the seal tests: the people of township A1 and committee A1a."""

from types import SimpleNamespace

import pytest

from yinzheng.accounts.choices import Role
from yinzheng.core.tests import factories as f

from . import factories

TOWNSHIP = "620725101"
OTHER_TOWNSHIP = "620725102"


@pytest.fixture
def people(tree):
    """The township officer of A1, the other township's, and committee A1a's staff."""
    a1a = tree["A1a"]
    return SimpleNamespace(
        township=f.user("xiangzhen", role=Role.TOWNSHIP, at=TOWNSHIP),
        other_township=f.user("xiangzhen2", role=Role.TOWNSHIP, at=OTHER_TOWNSHIP),
        head=f.user("zhuren", role=Role.HEAD, at=a1a),
        custodian=f.user("yinzhang", role=Role.CUSTODIAN, at=a1a),
        custodian2=f.user("yinzhang2", role=Role.CUSTODIAN, at=a1a),
        clerk=f.user("jingban", role=Role.CLERK, at=a1a),
        civil=f.user("minzheng", role=Role.CIVIL_AFFAIRS, at="620725"),
    )


@pytest.fixture
def seal(people, tree):
    """A physical seal of A1a in use, kept by `people.custodian`."""
    return factories.in_use(
        officer=people.township,
        head=people.head,
        custodian=people.custodian,
        committee=tree["A1a"],
    )
