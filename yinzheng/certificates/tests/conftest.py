"""Fixtures shared by the certificate tests: committee A1a's people and seal, the county
positive list with a simple and a complex item, files in a temporary folder."""

import pytest

from . import factories


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def people(tree):
    """Committee A1a: two clerks, the head, the custodian; the township; civil affairs;
    a clerk of the sibling committee A1b."""
    return factories.committee_people(tree)


@pytest.fixture
def seal(people, tree):
    """A1a's physical seal in use, kept by the custodian."""
    return factories.committee_seal(people, tree["A1a"])


@pytest.fixture
def catalogue(tree):
    """The county's positive list: a simple item and a complex one (5 working days)."""
    return factories.county_catalogue()
