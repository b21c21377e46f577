"""Reports upward (REQ-105, REQ-108), township liaisons (REQ-109) and assessments
(REQ-110): the reporting line and its default, drafts, submission with the five sections
of a summary, the recipient signing for it, the county's consolidated report, the
contact list, assessments over time; who may do what, and bad input refused."""

import datetime as dt
import io
import zipfile

import pytest
from django.db import IntegrityError, transaction

from yinzheng.accounts.choices import Role
from yinzheng.core import inbox
from yinzheng.core.errors import Conflict, CoreCode, InvalidInput, NotAllowed, NotFound
from yinzheng.core.phones import chinese_phone as validate_phone
from yinzheng.core.tests import factories as f
from yinzheng.divisions.models import Division
from yinzheng.ledger.models import Entry
from yinzheng.stats import report_selectors, services
from yinzheng.stats.choices import Rating, ReportKind, ReportStatus
from yinzheng.stats.errors import StatsCode
from yinzheng.stats.models import Assessment, Liaison, UpwardReport
from yinzheng.stats.models.reports import SECTIONS
from yinzheng.stats.tests import factories
from yinzheng.stats.tests.factories import COUNTY, T1, T2

pytestmark = pytest.mark.django_db

CITY = "6207"
FIVE = {
    "implementation": "成立工作专班，逐村梳理证明事项。",
    "results": "取消无依据证明 12 项。",
    "problems": "个别部门仍要求村级开具证明。",
    "next_steps": "开展回头看。",
    "suggestions": "建议市级统一证明式样。",
}


