"""Reports upward (REQ-105, REQ-108); the liaisons and assessments (REQ-109, REQ-110)
are in `services/liaisons.py`.

Where reports go. Each county has a reporting line (`reporting_line_set`, by its bureau;
until it sets one, `reporting_line_for` gives the default): the name under which its own
bureau receives its townships' reports (the county's 民政局, or Potou's
区民政局基层政权和社区建设股), and the superior body that receives the county's own (the
city bureau above it; for a county directly under a province or a municipality, the
provincial department).

A report. A township's own officers, or the county bureau for the county, draft it
(`report_draft`), change it while it is a draft (`report_update`) and submit it
(`report_submit`): a township's goes to its county bureau, the county's to its
superior, under the names the line gives at that moment. The recipient's civil-affairs
officers — at exactly that division — sign for it (`report_receive`); the levels above
read, and signing for what is addressed to them is the one write they make here
(REQ-098). A progress report, a problem or a good practice has a body; a local document
has its file (PDF, Word, OFD or an image, told by its content, never by its name, kept
with its SHA-256). The township summary has the five sections of REQ-105 and is submitted
only with all five written (a database check too); the county compiles its townships'
submitted summaries into one consolidated report to its superior (`report_compile`),
each section pre-filled with the townships' texts under their names, to be edited and
then submitted like any report.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeAlias, cast

from django.db import transaction
from django.db.models import Field
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock, uploads
from yinzheng.core.actors import person
from yinzheng.core.codes import COUNTRY_CODE, Level, ancestor_codes, covers
from yinzheng.core.errors import Conflict, CoreCode, InvalidInput, NotAllowed, NotFound
from yinzheng.core.text import optional_text, required_text
from yinzheng.divisions.models import Division
from yinzheng.ledger import audit

from ..choices import SECTIONED_KINDS, ReportKind, ReportStatus
from ..errors import StatsCode
from ..models import Campaign, ReportingLine, UpwardReport
from ..models.reports import SECTIONS
from ..report_selectors import compilable_summaries, receives_for, sends_for

REPORT, RECEIVE = "stats.report", "stats.report_receive"
LINE = "stats.reporting_line"
TEXT_FIELDS = ("title", "body", *SECTIONS)
TEXT_LIMIT = 20000
MAX_BYTES = uploads.MAX_UPLOAD_BYTES  # 20 MB
Attachment: TypeAlias = uploads.Upload


def _division(code: str | None, level: int, message: str) -> Division:
    found = Division.objects.filter(code=code or "", level=level).first()
    if found is None:
        raise NotFound(message, code=CoreCode.DIVISION_NOT_FOUND)
    return found


def _county(code: str | None) -> Division:
    return _division(code, Level.COUNTY, _("县（市、区）不存在"))


def require_township(code: str | None) -> Division:
    return _division(code, Level.TOWNSHIP, _("乡镇（街道）不存在"))


# The reporting line (REQ-108) ---------------------------------------------------------

# The national tables' stand-ins for "no prefecture": a municipality's 市辖区 and 县, a
# province's 省直辖县级行政区划; such a county reports to the province.
PLACEHOLDER_PREFECTURES = ("市辖区", "县")


def _default_superior(county: Division) -> Division:
    parent = county.parent
    if (
        parent is not None
        and parent.level == Level.PREFECTURE
        and parent.name not in PLACEHOLDER_PREFECTURES
        and not parent.name.endswith("直辖县级行政区划")
    ):
        return parent
    province = Division.objects.filter(code=county.code[:2]).first()
    return province or parent or county


def bureau_name(division: Division) -> str:
    """The civil-affairs body of a division, by the name it goes by: a province's (or an
    autonomous region's) 民政厅, a municipality's, a city's or a county's 民政局. An
    organ's name, kept on the report as it was addressed: not translated."""
    if division.level == Level.PROVINCE and not division.name.endswith("市"):
        return f"{division.name}民政厅"
    return f"{division.name}民政局"


def reporting_line_for(county_code: str) -> ReportingLine:
    """The county's reporting line: the one its bureau set, or the default (unsaved;
    `updated_at` is None) — its own 民政局, and the city's above it."""
    line = (
        ReportingLine.objects.select_related("county", "superior")
        .filter(pk=county_code)
        .first()
    )
    if line is not None:
        return line
    county = _county(county_code)
    superior = _default_superior(county)
    return ReportingLine(
        county=county,
        bureau_name=bureau_name(county),
        superior=superior,
        superior_name=bureau_name(superior),
    )


