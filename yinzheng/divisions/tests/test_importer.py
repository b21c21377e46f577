"""Importing the national statistical division codes (REQ-001).

Each test writes a tiny dataset shaped like the real one (provinces, cities, areas,
streets, villages .csv) into tmp_path and imports it through the public function or
the management command.
"""

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yinzheng.core.actors import SYSTEM
from yinzheng.core.codes import COUNTRY_CODE, Level, subtree_q
from yinzheng.core.errors import InvalidInput
from yinzheng.divisions import importer
from yinzheng.divisions.choices import CommitteeKind, CommitteeStatus
from yinzheng.divisions.importer import DivisionFileError, import_divisions
from yinzheng.divisions.models import Division, kind_from_name

HEADERS = {
    "provinces.csv": ["code", "name"],
    "cities.csv": ["code", "name", "provinceCode"],
    "areas.csv": ["code", "name", "cityCode", "provinceCode"],
    "streets.csv": ["code", "name", "areaCode", "provinceCode", "cityCode"],
    "villages.csv": [
        "code",
        "name",
        "streetCode",
        "provinceCode",
        "cityCode",
        "areaCode",
    ],
}
FILE_BY_LENGTH = {
    2: "provinces.csv",
    4: "cities.csv",
    6: "areas.csv",
    9: "streets.csv",
    12: "villages.csv",
}
PREFIX_LENGTH = {"provinceCode": 2, "cityCode": 4, "areaCode": 6, "streetCode": 9}
LEVEL_BY_LENGTH = {
    2: Level.PROVINCE,
    4: Level.PREFECTURE,
    6: Level.COUNTY,
    9: Level.TOWNSHIP,
    12: Level.COMMITTEE,
}
PARENT_LENGTH = {4: 2, 6: 4, 9: 6, 12: 9}

TREE = {
    "62": "甘肃省",
    "6207": "张掖市",
    "620725": "山丹县",
    "620725101": "清泉镇",
    "620725101001": "南关社区居民委员会",
    "620725101002": "北关居委会",
    "620725101201": "城北村村民委员会",
    "620725102": "位奇镇",
    "620725102201": "位奇村委会",
    "620725102400": "山丹农场第一生活区",
    "15": "内蒙古自治区",
    "1501": "呼和浩特市",
    "150121": "土默特左旗",
    "150121101": "察素齐镇",
    "150121101201": "巴彦嘎查",
}
COMMITTEES = [code for code in TREE if len(code) == 12]


def write_dataset(
    directory: Path,
    divisions: dict[str, str] = TREE,
    *,
    kinds: dict[str, str] | None = None,
) -> Path:
    """The five files for `divisions` (code → name); parent columns from the code."""
    directory.mkdir(parents=True, exist_ok=True)
    for filename, header in HEADERS.items():
        columns = list(header)
        if kinds is not None and filename == "villages.csv":
            columns.append("kind")
        with (directory / filename).open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            for code, name in sorted(divisions.items()):
                if FILE_BY_LENGTH[len(code)] != filename:
                    continue
                values = {"code": code, "name": name}
                values |= {col: code[:n] for col, n in PREFIX_LENGTH.items()}
                values["kind"] = (kinds or {}).get(code, "")
                writer.writerow([values[column] for column in columns])
    return directory


def append_line(path: Path, text: str) -> int:
    """Append one raw line to a CSV file; return its line number."""
    with path.open("a", encoding="utf-8", newline="") as fh:
        fh.write(text + "\n")
    return len(path.read_text(encoding="utf-8").splitlines())


def stored() -> dict[str, tuple[str, int, str | None, str]]:
    return {
        code: (name, level, parent, kind)
        for code, name, level, parent, kind in Division.objects.values_list(
            "code", "name", "level", "parent_id", "kind"
        )
    }


# --- a full import ----------------------------------------------------------------


def test_import_creates_the_six_level_tree_with_parents_and_levels(db, tmp_path):
    directory = write_dataset(tmp_path / "divisions")

    result = import_divisions(actor=SYSTEM, directory=directory)

    assert (result.read, result.created) == (len(TREE), len(TREE))
    assert (result.updated, result.unchanged) == (0, 0)
    assert result.per_level == {
        Level.PROVINCE: 2,
        Level.PREFECTURE: 2,
        Level.COUNTY: 2,
        Level.TOWNSHIP: 3,
        Level.COMMITTEE: 6,
    }
    rows = stored()
    assert rows[COUNTRY_CODE][1:3] == (Level.COUNTRY, None)
    assert set(rows) == {COUNTRY_CODE, *TREE}
    for code, name in TREE.items():
        parent = code[: PARENT_LENGTH[len(code)]] if len(code) > 2 else COUNTRY_CODE
        assert rows[code][:3] == (name, LEVEL_BY_LENGTH[len(code)], parent), code
    assert Division.objects.get(code="620725101001").chain()[0].code == COUNTRY_CODE


