"""Open data (REQ-079, REQ-081): JSON, CSV and xlsx exports of a version, by API and
by `catalogue-export`, and `catalogue-import` reading a JSON export back as a draft."""

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from yinzheng.catalogue import exports, services
from yinzheng.catalogue.choices import ListKind, VersionStatus
from yinzheng.catalogue.models import ListEntry, ListVersion
from yinzheng.core.actors import SYSTEM
from yinzheng.ledger.models import Entry

from . import factories

COUNTY = "620725"
HEADER = [
    "序号",
    "证明名称",
    "别名",
    "办事途径",
    "办理部门",
    "除外情形",
    "设定依据",
    "实施单位",
    "主管部门",
    "备注",
    "信息共享核查部门",
]


@pytest.fixture
def county_list(tree):
    """A county positive list, version 1 published on 2024-01-01 with three items."""
    items = [factories.item(f"县证明{n}") for n in range(3)]
    return factories.published(COUNTY, ListKind.POSITIVE, items).catalogue_list


def export(list_id, fmt, path, *extra) -> bytes:
    call_command(
        "catalogue_export", str(list_id), "--format", fmt, "-o", str(path), *extra
    )
    return path.read_bytes()


def import_(path, list_id, reason="由导出文件导入"):
    out = io.StringIO()
    call_command(
        "catalogue_import",
        str(path),
        "--list",
        str(list_id),
        "--reason",
        reason,
        stdout=out,
    )
    return out.getvalue()


def test_the_json_export_carries_version_date_and_approval_REQ_081(batch1, tmp_path):
    data = json.loads(export(batch1.pk, "json", tmp_path / "b1.json"))
    assert data["format"] == exports.FORMAT
    assert data["list"]["id"] == batch1.pk and data["list"]["owner"] == "CN"
    assert data["version"]["number"] == 1
    assert data["version"]["valid_from"] == "2020-12-30"
    assert data["version"]["approval"]["date"] == "2020-12-30"
    assert [e["number"] for e in data["entries"]] == list(range(1, 21))
    assert data["entries"][1]["aliases"] == ["户籍证明"]


def test_the_json_export_round_trips_through_catalogue_import(county_list, tmp_path):
    path = tmp_path / "v1.json"
    original = json.loads(export(county_list.pk, "json", path))
    target = services.list_create(
        actor=SYSTEM,
        owner_code="620725",
        kind=ListKind.POSITIVE,
        title="另一清单",
        batch_no=2,
    )

    message = import_(path, target.pk)

    assert "第 1 版草稿（3 项）" in message
    draft = ListVersion.objects.get(catalogue_list=target)
    assert draft.status == VersionStatus.DRAFT and draft.reason == "由导出文件导入"
    assert exports.version_record(draft)["entries"] == original["entries"]


def test_an_import_into_a_list_with_a_published_version_follows_the_file(
    county_list, tmp_path
):
    """The draft starts from the published entries; the file decides what stays and in
    which order (a new item would need an admission: test_admission_required.py)."""
    path = tmp_path / "v1.json"
    data = json.loads(export(county_list.pk, "json", path))
    first, second, third = data["entries"]
    data["entries"] = [third, {**first, "note": "调整"}]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    import_(path, county_list.pk, reason="调整")

    draft = county_list.versions.get(status=VersionStatus.DRAFT)
    assert [(e.item.key, e.note) for e in draft.entries.select_related("item")] == [
        (third["item"], ""),
        (first["item"], "调整"),
    ]


def test_an_import_with_an_unknown_key_names_the_row_and_creates_nothing(
    county_list, tmp_path
):
    path = tmp_path / "v1.json"
    data = json.loads(export(county_list.pk, "json", path))
    data["entries"][1]["item"] = "no-such-item"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    versions, entries, journal = (
        ListVersion.objects.count(),
        ListEntry.objects.count(),
        Entry.objects.count(),
    )

    with pytest.raises(CommandError) as exc:
        import_(path, county_list.pk)

    assert "第 2 条（序号 2，标识 no-such-item）" in str(exc.value)
    assert ListVersion.objects.count() == versions
    assert ListEntry.objects.count() == entries
    assert Entry.objects.count() == journal


