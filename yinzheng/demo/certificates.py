"""Demo certificate requests, made by running the services as the demo accounts.

长城社区 (清泉镇, 山丹县): a residence certificate issued end to end by 周经办 (clerk),
李主任 (head) and 吴管印 (custodian) with the current seal; two electronic certificates,
one sealed with the old electronic seal before it was replaced (still valid: PAdES
B-LTA) and one with its successor (issue 14), the first checked by 赵公安 on the
departments' page with its legal basis (REQ-111); a second one verified and waiting for
the head; 健在证明 (national negative list) refused with its printable notice;
婚姻状况证明 issued under the factual-issuance exception (a named bank's explicit
demand, every condition recorded, DIV-02); a Party-membership matter transferred to the
Party organisation; 死亡证明 referred to the county health bureau's queue, waiting for
孙卫健, and 居民身份信息证明 referred to 清泉镇's public security, which its police
station (钱民警) acknowledged and answered (REQ-118). 北滩村: a public-interest matter
waiting for its consultation and the head's signature (DIV-04, special case), and an
unlisted "无房证明" demanded by a bank, refused with the route the clerk entered and
reported (REQ-016). 坡头区 switches the negative-list exception off as its seed (004)
does (REQ-039), and 海东居委会 refuses 亲属关系证明. A resident of 长城社区 has applied
online (issue 16, REQ-113): the case waits at the window under its readable tracking
code.

Notification-commitment (REQ-082–086): 实际居住情况证明 is designated commitment-eligible,
two residents of 长城社区 sign commitments (one on screen, one on the printed form,
scanned); 清泉镇 finds the first true and, after a logged draw, the second false, which
makes a credit record with a queued submission. 山丹县 has a sample credit platform,
disabled (its address is not real), so the submission waits in the queue.

Names, ID numbers (valid check digits, not real people), facts and units are marked
（示例）; the PDFs carry the 示例 watermark. Running it twice changes nothing.
"""

import io
import re

from django.db import transaction
from django.test import override_settings
from stdnum.cn import ric

from yinzheng.accounts import phone_codes
from yinzheng.accounts.choices import Department
from yinzheng.accounts.models import User
from yinzheng.catalogue import services as catalogue_services
from yinzheng.certificates import services
from yinzheng.certificates.choices import SignatureMethod, Trigger, VerificationResult
from yinzheng.certificates.models import CertificateRequest, Commitment
from yinzheng.core import clock, sms
from yinzheng.core.actors import SYSTEM
from yinzheng.demo.seals import replace_demo_electronic_seal

CHANGCHENG = "620725101001"  # 长城社区居民委员会
BEITAN = "620725101201"  # 北滩村村民委员会
HAIDONG = "440804001001"  # 海东居委会 (坡头区)
POTOU = "440804"


def _user(username: str) -> User:
    return User.objects.get(username=username)


def demo_id_number(region: str, birth: str, seq: int) -> str:
    body = f"{region}{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def _request(clerk: User, committee: str, n: int, **values):
    region = "620725" if committee.startswith("620725") else "440804"
    defaults = {
        "resident_name": "王示例",
        "id_number": demo_id_number(region, f"200{5 + n % 4}0{n % 9 + 1}15", 100 + n),
        "phone": f"1380000{n:04d}",
        "purpose": "（示例）办理城乡居民最低生活保障申请",
        "requiring_unit": "（示例）山丹县民政局",
        "facts": "（示例）兹证明该居民自2019年起在本社区实际居住。",
        "sample": True,
    }
    return services.request_create(
        actor=clerk, committee_code=committee, **{**defaults, **values}
    )


def _issue(clerk: User, head: User, keeper: User, req) -> None:
    services.request_verify(
        actor=clerk,
        request_id=req.pk,
        what="（示例）居住事实：查验户口簿、入户查看",
        how="（示例）经办人入户查看并询问两位邻居",
    )
    services.request_approve(actor=head, request_id=req.pk)
    services.request_issue(actor=keeper, request_id=req.pk)


