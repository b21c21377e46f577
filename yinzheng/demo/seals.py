"""Demo seals of 清泉镇 (山丹县), made by running the services as the demo accounts.

长城社区 gets the history of a committee seal in every state: a seal lost in 2020
(its loss report reissued), the reissued seal collected in 2024 when it was replaced, the
current seal in use kept by 吴管印 with a returned take-out and a take-out request waiting
for 李主任, an electronic seal in use and its successor issued (the certificate demo
issues with the first, then revokes and destroys it and activates the second:
`replace_demo_electronic_seal`), 北滩村's first electronic seal issued and not yet
activated, and a physical seal revoked for a wrong imprint and
not yet collected. A handover from 吴管印 to 何管印, triggered 12 days ago, is open past
its 10 days (the supervision demo's register scan finds it). 焉支社区 had its seal
issued and is then abolished (a sample decision), so its seal is blocked and the
township has a collection task. Serials and texts start with 示例 / （示例）: none of it
is real. Running it twice changes nothing.

Sealing (REQ-050–058): 周经办 files work-type matters on the current seal, 周经办 or
李主任 reviews, 李主任 signs and 吴管印 registers and seals, so the work register of
长城社区 has entries; one matter waits for review, one for the head's signature, one
major matter sits in its public-notice period and one was closed by a failed vote.
"""

import datetime as dt

from django.db import transaction

from yinzheng.accounts.models import User
from yinzheng.core import clock
from yinzheng.divisions import services as divisions
from yinzheng.divisions.models import Division
from yinzheng.seals import services
from yinzheng.seals.choices import (
    HandoverTrigger,
    MajorMatter,
    SealForm,
    SealStatus,
    UseCategory,
    VoteResult,
)
from yinzheng.seals.models import Seal, UsageRequest
from yinzheng.seals.services import usage

COMMITTEE = "620725101001"  # 长城社区居民委员会
ABOLISHED = "620725101012"  # 焉支社区居民委员会 (abolished in the demo only)
PREFIX = "示例-"


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _issue(township, committee: Division, serial: str, **kwargs) -> Seal:
    return services.seal_issue(
        actor=township,
        committee_code=committee.code,
        issuer_code=committee.parent_id or "",
        serial=PREFIX + serial,
        imprint=kwargs.pop("imprint", committee.name),
        form=kwargs.pop("form", SealForm.PHYSICAL),
        storage_location=kwargs.pop("storage_location", "（示例）社区办公室保密柜"),
        **kwargs,
    )


def _in_use(township, head, keeper, seal: Seal) -> Seal:
    services.custody_appoint(actor=head, seal_id=seal.pk, custodian_id=keeper.pk)
    return services.seal_activate(actor=township, seal_id=seal.pk)