@transaction.atomic
def reporting_line_set(
    *,
    actor: Actor,
    county_code: str,
    bureau_name: str,
    superior_code: str,
    superior_name: str,
) -> ReportingLine:
    """REQ-108: the county bureau names the body that receives its townships' reports
    and the superior body (a division above the county) that receives its own."""
    county = _county(county_code)
    policy.require(actor, LINE, county)
    above = [c for c in ancestor_codes(county.code) if c != COUNTRY_CODE]
    superior = Division.objects.filter(code__in=above, code=superior_code or "").first()
    if superior is None:
        raise InvalidInput(
            _("上级区划须是本县（市、区）所属的市（州）或省（自治区、直辖市）"),
            code=StatsCode.SUPERIOR_INVALID,
            detail={"allowed": above},
        )
    names = {
        "bureau_name": required_text(
            bureau_name, _("本级接收机构"), CoreCode.INVALID_INPUT, 100
        ),
        "superior_name": required_text(
            superior_name, _("上级接收机构"), CoreCode.INVALID_INPUT, 100
        ),
    }
    line = ReportingLine.objects.select_for_update().filter(pk=county.code).first()
    before = None
    if line is None:
        line = ReportingLine(county=county)
    else:
        before = {
            "bureau_name": line.bureau_name,
            "superior": line.superior_id,
            "superior_name": line.superior_name,
        }
    line.bureau_name, line.superior_name = names["bureau_name"], names["superior_name"]
    line.superior = superior
    line.updated_by, line.updated_at = person(actor), clock.now()
    line.save()
    audit.record(
        actor=actor,
        event="stats.reporting_line_set",
        subject=line,
        before=before,
        after={**names, "superior": superior.code},
    )
    return line


def _recipient(sender: Division) -> tuple[Division, str]:
    """A township's reports go to its county bureau; a county's to its superior."""
    if sender.level == Level.TOWNSHIP:
        line = reporting_line_for(sender.parent_id or "")
        return line.county, line.bureau_name
    line = reporting_line_for(sender.code)
    return line.superior, line.superior_name


# Attachments: a local document, told by its content ----------------------------------

# REQ-108's local documents: PDF, OFD, Word or an image (core.uploads parses each: a PDF
# must open, an image decode, a package hold its format's parts).
ATTACHMENT_TYPES = uploads.SEALABLE | {uploads.DOC, uploads.DOCX}


def _attach(report: UpwardReport, attachment: Attachment) -> None:
    """Checked by its content, never by its name; stored under a name the system
    chooses, with its SHA-256; the sender's file name is only shown."""
    if not isinstance(attachment, tuple) and (attachment.size or 0) > MAX_BYTES:
        raise InvalidInput(_("附件不能超过 20 MB"), code=CoreCode.ATTACHMENT_TOO_LARGE)
    name, data = uploads.read(attachment)
    if not data:
        raise InvalidInput(_("附件是空文件"), code=CoreCode.DOCUMENT_REQUIRED)
    if len(data) > MAX_BYTES:
        raise InvalidInput(_("附件不能超过 20 MB"), code=CoreCode.ATTACHMENT_TOO_LARGE)
    checked = uploads.inspect(
        data,
        name=name,
        accept=ATTACHMENT_TYPES,
        what=_("附件"),
        code=StatsCode.ATTACHMENT_TYPE_INVALID,
    )
    uploads.store(report.attachment, checked)
    report.attachment_name = checked.label
    report.attachment_sha256 = checked.sha256


# Reports (REQ-105, REQ-108) -----------------------------------------------------------


def field_label(name: str) -> Any:
    """A report field's label (the five sections' headings: 工作落实 …), translated."""
    return cast("Field[Any, Any]", UpwardReport._meta.get_field(name)).verbose_name