def _referrals(clerk: User) -> None:
    """REQ-118: two cases 长城社区 does not issue, handed to the departments' queues: a
    death certificate waiting at the county health bureau, and an identity-information
    certificate 清泉镇's police station (paichusuo, a department grant at the township)
    acknowledged and answered."""
    death = _request(
        clerk,
        CHANGCHENG,
        9,
        resident_name="钱示例",
        item_key="death_certificate",
        purpose="（示例）办理户口注销",
        requiring_unit="（示例）清泉派出所",
        facts="（示例）证明其父亲已去世",
    )
    services.request_refer(
        actor=clerk,
        request_id=death.pk,
        department=Department.HEALTH,
        jurisdiction_code=SHANDAN,
        reason="（示例）死亡证明列入负面清单，由卫生健康部门或医疗卫生机构出具",
        note="（示例）申请人父亲在家中去世，请联系申请人",
    )
    identity = _request(
        clerk,
        CHANGCHENG,
        10,
        resident_name="冯示例",
        item_key="identity_info_certificate",
        purpose="（示例）办理银行账户信息变更",
        requiring_unit="（示例）某商业银行山丹支行",
        facts="（示例）证明居民身份证号码变更前后为同一人",
    )
    referral = services.request_refer(
        actor=clerk,
        request_id=identity.pk,
        department=Department.PUBLIC_SECURITY,
        jurisdiction_code=QINGQUAN,
        reason="（示例）居民身份信息证明列入负面清单，由公安机关出具",
    )
    police = _user("paichusuo")  # the police station of 清泉镇, at the township
    services.referral_acknowledge(actor=police, referral_id=referral.pk)
    services.referral_close(
        actor=police,
        referral_id=referral.pk,
        answer="（示例）已由清泉派出所核对户籍档案，为申请人出具身份信息变更证明",
    )


def _online_application() -> CertificateRequest:
    """Issue 16 (REQ-113): a resident of 长城社区 applied from a phone — the code went
    through the SMS port (kept in memory here, nothing printed) — and the case waits at
    the window with its readable tracking code."""
    with override_settings(SMS_BACKEND="yinzheng.core.sms.MemoryBackend"):
        challenge = phone_codes.phone_code_send(phone="13800000013", address="")
        found = re.search(r"\b\d{6}\b", sms.outbox.pop()[1])
    code = found.group() if found else ""
    phone_codes.phone_code_confirm(token=challenge.token, code=code, address="")
    return services.application_submit(
        phone_token=challenge.token,
        committee_code=CHANGCHENG,
        item_key="sample_actual_residence",
        resident_name="郑示例",
        id_number=demo_id_number("620725", "20070315", 113),
        phone="13800000013",
        purpose="（示例）办理居住证",
        requiring_unit="（示例）山丹县公安局清泉派出所",
        facts="（示例）本人自2021年起在本社区实际居住。",
        electronic=True,
        sample=True,
    )


@transaction.atomic
def load_demo_certificates() -> list[CertificateRequest]:
    """Needs the demo accounts, catalogue and seals (core.demo)."""
    if not CertificateRequest.objects.filter(
        sample=True, commitment__isnull=True
    ).exists():
        _load_demo_requests()
    if not Commitment.objects.filter(sample=True).exists():
        load_demo_commitments()
    return list(CertificateRequest.objects.filter(sample=True))


def _electronic_certificates(clerk: User, head: User, keeper: User) -> None:
    """Issue 14: an electronic certificate sealed with 长城社区's old electronic seal,
    which is then replaced at the election (revoked, key destroyed) — the certificate
    stays valid — and one sealed with its successor."""
    before = _request(
        clerk,
        CHANGCHENG,
        11,
        resident_name="孙示例",
        item_key="sample_actual_residence",
        purpose="（示例）办理居住证",
        requiring_unit="（示例）山丹县公安局清泉派出所",
        electronic=True,
    )
    _issue(clerk, head, keeper, before)
    _checked_by_police(before)
    replace_demo_electronic_seal()
    after = _request(
        clerk,
        CHANGCHENG,
        12,
        resident_name="周示例",
        item_key="sample_actual_residence",
        purpose="（示例）办理公积金提取",
        requiring_unit="（示例）张掖市住房公积金管理中心山丹县管理部",
        electronic=True,
    )
    _issue(clerk, head, keeper, after)