def test_new_committees_are_active(db, tmp_path):
    import_divisions(actor=SYSTEM, directory=write_dataset(tmp_path / "divisions"))

    committees = Division.objects.committees()

    assert committees.count() == len(COMMITTEES)
    assert set(committees.values_list("status", flat=True)) == {CommitteeStatus.ACTIVE}


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("620725101001", CommitteeKind.RESIDENTS),  # 社区居民委员会
        ("620725101002", CommitteeKind.RESIDENTS),  # 居委会
        ("620725101201", CommitteeKind.VILLAGE),  # 村民委员会
        ("620725102201", CommitteeKind.VILLAGE),  # 村委会
        ("620725102400", CommitteeKind.OTHER),  # 生活区
        ("150121101201", CommitteeKind.VILLAGE),  # 嘎查: pastoral village level
    ],
)
def test_committee_kind_is_derived_from_its_name(db, tmp_path, code, kind):
    import_divisions(actor=SYSTEM, directory=write_dataset(tmp_path / "divisions"))

    assert Division.objects.get(code=code).kind == kind


def test_only_committees_have_a_kind(db, tmp_path):
    import_divisions(actor=SYSTEM, directory=write_dataset(tmp_path / "divisions"))

    kinds = set(
        Division.objects.exclude(level=Level.COMMITTEE).values_list("kind", flat=True)
    )

    assert kinds == {""}


def test_an_explicit_kind_column_overrides_the_derived_kind(db, tmp_path):
    directory = write_dataset(
        tmp_path / "divisions",
        kinds={"620725101201": CommitteeKind.OTHER, "150121101201": "residents"},
    )

    import_divisions(actor=SYSTEM, directory=directory)

    kinds = dict(Division.objects.committees().values_list("code", "kind"))
    assert kinds["620725101201"] == CommitteeKind.OTHER  # name says 村民委员会
    assert kinds["150121101201"] == CommitteeKind.RESIDENTS  # name says 嘎查
    assert kinds["620725101001"] == CommitteeKind.RESIDENTS  # empty cell: derived


# --- re-import -----------------------------------------------------------------


def test_reimport_changes_nothing_and_counts_every_row_unchanged(db, tmp_path):
    directory = write_dataset(tmp_path / "divisions")
    import_divisions(actor=SYSTEM, directory=directory)
    before = stored()

    result = import_divisions(actor=SYSTEM, directory=directory)

    assert stored() == before
    assert result.unchanged == result.read == len(TREE)
    assert (result.created, result.updated, result.per_level) == (0, 0, {})


def test_reimport_updates_a_renamed_row_and_nothing_else(db, tmp_path):
    import_divisions(actor=SYSTEM, directory=write_dataset(tmp_path / "first"))
    before = stored()
    renamed = TREE | {"620725101201": "城北村委会", "620725102": "位奇新镇"}

    result = import_divisions(
        actor=SYSTEM, directory=write_dataset(tmp_path / "second", renamed)
    )

    assert (result.created, result.updated) == (0, 2)
    assert result.unchanged == len(TREE) - 2
    after = stored()
    assert after["620725101201"][0] == "城北村委会"
    assert after["620725102"][0] == "位奇新镇"
    assert len(after) == len(before)
    changed = {code for code in before if before[code] != after[code]}
    assert changed == {"620725101201", "620725102"}


def test_reimport_updates_name_and_kind_when_a_rename_changes_the_kind(db, tmp_path):
    import_divisions(actor=SYSTEM, directory=write_dataset(tmp_path / "first"))
    renamed = TREE | {"620725101002": "北关村委会", "620725101201": "城北村"}
    kinds = {"620725102201": CommitteeKind.OTHER}

    result = import_divisions(
        actor=SYSTEM, directory=write_dataset(tmp_path / "second", renamed, kinds=kinds)
    )

    assert (result.created, result.updated) == (0, 3)
    after = stored()
    assert after["620725101002"][0::3] == ("北关村委会", CommitteeKind.VILLAGE)
    assert after["620725101201"][0::3] == ("城北村", kind_from_name("城北村"))
    assert after["620725102201"][0::3] == ("位奇村委会", CommitteeKind.OTHER)