def _apply_text(report: UpwardReport, values: Mapping[str, Any]) -> None:
    """Title, body and sections, each trimmed and bounded (no control characters); a
    summary or a consolidated report is written in its five sections, any other kind
    in its body."""
    for name, value in values.items():
        if value is not None and not isinstance(value, str):
            raise InvalidInput(
                _("%s须为文字") % field_label(name), code=CoreCode.INVALID_INPUT
            )
        if name == "title":
            report.title = required_text(
                value, field_label(name), CoreCode.INVALID_INPUT, 200
            )
        else:
            text = optional_text(
                value, field_label(name), CoreCode.TEXT_TOO_LONG, TEXT_LIMIT
            )
            setattr(report, name, text)
    if report.kind in SECTIONED_KINDS:
        if report.body:
            raise InvalidInput(
                _("总结报告和汇总报告按五个部分填写，不填正文"),
                code=CoreCode.INVALID_INPUT,
                detail={"field": "body"},
            )
    elif any(getattr(report, s) for s in SECTIONS):
        raise InvalidInput(
            _("该类型的报告只填正文，不分五个部分"),
            code=CoreCode.INVALID_INPUT,
            detail={"fields": [s for s in SECTIONS if getattr(report, s)]},
        )


def applicable_campaign(campaign_id: Any, division: Division) -> Campaign | None:
    """The campaign a report or an assessment belongs to: one led at or above the
    division (a county's own, or the province's)."""
    if campaign_id is None or campaign_id == "":
        return None
    campaign = None
    if isinstance(campaign_id, int) and not isinstance(campaign_id, bool):
        campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or not covers(campaign.division_id, division.code):
        raise InvalidInput(
            _("所属专项工作不存在，或不涉及本单位"),
            code=StatsCode.CAMPAIGN_NOT_APPLICABLE,
        )
    return campaign


def _require_sender(actor: Actor, sender: Division) -> None:
    if not sends_for(actor, sender):
        raise NotAllowed(detail={"action": REPORT, "unit": sender.code})


def _sender(actor: Actor, sender_code: str) -> Division:
    sender = Division.objects.filter(
        code=sender_code or "", level__in=[Level.TOWNSHIP, Level.COUNTY]
    ).first()
    if sender is None:
        raise NotFound(
            _("报送单位须是乡镇（街道）或县（市、区）"),
            code=CoreCode.DIVISION_NOT_FOUND,
        )
    _require_sender(actor, sender)
    return sender


def _snapshot(report: UpwardReport) -> dict[str, Any]:
    return {
        **{name: getattr(report, name) for name in TEXT_FIELDS},
        "campaign": report.campaign_id,
        "attachment_sha256": report.attachment_sha256,
    }


@transaction.atomic
def report_draft(
    *,
    actor: Actor,
    sender_code: str,
    kind: str,
    title: str,
    body: str = "",
    implementation: str = "",
    results: str = "",
    problems: str = "",
    next_steps: str = "",
    suggestions: str = "",
    campaign_id: int | None = None,
    attachment: "Attachment | None" = None,
) -> UpwardReport:
    """REQ-108: a township's or the county's report, kept as a draft until submitted;
    addressed by the county's reporting line."""
    sender = _sender(actor, sender_code)
    if kind not in ReportKind.values:
        raise InvalidInput(
            _("报告类型无效"),
            code=CoreCode.KIND_INVALID,
            detail={"allowed": list(ReportKind.values)},
        )
    if kind == ReportKind.CONSOLIDATED:
        raise InvalidInput(
            _("汇总报告由县（市、区）汇总乡镇（街道）的总结报告生成"),
            code=CoreCode.KIND_INVALID,
        )
    if kind == ReportKind.SUMMARY and sender.level != Level.TOWNSHIP:
        raise InvalidInput(  # REQ-105: the county compiles them instead
            _("总结报告由乡镇（街道）报送；县（市、区）请汇总各乡镇（街道）的总结报告"),
            code=StatsCode.REPORT_SENDER_INVALID,
        )
    recipient, recipient_name = _recipient(sender)
    report = UpwardReport(
        kind=kind,
        sender=sender,
        recipient=recipient,
        recipient_name=recipient_name,
        created_by=person(actor),
        created_at=clock.now(),
    )
    _apply_text(
        report,
        {
            "title": title,
            "body": body,
            "implementation": implementation,
            "results": results,
            "problems": problems,
            "next_steps": next_steps,
            "suggestions": suggestions,
        },
    )
    report.campaign = applicable_campaign(campaign_id, sender)
    if attachment is not None:
        _attach(report, attachment)
    report.save()
    audit.record(
        actor=actor,
        event="stats.report_drafted",
        subject=report,
        after={"kind": kind, "recipient": recipient.code, **_snapshot(report)},
    )
    return report