def _checked_by_police(req: CertificateRequest) -> None:
    """REQ-111: the police station checks the certificate it was handed on the
    departments' page (证明核查) by its QR code, with the legal basis: a recorded
    query in 赵公安's log and the county's civil affairs'."""
    from yinzheng.esign import services as esign
    from yinzheng.esign.models import SignedDocument

    esign.verification_query(
        actor=_user("gongan"),
        legal_basis="（示例）《居住证暂行条例》第九条",
        purpose="（示例）核实居住证申请人提交的居住证明",
        token=SignedDocument.objects.get(
            serial=CertificateRequest.objects.get(pk=req.pk).serial
        ).token,
    )


def _load_demo_requests() -> None:
    clerk, head, keeper = _user("jingban"), _user("zhuren"), _user("yinzhang")

    issued = _request(clerk, CHANGCHENG, 1, item_key="sample_actual_residence")
    _issue(clerk, head, keeper, issued)
    _electronic_certificates(clerk, head, keeper)
    waiting = _request(
        clerk,
        CHANGCHENG,
        2,
        resident_name="李示例",
        item_key="sample_actual_residence",
        purpose="（示例）办理子女入学",
        requiring_unit="（示例）清泉镇中心小学",
    )
    services.request_verify(
        actor=clerk,
        request_id=waiting.pk,
        what="（示例）居住事实",
        how="（示例）查验房屋租赁合同原件",
    )

    refused = _request(
        clerk,
        CHANGCHENG,
        3,
        resident_name="赵示例",
        item_key="proof_of_life",
        purpose="（示例）领取养老金资格认证",
        requiring_unit="（示例）某养老保险经办机构",
        facts="（示例）证明本人健在",
    )
    services.request_refuse(
        actor=clerk,
        request_id=refused.pk,
        reason="（示例）健在证明列入负面清单，由相关部门通过信息共享核对",
    )

    exception = _request(
        clerk,
        CHANGCHENG,
        4,
        resident_name="陈示例",
        item_key="marital_status_certificate",
        purpose="（示例）办理个人住房贷款",
        requiring_unit="（示例）某商业银行山丹支行",
        facts="（示例）兹证明该居民现与配偶共同居住在本社区。",
    )
    services.exception_record(
        actor=clerk,
        request_id=exception.pk,
        trigger=Trigger.ENTITY_DEMAND,
        entity_name="（示例）某商业银行山丹支行",
        within_duties=True,
        verifiable=True,
        evidence="（示例）入户查看、查验结婚证原件",
        assessment="（示例）只证明共同居住的事实，不涉及财产和担保，风险可控",
        precautions="（示例）证明注明用途，仅限本次贷款使用",
        # REQ-038: the retained material itself, hashed and listed on the register.
        materials=[("（示例）银行要求出具证明的函.png", _drawn_signature())],
    )
    _issue(clerk, head, keeper, exception)

    party = _request(
        clerk,
        CHANGCHENG,
        5,
        resident_name="刘示例",
        item_text="（示例）党员组织关系证明",
        party_related=True,
        purpose="（示例）转接党组织关系",
        requiring_unit="（示例）某单位党委",
        facts="（示例）证明该居民的党员身份",
    )
    services.request_transfer(actor=clerk, request_id=party.pk)
    _referrals(clerk)

    beitan = _user("jingban2")
    _request(
        beitan,
        BEITAN,
        6,
        resident_name="孙示例",
        item_text="（示例）村道硬化占地情况证明",
        public_interest=True,
        purpose="（示例）申请村道硬化项目",
        requiring_unit="（示例）清泉镇人民政府",
        facts="（示例）村道硬化需占用集体土地约 300 平方米，群众无异议。",
    )
    unlisted = _request(
        beitan,
        BEITAN,
        7,
        resident_name="周示例",
        item_text="（示例）无房证明",
        purpose="（示例）办理住房贷款",
        requiring_unit="（示例）某商业银行山丹支行",
        facts="（示例）证明本人在本村无房产",
    )
    services.demand_report(
        actor=beitan,
        committee_code=BEITAN,
        item_text="",
        demanding_organisation="（示例）某商业银行山丹支行",
        request_id=unlisted.pk,
        note="（示例）银行要求村委会出具无房证明",
    )
    services.request_refuse(
        actor=beitan,
        request_id=unlisted.pk,
        reason="（示例）无房证明没有法律法规依据，村委会不掌握房产登记信息",
        route="（示例）由银行通过不动产登记信息查询核实，或由居民到不动产登记中心"
        "申请查询本人名下不动产登记情况",
        department="（示例）山丹县不动产登记中心",
    )

    _online_application()

    services.jurisdiction_setting_set(
        actor=_user("minzheng_potou"),
        division_code=POTOU,
        negative_exception_enabled=False,
        note="（示例）依坡头区民政局实施方案（湛坡民〔2022〕36号）：对已明确列入负面清单的"
        "事项不再出具",
    )
    potou = _user("jingban_potou")
    kinship = _request(
        potou,
        HAIDONG,
        8,
        resident_name="吴示例",
        item_key="kinship_certificate",
        purpose="（示例）办理继承公证",
        requiring_unit="（示例）某公证处",
        facts="（示例）证明申请人与被继承人系父子关系",
    )
    services.request_refuse(
        actor=potou,
        request_id=kinship.pk,
        reason="（示例）亲属关系证明列入负面清单，本区不再出具",
    )


