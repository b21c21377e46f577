"""Personal data at rest in the registers (issue 13, finding 7): the append-only
bodies, the chain hashes, the exports and the year-end archive hold no phone or ID
number in the clear; the full value is sealed under the master key, shown to those
the policy allows with a reason that is audited, re-sealed when the master key
rotates, and checked by `ledger verify`."""

import io
import json
import re

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from rest_framework.test import APIClient

from yinzheng.accounts.choices import Department, Role
from yinzheng.core import masterkey
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import InvalidInput, NotAllowed
from yinzheng.core.masking import holds_personal_number, mask_personal_in
from yinzheng.core.tests import factories as people
from yinzheng.ledger import personal
from yinzheng.ledger.models import Entry, PersonalDatum
from yinzheng.ledger.tests.tamper import sql
from yinzheng.registers.services import archives, integrity
from yinzheng.registers.services import books as registers
from yinzheng.registers.tests.test_books import COMMITTEE, add

PHONE = "13812345678"
ID_NUMBER = "11010119900307123X"
TOWNSHIP = "620725101"


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def in_2026(tree, clock_at):
    clock_at(2026, 3, 1, 10)


def _entry_with_personal_data():
    return add(
        "certificate",
        1,
        phone=PHONE,
        content=f"居住情况证明（张*，身份证 {ID_NUMBER}）",
    )


def _everything_stored() -> str:
    """What a database dump shows of the journal: every entry's body and hash."""
    return "\n".join(
        f"{body} {digest}" for body, digest in Entry.objects.values_list("body", "hash")
    )


def test_the_register_body_holds_no_phone_or_id_number_in_the_clear(in_2026):
    entry = _entry_with_personal_data()
    stored = _everything_stored()
    assert PHONE not in stored and ID_NUMBER not in stored
    assert ID_NUMBER.lower() not in stored.lower()
    fields = json.loads(entry.body)["data"]["fields"]
    assert fields["phone"]["shown"] == "138****5678"
    assert (
        fields["content"]["shown"] == "居住情况证明（张*，身份证 110***********123X）"
    )
    assert set(fields["phone"]) == {"pd", "shown", "sha256"}
    # Nor is the sealed row readable without the master key.
    for blob in PersonalDatum.objects.values_list("sealed", flat=True):
        assert PHONE.encode() not in bytes(blob)


def test_free_text_without_personal_numbers_is_kept_as_written(in_2026):
    entry = add("work", 1, content="村民代表会议决议第1号 2026-03-01")
    fields = json.loads(entry.body)["data"]["fields"]
    assert fields["content"] == "村民代表会议决议第1号 2026-03-01"
    assert PersonalDatum.objects.count() == 0


def _intact() -> bool:
    """The chains and their sealed data (these tests write entries without matters,
    which the matters cross-check would report)."""
    report = integrity.verify_all()
    return all(r.ok for r in report.chains) and not report.personal


def test_the_chain_still_verifies_and_pages_show_the_masked_values(in_2026):
    entry = _entry_with_personal_data()
    assert _intact()
    (row,) = registers.rows(entry.chain)
    assert row.fields["phone"] == "138****5678"
    assert row.sealed == ("phone", "content")  # in the register's column order


def test_exports_and_the_year_end_archive_hold_no_clear_personal_data(tree, clock_at):
    clock_at(2026, 6, 1, 9)
    _entry_with_personal_data()
    entry = Entry.objects.get(event="register.entry")
    chain = entry.chain
    committee = chain.division
    live = load_workbook(
        io.BytesIO(archives.render_xlsx(chain, committee, "certificate", 2026))
    )
    cells = " ".join(
        str(c.value) for row in live.active.iter_rows() for c in row if c.value
    )
    assert "138****5678" in cells and PHONE not in cells and ID_NUMBER not in cells
    registers.confirm(
        actor=SYSTEM,
        entry_id=entry.pk,
        method="paper",
        paper_reference="第1页第1行",
    )
    clock_at(2027, 1, 4, 9)
    archive = archives.register_archive(
        actor=SYSTEM, committee_code=COMMITTEE, register="certificate", year=2026
    )
    xlsx, pdf = archive.xlsx.read(), archive.pdf.read()
    assert PHONE.encode() not in xlsx and PHONE.encode() not in pdf
    sheet = load_workbook(io.BytesIO(xlsx)).active
    text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert "138****5678" in text and PHONE not in text and ID_NUMBER not in text


