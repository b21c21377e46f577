"""core.db: the hot paths' database helpers (issue 15)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yinzheng.core.db import unique_row
from yinzheng.core.tests.factories import division
from yinzheng.divisions.models import Division

pytestmark = pytest.mark.django_db


def test_unique_row_finds_the_row_without_ordering_it():
    division("620725101001")
    with CaptureQueriesContext(connection) as captured:
        row = unique_row(Division.objects.filter(code="620725101001"))
    assert row is not None and row.code == "620725101001"
    (sql,) = [q["sql"] for q in captured.captured_queries]
    assert "ORDER BY" not in sql and "LIMIT 1" in sql


def test_unique_row_is_none_when_nothing_matches():
    assert unique_row(Division.objects.filter(code="999999999999")) is None
