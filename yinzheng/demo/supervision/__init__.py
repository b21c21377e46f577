"""Demo supervision (REQ-087–098), made by running the supervision services as the demo
accounts; every text is marked （示例）.

Settings (`cases`): 肃南县 publishes the hotline of seed 001, 0936-6121532 (DIV-09, sample
data); 山丹县 and 坡头区 their city's 12345 service line.

Cases (`cases`, REQ-087–091): nine reports of unreasonable demands across the three
counties, one in each step of DIV-08 — registered, verified, unfounded, notified with a
circular notice only, notified with a public exposure too, feedback sent, responded,
corrected, closed — from every channel (online through the public form, hotline,
petition 信访, online inquiry 网络问政; the intake desk's report of 北滩村 in the
certificates demo is the "other" channel) and every reporter type. Two are overdue: a
hotline report nobody has verified, a feedback whose response never came. One more
report arrives through the public form today.

Inspections (`inspections`, REQ-092–097, 山丹县, by the county inspector 卫督查): a
random check of 北滩村 and 长城社区 whose item was rectified, closed, followed up and
found relapsed, so it is in round 2; a special inspection of the committees drawn two
per township with a logged seed, whose first item is past its deadline and whose second
is closed with its follow-up booked; today, an unannounced visit finding non-compliant
seal use at 长城社区, linked to the register entry (criticism and item); a field study
in 肃南县. 清泉镇 checked 长城社区 (acknowledged) and 北滩村 (not yet read).

Alerts (REQ-093, beyond the seeds): the resident whose 健在证明 (negative list) the
certificates demo refused is issued a residence certificate, and the seals demo's
handover is past its 10 days; the register scan finds both, and 清泉镇 dismisses the
first with its reason and turns the second into a check. Loaded outside office hours
or on a day off, the scan also flags the day's sealings (off_hours).

The history: a step's deadline is counted from the services' clock and no date may lie
in the future, so each past step runs with `core.clock` set back to its day
(`common.clock_at`, as the tests' `clock_at` fixture does). The journal therefore holds
these entries after the rest of the demo, with earlier times; no register entry is
written in the past. Running it twice changes nothing.
"""

from django.db import transaction

from yinzheng.certificates import services as certificates
from yinzheng.certificates.choices import Status as RequestStatus
from yinzheng.certificates.models import CertificateRequest
from yinzheng.core import clock
from yinzheng.supervision import services
from yinzheng.supervision.choices import (
    AlertKind,
    AlertStatus,
    ReporterType,
    UnitKind,
)
from yinzheng.supervision.models import Alert, Draw

from .cases import CASES, case_steps, setting_steps
from .common import CHANGCHENG, COUNTIES, DRAW_SEED, SUNAN, TOWNSHIP, run_steps, user
from .inspections import check_steps, inspection_steps, seal_use_finding

__all__ = ["load_demo_supervision"]


@transaction.atomic
def load_demo_supervision() -> None:
    """Needs the demo accounts, seals and certificates (see the module docstring)."""
    if Draw.objects.filter(seed=DRAW_SEED).exists():
        return
    today = clock.today()
    steps = setting_steps() + inspection_steps(today) + check_steps()
    for story in CASES:
        steps += case_steps(story)
    run_steps(steps, today)

    services.case_report_public(
        county_code=SUNAN,
        demanding_unit="（示例）某小额贷款公司",
        unit_kind=UnitKind.SERVICE_AGENCY,
        item_key="lost_document_certificate",
        item_text="",
        account="（示例）办理贷款时，公司要求到村委会开具证件遗失证明。",
        reporter_type=ReporterType.RESIDENT,
        contact_name="（示例）马女士",
        contact_phone="13800009001",
    )
    seal_use_finding(today)
    _refused_then_issued()
    _alerts()


def _refused_then_issued() -> None:
    """The resident refused a 健在证明 (negative list) in the certificates demo is
    issued a residence certificate: the kind of switch the scan looks for."""
    refused = CertificateRequest.objects.filter(
        committee_id=CHANGCHENG,
        item__key="proof_of_life",
        status=RequestStatus.REFUSED,
        sample=True,
    ).first()
    if refused is None:
        return
    clerk, head, keeper = user("jingban"), user("zhuren"), user("yinzhang")
    request = certificates.request_create(
        actor=clerk,
        committee_code=CHANGCHENG,
        resident_name=refused.resident_name,
        id_number=refused.id_number,
        phone=refused.phone,
        item_key="sample_actual_residence",
        purpose="（示例）申领居住证",
        requiring_unit="（示例）山丹县公安局清泉派出所",
        facts="（示例）兹证明该居民现在本社区实际居住。",
        sample=True,
    )
    certificates.request_verify(
        actor=clerk,
        request_id=request.pk,
        what="（示例）居住事实：入户查看",
        how="（示例）经办人入户查看，本人在家",
    )
    certificates.request_approve(actor=head, request_id=request.pk)
    certificates.request_issue(actor=keeper, request_id=request.pk)


def _open_alerts(kind: str) -> list[Alert]:
    return list(
        Alert.objects.filter(
            kind=kind, status=AlertStatus.OPEN, committee_id=CHANGCHENG
        ).order_by("pk")
    )


def _alerts() -> None:
    """The nightly scan, run now; 清泉镇 decides two of its alerts."""
    services.scan(county_codes=COUNTIES)
    township = user(TOWNSHIP)
    for alert in _open_alerts(AlertKind.REFUSED_THEN_ISSUED)[:1]:
        services.alert_dismiss(
            actor=township,
            alert_id=alert.pk,
            reason="（示例）经核查，居住证明用于申领居住证，与被拒的健在证明"
            "（养老金资格认证）用途不同，不是改项规避负面清单，排除。",
        )
    for alert in _open_alerts(AlertKind.HANDOVER_OVERDUE)[:1]:
        services.alert_to_check(
            actor=township,
            alert_id=alert.pk,
            checked_on=clock.today(),
            findings="（示例）印章管理人岗位调整后，移交清单未签字，原管理人仍保管印章。",
            feedback="（示例）请三日内完成移交并在系统中确认。",
        )
