"""Periodic clean-up and assessment of lists (REQ-013)."""

import datetime as dt

import pytest

from yinzheng.accounts.choices import Role
from yinzheng.catalogue import selectors, services
from yinzheng.catalogue.choices import ListKind
from yinzheng.core.errors import InvalidInput, NotAllowed
from yinzheng.core.tests import factories as f
from yinzheng.ledger.models import Entry


@pytest.fixture
def county_list(officer):
    return services.list_create(
        actor=officer, owner_code="620725", kind=ListKind.POSITIVE, title="县清单"
    )


def test_a_review_falls_due_n_days_after_the_last_one_REQ_013(officer, county_list):
    services.list_review_record(
        actor=officer,
        list_id=county_list.pk,
        note="逐项清理，无需调整",
        interval_days=30,
    )
    county_list.refresh_from_db()
    reviewed = county_list.last_reviewed_on
    assert selectors.review_due_on(county_list) == reviewed + dt.timedelta(days=30)
    assert (
        selectors.lists_due_for_review(officer, reviewed + dt.timedelta(days=29)) == []
    )
    assert selectors.lists_due_for_review(
        officer, reviewed + dt.timedelta(days=30)
    ) == [county_list]
    assert Entry.objects.filter(event="catalogue_list.reviewed").exists()


def test_the_officer_is_told_on_the_home_page(officer, county_list, client):
    county_list.review_interval_days = 1
    county_list.last_reviewed_on = dt.date(2020, 1, 1)
    county_list.save()
    client.force_login(officer)
    assert "到期应清理评估的清单" in client.get("/").content.decode()


def test_a_review_needs_a_conclusion_and_a_sane_interval(officer, county_list):
    with pytest.raises(InvalidInput):
        services.list_review_record(actor=officer, list_id=county_list.pk, note=" ")
    with pytest.raises(InvalidInput):
        services.list_review_record(
            actor=officer, list_id=county_list.pk, note="x", interval_days=0
        )


def test_only_the_owner_records_reviews(tree, county_list):
    clerk = f.user("c", role=Role.CLERK, at=tree["A1a"])
    with pytest.raises(NotAllowed):
        services.list_review_record(actor=clerk, list_id=county_list.pk, note="x")


def test_the_manage_page_records_a_review(officer, county_list, client):
    client.force_login(officer)
    client.post(
        f"/catalogue/manage/lists/{county_list.pk}/review/",
        {"review-note": "清理完毕", "review-interval_days": "365"},
    )
    county_list.refresh_from_db()
    assert county_list.review_interval_days == 365 and county_list.last_reviewed_on
    page = client.get(f"/catalogue/manage/lists/{county_list.pk}/").content.decode()
    assert "下次应于" in page