def pdf_bytes(text: str = "清泉镇证明事项清单") -> bytes:
    """A real one-page PDF (core.uploads opens it, not only its marker)."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, invariant=1)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


PDF = pdf_bytes()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def people(tree, clock_at):
    clock_at(2023, 6, 20, 10)
    found = factories.people()
    found["city"] = f.user("shi", role=Role.CIVIL_AFFAIRS, at=CITY)
    return found


def _draft(user, sender=T1, kind=ReportKind.PROGRESS, **over):
    fields = {"title": "清泉镇工作进展", "body": "已完成摸排。"}
    if kind in (ReportKind.SUMMARY, ReportKind.CONSOLIDATED):
        fields = {"title": "工作总结", **FIVE}
    fields.update(over)
    return services.report_draft(actor=user, sender_code=sender, kind=kind, **fields)


def _submitted(user, **over):
    report = _draft(user, **over)
    return services.report_submit(actor=user, report_id=report.pk)


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name in names:
            package.writestr(name, "<x/>")
    return buffer.getvalue()


# The reporting line (REQ-108) --------------------------------------------------------


def test_the_default_line_is_the_county_bureau_then_the_city_REQ_108(people):
    line = services.reporting_line_for(COUNTY)
    assert line.updated_at is None  # not set: the default
    assert line.bureau_name == "区划620725民政局"
    assert line.superior_id == CITY and line.superior_name == "区划6207民政局"


def test_a_county_under_a_municipality_or_a_province_reports_to_the_province(db):
    f.division("11", "北京市")
    f.division("1101", "市辖区")
    f.division("110101", "东城区")
    line = services.reporting_line_for("110101")
    assert line.superior_id == "11" and line.superior_name == "北京市民政局"
    f.division("41", "河南省")
    f.division("4190", "省直辖县级行政区划")
    f.division("419001", "济源市")
    line = services.reporting_line_for("419001")
    assert line.superior_id == "41" and line.superior_name == "河南省民政厅"
    with pytest.raises(NotFound):
        services.reporting_line_for("999999")


def test_the_bureau_sets_the_line_to_a_body_above_it_REQ_108(people):
    line = services.reporting_line_set(
        actor=people["bureau"],
        county_code=COUNTY,
        bureau_name="区民政局基层政权和社区建设股",
        superior_code="62",
        superior_name="甘肃省民政厅",
    )
    assert services.reporting_line_for(COUNTY) == line
    assert line.updated_by == people["bureau"]
    assert Entry.objects.filter(event="stats.reporting_line_set").count() == 1
    for superior in ("440804", "620725101", "CN", "", COUNTY):
        with pytest.raises(InvalidInput) as exc:
            services.reporting_line_set(
                actor=people["bureau"],
                county_code=COUNTY,
                bureau_name="县民政局",
                superior_code=superior,
                superior_name="某单位",
            )
        assert exc.value.code == StatsCode.SUPERIOR_INVALID
    with pytest.raises(InvalidInput):
        services.reporting_line_set(
            actor=people["bureau"],
            county_code=COUNTY,
            bureau_name="县民政局\x00",
            superior_code=CITY,
            superior_name="市民政局",
        )
    for outsider in ("t1", "city", "province", "police"):
        with pytest.raises(NotAllowed):
            services.reporting_line_set(
                actor=people[outsider],
                county_code=COUNTY,
                bureau_name="县民政局",
                superior_code=CITY,
                superior_name="市民政局",
            )


# Reports to the configured recipient (REQ-108) --------------------------------------


def test_a_townships_report_appears_in_the_configured_recipients_inbox_REQ_108(people):
    """REQ-108: with its type (progress / problem / good practice / local document)."""
    services.reporting_line_set(
        actor=people["bureau"],
        county_code=COUNTY,
        bureau_name="区民政局基层政权和社区建设股",
        superior_code=CITY,
        superior_name="市民政局",
    )
    progress = _submitted(people["t1"])
    problem = _submitted(
        people["t1"], kind=ReportKind.PROBLEM, title="存在问题", body="部门仍要证明"
    )
    practice = _submitted(
        people["t1"], kind=ReportKind.GOOD_PRACTICE, title="经验", body="一窗受理"
    )
    document = _submitted(
        people["t1"],
        kind=ReportKind.LOCAL_DOCUMENT,
        title="清泉镇证明事项清单",
        body="",
        attachment=("清单.pdf", PDF),
    )
    for report in (progress, problem, practice, document):
        assert report.status == ReportStatus.SUBMITTED
        assert report.recipient_id == COUNTY
        assert report.recipient_name == "区民政局基层政权和社区建设股"
    labels = {str(i.label): i for i in inbox.items_for(people["bureau"])}
    for kind in ("工作进展", "存在问题", "经验做法", "本地文件"):
        item = labels[f"待签收的报送报告：{kind}"]
        assert item.count == 1 and "box=received" in item.url
    assert set(report_selectors.received(people["bureau"])) == {
        progress,
        problem,
        practice,
        document,
    }
    assert not any("待签收" in str(i.label) for i in inbox.items_for(people["city"]))
    assert Entry.objects.filter(event="stats.report_submitted").count() == 4


def test_the_recipient_signs_for_a_report_once(people):
    report = _submitted(people["t1"])
    for other in ("t1", "t2", "city", "province", "police"):
        with pytest.raises(NotAllowed):
            services.report_receive(actor=people[other], report_id=report.pk)
    received = services.report_receive(actor=people["bureau"], report_id=report.pk)
    assert received.status == ReportStatus.RECEIVED
    assert received.received_by == people["bureau"]
    with pytest.raises(Conflict) as exc:
        services.report_receive(actor=people["bureau"], report_id=report.pk)
    assert exc.value.code == StatsCode.REPORT_NOT_SUBMITTED
    draft = _draft(people["t1"])
    with pytest.raises(Conflict):
        services.report_receive(actor=people["bureau"], report_id=draft.pk)
    with pytest.raises(NotFound):
        services.report_receive(actor=people["bureau"], report_id=999999)


def test_a_countys_report_goes_to_its_superior_and_the_city_only_receives_it(people):
    """REQ-098: the city reads its counties' reports; signing for what is addressed to
    it is its one write."""
    report = _submitted(people["bureau"], sender=COUNTY, title="山丹县进展")
    assert report.recipient_id == CITY and report.recipient_name == "区划6207民政局"
    assert report in report_selectors.received(people["city"])
    assert report not in report_selectors.received(people["province"])
    township_report = _submitted(people["t1"])
    assert township_report in report_selectors.reports(people["city"])
    with pytest.raises(NotAllowed):  # addressed to the county, not the city
        services.report_receive(actor=people["city"], report_id=township_report.pk)
    with pytest.raises(NotFound):  # a city sends nothing upward here
        _draft(people["city"], sender=CITY)
    with pytest.raises(NotAllowed):
        _draft(people["city"], sender=COUNTY)
    services.report_receive(actor=people["city"], report_id=report.pk)


def test_a_township_cannot_send_for_another_nor_the_bureau_for_a_township(people):
    with pytest.raises(NotAllowed):
        _draft(people["t2"], sender=T1)
    with pytest.raises(NotAllowed):
        _draft(people["bureau"], sender=T1)
    with pytest.raises(NotAllowed):
        _draft(people["t1"], sender=COUNTY)
    with pytest.raises(NotAllowed):
        _draft(people["police"], sender=COUNTY)
    report = _draft(people["t1"])
    for other in ("t2", "bureau", "city"):
        with pytest.raises(NotAllowed):
            services.report_submit(actor=people[other], report_id=report.pk)
        with pytest.raises(NotAllowed):
            services.report_update(
                actor=people[other], report_id=report.pk, values={"title": "改"}
            )


def test_drafts_are_seen_by_their_sender_only(people):
    draft = _draft(people["t1"])
    assert draft in report_selectors.reports(people["t1"])
    assert draft in report_selectors.sent(people["t1"])
    for other in ("bureau", "city", "province", "t2"):
        assert draft not in report_selectors.reports(people[other])


def test_a_draft_changes_until_it_is_submitted(people):
    report = _draft(people["t1"])
    report = services.report_update(
        actor=people["t1"],
        report_id=report.pk,
        values={"title": "新标题", "body": "新的正文"},
    )
    assert report.title == "新标题" and report.body == "新的正文"
    with pytest.raises(InvalidInput):
        services.report_update(
            actor=people["t1"], report_id=report.pk, values={"status": "received"}
        )
    with pytest.raises(InvalidInput):  # no sections in a progress report
        services.report_update(
            actor=people["t1"], report_id=report.pk, values={"problems": "x"}
        )
    services.report_submit(actor=people["t1"], report_id=report.pk)
    with pytest.raises(Conflict) as exc:
        services.report_update(
            actor=people["t1"], report_id=report.pk, values={"title": "再改"}
        )
    assert exc.value.code == StatsCode.REPORT_NOT_DRAFT
    with pytest.raises(Conflict):
        services.report_submit(actor=people["t1"], report_id=report.pk)
    assert Entry.objects.filter(event="stats.report_updated").count() == 1


def test_bad_input_is_refused_with_its_code(people):
    with pytest.raises(InvalidInput) as exc:
        _draft(people["t1"], kind="rumour")
    assert exc.value.code == CoreCode.KIND_INVALID
    with pytest.raises(InvalidInput):
        _draft(people["t1"], title="  ")
    with pytest.raises(InvalidInput):  # NUL and other control characters
        _draft(people["t1"], body="正文\x00")
    with pytest.raises(InvalidInput):
        _draft(people["t1"], title="标题\x07")
    with pytest.raises(InvalidInput):
        _draft(people["t1"], body="长" * 20001)
    with pytest.raises(InvalidInput):
        _draft(people["t1"], kind=ReportKind.CONSOLIDATED)
    with pytest.raises(NotFound):
        _draft(people["t1"], sender="620725101001")
    with pytest.raises(InvalidInput) as exc:
        _draft(people["t1"], campaign_id=999999)
    assert exc.value.code == StatsCode.CAMPAIGN_NOT_APPLICABLE
    report = _draft(people["t1"], body="")
    with pytest.raises(InvalidInput) as exc:
        services.report_submit(actor=people["t1"], report_id=report.pk)
    assert exc.value.code == StatsCode.REPORT_BODY_REQUIRED
    assert UpwardReport.objects.get(pk=report.pk).status == ReportStatus.DRAFT


# The township summary's five sections (REQ-105) -------------------------------------


@pytest.mark.parametrize("empty", SECTIONS)
def test_a_summary_cannot_be_submitted_with_any_section_empty_REQ_105(people, empty):
    report = _draft(people["t1"], kind=ReportKind.SUMMARY, **{empty: "  "})
    with pytest.raises(InvalidInput) as exc:
        services.report_submit(actor=people["t1"], report_id=report.pk)
    assert exc.value.code == StatsCode.REPORT_SECTIONS_EMPTY
    assert exc.value.detail == {"empty": [empty]}
    label = str(UpwardReport._meta.get_field(empty).verbose_name)
    assert label in str(exc.value.message)
    assert UpwardReport.objects.get(pk=report.pk).status == ReportStatus.DRAFT
    services.report_update(
        actor=people["t1"], report_id=report.pk, values={empty: FIVE[empty]}
    )
    submitted = services.report_submit(actor=people["t1"], report_id=report.pk)
    assert submitted.status == ReportStatus.SUBMITTED


def test_the_database_refuses_a_submitted_summary_with_an_empty_section_REQ_105(
    people,
):
    report = _draft(people["t1"], kind=ReportKind.SUMMARY, suggestions="")
    with pytest.raises(IntegrityError), transaction.atomic():
        UpwardReport.objects.filter(pk=report.pk).update(
            status=ReportStatus.SUBMITTED, submitted_at=report.created_at
        )


def test_only_a_township_sends_a_summary_in_five_sections(people):
    with pytest.raises(InvalidInput) as exc:
        _draft(people["bureau"], sender=COUNTY, kind=ReportKind.SUMMARY)
    assert exc.value.code == StatsCode.REPORT_SENDER_INVALID
    with pytest.raises(InvalidInput):  # a summary is written in its sections
        _draft(people["t1"], kind=ReportKind.SUMMARY, body="正文")


def test_the_county_compiles_the_summaries_into_one_report_to_the_city_REQ_105(people):
    """REQ-105: the county compiles the township summaries into one report addressed
    to the city bureau."""
    Division.objects.filter(code=T2).update(name="位奇镇")
    first = _submitted(people["t1"], kind=ReportKind.SUMMARY)
    second = _submitted(
        people["t2"],
        sender=T2,
        kind=ReportKind.SUMMARY,
        **{**FIVE, "results": "位奇镇取消证明 5 项。"},
    )
    services.report_receive(actor=people["bureau"], report_id=first.pk)
    consolidated = services.report_compile(
        actor=people["bureau"],
        county_code=COUNTY,
        title="山丹县证明事项清单制度工作总结",
        summary_ids=[second.pk, first.pk],
        sections={"suggestions": "县级意见建议"},
    )
    assert consolidated.kind == ReportKind.CONSOLIDATED
    assert consolidated.sender_id == COUNTY and consolidated.recipient_id == CITY
    assert consolidated.recipient_name == "区划6207民政局"
    assert set(consolidated.sources.all()) == {first, second}
    assert consolidated.status == ReportStatus.DRAFT
    results = consolidated.results
    assert results.index(f"【{first.sender.name}】") < results.index("【位奇镇】")
    assert "取消无依据证明 12 项。" in results and "位奇镇取消证明 5 项。" in results
    assert consolidated.suggestions == "县级意见建议"  # given, so not pre-filled
    services.report_update(
        actor=people["bureau"],
        report_id=consolidated.pk,
        values={"problems": "汇总后的问题"},
    )
    sent = services.report_submit(actor=people["bureau"], report_id=consolidated.pk)
    assert sent.status == ReportStatus.SUBMITTED and sent.problems == "汇总后的问题"
    assert sent in report_selectors.received(people["city"])
    assert Entry.objects.filter(event="stats.report_compiled").count() == 1


def test_only_submitted_summaries_of_the_countys_own_townships_are_compiled(people):
    draft = _draft(people["t1"], kind=ReportKind.SUMMARY)
    progress = _submitted(people["t1"])
    f.user("pt", role=Role.TOWNSHIP, at="440804001")
    foreign = _submitted(f.user("pt"), sender="440804001", kind=ReportKind.SUMMARY)
    for ids in ([draft.pk], [progress.pk], [foreign.pk], [], [999999]):
        with pytest.raises(InvalidInput) as exc:
            services.report_compile(
                actor=people["bureau"],
                county_code=COUNTY,
                title="汇总",
                summary_ids=ids,
            )
        assert exc.value.code == StatsCode.SUMMARIES_INVALID
    summary = _submitted(people["t1"], kind=ReportKind.SUMMARY)
    for outsider in ("t1", "city", "province", "police"):
        with pytest.raises(NotAllowed):
            services.report_compile(
                actor=people[outsider],
                county_code=COUNTY,
                title="汇总",
                summary_ids=[summary.pk],
            )
    with pytest.raises(InvalidInput):
        services.report_compile(
            actor=people["bureau"],
            county_code=COUNTY,
            title="汇总",
            summary_ids=[summary.pk],
            sections={"preface": "x"},
        )


# Attachments --------------------------------------------------------------------------


def test_a_local_document_is_checked_by_its_content_and_kept_with_its_sha256(people):
    """A PDF, OFD, Word file or image, told by its content (core.uploads), never by its
    name; stored under a name the system chooses, with its SHA-256."""
    import hashlib

    from PIL import Image

    report = _draft(
        people["t1"],
        kind=ReportKind.LOCAL_DOCUMENT,
        title="本镇规范性文件",
        body="",
        attachment=("../../文件.pdf", PDF),
    )
    assert report.attachment_sha256 == hashlib.sha256(PDF).hexdigest()
    assert report.attachment_name == "文件.pdf"
    assert report.attachment.name.endswith(".pdf")
    assert "文件" not in report.attachment.name
    with report.attachment.open("rb") as fh:
        assert fh.read() == PDF
    photo = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(photo, "PNG")
    shown = _draft(people["t1"], attachment=("现场照片.jpg", photo.getvalue()))
    assert shown.attachment_name == "现场照片.png"  # the type its content shows
    fakes = (
        b"MZ\x90\x00 an exe",
        b"plain text",
        b"%PDF-1.7 only the marker",
        _zip("a.txt"),
        _zip("word/document.xml"),  # no [Content_Types].xml
    )
    for data in fakes:
        with pytest.raises(InvalidInput) as exc:
            _draft(
                people["t1"],
                kind=ReportKind.LOCAL_DOCUMENT,
                body="",
                attachment=("清单.pdf", data),
            )
        assert exc.value.code == StatsCode.ATTACHMENT_TYPE_INVALID
    with pytest.raises(InvalidInput) as exc:
        _draft(people["t1"], attachment=("空.pdf", b""))
    assert exc.value.code == CoreCode.DOCUMENT_REQUIRED
    with pytest.raises(InvalidInput) as exc:
        _draft(people["t1"], attachment=("大.pdf", PDF + b"0" * (20 * 1024 * 1024)))
    assert exc.value.code == CoreCode.ATTACHMENT_TOO_LARGE
    bare = _draft(people["t1"], kind=ReportKind.LOCAL_DOCUMENT, body="")
    with pytest.raises(InvalidInput) as exc:
        services.report_submit(actor=people["t1"], report_id=bare.pk)
    assert exc.value.code == StatsCode.REPORT_ATTACHMENT_REQUIRED
    removed = services.report_update(
        actor=people["t1"], report_id=report.pk, values={}, remove_attachment=True
    )
    assert not removed.attachment and removed.attachment_sha256 == ""


# Liaisons (REQ-109) -------------------------------------------------------------------


def test_the_contact_list_shows_one_liaison_per_township_REQ_109(people):
    """REQ-109: the bureau's contact list shows one liaison per township, or the gap."""
    services.liaison_set(
        actor=people["t1"],
        township_code=T1,
        name="孙联络",
        position="党政办主任",
        phone="138 1234 5678",
    )
    again = services.liaison_set(
        actor=people["bureau"],
        township_code=T1,
        name="李联络",
        position="民政助理员",
        phone="0936-5512345",
    )
    assert Liaison.objects.filter(township_id=T1).get() == again  # still one
    rows = report_selectors.contact_list(people["bureau"], COUNTY)
    assert [r.township.code for r in rows] == [T1, T2]
    assert rows[0].liaison.name == "李联络" and rows[0].phone == "0936-5512345"
    assert rows[1].gap and rows[1].liaison is None
    assert all(r.editable for r in rows)
    # Phones in full for the bureau and the township itself, masked for the others.
    (own,) = report_selectors.contact_list(people["t1"], COUNTY)
    assert own.phone == "0936-5512345" and own.editable
    assert report_selectors.contact_list(people["t2"], COUNTY)[0].gap
    for reader in ("city", "province", "police"):
        row = report_selectors.contact_list(people[reader], COUNTY)[0]
        assert row.phone == "093*****2345" and not row.editable
    entry = Entry.objects.filter(event="stats.liaison_set").last()
    assert "5512345" not in str(entry.data)
    gaps = [
        i
        for i in inbox.items_for(people["bureau"])
        if str(i.label) == "未指定联络人的乡镇（街道）"
    ]
    assert gaps[0].count == 1


