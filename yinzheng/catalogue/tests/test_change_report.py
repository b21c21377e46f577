"""The per-period report of items added to and removed from each list, with the
decisions behind them (REQ-019: 坚决杜绝边减边增、明减暗增、先减后增).

Proved here: the selector (counts, names, the admission, exit or clean-up behind each
change, the initial load), the staff page, `GET /api/catalogue/changes/` and
`yinzheng catalogue-changes`, with their refusals.
"""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from yinzheng.accounts.choices import Role
from yinzheng.catalogue import selectors
from yinzheng.catalogue.choices import ListKind
from yinzheng.core.errors import InvalidInput
from yinzheng.core.tests import factories as people

from . import factories

COUNTY = "620725"
D1 = dt.date(2024, 1, 1)
D2 = dt.date(2025, 3, 1)


@pytest.fixture
def history(tree):
    """v1 (2024-01-01): 甲, 乙. v2 (2025-03-01): 乙 out, 丙 in by an admission."""
    a, b, c = (factories.item(n) for n in ("甲证明", "乙证明", "丙证明"))
    v1 = factories.published(COUNTY, ListKind.POSITIVE, [a, b], valid_from=D1)
    v2 = factories.published(
        COUNTY,
        ListKind.POSITIVE,
        [a, c],
        valid_from=D2,
        catalogue_list=v1.catalogue_list,
    )
    return v1, v2


def _lists():
    from yinzheng.catalogue.models import CatalogueList

    return CatalogueList.objects.filter(owner_id=COUNTY)


def test_the_report_counts_and_names_additions_and_removals_REQ_019(history):
    report = selectors.change_report(
        lists=_lists(), start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)
    )
    assert (report.added_count, report.removed_count) == (1, 1)
    [version] = report.versions
    assert version.version_number == 2
    [added] = version.added
    [removed] = version.removed
    assert added.item_name == "丙证明" and added.decision_kind == "admission"
    assert "测试联审会议纪要" in added.decision
    assert removed.item_name == "乙证明"
    assert removed.decision_kind == "version"  # no exit or clean-up behind it
    assert "测试文号" in removed.decision


def test_the_initial_load_is_reported_as_such_REQ_019(history):
    report = selectors.change_report(lists=_lists(), start=D1, end=D1)
    assert report.added_count == 2 and report.removed_count == 0
    assert {line.decision_kind for line in report.versions[0].added} == {"initial_load"}


def test_a_period_outside_every_version_reports_nothing_REQ_019(history):
    report = selectors.change_report(
        lists=_lists(), start=dt.date(2024, 2, 1), end=dt.date(2024, 12, 31)
    )
    assert report.versions == [] and report.added_count == 0


def test_a_period_that_ends_before_it_starts_is_refused_REQ_019(history):
    with pytest.raises(InvalidInput) as exc:
        selectors.change_report(lists=_lists(), start=D2, end=D1)
    assert exc.value.code == "period_invalid"


def test_the_staff_page_shows_the_report_REQ_019(client, officer, history):
    client.force_login(officer)
    page = client.get(
        "/catalogue/manage/changes/", {"start": "2025-01-01", "end": "2025-12-31"}
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "丙证明" in text and "乙证明" in text and "测试联审会议纪要" in text


def test_the_staff_page_is_refused_to_a_clerk_REQ_019(client, tree, history):
    client.force_login(people.user("c", role=Role.CLERK, at=tree["A1a"]))
    assert client.get("/catalogue/manage/changes/").status_code == 403


def test_the_api_gives_the_report_REQ_019(officer, history):
    api = APIClient()
    api.force_authenticate(officer)
    body = api.get(
        "/api/catalogue/changes/", {"start": "2025-01-01", "end": "2025-12-31"}
    ).json()
    assert (body["added_count"], body["removed_count"]) == (1, 1)
    assert body["versions"][0]["added"][0]["item_name"] == "丙证明"
    bad = api.get("/api/catalogue/changes/", {"start": "2025-12-31", "end": "x"})
    assert bad.status_code == 400
    assert APIClient().get("/api/catalogue/changes/").status_code in (401, 403)


def test_the_cli_prints_the_report_REQ_019(history):
    out = io.StringIO()
    call_command(
        "catalogue_changes",
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
        "--json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert (data["added_count"], data["removed_count"]) == (1, 1)
    with pytest.raises(CommandError):
        call_command("catalogue_changes", "--from", "2025-12-31", "--to", "2025-01-01")