@transaction.atomic
def load_demo_seals() -> list[Seal]:
    """Needs the demo divisions and accounts (core.demo)."""
    if Seal.objects.filter(serial__startswith=PREFIX).exists():
        load_demo_usage()
        return list(Seal.objects.filter(serial__startswith=PREFIX))
    township, head = _user("xiangzhen"), _user("zhuren")
    keeper, incoming = _user("yinzhang"), _user("yinzhang2")
    committee = Division.objects.get(code=COMMITTEE)

    lost = _in_use(
        township,
        head,
        keeper,
        _issue(township, committee, "长城-2018", issued_on=dt.date(2018, 6, 1)),
    )
    report = services.seal_report_loss(
        actor=keeper,
        seal_id=lost.pk,
        lost_on=dt.date(2020, 3, 10),
        circumstances="（示例）外出办事途中遗失，已在报刊声明作废",
    )
    reissued = services.seal_reissue(
        actor=township,
        loss_report_id=report.pk,
        serial=PREFIX + "长城-2020",
        imprint=committee.name,
        storage_location="（示例）社区办公室保密柜",
        issued_on=dt.date(2020, 3, 20),
    )
    _in_use(township, head, keeper, reissued)
    current = _issue(
        township,
        committee,
        "长城-2024",
        issued_on=dt.date(2024, 1, 15),
        replaces_id=reissued.pk,
        note="（示例）印面磨损，更换新章",
    )
    services.custody_appoint(actor=head, seal_id=current.pk, custodian_id=keeper.pk)
    services.seal_replace(
        actor=township, old_seal_id=reissued.pk, new_seal_id=current.pk
    )

    old_electronic = _in_use(
        township,
        head,
        keeper,
        _issue(
            township,
            committee,
            "长城-电子-2023",
            form=SealForm.ELECTRONIC,
            storage_location="（示例）电子印章系统",
            issued_on=dt.date(2023, 5, 1),
        ),
    )
    # The old electronic seal stays in use until the certificate demo has issued an
    # electronic certificate with it; it then revokes and destroys it and activates
    # its successor (replace_demo_electronic_seal), so the demo shows a certificate
    # sealed before its seal was replaced and still valid (issue 14).
    del old_electronic
    _issue(
        township,
        committee,
        "长城-电子-2024",
        form=SealForm.ELECTRONIC,
        storage_location="（示例）电子印章系统",
        issued_on=dt.date(2024, 2, 1),
    )
    # 北滩村's first electronic seal, issued and waiting for the township to activate
    # it (no custodian yet): electronic issue there is refused, saying so (issue 14).
    _issue(
        township,
        Division.objects.get(code="620725101201"),
        "北滩-电子-2026",
        form=SealForm.ELECTRONIC,
        storage_location="（示例）电子印章系统",
        issued_on=dt.date(2026, 1, 5),
    )
    misprint = _issue(
        township, committee, "长城-2023-误刻", issued_on=dt.date(2023, 9, 1)
    )
    services.seal_revoke(
        actor=township, seal_id=misprint.pk, reason="（示例）印文刻制错误"
    )

    now = clock.now()
    returned = services.takeout_request(
        actor=keeper,
        seal_id=current.pk,
        purpose="（示例）居民代表会议现场用印",
        due_back_at=now + dt.timedelta(hours=3),
    )
    services.takeout_decide(actor=head, takeout_id=returned.pk, approve=True)
    services.takeout_leave(actor=keeper, takeout_id=returned.pk)
    services.takeout_return(actor=keeper, takeout_id=returned.pk)
    services.takeout_request(
        actor=keeper,
        seal_id=current.pk,
        purpose="（示例）入户核实困难家庭情况",
        due_back_at=now + dt.timedelta(days=1),
    )
    services.handover_open(
        actor=head,
        committee_code=committee.code,
        trigger=HandoverTrigger.CUSTODIAN_CHANGE,
        trigger_note="（示例）原印章管理人岗位调整",
        trigger_date=clock.today() - dt.timedelta(days=12),
        outgoing_id=keeper.pk,
        incoming_id=incoming.pk,
        extra_items=["（示例）保密柜钥匙两把"],
    )

    abolished = Division.objects.get(code=ABOLISHED)
    _issue(township, abolished, "焉支-2019", issued_on=dt.date(2019, 4, 1))
    if abolished.is_active:
        divisions.committee_abolish(
            actor=_user("minzheng"),
            code=abolished.code,
            reference="（示例）演示数据，非真实撤销文件",
        )
    load_demo_usage()
    return list(Seal.objects.filter(serial__startswith=PREFIX))


# Sealing ------------------------------------------------------------------------------

SAMPLE = "（示例）"


