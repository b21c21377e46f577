import pytest

from yinzheng.core.tests import factories


@pytest.fixture
def tree(db):
    """Two counties; county A has two townships; township A1 has committees A1a, A1b."""
    codes = {
        "A1a": "620725101001",
        "A1b": "620725101201",
        "A2a": "620725102001",
        "B1a": "440804001001",
    }
    for code in codes.values():
        factories.division(code)
    return codes