def test_the_committee_clerk_sees_the_full_values_with_a_reason_and_it_is_audited(
    in_2026,
):
    entry = _entry_with_personal_data()
    clerk = people.user("jingban", role=Role.CLERK, at=COMMITTEE)
    values = registers.reveal_personal(
        actor=clerk, entry_id=entry.pk, reason="回电告知领取"
    )
    assert values == {
        "phone": PHONE,
        "content": f"居住情况证明（张*，身份证 {ID_NUMBER}）",
    }
    trail = Entry.objects.filter(event="register.personal_data_revealed").get()
    assert "回电告知领取" in trail.body and '"phone"' in trail.body
    assert PHONE not in trail.body and ID_NUMBER not in trail.body


def test_a_reveal_needs_a_reason(in_2026):
    entry = _entry_with_personal_data()
    clerk = people.user("jingban", role=Role.CLERK, at=COMMITTEE)
    with pytest.raises(InvalidInput) as exc:
        registers.reveal_personal(actor=clerk, entry_id=entry.pk, reason="  ")
    assert exc.value.code == "reason_required"


@pytest.mark.parametrize(
    "role, at, extra",
    [
        (Role.CLERK, "620725101201", {}),  # another committee
        (Role.CIVIL_AFFAIRS, "620725", {}),  # reads registers, not phone numbers
        (Role.DEPARTMENT, "620725", {"department": Department.PUBLIC_SECURITY}),
        (Role.ADMIN, "620725", {}),
    ],
)
def test_others_are_refused_the_full_values(in_2026, role, at, extra):
    entry = _entry_with_personal_data()
    user = people.user("other", role=role, at=at, **extra)
    with pytest.raises(NotAllowed):
        registers.reveal_personal(actor=user, entry_id=entry.pk, reason="想看看")
    assert not Entry.objects.filter(event="register.personal_data_revealed").exists()


def test_a_deleted_or_swapped_sealed_value_is_found_by_verify(in_2026):
    first = _entry_with_personal_data()
    add("certificate", 2, phone="13987654321")
    tokens = registers.sealed_tokens(json.loads(first.body)["data"]["fields"])
    phone_ref = tokens["phone"]["pd"]
    other = PersonalDatum.objects.exclude(ref__in=[t["pd"] for t in tokens.values()])
    # A database superuser copies another entry's sealed phone over this one...
    sql(
        "UPDATE ledger_personaldatum SET sealed = %s WHERE ref = %s",
        [bytes(other.first().sealed), phone_ref],
    )
    found = integrity.verify_personal()
    assert [(b.seq, b.problem.split(":")[0]) for b in found] == [(1, "phone")]
    # ...or deletes the sealed content.
    sql("DELETE FROM ledger_personaldatum WHERE ref = %s", [tokens["content"]["pd"]])
    report = integrity.verify_all()
    assert not report.ok
    assert {b.problem.split(":")[0] for b in report.personal} == {"phone", "content"}


def test_the_verify_command_reports_broken_personal_data(in_2026, capsys):
    entry = _entry_with_personal_data()
    ref = registers.sealed_tokens(json.loads(entry.body)["data"]["fields"])["phone"]
    sql("DELETE FROM ledger_personaldatum WHERE ref = %s", [ref["pd"]])
    with pytest.raises(SystemExit):
        call_command("ledger", "verify")
    assert "个人信息" in capsys.readouterr().out


def test_rotating_the_master_key_reseals_the_personal_data(
    in_2026, settings, monkeypatch
):
    entry = _entry_with_personal_data()
    old = settings.MASTER_KEY
    monkeypatch.setenv("YINZHENG_OLD_MASTER_KEY", old)
    settings.MASTER_KEY = "D" * 43
    with pytest.raises(personal.PersonalDataBroken):  # the new key alone opens nothing
        personal.reveal(
            registers.sealed_tokens(json.loads(entry.body)["data"]["fields"]).values()
        )
    call_command("esign", "rotate-master-key")
    _raw, new_id = masterkey.master()
    assert set(PersonalDatum.objects.values_list("master_key_id", flat=True)) == {
        new_id
    }
    township = people.user("xiangzhen", role=Role.TOWNSHIP, at=TOWNSHIP)
    values = registers.reveal_personal(actor=township, entry_id=entry.pk, reason="核查")
    assert values["phone"] == PHONE
    assert _intact()