def _document(title: str) -> tuple[str, bytes]:
    """A one-page PDF of the sample document, marked as a sample."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from yinzheng.core.pdf import cjk_font

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    font = cjk_font()
    pdf.setFont(font, 16)
    pdf.drawString(72, 760, title)
    pdf.setFont(font, 11)
    pdf.drawString(72, 730, "示例文件：演示数据，非真实文件。")
    pdf.drawString(72, 712, "长城社区居民委员会")
    pdf.showPage()
    pdf.save()
    return ("示例文件.pdf", buffer.getvalue())


def _file(clerk, seal: Seal, category: str, content: str, copies: int, **kwargs):
    return usage.usage_request(
        actor=clerk,
        seal_id=seal.pk,
        category=category,
        content=SAMPLE + content,
        copies=copies,
        document=_document(content),
        **kwargs,
    )


def _review(reviewer, u: UsageRequest) -> None:
    usage.usage_review(
        actor=reviewer,
        usage_id=u.pk,
        approve=True,
        not_blank=True,
        note="（示例）内容完整，同意用印",
    )


@transaction.atomic
def load_demo_usage() -> None:
    """Sample usage requests of 长城社区 in every step, through the sealing service."""
    committee = Division.objects.get(code=COMMITTEE)
    if UsageRequest.objects.filter(
        committee=committee, content__startswith=SAMPLE
    ).exists():
        return
    seal = Seal.objects.get(serial=PREFIX + "长城-2024")
    clerk, head, keeper = _user("jingban"), _user("zhuren"), _user("yinzhang")
    today = clock.today()

    sealed = [
        (clerk, UseCategory.W1, "关于召开长城社区居民代表会议的通知", 40),
        (head, UseCategory.W2, "协助开展城乡居民医疗保险参保动员的工作报告", 2),
        (clerk, UseCategory.W3, "长城社区上半年工作总结（报清泉镇）", 3),
    ]
    for reviewer, category, content, copies in sealed:
        u = _file(clerk, seal, category, content, copies)
        _review(reviewer, u)
        usage.usage_approve(actor=head, usage_id=u.pk, approve=True)
        usage.usage_seal(actor=keeper, usage_id=u.pk)

    voted = _file(
        clerk,
        seal,
        UseCategory.W1,
        "小区公共停车位划分方案",
        5,
        major_matter=MajorMatter.VOTE,
    )
    usage.usage_record_vote(
        actor=clerk,
        usage_id=voted.pk,
        body="（示例）长城社区居民代表会议",
        date=today,
        result=VoteResult.PASSED,
        record="（示例）应到 31 人，实到 27 人，赞成 24，反对 2，弃权 1",
    )
    _review(clerk, voted)
    usage.usage_approve(actor=head, usage_id=voted.pk, approve=True)
    usage.usage_seal(actor=keeper, usage_id=voted.pk)

    # Waiting for review, and for the head's signature.
    _file(clerk, seal, UseCategory.W2, "协助统计辖区八十岁以上老年人信息的情况说明", 1)
    _review(clerk, _file(clerk, seal, UseCategory.W3, "社区志愿服务队年度活动安排", 2))

    # A major matter in its public notice: approved, sealed only after the notice ends.
    noticed = _file(
        clerk,
        seal,
        UseCategory.W1,
        "社区公共用房收益使用方案",
        3,
        major_matter=MajorMatter.NOTICE,
    )
    usage.usage_attach_notice(
        actor=clerk,
        usage_id=noticed.pk,
        start=today - dt.timedelta(days=2),
        end=today + dt.timedelta(days=5),
        place="（示例）长城社区居务公开栏",
    )
    _review(clerk, noticed)
    usage.usage_approve(actor=head, usage_id=noticed.pk, approve=True)

    # A failed vote closes the matter unsealed.
    failed = _file(
        clerk,
        seal,
        UseCategory.W1,
        "关于收取小区卫生管理费的决定",
        5,
        major_matter=MajorMatter.VOTE,
    )
    usage.usage_record_vote(
        actor=clerk,
        usage_id=failed.pk,
        body="（示例）长城社区居民代表会议",
        date=today,
        result=VoteResult.FAILED,
        record="（示例）应到 31 人，实到 26 人，赞成 9，反对 15，弃权 2",
    )


OLD_ELECTRONIC, NEW_ELECTRONIC = "长城-电子-2023", "长城-电子-2024"


@transaction.atomic
def replace_demo_electronic_seal() -> Seal | None:
    """长城社区's electronic seal is replaced at the committee's election: the old
    one revoked and its key destroyed, the new one entrusted to 吴管印 and activated.
    Certificates it sealed before stay valid (PAdES B-LTA). Once only."""
    old = Seal.objects.filter(serial=PREFIX + OLD_ELECTRONIC).first()
    new = Seal.objects.filter(serial=PREFIX + NEW_ELECTRONIC).first()
    if old is None or new is None or new.status != SealStatus.ISSUED:
        return new
    township, head, keeper = _user("xiangzhen"), _user("zhuren"), _user("yinzhang")
    services.seal_revoke(
        actor=township,
        seal_id=old.pk,
        reason="（示例）村（居）委会换届，更换电子印章，旧章作废",
    )
    services.seal_destroy(actor=township, seal_id=old.pk, note="（示例）密钥已销毁")
    services.custody_appoint(actor=head, seal_id=new.pk, custodian_id=keeper.pk)
    return services.seal_activate(actor=township, seal_id=new.pk)