COMMITMENT_ITEM = "sample_actual_residence"
SHANDAN = "620725"
QINGQUAN = "620725101"


def _drawn_signature() -> bytes:
    """A stroke on white, as the signature pad sends it."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (360, 120), "white")
    ImageDraw.Draw(image).line(
        [(20, 90), (90, 30), (150, 85), (220, 35), (300, 80), (340, 50)],
        fill="black",
        width=4,
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def load_demo_commitments() -> list[Commitment]:
    """REQ-082–086 on 长城社区's residence certificates (see the module docstring)."""
    clerk, township = _user("jingban"), _user("xiangzhen")
    civil = _user("minzheng")
    # The demo designates its own sample item commitment-eligible (REQ-116). Three demo
    # counties' lists name it, so no one county officer may change it (an item is shared
    # by every list naming it): the demo acts as the system, as the catalogue demo does.
    catalogue_services.item_update(
        actor=SYSTEM, item_key=COMMITMENT_ITEM, commitment_allowed=True
    )
    services.credit_platform_set(
        actor=civil,
        division_code=SHANDAN,
        name="（示例）全国信用信息共享平台",
        endpoint="https://credit-platform.example.invalid/api/credit-records",
        enabled=False,
        note="（示例）演示数据：地址不是真实平台，未启用；正式使用前由民政部门"
        "设置平台的真实接收地址并启用",
    )
    true_req = _request(
        clerk,
        CHANGCHENG,
        9,
        resident_name="钱示例",
        item_key=COMMITMENT_ITEM,
        purpose="（示例）申领居住证",
        requiring_unit="（示例）山丹县公安局清泉派出所",
        facts="（示例）本人自2021年起在长城社区实际居住。",
    )
    honest = services.commitment_record(
        actor=clerk,
        request_id=true_req.pk,
        signature=("signature.png", _drawn_signature()),
        signature_method=SignatureMethod.SCREEN,
    )
    services.verification_close(
        actor=township,
        task_id=honest.verification.pk,
        result=VerificationResult.TRUE,
        verified_on=clock.today(),
        verifier="（示例）清泉镇 孙乡镇",
        note="（示例）入户走访并询问两位邻居，承诺属实",
    )
    false_req = _request(
        clerk,
        CHANGCHENG,
        10,
        resident_name="冯示例",
        item_key=COMMITMENT_ITEM,
        purpose="（示例）子女就近入学",
        requiring_unit="（示例）清泉镇中心小学",
        facts="（示例）本人自2020年起在长城社区实际居住。",
    )
    # Signed on the printed form; the scanned page is that form (a sample).
    scanned = services.notification_pdf(false_req)
    untrue = services.commitment_record(
        actor=clerk,
        request_id=false_req.pk,
        signature=("signed-page.pdf", scanned),
        signature_method=SignatureMethod.SCAN,
    )
    services.commitment_sample(
        actor=township, scope_code=QINGQUAN, count=1, seed="demo-qingquan-sample-1"
    )
    services.verification_close(
        actor=township,
        task_id=untrue.verification.pk,
        result=VerificationResult.FALSE,
        verified_on=clock.today(),
        verifier="（示例）清泉镇 孙乡镇",
        note="（示例）经查，该居民2023年已迁往外县居住，承诺不实",
    )
    return [honest, untrue]