def test_the_profile_cannot_be_saved_without_a_liaison_REQ_109(people):
    """REQ-109: no name or no valid phone, no profile; the database agrees."""
    for name, phone, code in (
        ("", "13812345678", StatsCode.LIAISON_NAME_REQUIRED),
        ("  ", "13812345678", StatsCode.LIAISON_NAME_REQUIRED),
        ("孙联络", "", CoreCode.PHONE_INVALID),
        ("孙联络", "12345", CoreCode.PHONE_INVALID),
        ("孙联络", "23812345678", CoreCode.PHONE_INVALID),
        ("孙联络", "1381234567x", CoreCode.PHONE_INVALID),
        ("孙\x00联络", "13812345678", CoreCode.INVALID_INPUT),
    ):
        with pytest.raises(InvalidInput) as exc:
            services.liaison_set(
                actor=people["t1"],
                township_code=T1,
                name=name,
                position="",
                phone=phone,
            )
        assert exc.value.code == code, (name, phone)
    assert not Liaison.objects.exists()
    liaison = services.liaison_set(
        actor=people["t1"],
        township_code=T1,
        name="孙联络",
        position="",
        phone="+86 13812345678",
    )
    assert liaison.phone == "13812345678"
    with pytest.raises(IntegrityError), transaction.atomic():
        Liaison.objects.filter(pk=T1).update(phone="")


