"""The visibility matrix over every supervision model: each role sees the rows of its
subtree where the model's view action allows the role, and nothing else (REQ-001,
REQ-098: the city and the province read their counties)."""

import datetime as dt

import pytest

from yinzheng.accounts import policy
from yinzheng.accounts.choices import Role
from yinzheng.accounts.tests.test_visibility_matrix import ALL, IDS, MATRIX, make_user
from yinzheng.core.actors import SYSTEM
from yinzheng.core.tests import factories
from yinzheng.supervision import services
from yinzheng.supervision.models import (
    Alert,
    Case,
    Criticism,
    Finding,
    RectificationItem,
    TownshipCheck,
)

MODELS = [Case, Finding, Criticism, RectificationItem, TownshipCheck, Alert]


@pytest.fixture
def rows(db, clock_at):
    """At each committee: a case, a seal-use finding (criticism and item), a township
    check and an alert."""
    clock_at(2026, 11, 2, 10)
    for code in sorted(ALL):
        factories.division(code)
        services.case_report_public(
            county_code=code[:6],
            committee_code=code,
            demanding_unit="某单位",
            item_text="某证明",
            account="要求开具",
        )
        services.finding_record(
            actor=SYSTEM,
            committee_code=code,
            kind="seal_use",
            description="违规用印",
            deadline=dt.date(2026, 12, 1),
        )
        services.check_record(
            actor=SYSTEM,
            committee_code=code,
            checked_on=dt.date(2026, 11, 2),
            findings="x",
            feedback="y",
        )
        Alert.objects.create(
            kind="off_hours",
            fingerprint=f"off_hours:{code}:2026-11",
            committee_id=code,
            period_start=dt.date(2026, 11, 1),
            period_end=dt.date(2026, 11, 30),
            summary="x",
            raised_at=clock_at(2026, 11, 2, 10),
            refreshed_at=clock_at(2026, 11, 2, 10),
        )


def _committee_of(row):
    code = row.division_code
    return code if len(code) == 12 else None


@pytest.mark.parametrize(("role", "at", "sees"), MATRIX, ids=IDS)
@pytest.mark.parametrize("model", MODELS, ids=[m.__name__ for m in MODELS])
def test_each_model_shows_exactly_the_subtree_to_the_roles_it_allows(
    rows, model, role, at, sees
):
    user = make_user(role, at)
    allowed = role is not None and role in policy.action(model.view_action).roles
    visible = {_committee_of(r) for r in model.objects.visible_to(user)}
    assert visible == (sees if allowed else set())


def test_committee_staff_see_their_own_items_and_checks_but_no_cases(rows):
    clerk = make_user(Role.CLERK, "620725101001")
    assert not Case.objects.visible_to(clerk).exists()
    assert {r.division_code for r in RectificationItem.objects.visible_to(clerk)} == {
        "620725101001"
    }
    assert TownshipCheck.objects.visible_to(clerk).count() == 1


ENDPOINTS = [
    ("/api/supervision/cases/", "division", "supervision.view"),
    ("/api/supervision/findings/", "committee", "supervision.view"),
    ("/api/supervision/items/", "division", "supervision.view_rectification"),
    ("/api/supervision/checks/", "committee", "supervision.view_rectification"),
    ("/api/supervision/alerts/", "committee", "supervision.alert"),
]


@pytest.mark.parametrize(("role", "at", "sees"), MATRIX, ids=IDS)
@pytest.mark.parametrize(
    ("url", "field", "action"), ENDPOINTS, ids=[e[0].split("/")[3] for e in ENDPOINTS]
)
def test_each_endpoint_lists_and_details_exactly_the_subtree(
    rows, role, at, sees, url, field, action
):
    from rest_framework.test import APIClient

    client = APIClient()
    user = make_user(role, at)
    client.force_authenticate(user)
    allowed = role is not None and role in policy.action(action).roles
    response = client.get(url, {"page_size": 500, "status": ""})
    if not allowed:
        assert response.status_code in (401, 403)
        return
    listed = response.json()["results"]
    assert {r[field] for r in listed} == sees
    model = {
        "cases": Case,
        "findings": Finding,
        "items": RectificationItem,
        "checks": TownshipCheck,
        "alerts": Alert,
    }[url.split("/")[3]]
    for row in model.objects.all():
        detail = client.get(f"{url}{row.pk}/")
        code = row.division_code
        assert detail.status_code == (200 if code in sees else 404), (url, code)


@pytest.mark.parametrize(("role", "at", "sees"), MATRIX, ids=IDS)
def test_each_case_and_item_page_opens_only_inside_the_subtree(
    rows, client, role, at, sees
):
    user = make_user(role, at)
    if role is None:
        return
    client.force_login(user)
    for model, prefix, action in (
        (Case, "/supervision/cases/", "supervision.view"),
        (RectificationItem, "/supervision/items/", "supervision.view_rectification"),
        (Alert, "/supervision/alerts/", "supervision.alert"),
    ):
        allowed = role in policy.action(action).roles
        for row in model.objects.all():
            response = client.get(f"{prefix}{row.pk}/")
            inside = allowed and row.division_code in sees
            assert response.status_code in ((200,) if inside else (403, 404)), (
                prefix,
                row.division_code,
            )