def test_an_import_refused_on_one_row_leaves_no_draft_behind(county_list, tmp_path):
    path = tmp_path / "v1.json"
    data = json.loads(export(county_list.pk, "json", path))
    # A negative-list item on a positive list is refused by the services (REQ-004).
    data["entries"].append({"number": 4, "item": "kinship_certificate"})
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    target = services.list_create(
        actor=SYSTEM,
        owner_code=COUNTY,
        kind=ListKind.POSITIVE,
        title="空清单",
        batch_no=2,
    )
    journal = Entry.objects.count()

    with pytest.raises(CommandError) as exc:
        import_(path, target.pk)

    assert "第 4 条（序号 4，标识 kinship_certificate）" in str(exc.value)
    assert not target.versions.exists()
    assert Entry.objects.count() == journal


@pytest.mark.parametrize(
    "content,needle",
    [
        (b"{not json", "JSON"),
        (b'{"format": "something else", "entries": []}', "format"),
        (
            json.dumps(
                {
                    "format": exports.FORMAT,
                    "format_version": 1,
                    "entries": [{"item": "a"}, {"item": "a"}],
                }
            ).encode(),
            "重复",
        ),
    ],
)
def test_an_import_of_a_broken_file_is_refused(county_list, tmp_path, content, needle):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(CommandError) as exc:
        import_(path, county_list.pk)
    assert needle in str(exc.value)
    assert not county_list.versions.filter(status=VersionStatus.DRAFT).exists()


def test_the_csv_has_the_bom_the_header_and_the_rows(batch1, tmp_path):
    content = export(batch1.pk, "csv", tmp_path / "b1.csv")
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    assert len(rows) == 21
    marital = rows[8]
    assert marital[:3] == ["8", "婚姻状况证明", "婚姻关系证明、分居证明"]
    assert marital[4] == "民政、人民法院"
    assert marital[5] == "婚姻登记档案丢失；收养情况"
    assert marital[HEADER.index("信息共享核查部门")] == "民政、人民法院"  # REQ-117


def test_a_spreadsheet_formula_in_the_data_stays_text(tree, tmp_path):
    it = factories.item('=HYPERLINK("http://x")')
    v = factories.published(COUNTY, ListKind.POSITIVE, [it])
    rows = list(csv.reader(io.StringIO(exports.to_csv(v).decode("utf-8-sig"))))
    assert rows[1][1] == '\'=HYPERLINK("http://x")'
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(exports.to_xlsx(v))).worksheets[0]
    assert sheet["B2"].data_type == "s"
    assert sheet["B2"].value == '=HYPERLINK("http://x")'