def _lock_draft(report_id: int, actor: Actor) -> UpwardReport:
    report = (
        UpwardReport.objects.select_for_update(of=("self",), no_key=True)
        .select_related("sender")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        raise NotFound(_("报告不存在"), code=StatsCode.REPORT_NOT_FOUND)
    _require_sender(actor, report.sender)
    if report.status != ReportStatus.DRAFT:
        raise Conflict(_("报告已报送，不能再修改"), code=StatsCode.REPORT_NOT_DRAFT)
    return report


@transaction.atomic
def report_update(
    *,
    actor: Actor,
    report_id: int,
    values: Mapping[str, Any],
    attachment: "Attachment | None" = None,
    remove_attachment: bool = False,
) -> UpwardReport:
    """Change a draft: any of title, body, the five sections and campaign (an id, or
    None); those left out keep their values. A new attachment replaces the old."""
    report = _lock_draft(report_id, actor)
    unknown = sorted(set(values) - {*TEXT_FIELDS, "campaign"})
    if unknown:
        raise InvalidInput(
            _("未知的栏目：%s") % "、".join(unknown),
            code=CoreCode.INVALID_INPUT,
            detail={"unknown": unknown},
        )
    before = _snapshot(report)
    _apply_text(report, {k: v for k, v in values.items() if k in TEXT_FIELDS})
    if "campaign" in values:
        report.campaign = applicable_campaign(values["campaign"], report.sender)
    if remove_attachment:
        # The stored file stays (a draft's earlier version, named by its hash).
        report.attachment.name = ""
        report.attachment_name = report.attachment_sha256 = ""
    if attachment is not None:
        _attach(report, attachment)
    report.save()
    audit.record(
        actor=actor,
        event="stats.report_updated",
        subject=report,
        before=before,
        after=_snapshot(report),
    )
    return report


def empty_sections(report: UpwardReport) -> list[str]:
    """REQ-105: the sections of a summary (or a consolidated report) still empty."""
    return [s for s in SECTIONS if not getattr(report, s).strip()]


def _require_complete(report: UpwardReport) -> None:
    if report.kind in SECTIONED_KINDS:
        empty = empty_sections(report)
        if empty:  # REQ-105: none of the five sections may be empty
            raise InvalidInput(
                _("五个部分都须填写后才能报送，以下部分为空：%s")
                % "、".join(str(field_label(s)) for s in empty),
                code=StatsCode.REPORT_SECTIONS_EMPTY,
                detail={"empty": empty},
            )
    elif report.kind == ReportKind.LOCAL_DOCUMENT:
        if not report.attachment:
            raise InvalidInput(
                _("报送本地文件须附文件（PDF、Word、OFD 或图片）"),
                code=StatsCode.REPORT_ATTACHMENT_REQUIRED,
            )
    elif not report.body.strip():
        raise InvalidInput(_("请填写正文"), code=StatsCode.REPORT_BODY_REQUIRED)


@transaction.atomic
def report_submit(*, actor: Actor, report_id: int) -> UpwardReport:
    """REQ-108: the report goes to its recipient (by the reporting line now) and waits
    there to be signed for; it changes no more."""
    report = _lock_draft(report_id, actor)
    _require_complete(report)
    report.recipient, report.recipient_name = _recipient(report.sender)
    report.status = ReportStatus.SUBMITTED
    report.submitted_by, report.submitted_at = person(actor), clock.now()
    report.save(
        update_fields=[
            "recipient",
            "recipient_name",
            "status",
            "submitted_by",
            "submitted_at",
        ]
    )
    audit.record(
        actor=actor,
        event="stats.report_submitted",
        subject=report,
        after={
            "kind": report.kind,
            "recipient": report.recipient_id,
            "recipient_name": report.recipient_name,
            "attachment_sha256": report.attachment_sha256,
            "sources": sorted(report.sources.values_list("pk", flat=True)),
        },
    )
    return report


@transaction.atomic
def report_receive(*, actor: Actor, report_id: int) -> UpwardReport:
    """The recipient's civil-affairs officers sign for a submitted report."""
    report = UpwardReport.objects.select_for_update().filter(pk=report_id).first()
    if report is None:
        raise NotFound(_("报告不存在"), code=StatsCode.REPORT_NOT_FOUND)
    if not receives_for(actor, report.recipient_id):
        raise NotAllowed(
            _("只有接收单位的民政工作人员可以签收"),
            detail={"action": RECEIVE, "recipient": report.recipient_id},
        )
    if report.status != ReportStatus.SUBMITTED:
        raise Conflict(
            _("只有已报送、尚未签收的报告可以签收"),
            code=StatsCode.REPORT_NOT_SUBMITTED,
        )
    report.status = ReportStatus.RECEIVED
    report.received_by, report.received_at = person(actor), clock.now()
    report.save(update_fields=["status", "received_by", "received_at"])
    audit.record(
        actor=actor,
        event="stats.report_received",
        subject=report,
        after={"recipient": report.recipient_id},
    )
    return report


def compiled_sections(summaries: Iterable[UpwardReport]) -> dict[str, str]:
    """REQ-105: each section of the consolidated report pre-filled with the townships'
    texts of that section, each under its township's name, in the given order."""
    parts: dict[str, list[str]] = {s: [] for s in SECTIONS}
    for summary in summaries:
        for section in SECTIONS:
            text = getattr(summary, section).strip()
            if text:
                parts[section].append(f"【{summary.sender.name}】\n{text}")
    return {section: "\n\n".join(texts) for section, texts in parts.items()}


@transaction.atomic
def report_compile(
    *,
    actor: Actor,
    county_code: str,
    title: str,
    summary_ids: Sequence[int],
    sections: Mapping[str, str] | None = None,
    campaign_id: int | None = None,
) -> UpwardReport:
    """REQ-105: the county compiles the summaries its townships submitted into one
    consolidated report addressed to its superior (the city bureau), a draft linked to
    them; a section not given is pre-filled from theirs."""
    county = _county(county_code)
    _require_sender(actor, county)
    if isinstance(summary_ids, str | bytes) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in summary_ids
    ):
        raise InvalidInput(
            _("请选择要汇总的乡镇（街道）总结报告"), code=StatsCode.SUMMARIES_INVALID
        )
    wanted = sorted(set(summary_ids))
    if not wanted:
        raise InvalidInput(
            _("请选择要汇总的乡镇（街道）总结报告"), code=StatsCode.SUMMARIES_INVALID
        )
    summaries = list(compilable_summaries(county.code).filter(pk__in=wanted))
    invalid = sorted(set(wanted) - {s.pk for s in summaries})
    if invalid:
        raise InvalidInput(
            _("所选报告须是本县（市、区）各乡镇（街道）已报送的总结报告"),
            code=StatsCode.SUMMARIES_INVALID,
            detail={"invalid": invalid},
        )
    given = dict(sections or {})
    unknown = sorted(set(given) - set(SECTIONS))
    if unknown:
        raise InvalidInput(
            _("未知的栏目：%s") % "、".join(unknown),
            code=CoreCode.INVALID_INPUT,
            detail={"unknown": unknown},
        )
    filled = compiled_sections(summaries)
    superior, superior_name = _recipient(county)
    report = UpwardReport(
        kind=ReportKind.CONSOLIDATED,
        sender=county,
        recipient=superior,
        recipient_name=superior_name,
        created_by=person(actor),
        created_at=clock.now(),
    )
    texts: dict[str, Any] = {"title": title}
    for section in SECTIONS:
        value = given.get(section)
        texts[section] = (
            value if isinstance(value, str) and value.strip() else filled[section]
        )
    _apply_text(report, texts)
    report.campaign = applicable_campaign(campaign_id, county)
    report.save()
    report.sources.set(summaries)
    audit.record(
        actor=actor,
        event="stats.report_compiled",
        subject=report,
        after={
            "recipient": superior.code,
            "recipient_name": superior_name,
            "sources": [s.pk for s in summaries],
            "townships": [s.sender_id for s in summaries],
        },
    )
    return report