def test_reimport_adds_a_new_committee_beside_the_existing_ones(db, tmp_path):
    import_divisions(actor=SYSTEM, directory=write_dataset(tmp_path / "first"))
    grown = TREE | {"620725102202": "新河村委会"}

    result = import_divisions(
        actor=SYSTEM, directory=write_dataset(tmp_path / "second", grown)
    )

    assert (result.created, result.updated) == (1, 0)
    assert Division.objects.get(code="620725102202").parent_id == "620725102"


def test_merged_and_abolished_status_survive_a_reimport(db, tmp_path):
    import_divisions(actor=SYSTEM, directory=write_dataset(tmp_path / "first"))
    changed_at = timezone.now()
    Division.objects.filter(code="620725101002").update(
        status=CommitteeStatus.MERGED,
        merged_into_id="620725101001",
        status_changed_at=changed_at,
        status_reference="山政发〔2026〕1号",
    )
    Division.objects.filter(code="620725102400").update(
        status=CommitteeStatus.ABOLISHED,
        status_changed_at=changed_at,
        status_reference="山政发〔2026〕2号",
    )
    # The merged committee is also renamed, so its row is really written again.
    renamed = TREE | {"620725101002": "北关社区居委会"}

    import_divisions(
        actor=SYSTEM, directory=write_dataset(tmp_path / "second", renamed)
    )

    merged = Division.objects.get(code="620725101002")
    assert merged.name == "北关社区居委会"
    assert merged.status == CommitteeStatus.MERGED
    assert merged.merged_into_id == "620725101001"
    assert merged.status_changed_at == changed_at
    assert merged.status_reference == "山政发〔2026〕1号"
    abolished = Division.objects.get(code="620725102400")
    assert abolished.status == CommitteeStatus.ABOLISHED
    assert abolished.status_reference == "山政发〔2026〕2号"


# --- part of the country --------------------------------------------------------


def test_under_imports_only_the_subtree_and_its_ancestors(db, tmp_path):
    directory = write_dataset(tmp_path / "divisions")

    result = import_divisions(actor=SYSTEM, directory=directory, under=["620725101"])

    expected = {
        "62",
        "6207",
        "620725",
        "620725101",
        "620725101001",
        "620725101002",
        "620725101201",
    }
    assert set(stored()) == {COUNTRY_CODE, *expected}
    assert result.read == result.created == len(expected)


def test_under_accepts_several_codes(db, tmp_path):
    directory = write_dataset(tmp_path / "divisions")

    import_divisions(actor=SYSTEM, directory=directory, under=["620725102", "15"])

    codes = set(stored())
    assert {"620725102201", "620725102400", "150121101201"} <= codes
    assert "620725101" not in codes
    assert "620725101001" not in codes


def test_under_refuses_a_code_that_is_not_a_division_code(db, tmp_path):
    directory = write_dataset(tmp_path / "divisions")

    with pytest.raises(InvalidInput) as caught:
        import_divisions(actor=SYSTEM, directory=directory, under=["6207x"])

    assert caught.value.detail == {"under": "6207x"}
    assert set(stored()) == {COUNTRY_CODE}


# --- malformed files: an error names the file and line; nothing is written -------


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("62072510100,短代码村委会,620725101,62,6207,620725", id="short"),
        pytest.param("6207251010011,长代码村委会,620725101,62,6207,620725", id="long"),
        pytest.param(
            "62072510100X,字母村委会,620725101,62,6207,620725", id="non-digit"
        ),
        pytest.param("620725101099,,620725101,62,6207,620725", id="empty-name"),
        pytest.param(
            "620725101099," + "长" * 101 + ",620725101,62,6207,620725",
            id="name-too-long",
        ),
        pytest.param(
            "620725101099,错上级村委会,620725102,62,6207,620725",
            id="parent-mismatch",
        ),
        pytest.param(
            "620725101099,短上级村委会,62072510,62,6207,620725",
            id="parent-wrong-length",
        ),
        pytest.param(
            "620725109001,无上级村委会,620725109,62,6207,620725",
            id="unknown-parent",
        ),
        pytest.param(
            "620725101001,重复村委会,620725101,62,6207,620725", id="duplicate-code"
        ),
    ],
)
def test_a_malformed_committee_row_names_file_and_line_and_writes_nothing(
    db, tmp_path, line
):
    directory = write_dataset(tmp_path / "divisions")
    lineno = append_line(directory / "villages.csv", line)
    before = stored()

    with pytest.raises(DivisionFileError) as caught:
        import_divisions(actor=SYSTEM, directory=directory)

    assert f"villages.csv 第 {lineno} 行" in str(caught.value.message)
    assert caught.value.detail == {"file": "villages.csv", "line": lineno}
    assert caught.value.code == "division_file_invalid"
    assert stored() == before


