"""The policy documents the lists rest on, shown with them on the public pages (REQ-080).

Titles, issuing bodies and document numbers (文号) are copied from the five seed documents
(the national guiding opinion as seed 003 cites it). Nothing is invented: where a seed
gives no number, no date or no title, the field stays empty and the page says so.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class PolicyDocument:
    key: str
    title: str  # without 《》; empty when the seed carries no title
    issuer: str
    number: str  # 文号; empty when the seed gives none
    date: str  # ISO date; empty when the seed gives none
    level: object  # translated label
    seed: str  # where the citation comes from (traceability, not shown)
    summary: object = ""  # shown only when the seed has no title


POLICY_DOCUMENTS: tuple[PolicyDocument, ...] = (
    PolicyDocument(
        key="national_guiding_opinion",
        title="关于改进和规范基层群众性自治组织出具证明工作的指导意见",
        issuer="民政部 国家发展改革委 公安部 司法部 人力资源社会保障部 国家卫生健康委",
        number="民发〔2020〕20号",
        date="",
        level=_("国家"),
        seed="003（引用）",
    ),
    PolicyDocument(
        key="shaanxi_notice",
        title="",
        issuer="陕西省民政厅 陕西省发展和改革委员会 陕西省公安厅 陕西省司法厅 "
        "陕西省人力资源和社会保障厅 陕西省卫生健康委员会",
        number="",
        date="2021-02-23",
        level=_("省级"),
        seed="002",
        summary=_(
            "贯彻落实《指导意见》的通知，附件为《不应由基层群众性自治组织出具证明"
            "事项清单（第一批）》"
        ),
    ),
    PolicyDocument(
        key="tianjin_opinion",
        title="关于改进和规范基层群众性自治组织出具证明工作的实施意见",
        issuer="市民政局 市发展改革委 市公安局 市司法局 市人社局 市卫生健康委（天津市）",
        number="",
        date="",
        level=_("省级"),
        seed="003",
    ),
    PolicyDocument(
        key="shandan_notice",
        title="关于规范基层群众性自治组织出具证明和印章使用管理工作的通知",
        issuer="山丹县",
        number="",
        date="",
        level=_("县级"),
        seed="000",
    ),
    PolicyDocument(
        key="sunan_plan",
        title="关于印发肃南裕固族自治县改进和规范基层群众性自治组织出具证明工作"
        "实施方案的通知",
        issuer="肃南裕固族自治县民政局 肃南裕固族自治县发展和改革局 "
        "肃南裕固族自治县人力资源和社会保障局 肃南裕固族自治县卫生健康局",
        number="",
        date="2020-12-30",
        level=_("县级"),
        seed="001",
    ),
    PolicyDocument(
        key="potou_plan",
        title="坡头区民政局关于印发深化社区“万能章”治理专项行动实施方案的通知",
        issuer="湛江市坡头区民政局",
        number="湛坡民〔2022〕36号",
        date="",
        level=_("县级"),
        seed="004",
    ),
)