def test_the_book_page_links_to_the_full_values_and_shows_them_after_a_reason(
    in_2026, client
):
    entry = _entry_with_personal_data()
    client.force_login(people.user("jingban", role=Role.CLERK, at=COMMITTEE))
    book = f"/ledger/registers/{COMMITTEE}/certificate/2026/"
    page = f"{book}entries/{entry.pk}/personal/"
    assert page in client.get(book).content.decode()
    form = client.get(page)
    assert form.status_code == 200 and PHONE not in form.content.decode()
    assert (
        form["Cache-Control"].startswith("no-store")
        or "no-store" in form["Cache-Control"]
    )
    refused = client.post(page, {"reason": ""})
    assert refused.status_code == 200 and PHONE not in refused.content.decode()
    shown = client.post(page, {"reason": "回电告知领取"})
    assert PHONE in shown.content.decode() and ID_NUMBER in shown.content.decode()


def test_the_book_page_offers_no_link_to_who_may_not_see_them(in_2026, client):
    entry = _entry_with_personal_data()
    client.force_login(people.user("minzheng", role=Role.CIVIL_AFFAIRS, at="620725"))
    book = f"/ledger/registers/{COMMITTEE}/certificate/2026/"
    page = f"{book}entries/{entry.pk}/personal/"
    assert page not in client.get(book).content.decode()
    assert client.get(page).status_code == 403
    assert client.post(page, {"reason": "想看看"}).status_code == 403


def test_the_api_lists_sealed_columns_and_reveals_them_with_a_reason(in_2026):
    entry = _entry_with_personal_data()
    api = APIClient()
    api.force_authenticate(people.user("jingban", role=Role.CLERK, at=COMMITTEE))
    base = f"/api/registers/{COMMITTEE}/certificate/2026/"
    book = api.get(base).json()
    assert book["entries"][0]["sealed"] == ["phone", "content"]
    assert PHONE not in json.dumps(book, ensure_ascii=False)
    url = f"{base}entries/{entry.pk}/personal/"
    assert api.post(url, {}, format="json").status_code == 400
    answer = api.post(url, {"reason": "回电"}, format="json")
    assert answer.status_code == 200
    assert answer.json() == {
        "entry": entry.pk,
        "fields": {
            "phone": PHONE,
            "content": f"居住情况证明（张*，身份证 {ID_NUMBER}）",
        },
    }
    api.force_authenticate(
        people.user("minzheng", role=Role.CIVIL_AFFAIRS, at="620725")
    )
    assert api.post(url, {"reason": "回电"}, format="json").status_code == 403


# The masking of free text ---------------------------------------------------------------

mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
id_numbers = st.from_regex(r"[1-9][0-9]{16}[0-9X]", fullmatch=True)
words = st.text(alphabet="证明居住情况张王李，。（）：电话身份证 ", max_size=12)


@given(before=words, number=st.one_of(mobiles, id_numbers), after=words)
def test_a_personal_number_in_free_text_never_survives_masking(before, number, after):
    text = f"{before}{number}{after}"
    assert holds_personal_number(text)
    masked = mask_personal_in(text)
    assert number not in masked
    assert masked.startswith(before) and masked.endswith(after)
    assert not re.search(r"[0-9]{8}", masked.replace(before, "").replace(after, ""))


@given(
    st.sampled_from(
        [
            "2026-03-01 10:00",
            "620725101001-01",
            "a" * 64,
            "3f" + "0123456789abcdef" * 4,
            "第20260001号",
            "公示 2026-01-01 至 2026-01-08",
        ]
    )
)
def test_dates_serials_and_hashes_are_not_taken_for_personal_numbers(text):
    assert not holds_personal_number(text)
    assert mask_personal_in(text) == text


def test_the_verify_page_and_api_show_sequences_and_broken_personal_data(
    in_2026, client
):
    entry = _entry_with_personal_data()
    inspector = people.user("ducha", role=Role.INSPECTOR, at="620725")
    client.force_login(inspector)
    page = client.get("/ledger/?verify=1").content.decode()
    assert 'id="verify-series"' in page and 'id="verify-personal"' in page
    assert "全部完好" in page or "发现" in page
    token = registers.sealed_tokens(json.loads(entry.body)["data"]["fields"])["phone"]
    sql("DELETE FROM ledger_personaldatum WHERE ref = %s", [token["pd"]])
    page = client.get("/ledger/?verify=1").content.decode()
    personal_part = page[page.index('id="verify-personal"') :]
    assert "个人信息密文缺失" in personal_part and "#1" in personal_part
    api = APIClient()
    api.force_authenticate(inspector)
    body = api.get("/api/ledger/verify/").json()
    assert body["ok"] is False
    assert [b["seq"] for b in body["personal"]] == [1]
    assert "checkpoint_series" in body