def test_an_invalid_kind_names_file_and_line(db, tmp_path):
    directory = write_dataset(tmp_path / "divisions", kinds={})
    lineno = append_line(
        directory / "villages.csv",
        "620725101099,新村委会,620725101,62,6207,620725,township",
    )

    with pytest.raises(DivisionFileError) as caught:
        import_divisions(actor=SYSTEM, directory=directory)

    assert caught.value.detail == {"file": "villages.csv", "line": lineno}
    assert set(stored()) == {COUNTRY_CODE}


def test_a_malformed_township_row_names_streets_csv(db, tmp_path):
    directory = write_dataset(tmp_path / "divisions")
    lineno = append_line(directory / "streets.csv", "62072510,短镇,620725,62,6207")

    with pytest.raises(DivisionFileError) as caught:
        import_divisions(actor=SYSTEM, directory=directory)

    assert caught.value.detail == {"file": "streets.csv", "line": lineno}


def test_the_line_number_counts_physical_lines(db, tmp_path):
    """A quoted name across two lines still yields the line the bad row starts on."""
    directory = write_dataset(tmp_path / "divisions")
    append_line(
        directory / "villages.csv",
        '620725101098,"两行\n村委会",620725101,62,6207,620725',
    )
    lineno = append_line(
        directory / "villages.csv", "62072510109X,坏村委会,620725101,62,6207,620725"
    )

    with pytest.raises(DivisionFileError) as caught:
        import_divisions(actor=SYSTEM, directory=directory)

    assert caught.value.detail["line"] == lineno


def test_a_missing_file_is_named(db, tmp_path):
    directory = write_dataset(tmp_path / "divisions")
    (directory / "villages.csv").unlink()

    with pytest.raises(DivisionFileError) as caught:
        import_divisions(actor=SYSTEM, directory=directory)

    assert "villages.csv" in str(caught.value.message)
    assert caught.value.detail == {"file": "villages.csv"}
    assert set(stored()) == {COUNTRY_CODE}


def test_a_missing_column_names_file_and_header_line(db, tmp_path):
    directory = write_dataset(tmp_path / "divisions")
    path = directory / "villages.csv"
    text = path.read_text(encoding="utf-8").replace("streetCode", "street", 1)
    path.write_text(text, encoding="utf-8")

    with pytest.raises(DivisionFileError) as caught:
        import_divisions(actor=SYSTEM, directory=directory)

    message = str(caught.value.message)
    assert "villages.csv 第 1 行" in message
    assert "streetCode" in message
    assert set(stored()) == {COUNTRY_CODE}


def test_a_failure_while_writing_rolls_everything_back(db, tmp_path, monkeypatch):
    """The rows are written in batches, all inside one transaction."""
    directory = write_dataset(tmp_path / "divisions")
    monkeypatch.setattr(importer, "BATCH", 2)

    class FailingBar:
        def __init__(self, total: int) -> None:
            self.written = 0

        def update(self, n: int) -> None:
            self.written += n
            if self.written > 6:
                raise RuntimeError("interrupted")

        def close(self) -> None:
            pass

    with pytest.raises(RuntimeError):
        import_divisions(actor=SYSTEM, directory=directory, progress=FailingBar)

    assert set(stored()) == {COUNTRY_CODE}


def test_progress_receives_the_number_of_rows_to_write(db, tmp_path, monkeypatch):
    directory = write_dataset(tmp_path / "divisions")
    monkeypatch.setattr(importer, "BATCH", 4)
    bars = []

    class Bar:
        def __init__(self, total: int) -> None:
            self.total, self.done, self.closed = total, 0, False
            bars.append(self)

        def update(self, n: int) -> None:
            self.done += n

        def close(self) -> None:
            self.closed = True

    import_divisions(actor=SYSTEM, directory=directory, progress=Bar)

    assert [(b.total, b.done, b.closed) for b in bars] == [(len(TREE), len(TREE), True)]


# --- the management command -------------------------------------------------------