def test_a_township_names_only_its_own_liaison(people):
    for outsider in ("t2", "city", "province", "police"):
        with pytest.raises(NotAllowed):
            services.liaison_set(
                actor=people[outsider],
                township_code=T1,
                name="孙联络",
                position="",
                phone="13812345678",
            )
    with pytest.raises(NotFound):
        services.liaison_set(
            actor=people["bureau"],
            township_code=COUNTY,
            name="孙联络",
            position="",
            phone="13812345678",
        )


def test_chinese_phone_numbers():
    assert validate_phone("13812345678") == "13812345678"
    assert validate_phone("138-1234-5678") == "13812345678"
    assert validate_phone("+8619912345678") == "19912345678"
    assert validate_phone("(0936)5512345") == "09365512345"
    assert validate_phone("010-62345678-123") == "010-62345678-123"
    for bad in ("", "110", "12812345678", "1381234567", "138123456789", "abc"):
        with pytest.raises(InvalidInput):
            validate_phone(bad)


# Assessments (REQ-110) ----------------------------------------------------------------


def test_assessments_are_recorded_and_listed_per_township_over_time_REQ_110(people):
    """REQ-110: an assessment (date, township, rating or notes) is recorded and listed
    per township over time."""
    later = services.assessment_record(
        actor=people["bureau"],
        township_code=T1,
        assessed_on=dt.date(2023, 6, 1),
        rating=Rating.GOOD,
        notes="清单公布，机制建立。",
    )
    earlier = services.assessment_record(
        actor=people["bureau"],
        township_code=T1,
        assessed_on=dt.date(2023, 3, 1),
        rating=Rating.FAIR,
        notes="",
    )
    other = services.assessment_record(
        actor=people["bureau"],
        township_code=T2,
        assessed_on=dt.date(2023, 3, 2),
        rating=Rating.POOR,
        notes="尚未开展摸排。",
    )
    listing = report_selectors.assessments_by_township(people["bureau"], COUNTY)
    assert [(t.township.code, t.assessments) for t in listing] == [
        (T1, [earlier, later]),
        (T2, [other]),
    ]
    assert listing[0].latest == later
    (own,) = report_selectors.assessments_by_township(people["t1"], COUNTY)
    assert own.assessments == [earlier, later]
    assert report_selectors.assessments_by_township(people["city"], COUNTY)[0].latest
    assert Entry.objects.filter(event="stats.assessment_recorded").count() == 3


def test_only_the_county_bureau_assesses_and_an_assessment_never_changes(people):
    for outsider in ("t1", "city", "province", "police"):
        with pytest.raises(NotAllowed):
            services.assessment_record(
                actor=people[outsider],
                township_code=T1,
                assessed_on=dt.date(2023, 6, 1),
                rating=Rating.GOOD,
            )
    assert not hasattr(services, "assessment_update")
    for bad in (
        {"rating": "great"},
        {"assessed_on": dt.date(2023, 6, 21)},  # tomorrow
        {"assessed_on": "2023-06-01"},
        {"notes": "意见\x00"},
        {"notes": "长" * 5001},
    ):
        values = {
            "assessed_on": dt.date(2023, 6, 1),
            "rating": Rating.GOOD,
            "notes": "",
            **bad,
        }
        with pytest.raises(InvalidInput):
            services.assessment_record(
                actor=people["bureau"], township_code=T1, **values
            )
    assert not Assessment.objects.exists()
