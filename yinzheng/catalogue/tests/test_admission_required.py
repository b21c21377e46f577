"""No way around admission (REQ-021, REQ-019).

Once a positive list has a published version, a new item reaches it only through an
approved admission application. A county officer adding a brand-new item straight into
a later version is refused, with the same code and Chinese reason on the service, the
staff page, the API and the CLI; publishing such a version is refused too. The initial
load of a list (its first version) and the paths that carry a decision (admission,
clean-up, national batches) are unaffected.
"""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from yinzheng.catalogue import exports, services
from yinzheng.catalogue.choices import ListKind
from yinzheng.catalogue.models import ListEntry
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import Conflict

from . import factories

COUNTY = "620725"
D2 = dt.date(2025, 1, 1)
REASON = "须经准入审核"


@pytest.fixture
def later_draft(tree):
    """A county positive list with v1 published and v2 open as a draft."""
    v1 = factories.published(COUNTY, ListKind.POSITIVE, [factories.item("原有证明")])
    return services.version_draft(
        actor=SYSTEM, list_id=v1.catalogue_list_id, reason="动态调整"
    )


def test_a_new_item_cannot_be_added_to_a_later_version_directly_REQ_021(later_draft):
    brand_new = factories.item("新设证明")
    with pytest.raises(Conflict) as exc:
        services.version_add_item(
            actor=SYSTEM, version_id=later_draft.pk, item_key=brand_new.key
        )
    assert exc.value.code == "admission_required"
    assert REASON in str(exc.value.message)
    assert not later_draft.entries.filter(item=brand_new).exists()


def test_an_item_already_on_the_list_may_be_put_back_in_the_draft_REQ_021(
    later_draft,
):
    """Removing and re-adding an item of the current version is no new admission."""
    key = later_draft.entries.get().item.key
    services.version_remove_item(actor=SYSTEM, version_id=later_draft.pk, item_key=key)
    services.version_add_item(actor=SYSTEM, version_id=later_draft.pk, item_key=key)
    assert later_draft.entries.filter(item__key=key).exists()


def test_the_initial_load_of_a_list_needs_no_admission_REQ_021(tree):
    version = factories.published(COUNTY, ListKind.POSITIVE, [factories.item()])
    assert version.number == 1 and version.entries.count() == 1


def test_a_negative_list_is_not_an_admission_matter_REQ_021(tree):
    v1 = factories.published(COUNTY, ListKind.NEGATIVE, [factories.negative_item()])
    v2 = factories.published(
        COUNTY,
        ListKind.NEGATIVE,
        [factories.negative_item()],
        valid_from=D2,
        catalogue_list=v1.catalogue_list,
    )
    assert v2.entries.count() == 1


def test_a_version_holding_an_unadmitted_new_item_cannot_be_published_REQ_021(
    later_draft,
):
    """Even an entry written around the service (an old draft, a raw row) is caught
    at publication."""
    brand_new = factories.item("绕行证明")
    ListEntry.objects.create(version=later_draft, item=brand_new, number=9)
    services.version_approve(
        actor=SYSTEM,
        version_id=later_draft.pk,
        approval_body="县政府",
        approval_date=D2,
        approval_reference="会议纪要",
    )
    with pytest.raises(services.ListRuleViolation) as exc:
        services.version_publish(actor=SYSTEM, version_id=later_draft.pk, valid_from=D2)
    assert [p["code"] for p in exc.value.detail] == ["admission_required"]


def test_an_item_admitted_by_an_approved_application_goes_on_REQ_021(later_draft):
    brand_new = factories.item("准入证明")
    factories.admitted(later_draft, brand_new)
    services.version_approve(
        actor=SYSTEM,
        version_id=later_draft.pk,
        approval_body="县政府",
        approval_date=D2,
        approval_reference="会议纪要",
    )
    services.version_publish(actor=SYSTEM, version_id=later_draft.pk, valid_from=D2)
    assert later_draft.entries.filter(item=brand_new).exists()


def test_the_staff_page_shows_the_refusal_REQ_021(client, officer, later_draft):
    brand_new = factories.item("页面新设证明")
    client.force_login(officer)
    page = client.post(
        f"/catalogue/manage/versions/{later_draft.pk}/add/",
        {"add-item_key": brand_new.key},
        follow=True,
    )
    assert page.status_code == 200
    assert REASON in page.content.decode()
    assert not later_draft.entries.filter(item=brand_new).exists()


def test_the_api_refuses_with_the_code_REQ_021(officer, later_draft):
    brand_new = factories.item("接口新设证明")
    api = APIClient()
    api.force_authenticate(officer)
    response = api.post(
        f"/api/catalogue/versions/{later_draft.pk}/items/",
        {"item_key": brand_new.key},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "admission_required"
    assert REASON in response.json()["message"]


def test_the_cli_import_refuses_a_new_item_in_a_later_version_REQ_021(tree, tmp_path):
    v1 = factories.published(COUNTY, ListKind.POSITIVE, [factories.item("甲")])
    record = exports.version_record(v1)
    brand_new = factories.item("命令行新设证明")
    record["entries"].append(
        {**record["entries"][0], "number": 2, "item": brand_new.key, "name": "新"}
    )
    path = tmp_path / "v.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command(
            "catalogue_import",
            str(path),
            "--list",
            str(v1.catalogue_list_id),
            "--reason",
            "新增",
            stdout=io.StringIO(),
        )
    assert REASON in str(exc.value)
    assert v1.catalogue_list.versions.count() == 1


def test_a_second_list_of_the_county_is_no_way_around_admission_REQ_021(later_draft):
    """The county already keeps a published positive list: a new list of its own (a
    "batch 2") takes over items it already lists, but a brand-new item needs an
    admission as on the first list."""
    listed = later_draft.entries.get().item
    second = services.list_create(
        actor=SYSTEM,
        owner_code=COUNTY,
        kind=ListKind.POSITIVE,
        title="第二批清单",
        batch_no=2,
    )
    draft = services.version_draft(actor=SYSTEM, list_id=second.pk, reason="首次制定")
    services.version_add_item(actor=SYSTEM, version_id=draft.pk, item_key=listed.key)
    with pytest.raises(Conflict) as exc:
        services.version_add_item(
            actor=SYSTEM, version_id=draft.pk, item_key=factories.item("另起").key
        )
    assert exc.value.code == "admission_required"


def test_a_second_list_holding_an_unadmitted_new_item_cannot_be_published_REQ_021(
    later_draft,
):
    second = services.list_create(
        actor=SYSTEM,
        owner_code=COUNTY,
        kind=ListKind.POSITIVE,
        title="第二批清单",
        batch_no=2,
    )
    draft = services.version_draft(actor=SYSTEM, list_id=second.pk, reason="首次制定")
    ListEntry.objects.create(version=draft, item=factories.item("绕行二"), number=1)
    services.version_approve(
        actor=SYSTEM,
        version_id=draft.pk,
        approval_body="县政府",
        approval_date=D2,
        approval_reference="会议纪要",
    )
    with pytest.raises(services.ListRuleViolation) as exc:
        services.version_publish(actor=SYSTEM, version_id=draft.pk, valid_from=D2)
    assert [p["code"] for p in exc.value.detail] == ["admission_required"]
