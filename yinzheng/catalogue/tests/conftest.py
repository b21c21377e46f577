"""Fixtures shared by the catalogue tests."""

import pytest

from yinzheng.accounts.choices import Role
from yinzheng.catalogue.choices import ListKind
from yinzheng.catalogue.models import CatalogueList
from yinzheng.core.tests import factories as people

COUNTY = "620725"


@pytest.fixture
def batch1(db):
    """The national negative list, batch 1, that every installation carries."""
    return CatalogueList.objects.get(owner_id="CN", kind=ListKind.NEGATIVE, batch_no=1)


@pytest.fixture
def officer(tree):
    """The civil-affairs officer of the county that owns the test lists."""
    return people.user("minzheng", role=Role.CIVIL_AFFAIRS, at=COUNTY)