def test_the_xlsx_opens_with_openpyxl_and_has_the_rows(batch1, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "b1.xlsx"
    export(batch1.pk, "xlsx", path)

    book = load_workbook(path)
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert len(rows) == 21
    assert rows[2][:3] == (2, "居民身份信息证明", "户籍证明")
    about = dict(book["版本信息"].iter_rows(values_only=True))
    assert about["版本号"] == 1 and about["生效日期"] == "2020-12-30"


def test_export_without_o_names_the_file_by_version_and_date(
    county_list, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    call_command("catalogue_export", str(county_list.pk), "--format", "csv")
    name = f"catalogue-{county_list.pk}-v1-2024-01-01.csv"
    assert (tmp_path / name).read_bytes().startswith(b"\xef\xbb\xbf")


def test_export_defaults_to_the_current_version_and_takes_an_older_one(
    county_list, tmp_path
):
    factories.published(
        COUNTY,
        ListKind.POSITIVE,
        [factories.item("第二版证明")],
        valid_from=dt.date(2025, 1, 1),
        catalogue_list=county_list,
    )
    current = json.loads(export(county_list.pk, "json", tmp_path / "c.json"))
    older = json.loads(
        export(county_list.pk, "json", tmp_path / "o.json", "--version", "1")
    )
    assert current["version"]["number"] == 2
    assert [e["name"] for e in current["entries"]] == ["第二版证明"]
    assert older["version"]["status"] == "superseded"
    assert older["version"]["valid_to"] == "2024-12-31"


def test_export_of_a_list_without_a_published_version_is_refused(tree):
    lst = services.list_create(
        actor=SYSTEM, owner_code=COUNTY, kind=ListKind.POSITIVE, title="未公布"
    )
    with pytest.raises(CommandError, match="尚无公布的版本"):
        call_command("catalogue_export", str(lst.pk), "--format", "json")
    with pytest.raises(CommandError, match="不存在"):
        call_command("catalogue_export", "999999", "--format", "json")


def test_export_to_stdout(batch1):
    out = io.StringIO()
    call_command(
        "catalogue_export", str(batch1.pk), "--format", "json", "-o", "-", stdout=out
    )
    assert json.loads(out.getvalue())["version"]["number"] == 1


# The same exports by API -------------------------------------------------------------


def test_the_api_export_is_the_cli_export_REQ_081(batch1, tmp_path):
    api = APIClient()
    url = f"/api/catalogue/lists/{batch1.pk}/versions/1/export"
    as_json = api.get(f"{url}.json")
    as_csv = api.get(f"{url}.csv")

    assert as_json.status_code == 200 and as_csv.status_code == 200
    assert as_json.content == export(batch1.pk, "json", tmp_path / "b1.json")
    assert as_csv.content == export(batch1.pk, "csv", tmp_path / "b1.csv")
    assert as_csv["Content-Type"].startswith("text/csv")
    assert as_csv.content.startswith(b"\xef\xbb\xbf")
    assert (
        f'filename="catalogue-{batch1.pk}-v1-2020-12-30.csv"'
        in as_csv["Content-Disposition"]
    )
    assert api.get(f"{url}/", {"format": "csv"}).content == as_csv.content


def test_a_draft_cannot_be_exported_by_api_and_errors_stay_json(tree):
    lst = services.list_create(
        actor=SYSTEM, owner_code=COUNTY, kind=ListKind.POSITIVE, title="草稿"
    )
    services.version_draft(actor=SYSTEM, list_id=lst.pk, reason="x")
    response = APIClient().get(f"/api/catalogue/lists/{lst.pk}/versions/1/export.csv")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


@pytest.fixture
def described_list(tree):
    """A county list whose item carries 实施单位, 主管部门 and 备注 (REQ-002)."""
    it = factories.item("描述齐全的证明")
    it.implementing_unit = "各村（居）民委员会"
    it.competent_department = "县民政局"
    it.remarks = "仅限本县户籍居民"
    it.save()
    return factories.published(COUNTY, ListKind.POSITIVE, [it])


def test_every_export_carries_unit_department_and_remarks_REQ_002(
    described_list, tmp_path
):
    from openpyxl import load_workbook

    lst = described_list.catalogue_list_id
    [entry] = json.loads(export(lst, "json", tmp_path / "v.json"))["entries"]
    assert (
        entry["implementing_unit"],
        entry["competent_department"],
        entry["remarks"],
    ) == ("各村（居）民委员会", "县民政局", "仅限本县户籍居民")
    table = list(
        csv.reader(
            io.StringIO(export(lst, "csv", tmp_path / "v.csv").decode("utf-8-sig"))
        )
    )
    header, row = table
    for column, value in [
        ("实施单位", "各村（居）民委员会"),
        ("主管部门", "县民政局"),
        ("备注", "仅限本县户籍居民"),
    ]:
        assert row[header.index(column)] == value
    export(lst, "xlsx", tmp_path / "v.xlsx")
    sheet = load_workbook(tmp_path / "v.xlsx").worksheets[0]
    header, row = list(sheet.iter_rows(values_only=True))
    assert row[header.index("主管部门")] == "县民政局"
    assert row[header.index("备注")] == "仅限本县户籍居民"


def test_the_item_page_shows_unit_department_and_remarks_REQ_002(
    client, described_list
):
    item = described_list.entries.get().item
    page = client.get(item.get_absolute_url()).content.decode()
    for text in [
        "实施单位",
        "各村（居）民委员会",
        "主管部门",
        "县民政局",
        "仅限本县户籍居民",
    ]:
        assert text in page
