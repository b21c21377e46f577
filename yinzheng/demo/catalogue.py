"""Demo positive lists for the three demo counties, marked as sample data throughout.

Each county (山丹县, 肃南裕固族自治县, 坡头区) gets a positive list with `sample=True`, a
title ending in （示例）, and a published first version whose approval record says
it is a sample. Its items are plausible certificates committees issue, none of
them on the national negative list (batch 1); each carries one basis with
`sample=True` whose citation says it is demo data and not a real legal
provision: no invented citation is ever shown as real. 山丹县 also gets an open
draft of version 2, so the staff pages show work in progress; its new item comes
in on an approved admission (REQ-021, demo.applications). Lists and versions go
through catalogue.services, acting as the county's demo civil-affairs officer;
running it twice changes nothing. Every demo item gets a published service guide
(REQ-075) whose texts all start with （示例）. Each list keeps the channels its
county's seed names (DIV-06) and its current version is recorded on all but one
of them, so the inbox shows a list not yet published everywhere (REQ-078,
REQ-081).
山丹县 also records its guides on its channels and two related rules (社区印章管理使用
办法, 村（社区）工作准入制度, marked 示例), one guide and one rule short of a channel.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from yinzheng.accounts.models import User
from yinzheng.catalogue import selectors, services
from yinzheng.catalogue.choices import BasisType, Channel, ListKind, VersionStatus
from yinzheng.catalogue.models import CatalogueList, Guide, Item, RelatedRule
from yinzheng.catalogue.services import guides, publications
from yinzheng.core.actors import SYSTEM

SAMPLE_CITATION = "示例依据（演示数据，非真实法律条文）"
SAMPLE_REMARK = "示例数据：演示用证明事项，名称与依据均非真实清单内容"
VALID_FROM = dt.date(2024, 1, 1)


@dataclass(frozen=True)
class DemoItem:
    key: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoList:
    county: str
    county_name: str
    officer: str  # username of the county's demo civil-affairs officer (core.demo)
    items: tuple[str, ...]
    # Items an approved admission (demo.applications) brings into the open draft of
    # version 2: the only way a new item reaches a published list (REQ-021).
    draft_adds: tuple[str, ...] = ()
    # The channels the county's seed names (DIV-06), and those the current version is
    # recorded on; the rest stay unsynchronised so the inbox has something to show.
    channels: tuple[str, ...] = ()
    published_on: tuple[str, ...] = ()


ITEMS = [
    DemoItem("sample_actual_residence", "实际居住情况证明", ("居住证明",)),
    DemoItem("sample_land_contract", "农村土地承包经营情况证明", ("土地承包证明",)),
    DemoItem("sample_collective_membership", "农村集体经济组织成员身份证明"),
    DemoItem("sample_dispute_mediation", "民间纠纷调解情况证明", ("调解证明",)),
    DemoItem("sample_guardian_designation", "监护人指定情况证明"),
    DemoItem("sample_grassland_contract", "草原承包经营情况证明", ("草场承包证明",)),
]

LISTS = [
    DemoList(
        "620725",
        "山丹县",
        "minzheng",
        (
            "sample_actual_residence",
            "sample_land_contract",
            "sample_collective_membership",
            "sample_dispute_mediation",
        ),
        draft_adds=("sample_guardian_designation",),
        channels=(
            Channel.PORTAL,
            Channel.SERVICE_PLATFORM,
            Channel.SERVICE_VENUE,
            Channel.WEIBO,
            Channel.WECHAT,
        ),
        published_on=(
            Channel.PORTAL,
            Channel.SERVICE_PLATFORM,
            Channel.SERVICE_VENUE,
            Channel.WECHAT,
        ),
    ),
    DemoList(
        "620721",
        "肃南裕固族自治县",
        "minzheng_sunan",
        (
            "sample_actual_residence",
            "sample_grassland_contract",
            "sample_collective_membership",
            "sample_dispute_mediation",
        ),
        channels=(
            Channel.PORTAL,
            Channel.SERVICE_PLATFORM,
            Channel.SERVICE_VENUE,
            Channel.WECHAT,
        ),
        published_on=(Channel.PORTAL, Channel.SERVICE_PLATFORM, Channel.SERVICE_VENUE),
    ),
    DemoList(
        "440804",
        "坡头区",
        "minzheng_potou",
        (
            "sample_actual_residence",
            "sample_land_contract",
            "sample_dispute_mediation",
            "sample_guardian_designation",
        ),
        channels=(Channel.PORTAL, Channel.SERVICE_VENUE, Channel.WECHAT),
        published_on=(Channel.PORTAL, Channel.SERVICE_VENUE),
    ),
]


def ensure_demo_item(spec: DemoItem) -> Item:
    """A demo item with one basis, marked sample and saying so (never a real citation),
    and a published guide whose every text starts with （示例） (REQ-075)."""
    item = Item.objects.filter(key=spec.key).first()
    if item is None:
        item = _create_demo_item(spec)
    if not Guide.objects.filter(item=item).exists():
        guides.guide_save(actor=SYSTEM, item_key=item.key, sample=True, **_guide(spec))
        guides.guide_publish(actor=SYSTEM, item_key=item.key)
    return item


def _guide(spec: DemoItem) -> dict[str, Any]:
    return {
        "certificate_format": f"（示例）{spec.name}：兹证明某某（身份证号）……特此证明。"
        "村（居）民委员会（盖章），年月日。演示数据，非真实式样",
        "procedure": "（示例）1. 申请人提交申请及要件；2. 经办人核实；"
        "3. 主任签批；4. 加盖印章并出具。演示数据，非真实流程",
        "operating_rules": "（示例）经办人当面核实申请人身份，核实情况如实记录；"
        "不得代填、不得出具与事实不符的证明。演示数据，非真实规范",
        "purpose": "（示例）用于向有关部门办理相关事务。演示数据",
        "basis": SAMPLE_CITATION,
        "materials": "（示例）申请人居民身份证；户口簿；相关证明材料。演示数据",
        "sample_form": f"（示例）{spec.name}申请表：申请人姓名、身份证号、"
        "联系电话、申请事由、用途、申请人签字、日期。演示数据，非真实样表",
    }


def _create_demo_item(spec: DemoItem) -> Item:
    return services.item_create(
        actor=SYSTEM,
        key=spec.key,
        name=spec.name,
        aliases=spec.aliases,
        bases=[(BasisType.LAW, SAMPLE_CITATION)],
        sample=True,
        within_committee_duties=True,
        # REQ-002: the unit and department every export shows (sample texts).
        implementing_unit="（示例）各村（居）民委员会",
        competent_department="（示例）县民政局",
        remarks=SAMPLE_REMARK,
    )


def _officer(username: str) -> Any:
    return User.objects.filter(username=username).first()


def _title(spec: DemoList) -> str:
    return f"{spec.county_name}基层群众性自治组织出具证明事项清单（示例）"


def _fill(actor: Any, version_id: int, keys: tuple[str, ...]) -> None:
    present = set(
        Item.objects.filter(entries__version_id=version_id).values_list(
            "key", flat=True
        )
    )
    for key in keys:
        if key not in present:
            services.version_add_item(actor=actor, version_id=version_id, item_key=key)


def _ensure_list(spec: DemoList) -> CatalogueList:
    actor = _officer(spec.officer)
    catalogue_list = CatalogueList.objects.filter(
        owner_id=spec.county, kind=ListKind.POSITIVE, sample=True
    ).first()
    if catalogue_list is None:
        catalogue_list = services.list_create(
            actor=actor,
            owner_code=spec.county,
            kind=ListKind.POSITIVE,
            title=_title(spec),
            sample=True,
        )
    open_version = catalogue_list.versions.filter(
        status__in=[VersionStatus.DRAFT, VersionStatus.APPROVED]
    ).first()
    if selectors.latest_published(catalogue_list) is None:
        version = open_version or services.version_draft(
            actor=actor,
            list_id=catalogue_list.pk,
            reason="（示例）演示用正面清单，非真实清单",
            source_document="（示例）演示数据，无真实来源文件",
        )
        if version.status == VersionStatus.DRAFT:
            _fill(actor, version.pk, spec.items)
            services.version_approve(
                actor=actor,
                version_id=version.pk,
                approval_body=f"（示例）{spec.county_name}人民政府",
                approval_date=VALID_FROM,
                approval_reference="（示例）演示数据，无真实批准文号",
            )
        services.version_publish(
            actor=actor, version_id=version.pk, valid_from=VALID_FROM
        )
        open_version = None
    if spec.draft_adds and not catalogue_list.versions.filter(number__gt=1).exists():
        open_version = services.version_draft(
            actor=actor,
            list_id=catalogue_list.pk,
            reason="（示例）演示用调整：拟新增事项，尚待批准",
            source_document="（示例）演示数据，无真实来源文件",
        )
        # REQ-021: a new item reaches a published list only through an approved
        # admission; demo.applications writes the one that brings draft_adds in.
    return catalogue_list


def _ensure_publications(spec: DemoList, catalogue_list: CatalogueList) -> None:
    """The county's channel set (DIV-06) and the current version recorded on some of
    them (REQ-078); one channel is left unsynchronised (REQ-081)."""
    actor = _officer(spec.officer)
    if spec.channels and catalogue_list.channels != list(spec.channels):
        publications.channels_set(
            actor=actor, list_id=catalogue_list.pk, channels=spec.channels
        )
    current = selectors.latest_published(catalogue_list)
    if current is None:
        return
    done = set(current.publications.values_list("channel", flat=True))
    for channel in spec.published_on:
        if channel not in done:
            publications.publication_record(
                actor=actor,
                version_id=current.pk,
                channel=channel,
                published_on=timezone.localdate(current.published_at),
                location="（示例）演示数据，非真实公布地址",
            )


# REQ-017: the two duty lists a jurisdiction keeps beside its certificate lists. Their
# entries are duties, not certificates: they never decide a certificate request.
DUTY_LISTS = {
    ListKind.DUTIES: (
        "依法履行职责事项清单（示例）",
        [
            ("sample_duty_assembly", "召集村民会议、村民代表会议"),
            ("sample_duty_mediation", "调解民间纠纷"),
            ("sample_duty_public_affairs", "村务公开"),
        ],
    ),
    ListKind.ASSISTANCE: (
        "协助政府工作事项清单（示例）",
        [
            ("sample_assist_census", "协助开展人口普查"),
            ("sample_assist_social_security", "协助做好社会保险政策宣传"),
        ],
    ),
}


def _ensure_duty_lists(county: str, county_name: str, officer: str) -> None:
    actor = _officer(officer)
    for kind, (title, duties) in DUTY_LISTS.items():
        catalogue_list = CatalogueList.objects.filter(
            owner_id=county, kind=kind
        ).first()
        if catalogue_list is None:
            catalogue_list = services.list_create(
                actor=actor,
                owner_code=county,
                kind=kind,
                title=f"{county_name}{title}",
                sample=True,
            )
        if selectors.latest_published(catalogue_list) is not None:
            continue
        for key, name in duties:
            if not Item.objects.filter(key=key).exists():
                services.item_create(
                    actor=SYSTEM,
                    key=key,
                    name=name,
                    bases=[(BasisType.LAW, SAMPLE_CITATION)],
                    sample=True,
                    within_committee_duties=True,
                    remarks=SAMPLE_REMARK,
                )
        version = catalogue_list.versions.filter(
            status__in=[VersionStatus.DRAFT, VersionStatus.APPROVED]
        ).first() or services.version_draft(
            actor=actor,
            list_id=catalogue_list.pk,
            reason="（示例）演示用职责事项清单，非真实清单",
            source_document="（示例）演示数据，无真实来源文件",
        )
        if version.status == VersionStatus.DRAFT:
            _fill(actor, version.pk, tuple(k for k, _n in duties))
            services.version_approve(
                actor=actor,
                version_id=version.pk,
                approval_body=f"（示例）{county_name}人民政府",
                approval_date=VALID_FROM,
                approval_reference="（示例）演示数据，无真实批准文号",
            )
        services.version_publish(
            actor=actor, version_id=version.pk, valid_from=VALID_FROM
        )
    # Published on every channel of the county's set, unlike the certificate lists.
    spec = next(s for s in LISTS if s.county == county)
    for catalogue_list in CatalogueList.objects.filter(
        owner_id=county, kind__in=list(DUTY_LISTS)
    ):
        _ensure_publications(
            DemoList(
                county,
                county_name,
                officer,
                (),
                channels=spec.channels,
                published_on=spec.channels,
            ),
            catalogue_list,
        )


# REQ-123: certificates a department issues, so a resident asked for one is sent there
# with its route, neither issued by the committee nor left without an answer.
DEPARTMENT_LIST = (
    "应由相关部门出具的证明事项清单（示例）",
    [
        (
            "sample_dept_tax_payment",
            "纳税情况证明（示例）",
            ("完税证明", "纳税证明"),
            "持身份证件到主管税务机关办税服务厅或通过电子税务局开具（示例）",
            ["税务"],
        ),
        (
            "sample_dept_property_title",
            "不动产权属证明（示例）",
            ("房产证明", "房屋产权证明"),
            "持身份证件到不动产登记机构查询打印不动产登记结果（示例）",
            ["自然资源"],
        ),
    ],
)


def _ensure_department_list(county: str, county_name: str, officer: str) -> None:
    actor = _officer(officer)
    title, rows = DEPARTMENT_LIST
    catalogue_list = CatalogueList.objects.filter(
        owner_id=county, kind=ListKind.DEPARTMENT
    ).first() or services.list_create(
        actor=actor,
        owner_code=county,
        kind=ListKind.DEPARTMENT,
        title=f"{county_name}{title}",
        sample=True,
    )
    if selectors.latest_published(catalogue_list) is not None:
        return
    for key, name, aliases, route, departments in rows:
        if not Item.objects.filter(key=key).exists():
            services.item_create(
                actor=SYSTEM,
                key=key,
                name=name,
                aliases=aliases,
                sample=True,
                route=route,
                responsible_departments=departments,
                remarks=SAMPLE_REMARK,
            )
    version = catalogue_list.versions.filter(
        status__in=[VersionStatus.DRAFT, VersionStatus.APPROVED]
    ).first() or services.version_draft(
        actor=actor,
        list_id=catalogue_list.pk,
        reason="（示例）演示用由相关部门出具的证明事项清单，非真实清单",
        source_document="（示例）演示数据，无真实来源文件",
    )
    if version.status == VersionStatus.DRAFT:
        _fill(actor, version.pk, tuple(row[0] for row in rows))
        services.version_approve(
            actor=actor,
            version_id=version.pk,
            approval_body=f"（示例）{county_name}人民政府",
            approval_date=VALID_FROM,
            approval_reference="（示例）演示数据，无真实批准文号",
        )
    services.version_publish(actor=actor, version_id=version.pk, valid_from=VALID_FROM)


# REQ-078: the related rules (相关制度) the seeds ask a county to adopt and publish with
# its lists; their titles are the seeds', their texts say they are demo data.
DEMO_RULES = [
    (
        "山丹县社区印章管理使用办法（示例）",
        "（示例）社区公章实行专人专管，印章使用审批人与保管人不得为同一人；"
        "用印一事一登记，经社区主任签字批准后方可办理。演示数据，非真实制度文本",
    ),
    (
        "山丹县村（社区）工作准入制度（示例）",
        "（示例）各部门、单位需要村（社区）出具证明或承担工作事项的，须经县民政局"
        "会同有关部门审核准入；未经准入的，村（社区）有权拒绝。演示数据，非真实制度文本",
    ),
]


def _ensure_guide_and_rule_publications(county: str, officer: str) -> None:
    """山丹县's guides and two related rules on its channels (REQ-078): every guide but
    one and the second rule are out everywhere; the first guide and the first rule miss
    the last channel of the set, so the inbox shows them."""
    actor = _officer(officer)
    channels = selectors.jurisdiction_channels(county)
    rows = [r for r in selectors.guide_rows(actor) if r.owner_code == county]
    for n, row in enumerate(rows):
        done = {c.channel for c in row.channels if c.in_sync}
        for channel in channels[:-1] if n == 0 else channels:
            if channel not in done:
                publications.guide_publication_record(
                    actor=actor,
                    item_key=row.guide.item.key,
                    division_code=county,
                    channel=channel,
                    published_on=timezone.localdate(row.guide.published_at),
                    location="（示例）演示数据，非真实公布地址",
                )
    for n, (title, text) in enumerate(DEMO_RULES):
        rule = RelatedRule.objects.filter(
            owner_id=county, title=title
        ).first() or publications.rule_create(
            actor=actor,
            owner_code=county,
            title=title,
            reference="（示例）演示数据，无真实文号",
            issued_on=VALID_FROM,
            text=text,
            sample=True,
        )
        done = set(rule.publications.values_list("channel", flat=True))
        for channel in channels[:-1] if n == 0 else channels:
            if channel not in done:
                publications.rule_publication_record(
                    actor=actor,
                    rule_id=rule.pk,
                    channel=channel,
                    published_on=VALID_FROM + dt.timedelta(days=14),
                    location="（示例）演示数据，非真实公布地址",
                )


@transaction.atomic
def load_demo_catalogue() -> list[CatalogueList]:
    """The sample lists of the demo counties; needs the demo divisions (demo.loader)."""
    for item_spec in ITEMS:
        ensure_demo_item(item_spec)
    lists = [_ensure_list(spec) for spec in LISTS]
    for list_spec, catalogue_list in zip(LISTS, lists, strict=True):
        _ensure_publications(list_spec, catalogue_list)
    _ensure_duty_lists("620725", "山丹县", "minzheng")  # REQ-017
    _ensure_department_list("620725", "山丹县", "minzheng")  # REQ-123
    _ensure_guide_and_rule_publications("620725", "minzheng")  # REQ-078
    return lists