def test_command_prints_the_summary(db, tmp_path):
    directory = write_dataset(tmp_path / "divisions")
    out = StringIO()

    call_command("import_divisions", str(directory), stdout=out)

    text = out.getvalue()
    assert f"读取 {len(TREE)} 行" in text
    assert f"新增 {len(TREE)}" in text
    assert "更新 0" in text


def test_command_json_output_parses(db, tmp_path):
    directory = write_dataset(tmp_path / "divisions")
    call_command("import_divisions", str(directory), stdout=StringIO())
    out = StringIO()

    call_command("import_divisions", str(directory), "--json", stdout=out)

    summary = json.loads(out.getvalue())
    assert summary["read"] == summary["unchanged"] == len(TREE)
    assert (summary["created"], summary["updated"]) == (0, 0)
    assert summary["seconds"] >= 0


def test_command_under_limits_the_import(db, tmp_path):
    directory = write_dataset(tmp_path / "divisions")

    call_command(
        "import_divisions", str(directory), "--under", "150121", stdout=StringIO()
    )

    assert set(stored()) == {
        COUNTRY_CODE,
        "15",
        "1501",
        "150121",
        "150121101",
        "150121101201",
    }


def test_command_reports_a_bad_file_as_a_command_error(db, tmp_path):
    directory = write_dataset(tmp_path / "divisions")
    lineno = append_line(
        directory / "villages.csv", "62072510100,坏村委会,620725101,62,6207,620725"
    )

    with pytest.raises(CommandError, match=f"villages.csv 第 {lineno} 行"):
        call_command("import_divisions", str(directory), stdout=StringIO())

    assert set(stored()) == {COUNTRY_CODE}


# --- properties --------------------------------------------------------------------

SUFFIXES = {
    "居委会": CommitteeKind.RESIDENTS,
    "居民委员会": CommitteeKind.RESIDENTS,
    "社区居民委员会": CommitteeKind.RESIDENTS,
    "村委会": CommitteeKind.VILLAGE,
    "村民委员会": CommitteeKind.VILLAGE,
}


@given(name=st.text(max_size=30))
def test_kind_from_name_always_gives_a_known_kind_and_the_same_one(name):
    assert kind_from_name(name) in CommitteeKind.values
    assert kind_from_name(name) == kind_from_name(name)


@given(prefix=st.text(max_size=20), suffix=st.sampled_from(sorted(SUFFIXES)))
def test_kind_from_name_follows_the_published_suffix(prefix, suffix):
    assert kind_from_name(prefix + suffix) == SUFFIXES[suffix]


# Digits near the range ends (0/1, 8/9) make prefixes and near misses frequent.
division_codes = st.sampled_from([2, 4, 6, 9, 12]).flatmap(
    lambda n: st.text(alphabet="0189", min_size=n, max_size=n)
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(node=division_codes, others=st.lists(division_codes, max_size=25))
def test_subtree_q_selects_exactly_the_codes_with_that_prefix(db, node, others):
    codes = {node, *others}
    with transaction.atomic():
        Division.objects.bulk_create(
            Division(
                code=code,
                name=code,
                level=LEVEL_BY_LENGTH[len(code)],
                kind=CommitteeKind.OTHER if len(code) == 12 else "",
            )
            for code in codes
        )
        selected = set(
            Division.objects.filter(subtree_q(node)).values_list("code", flat=True)
        )
        transaction.set_rollback(True)

    assert selected == {code for code in codes if code.startswith(node)}


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("东山村", CommitteeKind.VILLAGE),
        ("巴彦嘎查委员会", CommitteeKind.VILLAGE),
        ("塔拉牧民委员会", CommitteeKind.VILLAGE),
        ("红湾社区", CommitteeKind.RESIDENTS),
        ("南街社区居民委员会", CommitteeKind.RESIDENTS),
        ("东城社区委员会", CommitteeKind.RESIDENTS),
        ("农场生活区", CommitteeKind.OTHER),
        ("二分场管理区", CommitteeKind.OTHER),
    ],
)
def test_kind_is_derived_from_the_published_name_endings(name, kind):
    assert kind_from_name(name) == kind


def test_an_import_that_writes_is_audited_and_a_no_op_is_not(db, tmp_path):
    from yinzheng.ledger.models import Entry

    directory = write_dataset(tmp_path / "divisions")
    result = import_divisions(actor=SYSTEM, directory=directory)
    import_divisions(actor=SYSTEM, directory=directory)

    (entry,) = Entry.objects.filter(event="divisions.imported")
    assert entry.chain.key == "audit"
    assert entry.data["data"]["after"]["created"] == result.created
