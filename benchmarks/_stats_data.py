"""The province the statistics-dashboard benchmark reads (see stats_dashboard.py): years
of certificate cases, seal uses and register entries for every committee of a real
province, written with PostgreSQL COPY.

Set-up through the project's own services (`prepare_catalogue`, `civil_affairs`,
`statistics_table`): the items (the demo's sample positive-list items, two of them made
time-limited and one open to the commitment route, as the certificate tests do) on a
published provincial positive list, beside the national negative list every
installation carries; the decision each kind of case gets, asked of
`certificates.rules.decide` itself.

Bulk rows (`generate_chunk`, one chunk of committees at a time, in worker processes):
per committee its clerk, head and custodian with their grants, its physical seal in use and
the custodian's custody; cases over the years (received on working days in office hours,
busier in residents' committees and in January–March and August–September, fewer each
year as the lists take effect; residents with valid 公民身份号码, several cases each)
that end, in the shares of KINDS,

- issued (positive-list items: simple ones mostly on the spot, time-limited ones within
  or after their due date; a negative-list item under the factual-issuance exception,
  with its ExceptionRecord; a public-interest matter outside the list, "special case",
  with its Consultation) — each with its serial, its sealed certificate-category usage
  request and the certificate register entry, nearly always confirmed by the resident;
- committed (告知承诺: the Commitment and its VerificationTask, most of them closed);
- refused (negative-list items with the item's route and departments; no legal basis;
  positive-list items whose facts could not be verified), with notice numbers;
- withdrawn, or transferred to the Party organisation;
- still open when their next step would come after now (received, verified, approved;
  time-limited ones may be past their due date);

and the committee's work-category seal uses (W1–W3), most of them sealed with their work
register entries. Register entries are hashed and chained exactly as
`ledger.services.append` does (`ledger verify` accepts them), numbered per committee,
register and year; serials, refusal notices and commitments are gap-free per committee
and year with their counters.

Ids are fixed by position (committee index, case index), so the chunks need no
coordination; a case's seal use, register entry and confirmation share its offset.
What is not written: audit-journal entries of the steps, the request ↔ list-version
links (certificates_certificaterequest_catalogue_versions), attachments and files (the
file columns name paths that do not exist).
"""

import base64
import calendar
import datetime as dt
import hashlib
import json
import os
import random
import time
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

# The national division codes; YINZHENG_BENCH_DIVISIONS names another folder of the
# same five files (a test's tiny province).
DIVISIONS = Path(
    os.environ.get("YINZHENG_BENCH_DIVISIONS")
    or Path(__file__).resolve().parents[2] / "shared" / "data" / "divisions"
)
LOCAL = 8 * 3600  # Asia/Shanghai: UTC+8 the whole year
DAY = 86400
GENESIS = "0" * 64
QUOTE, ESCAPED_QUOTE = '"', '\\"'

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国玉梅红志文斌辉鹏宇浩凯俊峰亮欣怡婷雪琳晨阳海燕丹"  # noqa: E501
PURPOSES = {
    "C1": [
        "申请城乡居民最低生活保障",
        "申请临时救助",
        "办理残疾人两项补贴",
        "申请高龄津贴",
        "申请特困人员救助供养",
        "申请公租房",
    ],
    "C2": [
        "办理子女入学",
        "申领居住证",
        "办理城乡居民养老保险待遇领取资格认证",
        "办理医疗保险报销",
        "办理银行贷款",
        "办理户口迁移",
        "办理就业登记",
        "办理车辆过户",
    ],
    "C3": ["协助办理农村土地确权登记", "协助办理征地补偿", "协助开展人口普查核对"],
}
UNITS = {
    "C1": ["县民政局", "镇人民政府社会事务办", "县残疾人联合会", "县住房和城乡建设局"],
    "C2": [
        "县人力资源和社会保障局",
        "县医疗保障局",
        "某中心小学",
        "某商业银行支行",
        "县公安局某派出所",
        "县教育局",
    ],
    "C3": ["县农业农村局", "县自然资源局", "县统计局"],
}
CATEGORY_LABELS = {
    "W1": "组织村（居）民依法开展自治活动的事项",
    "W2": "依法依规协助行政事务的事项",
    "W3": "依法依规开展其他工作的事项",
    "C1": "村（居）民申请相关保障事项，需村（居）委会提供相关证明的",
    "C2": "应村（居）民办事需要，村（居）委会根据掌握情况有能力提供证明的",
    "C3": "其他协助行政事务需要提供相关证明的",
}
WORK_CONTENT = {
    "W1": [
        "关于召开村（居）民代表会议的通知",
        "村（居）务公开栏公示材料",
        "村规民约修订稿",
    ],
    "W2": ["协助开展人口普查工作的报告", "高龄津贴发放花名册", "防汛值班安排表"],
    "W3": ["村（居）集体资产清查报告", "环境卫生整治工作方案", "党群服务中心值班表"],
}
# Items that reach no catalogue: no legal basis (REQ-033) — and public-interest matters
# outside the list (REQ-035), and Party matters (REQ-043).
NO_BASIS_TEXTS = [
    "无房产证明",
    "家庭收入证明",
    "未婚证明",
    "出行情况证明",
    "品行良好证明",
    "放弃继承声明见证",
]
PUBLIC_INTEREST_TEXTS = [
    "小区加装电梯居民同意情况证明",
    "村道硬化工程占地协商情况证明",
    "集体土地流转村民意见证明",
]
PARTY_TEXTS = ["党员身份证明", "党组织关系介绍信", "入党积极分子政治审查证明"]
FACTS = "兹证明该申请人所述情况属实（基准数据，经入户核实）。"
TEMPLATE_FALLBACK = "兹证明（申请人）……特此证明。村（居）民委员会（盖章）年月日"


# Timestamps -----------------------------------------------------------------------------


def local_midnight(day: dt.date) -> int:
    """Epoch seconds of the day's local midnight."""
    return calendar.timegm(day.timetuple()) - LOCAL


# Timestamps are formatted from tables (a day's date, a second's time of day): a few
# strings per row, millions of rows — time.strftime would be a fifth of the run.
_EPOCH_DAY = (dt.date(1990, 1, 1) - dt.date(1970, 1, 1)).days
_DATES = [
    (dt.date(1990, 1, 1) + dt.timedelta(days=n)).isoformat() for n in range(50 * 366)
]
_YEARS = [int(d[:4]) for d in _DATES]
_TIMES = [f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00" for s in range(DAY)]
_MINUTES = [f" {m // 60:02d}:{m % 60:02d}" for m in range(1440)]


def ts(seconds: int) -> str:
    """A timestamptz in COPY text form (UTC)."""
    return _DATES[seconds // DAY - _EPOCH_DAY] + _TIMES[seconds % DAY]


def at_text(seconds: int) -> str:
    """What `ledger.services._at_text` gives for that instant (whole seconds)."""
    time_of_day = _TIMES[seconds % DAY]
    return f"{_DATES[seconds // DAY - _EPOCH_DAY]}T{time_of_day[1:9]}.000000+00:00"


def local_minute(seconds: int) -> str:
    local = seconds + LOCAL
    return _DATES[local // DAY - _EPOCH_DAY] + _MINUTES[local % DAY // 60]


def local_date(seconds: int) -> str:
    return _DATES[(seconds + LOCAL) // DAY - _EPOCH_DAY]


def local_year(seconds: int) -> int:
    return _YEARS[(seconds + LOCAL) // DAY - _EPOCH_DAY]


class Dice(random.Random):
    """random.Random with quicker randrange and choice (one float draw, scaled): the
    data needs spread, not the last bit of uniformity."""

    def randrange(self, start, stop=None, step=1):  # type: ignore[override]
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))

    def choice(self, seq):  # type: ignore[override]
        return seq[int(self.random() * len(seq))]


class Calendar:
    """Days from `first` to `last` (and four months beyond, for due dates), which of
    them are working days by the official calendar, and the weight of each day as a
    day cases arrive on."""

    SEASON = {1: 1.3, 2: 0.8, 3: 1.2, 4: 1.0, 5: 0.9, 6: 1.0,
              7: 1.05, 8: 1.3, 9: 1.25, 10: 0.8, 11: 0.95, 12: 1.1}  # fmt: skip

    def __init__(self, first: dt.date, last: dt.date, decline: float) -> None:
        from yinzheng.core.workdays import is_working_day

        self.first = first
        self.receipt_days = (last - first).days + 1
        self.days = [
            first + dt.timedelta(days=n) for n in range(self.receipt_days + 130)
        ]
        self.midnight = [local_midnight(d) for d in self.days]
        self.iso = [d.isoformat() for d in self.days]
        self.working = [is_working_day(d) for d in self.days]
        self.work_days = [i for i, w in enumerate(self.working) if w]
        weights = []
        for n in range(self.receipt_days):
            day = self.days[n]
            years = n / 365.25
            weight = self.SEASON[day.month] * (1 - decline) ** years
            weights.append(weight if self.working[n] else weight * 0.03)
        self.cum_weights = list(accumulate(weights))

    def day_of(self, seconds: int) -> int:
        return (seconds + LOCAL) // DAY - (self.midnight[0] + LOCAL) // DAY

    def add_working(self, day: int, n: int) -> int:
        """The day `n` working days after `day` (`day` itself not counted), as the
        project's `workdays.add_working_days` counts."""
        if n <= 0:
            return day
        return self.work_days[bisect_right(self.work_days, day) + n - 1]

    def office_time(self, day: int, rng: random.Random) -> int:
        """A moment in office hours (08:30–12:00, 14:30–17:30) of the day."""
        if rng.random() < 0.58:
            return self.midnight[day] + 30600 + int(rng.random() * 12600)
        return self.midnight[day] + 52200 + int(rng.random() * 10800)


# COPY -----------------------------------------------------------------------------------


def esc(value: Any) -> str:
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def esc_json(value: Any) -> str:
    return esc(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


N = r"\N"


class CopyTable:
    """Rows of one model's table in COPY text form: the columns named in `given`
    (in that order) per row, every other column at the model's default (an
    auto_now[_add] column at `now`). A column without default, not null and not given
    is an error here, not in the middle of a load."""

    def __init__(self, model, given: list[str], now: str) -> None:
        from django.db import models

        self.table = model._meta.db_table
        fields = {f.column: f for f in model._meta.concrete_fields}
        unknown = [c for c in given if c not in fields]
        if unknown:
            raise ValueError(f"{self.table}: no column {unknown}")
        rest = []
        for column, f in fields.items():
            if column in given:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                rest.append((column, now))
                continue
            value = f.get_default()
            if value is None and not f.null:
                raise ValueError(f"{self.table}.{column} needs a value")
            if isinstance(f, models.JSONField):
                rest.append((column, esc_json(value)))
            elif hasattr(value, "value"):  # a TextChoices member
                rest.append((column, esc(value.value)))
            else:
                rest.append((column, esc(value)))
        self.columns = [*given, *(c for c, _v in rest)]
        self.width = len(given)
        self.tail = "".join("\t" + v for _c, v in rest) + "\n"

    def line(self, values: list[str]) -> str:
        return "\t".join(values) + self.tail

    def copy_sql(self) -> str:
        return f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN"


# What a case may be -------------------------------------------------------------------


@dataclass
class Variant:
    """One kind of case for one item: the intake columns that follow from it (the
    decision as `rules.decide` gives it) and what happens next."""

    kind: str
    item_id: int | None
    item_name: str
    intake: str  # COPY text of the intake group of columns (see INTAKE_COLUMNS)
    complexity: str
    time_limit: int
    refusal: tuple[str, str, str, str] = ("", "", "", "")  # reason, route, dept, basis
    template: str = ""
    closing_note: str = ""
    item_key: str = ""


INTAKE_COLUMNS = [
    "item_id",
    "item_text",
    "public_interest",
    "party_related",
    "intake_class",
    "outcome",
    "decision",
    "list_kind",
    "list_title",
    "complexity",
    "time_limit_days",
]

# Shares of all cases (the rest of the path follows from the kind; recent cases may
# still be open).
KINDS = {
    "issued": 0.764,  # positive list
    "committed": 0.05,
    "refused_positive": 0.012,
    "withdrawn": 0.025,
    "refused_negative": 0.08,
    "exception": 0.008,  # negative list, factual issuance (REQ-037)
    "refused_no_basis": 0.035,
    "special": 0.006,  # public interest outside the list (REQ-035)
    "transferred": 0.02,
}
POSITIVE_WEIGHTS = {
    "sample_actual_residence": 34,
    "sample_land_contract": 16,
    "sample_collective_membership": 16,
    "sample_dispute_mediation": 10,
    "sample_guardian_designation": 12,
    "sample_grassland_contract": 4,
}
NEGATIVE_WEIGHTS = {
    "kinship_certificate": 18,
    "proof_of_life": 14,
    "property_certificate": 10,
    "marital_status_certificate": 10,
    "identity_info_certificate": 8,
    "no_criminal_record_certificate": 7,
    "employment_status_certificate": 6,
    "disability_status_certificate": 5,
    "illness_status_certificate": 5,
    "death_certificate": 4,
    "birth_certificate": 3,
    "lost_document_certificate": 3,
    "inheritance_right_certificate": 2,
    "business_premises_certificate": 2,
}
FINAL = {
    "issued": "issued",
    "exception": "issued",
    "special": "issued",
    "committed": "committed",
    "refused_negative": "refused",
    "refused_no_basis": "refused",
    "refused_positive": "refused",
    "withdrawn": "withdrawn",
    "transferred": "transferred",
}
EXCEPTION_ITEMS = ("kinship_certificate", "proof_of_life", "property_certificate")
TIME_LIMITED = {"sample_land_contract": 5, "sample_collective_membership": 10}
COMMITMENT_ITEM = "sample_actual_residence"


@dataclass
class Catalogue:
    """What the generator needs of the catalogue: variants by kind with weights."""

    variants: dict[str, list[Variant]] = field(default_factory=dict)
    weights: dict[str, list[float]] = field(default_factory=dict)
    positive_list: str = ""
    negative_list: str = ""


def prepare_catalogue(province: str, valid_from: dt.date, committee: str) -> Catalogue:
    """The demo's positive-list items on a provincial list published from
    `valid_from`, and every kind of case's decision from `rules.decide` (on
    `committee`'s effective catalogue, which every committee of the province shares)."""
    from django.utils import translation

    from yinzheng.catalogue import services
    from yinzheng.catalogue.choices import Complexity, ListKind
    from yinzheng.catalogue.models import CatalogueList, Guide, Item
    from yinzheng.certificates import rules, selectors
    from yinzheng.core.actors import SYSTEM
    from yinzheng.demo.catalogue import ITEMS, ensure_demo_item

    translation.activate("zh-hans")
    for spec in ITEMS:
        ensure_demo_item(spec)
    for key, days in TIME_LIMITED.items():  # as certificates/tests/factories.py does
        Item.objects.filter(key=key).update(
            complexity=Complexity.COMPLEX, time_limit_days=days
        )
        Guide.objects.filter(item__key=key).update(time_limit_days=days)
    Item.objects.filter(key=COMMITMENT_ITEM).update(commitment_allowed=True)
    if not CatalogueList.objects.filter(owner_id=province, kind=ListKind.POSITIVE):
        catalogue_list = services.list_create(
            actor=SYSTEM,
            owner_code=province,
            kind=ListKind.POSITIVE,
            title="基层群众性自治组织出具证明事项清单（基准数据）",
            sample=True,
        )
        version = services.version_draft(
            actor=SYSTEM,
            list_id=catalogue_list.pk,
            reason="（基准数据）",
            source_document="（基准数据）无真实来源文件",
        )
        for spec in ITEMS:
            services.version_add_item(
                actor=SYSTEM, version_id=version.pk, item_key=spec.key
            )
        services.version_approve(
            actor=SYSTEM,
            version_id=version.pk,
            approval_body="（基准数据）省民政厅",
            approval_date=valid_from,
            approval_reference="（基准数据）无批准文号",
        )
        services.version_publish(
            actor=SYSTEM, version_id=version.pk, valid_from=valid_from
        )

    items = {i.key: i for i in Item.objects.all()}
    guides = {g.item_id: g.certificate_format for g in Guide.objects.all()}
    on = dt.date.today()

    def entry(item):
        found = selectors.catalogue_entry(item, committee, on)
        return found.list_kind, found.list_title

    catalogue = Catalogue()

    def add(kind, weight, item, *, text="", facts=None, **extra) -> Variant:
        list_kind, list_title = entry(item) if item is not None else ("none", "")
        item_facts = selectors.item_facts(
            item, name=text or item.name, list_kind=list_kind, list_title=list_title
        )
        decision = rules.decide(item_facts, facts or rules.RequestFacts())
        request_facts = facts or rules.RequestFacts()
        intake = "\t".join(
            [
                esc(item.pk if item is not None else None),
                esc(text or item.name),
                esc(request_facts.public_interest),
                esc(request_facts.party_related),
                esc(decision.intake_class),
                esc(decision.outcome),
                esc_json(decision.as_dict()),
                esc(list_kind),
                esc(list_title),
                esc(item_facts.complexity),
                esc(item_facts.time_limit_days),
            ]
        )
        variant = Variant(
            kind=kind,
            item_id=item.pk if item is not None else None,
            item_name=text or item.name,
            intake=intake,
            complexity=item_facts.complexity,
            time_limit=item_facts.time_limit_days or 0,
            template=guides.get(item.pk, "") if item is not None else "",
            item_key=item.key if item is not None else "",
            **extra,
        )
        variant.decision = decision  # type: ignore[attr-defined]
        catalogue.variants.setdefault(kind, []).append(variant)
        catalogue.weights.setdefault(kind, []).append(weight)
        if list_kind == "positive":
            catalogue.positive_list = list_title
        if list_kind == "negative":
            catalogue.negative_list = list_title
        return variant

    for key, weight in POSITIVE_WEIGHTS.items():
        add("issued", weight, items[key])
        add("withdrawn", weight, items[key], closing_note="申请人撤回：不再需要该证明")
        add(
            "refused_positive",
            weight,
            items[key],
            refusal=(
                "经入户核实，申请人所述情况与实际不符，无法据实出具",
                "请申请人补充能够证明该情况的材料后重新申请",
                "本村（居）民委员会",
                "",
            ),
        )
    add("committed", 1, items[COMMITMENT_ITEM])
    for key, weight in NEGATIVE_WEIGHTS.items():
        item = items[key]
        decision = add("refused_negative", weight, item).decision  # type: ignore[attr-defined]
        catalogue.variants["refused_negative"][-1].refusal = (
            "该事项列入负面清单，村（居）民委员会一般情况下不予出具",
            decision.route,
            decision.department or "业务归口管理部门",
            f"列入《{catalogue.negative_list}》的“{item.name}”",
        )
    for key in EXCEPTION_ITEMS:
        add(
            "exception",
            NEGATIVE_WEIGHTS[key],
            items[key],
            facts=rules.RequestFacts(
                exception=rules.ExceptionFacts(
                    trigger="policy_gap",
                    within_duties=True,
                    verifiable=True,
                    evidence="入户核实，邻里走访",
                    assessment="已充分评估",
                    precautions="已预先防范",
                    materials_retained=True,
                )
            ),
        )
    for text in NO_BASIS_TEXTS:
        # The department is the unit that demands it (REQ-049), set per case.
        add(
            "refused_no_basis",
            1,
            None,
            text=text,
            refusal=(
                "该证明没有法律法规依据，村（居）委会不予出具",
                "请向要求提供证明的单位说明：该证明没有法律法规依据，"
                "相关情况由该单位通过信息共享或依职责自行核实",
                "",
                "该证明无法律法规依据，未列入国务院保留证明事项清单",
            ),
        )
    for text in PUBLIC_INTEREST_TEXTS:
        add(
            "special",
            1,
            None,
            text=text,
            facts=rules.RequestFacts(
                public_interest=True,
                consultation=rules.ConsultationFacts(
                    form="representatives",
                    held_on=on,
                    participants="村（居）民代表二十一人",
                    result="agreed",
                    head_signed=True,
                ),
            ),
        )
    for text in PARTY_TEXTS:
        v = add(
            "transferred",
            1,
            None,
            text=text,
            facts=rules.RequestFacts(party_related=True),
        )
        v.closing_note = v.decision.route  # type: ignore[attr-defined]
    for kind, variants in catalogue.variants.items():
        for v in variants:
            expected = "refuse" if kind.startswith("refused_") else None
            if kind == "refused_no_basis":
                expected = "not_issued"
            if kind == "transferred":
                expected = "transfer_party"
            if kind in ("issued", "committed", "exception", "special", "withdrawn"):
                expected = "issue"
            if kind == "refused_positive":
                expected = "issue"  # refused by the clerk after looking into it
            got = v.decision.outcome  # type: ignore[attr-defined]
            assert got == expected, (kind, v.item_name, got)
        for v in variants:
            del v.decision  # type: ignore[attr-defined]
    return catalogue


# The province ---------------------------------------------------------------------------


@dataclass
class Committee:
    index: int
    code: str
    name: str
    kind: str
    cases: int = 0
    work: int = 0
    case_offset: int = 0
    work_offset: int = 0


@dataclass
class Bases:
    """The first id of each table's block (max(id) + 1 when the load begins)."""

    user: int
    grant: int
    seal: int
    custody: int
    chain: int
    counter: int
    case: int
    usage: int
    entry: int
    confirmation: int
    commitment: int
    task: int
    exception: int
    consultation: int
    checkpoint: int = 0
    document: int = 0


@dataclass
class Signing:
    """What the province dataset (benchmarks/generate.py) signs with, made once in the
    main process through the services: each township's issuing-authority key (its
    id, PKCS#8 DER and format-2 kid), which signs its committees' register checkpoints
    and the QR tokens of their paper certificates; the holder-name HMAC of the
    installation's verification secret (esign.qr.name_tag)."""

    keys: dict[str, tuple[int, bytes, str]]
    name_salt: str
    name_key: bytes
    tokens_from: int  # paper certificates sealed from then on get their token


@dataclass
class Plan:
    """Everything a worker needs: plain data, picklable."""

    seed: int
    first: dt.date
    last: dt.date
    now: int
    decline: float
    total_cases: int
    first_year: int
    bases: Bases
    catalogue: Catalogue
    database_url: str
    work_share: float
    span: int = 4  # calendar years the data touches: chain and counter id slots
    signing: Signing | None = None


def plan_committees(
    committees: list[tuple[str, str, str]],
    cases: int,
    work_share: float,
    seed: int,
    busy: tuple[int, float] = (0, 1.0),
) -> list[Committee]:
    """Split `cases` over the committees: residents' committees see about 2.5 times a
    village's work, and each committee its own size (log-normal); `busy` = (n, factor):
    n residents' committees, drawn at random, see `factor` times that again (the big
    urban communities)."""
    rng = random.Random(seed)
    weights = []
    for _code, _name, kind in committees:
        weight = rng.lognormvariate(0, 0.55) * (2.5 if kind == "residents" else 1.0)
        weights.append(weight)
    residents = [i for i, c in enumerate(committees) if c[2] == "residents"]
    for i in rng.sample(residents, min(busy[0], len(residents))):
        weights[i] *= busy[1]
    total = sum(weights)
    out, case_offset, work_offset = [], 0, 0
    exact = [cases * w / total for w in weights]
    counts = [int(x) for x in exact]
    # Hand the rounding remainder to the largest fractions, so the sum is exact.
    short = cases - sum(counts)
    if short:
        for i in sorted(range(len(exact)), key=lambda i: exact[i] - counts[i])[-short:]:
            counts[i] += 1
    for index, ((code, name, kind), n) in enumerate(
        zip(committees, counts, strict=True)
    ):
        work = round(n * work_share)
        out.append(
            Committee(index, code, name, kind, n, work, case_offset, work_offset)
        )
        case_offset += n
        work_offset += work
    return out


# Generation -----------------------------------------------------------------------------


class Tables:
    """The COPY layout of every table the generator writes."""

    def __init__(self, now: str) -> None:
        from yinzheng.accounts.models import RoleGrant, User
        from yinzheng.certificates.models import (
            CertificateRequest,
            Commitment,
            Consultation,
            ExceptionRecord,
            SerialCounter,
            VerificationTask,
        )
        from yinzheng.esign.models import SignedDocument
        from yinzheng.ledger.models import (
            Chain,
            Checkpoint,
            CheckpointSeries,
            Confirmation,
            Entry,
        )
        from yinzheng.seals.models import Custody, Seal, UsageRequest

        self.user = CopyTable(
            User,
            ["id", "password", "username", "full_name", "phone", "date_joined"],
            now,
        )
        self.grant = CopyTable(
            RoleGrant, ["id", "user_id", "role", "division_id", "granted_at"], now
        )
        self.seal = CopyTable(
            Seal,
            [
                "id",
                "committee_id",
                "issuer_id",
                "form",
                "serial",
                "imprint",
                "issued_on",
                "storage_location",
                "status",
                "created_at",
                "activated_at",
            ],
            now,
        )
        self.custody = CopyTable(
            Custody, ["id", "seal_id", "custodian_id", "appointed_by_id", "since"], now
        )
        self.chain = CopyTable(
            Chain,
            ["id", "key", "kind", "division_id", "head_seq", "head_hash", "created_at"],
            now,
        )
        self.entry = CopyTable(
            Entry,
            [
                "id",
                "chain_id",
                "seq",
                "prev_hash",
                "hash",
                "recorded_at",
                "event",
                "subject",
                "actor_id",
                "body",
            ],
            now,
        )
        self.confirmation = CopyTable(
            Confirmation,
            [
                "id",
                "entry_id",
                "method",
                "paper_reference",
                "recorded_by_id",
                "recorded_at",
            ],
            now,
        )
        self.counter = CopyTable(
            SerialCounter, ["id", "committee_id", "year", "kind", "last"], now
        )
        self.usage = CopyTable(
            UsageRequest,
            [
                "id",
                "committee_id",
                "seal_id",
                "category",
                "content",
                "copies",
                "document",
                "document_sha256",
                "matter_ref",
                "requiring_unit",
                "purpose",
                "phone",
                "certificate_no",
                "status",
                "handler_id",
                "submitted_at",
                "reviewer_id",
                "reviewed_at",
                "not_blank_confirmed",
                "review_note",
                "approver_id",
                "approved_at",
                "approved_sha256",
                "custodian_id",
                "sealed_at",
                "register_entry_id",
                "closing_reason",
            ],
            now,
        )
        self.case = CopyTable(
            CertificateRequest,
            [
                "id",
                "committee_id",
                "tracking_code",
                "resident_name",
                "id_number",
                "phone",
                "purpose",
                "requiring_unit",
                "facts",
                "category",
                *INTAKE_COLUMNS,
                "due_on",
                "status",
                "received_by_id",
                "received_at",
                "verified_by_id",
                "verified_at",
                "verification_what",
                "verification_how",
                "serial",
                "template_text",
                "certificate_pdf",
                "certificate_sha256",
                "seal_id",
                "usage_id",
                "approved_by_id",
                "approved_at",
                "issued_by_id",
                "issued_at",
                "on_the_spot",
                "register_entry_id",
                "refused_by_id",
                "refused_at",
                "refusal_reason",
                "refusal_route",
                "refusal_department",
                "refusal_basis",
                "refusal_notice_no",
                "refusal_notice",
                "closed_by_id",
                "closed_at",
                "closing_note",
            ],
            now,
        )
        self.commitment = CopyTable(
            Commitment,
            [
                "id",
                "request_id",
                "committee_id",
                "number",
                "notification",
                "text",
                "signed_on",
                "pdf",
                "pdf_sha256",
                "signature_method",
                "signature",
                "signature_name",
                "signature_sha256",
                "recorded_by_id",
                "recorded_at",
            ],
            now,
        )
        self.task = CopyTable(
            VerificationTask,
            [
                "id",
                "commitment_id",
                "committee_id",
                "status",
                "result",
                "verified_on",
                "verifier",
                "note",
                "closed_by_id",
                "closed_at",
                "created_at",
            ],
            now,
        )
        self.exception = CopyTable(
            ExceptionRecord,
            [
                "id",
                "request_id",
                "recorded_by_id",
                "recorded_at",
                "trigger",
                "entity_name",
                "within_duties",
                "verifiable",
                "evidence",
                "assessment",
                "precautions",
            ],
            now,
        )
        self.consultation = CopyTable(
            Consultation,
            [
                "id",
                "request_id",
                "recorded_by_id",
                "recorded_at",
                "form",
                "held_on",
                "participants",
                "result",
                "summary",
                "head_signed_by_id",
                "head_signed_at",
            ],
            now,
        )

        self.checkpoint = CopyTable(
            Checkpoint,
            ["id", "chain_id", "seq", "head_hash", "signed_at", "signer_id", "key_id",
             "closing", "signature", "number", "prev_hash", "hash", "from_seq",
             "digests"],
            now,
        )  # fmt: skip
        self.series = CopyTable(
            CheckpointSeries, ["signer_id", "head_number", "head_hash"], now
        )
        self.document = CopyTable(
            SignedDocument,
            ["id", "serial", "committee_id", "item_key", "item_name", "issue_date",
             "holder_masked", "name_salt", "name_hash", "seal_key_id", "token",
             "prepared_at", "approved_sha256", "approved_size", "signed_at",
             "signed_by_id", "register_entry_id"],
            now,
        )  # fmt: skip

    def all(self) -> list[CopyTable]:
        return [
            self.user,
            self.grant,
            self.seal,
            self.custody,
            self.chain,
            self.entry,
            self.confirmation,
            self.counter,
            self.usage,
            self.case,
            self.commitment,
            self.task,
            self.exception,
            self.consultation,
            self.checkpoint,
            self.series,
            self.document,
        ]


def _body_template(register: str) -> str:
    """The canonical body of a register entry as a format string with a placeholder
    per field, built by `canonical` itself."""
    from yinzheng.ledger.canonical import canonical

    names = (
        ["approver", "category", "certificate_no", "content", "copies", "custodian",
         "document_sha256", "handler", "phone", "purpose", "requiring_unit",
         "reviewer", "seal", "sealed_at"]
        if register == "certificate"
        else ["approver", "category", "content", "copies", "custodian",
              "document_sha256", "handler", "reviewer", "seal", "sealed_at"]
    )  # fmt: skip
    marks = {n: f"\x00{n}\x00" for n in names}
    fields: dict[str, Any] = dict(marks)
    fields["copies"] = 7777777  # an int in JSON
    body = canonical(
        {
            "actor": 8888888,
            "data": {"fields": fields, "register": register, "year": 9999},
            "event": "register.entry",
            "subject": "\x00subject\x00",
        }
    )
    body = body.replace("{", "{{").replace("}", "}}")
    body = body.replace("8888888", "{actor}").replace("9999", "{year}")
    body = body.replace("7777777", "{copies}")
    body = body.replace('"\\u0000subject\\u0000"', '"{subject}"')
    for n in names:
        body = body.replace(f'"\\u0000{n}\\u0000"', f'"{{{n}}}"')
    assert "\\u0000" not in body, body
    return body


@dataclass
class Sealed:
    """A sealing waiting for its register entry: sorted by time, then numbered."""

    at: int
    usage_id: int
    register: str
    fields: dict[str, Any]
    custodian: int
    confirm: bool = False
    case_row: list[str | None] | None = None  # a certificate's: its serial, once given
    # A certificate's (item key, item name, holder), for its QR token's record.
    holder: tuple[str, str, str] | None = None


@dataclass
class Case:
    """One case as `ChunkWriter._case` leaves it: its row (a few cells filled in when
    the committee's numbers are given), its seal use and sealing, if any."""

    row: list[str | None]
    status: str
    number: str = ""  # the counter it takes a number from: certificate/refusal/...
    number_at: int = 0
    use: list[str | None] | None = None
    sealed: Sealed | None = None


# Where the numbered cells sit in a case row (Tables.case: the intake group is one
# cell) and in a seal use's.
C_SERIAL, C_PDF = 19, 21
C_NOTICE_NO, C_NOTICE = 37, 38
C_CLOSING_NOTE = 41
U_DOCUMENT, U_CERTIFICATE_NO = 6, 12


class ChunkWriter:
    """Rows of a chunk of committees, table by table, then COPY'd."""

    def __init__(self, plan: Plan, tables: Tables, cal: Calendar) -> None:
        self.plan = plan
        self.t = tables
        self.cal = cal
        self.out: dict[str, list[str]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)
        self.bodies = {r: _body_template(r) for r in ("certificate", "work")}
        self.cum = {
            kind: list(accumulate(weights))
            for kind, weights in plan.catalogue.weights.items()
        }
        self.checked = 0
        # The checkpoints made so far of each township's chains, signed per township.
        self.signed: dict[str, list[tuple]] = defaultdict(list)
        self.private: dict[str, Any] = {}

    # People, seal -----------------------------------------------------------------

    def staff(
        self, c: Committee, rng: random.Random
    ) -> tuple[int, int, int, int, dict]:
        b = self.plan.bases
        users = [b.user + 3 * c.index + r for r in range(3)]
        joined = self.cal.midnight[0] - rng.randrange(30, 900) * DAY + 9 * 3600
        names = {}
        for uid, role, letter in zip(
            users, ("clerk", "head", "custodian"), "chk", strict=True
        ):
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN])
            names[uid] = name
            self.out["user"].append(
                self.t.user.line(
                    [
                        str(uid),
                        "!" + base64.urlsafe_b64encode(rng.randbytes(30)).decode(),
                        f"b{c.code}{letter}",
                        name,
                        f"13{rng.randrange(100000000, 999999999)}",
                        ts(joined),
                    ]
                )
            )
            self.out["grant"].append(
                self.t.grant.line(
                    [str(b.grant + uid - b.user), str(uid), role, c.code, ts(joined)]
                )
            )
        seal = b.seal + c.index
        serial = f"{c.code}-GZ01"
        self.out["seal"].append(
            self.t.seal.line(
                [
                    str(seal),
                    c.code,
                    c.code[:9],
                    "physical",
                    serial,
                    esc(c.name),
                    local_date(joined),
                    "村（居）民委员会办公室保密柜",
                    "in_use",
                    ts(joined),
                    ts(joined + 3600),
                ]
            )
        )
        self.out["custody"].append(
            self.t.custody.line(
                [
                    str(b.custody + c.index),
                    str(seal),
                    str(users[2]),
                    str(users[1]),
                    ts(joined + 3600),
                ]
            )
        )
        self.counts["users"] += 3
        self.counts["seals"] += 1
        return users[0], users[1], users[2], seal, names

    # One committee ----------------------------------------------------------------

    def committee(self, c: Committee) -> None:
        plan, cal = self.plan, self.cal
        rng = Dice(plan.seed * 1_000_003 + c.index)
        people = self.staff(c, rng)
        residents = [_resident(rng, c.code[:6]) for _ in range(max(8, c.cases // 3))]
        kinds = list(KINDS)
        kind_cum = list(accumulate(KINDS.values()))
        days = rng.choices(
            range(cal.receipt_days), cum_weights=cal.cum_weights, k=c.cases
        )
        days.sort()
        numbered: list[tuple[int, str, list[str | None]]] = []  # (at, kind, row)
        rows: list[list[str | None]] = []
        uses: list[tuple[list[str | None], list[str | None]]] = []
        sealed: list[Sealed] = []
        for j, day in enumerate(days):
            kind = kinds[
                min(bisect_right(kind_cum, rng.random() * kind_cum[-1]), len(kinds) - 1)
            ]
            variants = self.plan.catalogue.variants[kind]
            cum = self.cum[kind]
            variant = variants[
                min(bisect_right(cum, rng.random() * cum[-1]), len(variants) - 1)
            ]
            case = self._case(c, j, day, kind, variant, rng, residents, people)
            rows.append(case.row)
            if case.number:
                numbered.append((case.number_at, case.number, case.row))
            if case.use is not None:
                uses.append((case.use, case.row))
            if case.sealed is not None:
                sealed.append(case.sealed)
            self.counts[f"cases {case.status}"] += 1
        sealed += self._work_uses(c, rng, people)
        counters = self._numbers(c, numbered, rng, people)
        for row in rows:
            if None in row:
                raise AssertionError(f"a case row with a hole: {row}")
            self.out["case"].append(self.t.case.line(row))  # type: ignore[arg-type]
        for values, row in uses:
            serial = row[C_SERIAL]
            assert serial
            values[U_DOCUMENT] = f"seal-documents/{serial.split('-')[1]}/{serial}.pdf"
            values[U_CERTIFICATE_NO] = serial
            self.out["usage"].append(self.t.usage.line(values))  # type: ignore[arg-type]
        for (year, kind), last in sorted(counters.items()):
            k = ("certificate", "refusal", "commitment").index(kind)
            counter_id = (
                plan.bases.counter
                + c.index * 3 * plan.span
                + (year - plan.first_year) * 3
                + k
            )
            self.out["counter"].append(
                self.t.counter.line(
                    [str(counter_id), c.code, str(year), kind, str(last)]
                )
            )
        self._registers(c, sealed)
        self.counts["cases"] += c.cases

    def _case(self, c, j, day, kind, variant, rng, residents, people) -> "Case":
        plan, cal, b, t = self.plan, self.cal, self.plan.bases, self.t
        clerk, head, keeper, seal, names = people
        now = plan.now
        case_id = b.case + c.case_offset + j
        offset = case_id - b.case
        if cal.working[day]:
            received = cal.office_time(day, rng)
        else:  # the weekend duty
            received = cal.midnight[day] + 32400 + rng.randrange(0, 7200)
        name, id_number, phone = rng.choice(residents)
        r = rng.random()
        category = "C1" if r < 0.22 else "C3" if r < 0.3 else "C2"
        purpose = rng.choice(PURPOSES[category])
        unit = rng.choice(UNITS[category])
        intake = variant.intake
        if kind == "refused_no_basis":
            # The decision names the unit that demands it (REQ-049).
            intake = _no_basis_intake(variant, unit)
        due_on = N
        if variant.complexity == "complex":
            due_on = cal.iso[cal.add_working(day, variant.time_limit)]
        verified_at = approved_at = issued_at = refused_at = closed_at = None
        refusal = ("", "", "", "")
        closing = ""
        final = FINAL[kind]
        status = final
        if final == "issued":
            verified_at, approved_at, issued_at = _issue_times(
                cal, rng, day, received, variant, kind
            )
            if verified_at > now:
                status, verified_at, approved_at, issued_at = (
                    "received",
                    None,
                    None,
                    None,
                )
            elif approved_at > now:
                status, approved_at, issued_at = "verified", None, None
            elif issued_at > now:
                status, issued_at = "approved", None
        else:
            if kind == "refused_positive":
                later = cal.add_working(day, rng.randrange(1, 4))
                refused_at = cal.office_time(later, rng)
                refusal = variant.refusal
            elif final == "refused":
                refused_at = received + rng.randrange(300, 1500)
                refusal = variant.refusal
                if kind == "refused_no_basis":
                    refusal = (*refusal[:2], unit, refusal[3])
            elif kind == "withdrawn":
                closed_at = received + rng.randrange(1800, 5 * DAY)
                closing = variant.closing_note
            else:  # committed, transferred: at the counter
                closed_at = received + rng.randrange(300, 2400)
                closing = variant.closing_note
            if (refused_at or closed_at) > now:
                status, refused_at, closed_at, refusal, closing = (
                    "received", None, None, ("", "", "", ""), ""
                )  # fmt: skip

        row: list[str | None] = [
            str(case_id),
            c.code,
            base64.urlsafe_b64encode(
                case_id.to_bytes(6, "big") + rng.randbytes(6)
            ).decode(),
            name,
            id_number,
            phone,
            purpose,
            unit,
            FACTS,
            category,
            intake,
            due_on,
            status,
            str(clerk),
            ts(received),
        ]
        case = Case(row=row, status=status)
        usage_id = b.usage + offset
        entry_id = b.entry + offset
        if verified_at is not None:
            sha = f"{rng.getrandbits(256):064x}"  # the PDF's; no file is written
            row += [
                str(clerk),
                ts(verified_at),
                "申请人所述事实",
                "入户查看、走访邻里",
                None,  # the serial, numbered per committee and year afterwards
                esc(variant.template or TEMPLATE_FALLBACK),
                None,  # the PDF's path, named after the serial
                sha,
                str(seal),
                str(usage_id),
            ]
            case.number, case.number_at = "certificate", verified_at
            content = f"{variant.item_name}（{name[0]}{'*' * (len(name) - 1)}）"
            use_status = {"verified": "reviewed", "approved": "approved"}.get(
                status, "sealed"
            )
            case.use = [
                str(usage_id),
                c.code,
                str(seal),
                category,
                content,
                "1",
                None,  # the document, named after the serial
                sha,
                f"certificates.request:{case_id}",
                unit,
                purpose,
                phone,
                None,  # the serial
                use_status,
                str(clerk),
                ts(verified_at),
                str(clerk),
                ts(verified_at),
                "t",
                "已核实：申请人所述事实",
                str(head) if approved_at else N,
                ts(approved_at) if approved_at else N,
                sha if approved_at else "",
                str(keeper) if issued_at else N,
                ts(issued_at) if issued_at else N,
                str(entry_id) if issued_at else N,
                "",
            ]
            if issued_at:
                fields = {
                    "approver": names[head],
                    "category": f"{category} {CATEGORY_LABELS[category]}",
                    "certificate_no": "",  # the serial, once numbered
                    "content": content,
                    "copies": 1,
                    "custodian": names[keeper],
                    "document_sha256": sha,
                    "handler": names[clerk],
                    "phone": phone,
                    "purpose": purpose,
                    "requiring_unit": unit,
                    "reviewer": names[clerk],
                    "seal": f"{c.code}-GZ01",
                    "sealed_at": local_minute(issued_at),
                }
                fresh = now - issued_at < 14 * DAY
                case.sealed = Sealed(
                    issued_at,
                    usage_id,
                    "certificate",
                    fields,
                    keeper,
                    rng.random() < (0.8 if fresh else 0.97),
                    row,
                    (variant.item_key, variant.item_name, name),
                )
        else:
            row += [N, N, "", "", "", "", "", "", N, N]
        row += [str(head) if approved_at else N, ts(approved_at) if approved_at else N]
        if issued_at:
            same_day = cal.day_of(issued_at) == cal.day_of(received)
            spot = variant.complexity != "complex" and same_day  # as request_issue
            row += [str(keeper), ts(issued_at), "t" if spot else "f", str(entry_id)]
        else:
            row += [N, N, "f", N]
        if refused_at:
            row += [str(clerk), ts(refused_at), *(esc(x) for x in refusal), None, None]
            case.number, case.number_at = "refusal", refused_at
        else:
            row += [N, N, "", "", "", "", "", ""]
        if closed_at:
            row += [str(clerk), ts(closed_at), esc(closing)]
            if status == "committed":
                case.number, case.number_at = "commitment", closed_at
        else:
            row += [N, N, ""]
        assert len(row) == self.t.case.width - len(INTAKE_COLUMNS) + 1

        if kind == "exception" and verified_at is not None:
            self.out["exception"].append(
                t.exception.line(
                    [
                        str(b.exception + offset),
                        str(case_id),
                        str(clerk),
                        ts(received + 120),
                        "policy_gap",
                        "",
                        "t",
                        "t",
                        "入户核实，走访邻里，查阅村（居）档案",
                        "属于自身职责范围且能够核实，已充分评估出具风险",
                        "证明仅写明核实的事实，注明用途，相关资料登记留存",
                    ]
                )
            )
            self.counts["exception records"] += 1
        if kind == "special" and verified_at is not None:
            # The residents' representatives meet early on the day it is verified
            # (07:00 local), the head signs at 08:00, before office hours.
            held = cal.day_of(verified_at)
            self.out["consultation"].append(
                t.consultation.line(
                    [
                        str(b.consultation + offset),
                        str(case_id),
                        str(clerk),
                        ts(cal.midnight[held] + 7 * 3600),
                        "representatives",
                        cal.iso[held],
                        "村（居）民代表二十一人，应到二十三人",
                        "agreed",
                        "经议事协商，同意出具",
                        str(head),
                        ts(cal.midnight[held] + 8 * 3600),
                    ]
                )
            )
            self.counts["consultations"] += 1
        return case

    def _work_uses(self, c: Committee, rng: random.Random, people) -> list["Sealed"]:
        """The committee's work-category seal uses (W1–W3): most sealed, a few
        rejected or withdrawn, the last ones still on their way."""
        plan, cal, b = self.plan, self.cal, self.plan.bases
        clerk, head, keeper, seal, names = people
        now = plan.now
        sealed = []
        days = rng.choices(
            range(cal.receipt_days), cum_weights=cal.cum_weights, k=c.work
        )
        for j, day in enumerate(sorted(days)):
            usage_id = b.usage + plan.total_cases + c.work_offset + j
            if cal.working[day]:
                submitted = cal.office_time(day, rng)
            else:
                submitted = cal.midnight[day] + 32400 + rng.randrange(0, 3600)
            reviewed: int | None = submitted + rng.randrange(600, 6 * 3600)
            approved: int | None = reviewed + rng.randrange(600, 2 * DAY)  # type: ignore[operator]
            sealed_at: int | None = approved + rng.randrange(300, DAY)  # type: ignore[operator]
            category = rng.choices(("W1", "W2", "W3"), weights=(40, 45, 15))[0]
            content = rng.choice(WORK_CONTENT[category])
            sha = f"{rng.getrandbits(256):064x}"
            r = rng.random()
            closing = ""
            if r < 0.03:
                status, approved, sealed_at = "rejected", None, None
                closing = "用印内容与事由不符，退回"
            elif r < 0.045:
                status, approved, sealed_at = "withdrawn", None, None
                closing = "经办人撤回"
            elif sealed_at <= now:  # type: ignore[operator]
                status = "sealed"
            elif approved <= now:  # type: ignore[operator]
                status, sealed_at = "approved", None
            elif reviewed <= now:  # type: ignore[operator]
                status, approved, sealed_at = "reviewed", None, None
            else:
                status, reviewed, approved, sealed_at = "submitted", None, None, None
            if status in ("rejected", "withdrawn") and reviewed > now:  # type: ignore[operator]
                reviewed = None
            entry_id = b.entry + usage_id - b.usage
            copies = rng.choice((1, 1, 1, 2, 3))
            month = local_date(submitted)[:7].replace("-", "/")
            self.out["usage"].append(
                self.t.usage.line(
                    [
                        str(usage_id),
                        c.code,
                        str(seal),
                        category,
                        content,
                        str(copies),
                        f"seal-documents/{month}/w{usage_id}.pdf",
                        sha,
                        "",
                        "",
                        "",
                        "",
                        "",
                        status,
                        str(clerk),
                        ts(submitted),
                        str(clerk) if reviewed else N,
                        ts(reviewed) if reviewed else N,
                        "t" if reviewed else "f",
                        "已审核" if reviewed else "",
                        str(head) if approved else N,
                        ts(approved) if approved else N,
                        sha if approved else "",
                        str(keeper) if sealed_at else N,
                        ts(sealed_at) if sealed_at else N,
                        str(entry_id) if sealed_at else N,
                        closing,
                    ]
                )
            )
            self.counts[f"work uses {status}"] += 1
            if sealed_at:
                fields = {
                    "approver": names[head],
                    "category": f"{category} {CATEGORY_LABELS[category]}",
                    "content": content,
                    "copies": copies,
                    "custodian": names[keeper],
                    "document_sha256": sha,
                    "handler": names[clerk],
                    "reviewer": names[clerk],
                    "seal": f"{c.code}-GZ01",
                    "sealed_at": local_minute(sealed_at),
                }
                sealed.append(Sealed(sealed_at, usage_id, "work", fields, keeper))
        return sealed

    def _numbers(self, c, numbered, rng, people) -> dict[tuple[int, str], int]:
        """Serials, refusal notices and commitments: gap-free per committee, year and
        kind, in the order they were given; a commitment's rows with its number."""
        b, now = self.plan.bases, self.plan.now
        clerk, _head, _keeper, _seal, names = people
        counters: dict[tuple[int, str], int] = defaultdict(int)
        for at, kind, row in sorted(numbered, key=lambda x: (x[0], int(x[2][0]))):
            year = local_year(at)
            counters[(year, kind)] += 1
            n = counters[(year, kind)]
            if kind == "certificate":
                serial = f"{c.code}-{year}-{n:06d}"
                row[C_SERIAL] = serial
                row[C_PDF] = f"certificates/{year}/{serial}.pdf"
                continue
            if kind == "refusal":
                number = f"{c.code}-{year}-BY{n:05d}"
                row[C_NOTICE_NO] = number
                row[C_NOTICE] = f"certificates/refusals/{year}/{number}.pdf"
                continue
            number = f"{c.code}-{year}-CN{n:05d}"
            row[C_CLOSING_NOTE] = esc(f"以告知承诺代替证明：{number}")
            offset = int(row[0]) - b.case  # type: ignore[arg-type]
            sha = f"{rng.getrandbits(256):064x}"
            self.out["commitment"].append(
                self.t.commitment.line(
                    [
                        str(b.commitment + offset),
                        row[0],  # type: ignore[list-item]
                        c.code,
                        number,
                        "您申请的证明事项实行告知承诺制：……（基准数据）",
                        "本人承诺所填写的情况属实，如有虚假愿承担相应法律责任。（基准数据）",
                        local_date(at),
                        f"certificates/commitments/{year}/{number}.pdf",
                        sha,
                        "scan",
                        f"certificates/commitments/signatures/{year}/{number}.png",
                        "signature.png",
                        sha,
                        str(clerk),
                        ts(at),
                    ]
                )
            )
            age = now - at
            if age > 60 * DAY or (age > 20 * DAY and rng.random() < 0.5):
                checked = min(at + rng.randrange(5, 40) * DAY, now - DAY)
                task = [
                    "closed",
                    "true" if rng.random() < 0.98 else "false",
                    local_date(checked),
                    names[clerk],
                    "入户核查，承诺属实",
                    str(clerk),
                    ts(checked),
                ]
            else:
                task = ["open", "", N, "", "", N, N]
            self.out["task"].append(
                self.t.task.line(
                    [
                        str(b.task + offset),
                        str(b.commitment + offset),
                        c.code,
                        *task,
                        ts(at),
                    ]
                )
            )
            self.counts["commitments"] += 1
        return counters

    def _registers(self, c: Committee, sealed: list["Sealed"]) -> None:
        """The register entries, chained and hashed as ledger.services.append does."""
        plan, t, b = self.plan, self.t, self.plan.bases
        by_chain: dict[tuple[str, int], list[Sealed]] = defaultdict(list)
        for s in sealed:
            by_chain[(s.register, local_year(s.at))].append(s)
        for (register, year), items in sorted(by_chain.items()):
            items.sort(key=lambda s: (s.at, s.usage_id))
            slot = (year - plan.first_year) * 2 + (register == "work")
            chain_id = b.chain + c.index * 2 * self.plan.span + slot
            key = f"register:{register}:{c.code}:{year}"
            template = self.bodies[register]
            prev = GENESIS
            hashes: list[str] = []
            for seq, s in enumerate(items, start=1):
                fields = s.fields
                if s.case_row is not None:
                    fields["certificate_no"] = s.case_row[C_SERIAL]
                subject = f"seals.usagerequest:{s.usage_id}"
                body = template.format(
                    actor=s.custodian, year=year, subject=subject, **fields
                )
                if self.checked < 20:  # the template says what canonical() says
                    self._check(body, s, register, year, subject, fields)
                # ledger.canonical.entry_material, spelled out: every string here is
                # plain (no quotes, backslashes or control characters) but the body.
                material = (
                    f'{{"at":"{at_text(s.at)}",'
                    f'"body":"{body.replace(QUOTE, ESCAPED_QUOTE)}",'
                    f'"chain":"{key}","prev":"{prev}","seq":{seq}}}'
                )
                digest = hashlib.sha256(material.encode()).hexdigest()
                entry_id = b.entry + s.usage_id - b.usage
                self.out["entry"].append(
                    t.entry.line(
                        [
                            str(entry_id),
                            str(chain_id),
                            str(seq),
                            prev,
                            digest,
                            ts(s.at),
                            "register.entry",
                            subject,
                            str(s.custodian),
                            esc(body),
                        ]
                    )
                )
                if s.confirm:
                    self.out["confirmation"].append(
                        t.confirmation.line(
                            [
                                str(b.confirmation + entry_id - b.entry),
                                str(entry_id),
                                "paper",
                                f"第{seq // 20 + 1}页第{seq % 20 + 1}行",
                                str(s.custodian),
                                ts(s.at + 60 + s.usage_id % 540),
                            ]
                        )
                    )
                    self.counts["confirmations"] += 1
                prev = digest
                if plan.signing is not None:
                    hashes.append(digest)
                    if s.holder is not None and s.at >= plan.signing.tokens_from:
                        self._document(c, s, entry_id)
            self.out["chain"].append(
                t.chain.line(
                    [
                        str(chain_id),
                        key,
                        f"register_{register}",
                        c.code,
                        str(len(items)),
                        prev,
                        ts(items[0].at),
                    ]
                )
            )
            self.counts["register entries"] += len(items)
            self.counts["chains"] += 1
            if plan.signing is not None:
                self._checkpoints(c, chain_id, key, items, hashes)

    # Checkpoints and QR tokens (the province dataset, benchmarks/generate.py) -------

    def _checkpoints(self, c, chain_id, key, items, hashes) -> None:
        """The checkpoints the township makes of a chain as the running system would:
        one every CHECKPOINT_EVERY entries (signed as the append commits), and the
        head by the daily `yinzheng ledger checkpoint` (02:00 the next day) when the
        last one does not cover it. Numbered and signed per township (`township`)."""
        from yinzheng.ledger.canonical import DIGEST_LENGTH
        from yinzheng.ledger.checkpoints import DIGESTS_MAX
        from yinzheng.ledger.services import CHECKPOINT_EVERY

        b = self.plan.bases
        marks = list(range(CHECKPOINT_EVERY, len(items) + 1, CHECKPOINT_EVERY))
        at = [items[seq - 1].at + 1 for seq in marks]
        if len(items) % CHECKPOINT_EVERY:
            day = self.cal.day_of(items[-1].at) + 1
            nightly = self.cal.midnight[day] + 2 * 3600
            if nightly < self.plan.now:
                marks.append(len(items))
                at.append(nightly)
        covered = 0
        for seq, signed_at in zip(marks, at, strict=True):
            since = max(covered, seq - DIGESTS_MAX)
            digests = "".join(h[:DIGEST_LENGTH] for h in hashes[since:seq])
            entry_id = b.entry + items[seq - 1].usage_id - b.usage
            self.signed[c.code[:9]].append(
                (signed_at, chain_id, key, seq, hashes[seq - 1], since, digests,
                 b.checkpoint + entry_id - b.entry)
            )  # fmt: skip
            covered = seq

    def township(self, code: str) -> None:
        """The township's checkpoint sequence, in the order they were signed: gap-free
        numbers, each hashing the one before, signed with its authority key, as
        `ledger.checkpoints.make` does (its `material` gives the bytes)."""
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec

        from yinzheng.ledger.checkpoints import material
        from yinzheng.ledger.models import Checkpoint

        made = self.signed.pop(code, [])
        if not made or self.plan.signing is None:
            return
        key_id, der, _kid = self.plan.signing.keys[code]
        private = serialization.load_der_private_key(der, password=None)
        prev, number = GENESIS, 0
        for signed_at, chain_id, key, seq, head, since, digests, cp_id in sorted(made):
            number += 1
            cp = Checkpoint(
                chain_id=chain_id,
                seq=seq,
                head_hash=head,
                signed_at=dt.datetime.fromtimestamp(signed_at, dt.UTC),
                signer_id=code,
                closing=False,
                number=number,
                prev_hash=prev,
                from_seq=since,
                digests=digests,
            )
            data = material(cp, key)
            digest = hashlib.sha256(data).hexdigest()
            signature = base64.b64encode(
                private.sign(data, ec.ECDSA(hashes.SHA256()))
            ).decode()
            self.out["checkpoint"].append(
                self.t.checkpoint.line(
                    [
                        str(cp_id),
                        str(chain_id),
                        str(seq),
                        head,
                        ts(signed_at),
                        code,
                        str(key_id),
                        "f",
                        signature,
                        str(number),
                        prev,
                        digest,
                        str(since),
                        digests,
                    ]
                )  # fmt: skip
            )
            prev = digest
        self.out["series"].append(self.t.series.line([code, str(number), prev]))
        self.counts["checkpoints"] += number

    def _document(self, c: Committee, s: "Sealed", entry_id: int) -> None:
        """A paper certificate's QR token and its SignedDocument (issue 14), as
        `esign.services.paper_document_prepare` and `paper_document_issue` make them:
        signed with the township's issuing-authority key, the holder's name kept as the
        keyed HMAC, issued when the custodian sealed it."""
        from cryptography.hazmat.primitives import serialization

        from yinzheng.core.masking import mask_name
        from yinzheng.esign import qr, tokens

        signing = self.plan.signing
        assert signing is not None and s.holder is not None and s.case_row is not None
        township = c.code[:9]
        key_id, der, kid = signing.keys[township]
        private = self.private.get(township)
        if private is None:
            private = serialization.load_der_private_key(der, password=None)
            self.private = {township: private}
        serial = s.case_row[C_SERIAL]
        assert serial
        item_key, item_name, holder = s.holder
        prepared = s.at - 600 - s.usage_id % 1200
        claims = tokens.new_claims_v2(
            serial=serial,
            committee=c.code,
            issued=dt.date.fromisoformat(local_date(s.at)),
            at=dt.datetime.fromtimestamp(prepared, dt.UTC),
            paper=True,
        )
        token = tokens.encode(claims, kid_hex=kid, private_key=private)
        offset = int(s.case_row[0]) - self.plan.bases.case  # type: ignore[arg-type]
        self.out["document"].append(
            self.t.document.line(
                [
                    str(self.plan.bases.document + offset),
                    serial,
                    c.code,
                    item_key,
                    item_name,
                    local_date(s.at),
                    mask_name(holder),
                    signing.name_salt,
                    qr._name_mac(signing.name_key, serial, holder),
                    str(key_id),
                    token,
                    ts(prepared),
                    s.fields["document_sha256"],
                    str(40000 + s.usage_id % 30000),
                    ts(s.at),
                    str(s.custodian),
                    str(entry_id),
                ]
            )
        )
        self.counts["QR tokens (paper certificates)"] += 1

    def _check(self, body, s, register, year, subject, fields) -> None:
        from yinzheng.ledger.canonical import canonical

        expected = canonical(
            {
                "actor": s.custodian,
                "data": {"fields": fields, "register": register, "year": year},
                "event": "register.entry",
                "subject": subject,
            }
        )
        assert body == expected, (body, expected)
        assert f'"{body.replace(QUOTE, ESCAPED_QUOTE)}"' == json.dumps(
            body, ensure_ascii=False
        )
        self.checked += 1

    # COPY ---------------------------------------------------------------------------

    ORDER = [
        "user", "grant", "seal", "custody", "chain", "entry", "confirmation", "counter",
        "usage", "case", "commitment", "task", "exception", "consultation",
        "checkpoint", "series", "document",
    ]  # fmt: skip

    def flush(self, conn) -> None:
        tables = {
            "user": self.t.user, "grant": self.t.grant, "seal": self.t.seal,
            "custody": self.t.custody, "chain": self.t.chain, "entry": self.t.entry,
            "confirmation": self.t.confirmation, "counter": self.t.counter,
            "usage": self.t.usage, "case": self.t.case, "commitment": self.t.commitment,
            "task": self.t.task, "exception": self.t.exception,
            "consultation": self.t.consultation, "checkpoint": self.t.checkpoint,
            "series": self.t.series, "document": self.t.document,
        }  # fmt: skip
        with conn.cursor() as cursor:
            for name in self.ORDER:
                lines = self.out.pop(name, None)
                if not lines:
                    continue
                table = tables[name]
                with cursor.copy(table.copy_sql()) as copy:
                    for start in range(0, len(lines), 5000):
                        copy.write("".join(lines[start : start + 5000]))
                self.counts[f"rows {table.table}"] += len(lines)
        conn.commit()


def _resident(rng: random.Random, county: str) -> tuple[str, str, str]:
    """A resident: name, a 公民身份号码 that `ric.validate` accepts (as intake
    demands: check digit, birth date, and a birth place that existed in that year),
    phone."""
    name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(_GIVEN_OR_NONE)
    place, place_sum, low, high = _birth_place(county)
    birth, birth_sum = _BIRTHS[low + int(rng.random() * (high - low))]
    serial = int(rng.random() * 1000)
    total = place_sum + birth_sum
    total += (serial // 100) * 8 + (serial // 10 % 10) * 4 + (serial % 10) * 2
    number = f"{place}{birth}{serial:03d}" + "10X98765432"[total % 11]
    return name, number, f"1{3000000000 + int(rng.random() * 6999999999)}"


_GIVEN_OR_NONE = ["", *GIVEN]
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
# Birth dates 1940–2005 with their part of the ID number's weighted sum (digits 7–14).
_BIRTHS = [
    (b, sum(int(d) * w for d, w in zip(b, ID_WEIGHTS[6:14], strict=True)))
    for b in (
        f"{dt.date(1940, 1, 1) + dt.timedelta(days=n):%Y%m%d}" for n in range(24000)
    )
]
_PLACES: dict[str, tuple[str, int, int, int]] = {}


def _birth_place(county: str) -> tuple[str, int, int, int]:
    """(place code, its part of the weighted sum, first and last+1 index into
    _BIRTHS): the county's code and the birth years in which python-stdnum knows it;
    a county it does not know (a code newer than its data) lends the first known
    code of its prefecture, then of its province."""
    from stdnum.cn import ric

    found = _PLACES.get(county)
    if found is not None:
        return found
    candidates = [county]
    candidates += [f"{county[:4]}{n:02d}" for n in range(1, 100)]
    candidates += [f"{county[:2]}{n:02d}01" for n in range(1, 100)]
    for place in candidates:
        years = []
        for year in range(1940, 2006):
            body = f"{place}{year}0101001"
            if ric.is_valid(body + ric.calc_check_digit(body + "0")):
                years.append(year)
        if years:
            low = (dt.date(min(years), 1, 1) - dt.date(1940, 1, 1)).days
            high = (dt.date(max(years), 12, 31) - dt.date(1940, 1, 1)).days + 1
            total = sum(int(d) * w for d, w in zip(place, ID_WEIGHTS[:6], strict=True))
            found = _PLACES[county] = (place, total, low, min(high, len(_BIRTHS)))
            return found
    raise SystemExit(f"no birth place python-stdnum knows near {county}")


_NO_BASIS_CACHE: dict[tuple[str, str], str] = {}


def _no_basis_intake(variant: Variant, unit: str) -> str:
    """A no-basis case's intake columns: its decision names the demanding unit."""
    key = (variant.item_name, unit)
    found = _NO_BASIS_CACHE.get(key)
    if found is None:
        parts = variant.intake.split("\t")
        decision = json.loads(parts[6])
        decision["departments"] = [unit]
        parts[6] = esc_json(decision)
        found = _NO_BASIS_CACHE[key] = "\t".join(parts)
    return found


def _issue_times(cal, rng, day, received, variant, kind) -> tuple[int, int, int]:
    """Verified, approved and issued: simple certificates mostly within the hour, some
    waiting for the head's signature; time-limited ones over working days, some late;
    a special case after the residents' consultation."""
    if kind == "special":
        held = cal.add_working(day, rng.randrange(3, 9))
        verified = cal.office_time(held, rng)
        approved = verified + rng.randrange(600, 3 * 3600)
        return verified, approved, approved + rng.randrange(300, 3600)
    if variant.complexity == "complex":
        r = rng.random()
        limit = variant.time_limit
        if r < 0.85:
            late = rng.randrange(1, limit + 1)
        elif r < 0.97:
            late = limit + rng.randrange(1, 11)
        else:
            late = limit + rng.randrange(11, 61)
        done = cal.add_working(day, late)
        verified = cal.office_time(cal.add_working(day, max(1, late - 1)), rng)
        approved = max(verified + 600, cal.office_time(done, rng))
        return verified, approved, approved + rng.randrange(300, 2 * 3600)
    verified = received + rng.randrange(300, 2400)
    if rng.random() < 0.08:  # the head is away: signed on a later working day
        approved = cal.office_time(cal.add_working(day, rng.randrange(1, 3)), rng)
    else:
        approved = verified + rng.randrange(120, 3600)
    return verified, approved, approved + rng.randrange(60, 1800)


def generate_chunk(args: tuple[Plan, list[Committee]]) -> dict[str, int]:
    """A worker: one chunk of committees, generated and COPY'd on its own connection."""
    import os

    import django
    import psycopg

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yinzheng.settings")
    django.setup()
    plan, committees = args
    cal = _calendar(plan)
    writer = ChunkWriter(plan, _tables(plan), cal)
    with psycopg.connect(plan.database_url) as conn:
        conn.execute("SET synchronous_commit = off")
        # The foreign keys are checked once at the end (check_foreign_keys).
        conn.execute("SET session_replication_role = replica")
        for n, c in enumerate(committees):
            writer.committee(c)
            # A chunk holds whole townships (benchmarks/generate.py), or signs nothing.
            if n + 1 == len(committees) or committees[n + 1].code[:9] != c.code[:9]:
                writer.township(c.code[:9])
        writer.flush(conn)
    return dict(writer.counts)


_CACHE: dict[str, Any] = {}


def _calendar(plan: Plan) -> Calendar:
    if "calendar" not in _CACHE:
        _CACHE["calendar"] = Calendar(plan.first, plan.last, plan.decline)
    return _CACHE["calendar"]


def _tables(plan: Plan) -> Tables:
    if "tables" not in _CACHE:
        _CACHE["tables"] = Tables(ts(plan.now))
    return _CACHE["tables"]


# The schema during the load -------------------------------------------------------------


def schema_drop(conn, tables: list[str]) -> list[str]:
    """Drop the unique constraints and secondary indexes of `tables` (primary keys,
    check constraints and foreign keys stay); returns the statements that put exactly
    those back, as the migrations made them (pg_get_constraintdef / pg_get_indexdef)."""
    unique, indexes = [], []
    for table in tables:
        for name, definition in conn.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'u' ORDER BY conname",
            [table],
        ):
            statement = f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
            unique.append((table, name, statement))
        for name, definition in conn.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid) "
            "ORDER BY i.relname",
            [table],
        ):
            indexes.append((table, name, definition))
    for table, name, _s in unique:
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for _table, name, _s in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    conn.commit()
    return [s for _t, _n, s in indexes + unique]


# A live database's rows lie in the heap in the order they were written: by time,
# every committee's interleaved. The chunks write them committee by committee, which
# would make a county's cases contiguous and its index scans unrealistically cheap.
BY_TIME = [
    ("certificates_certificaterequest", "received_at"),
    ("seals_usagerequest", "submitted_at"),
]


def order_by_time(conn, by_time=BY_TIME, progress=print) -> None:
    """Rewrite the tables the dashboard reads in the order of their time column
    (CLUSTER on a temporary index, dropped afterwards; run before the indexes are
    built again, so the rewrite carries only the primary key)."""
    conn.execute("SET maintenance_work_mem = '1GB'")
    for table, column in by_time:
        t0 = time.perf_counter()
        conn.execute(f"CREATE INDEX bench_by_time ON {table} ({column})")
        conn.execute(f"CLUSTER {table} USING bench_by_time")
        conn.execute("DROP INDEX bench_by_time")
        conn.commit()
        progress(f"  {time.perf_counter() - t0:6.1f} s  {table} ordered by {column}")


def schema_restore(conn, statements: list[str], progress=print) -> None:
    conn.execute("SET maintenance_work_mem = '1GB'")
    for statement in statements:
        t0 = time.perf_counter()
        conn.execute(statement)
        conn.commit()
        progress(f"  {time.perf_counter() - t0:6.1f} s  {statement[:110]}")


def check_foreign_keys(conn, tables: list[str], progress=print) -> None:
    """The foreign keys were not checked on the way in (the load runs with
    session_replication_role = replica, as pg_restore --disable-triggers does): one
    query per table looks every one of them up at once, and any orphan is an error."""
    conn.execute("SET work_mem = '256MB'")
    for table in tables:
        keys = conn.execute(
            "SELECT c.conname, a.attname, r.relname, ra.attname FROM pg_constraint c "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
            "JOIN pg_class r ON r.oid = c.confrelid "
            "JOIN pg_attribute ra ON ra.attrelid = c.confrelid "
            "AND ra.attnum = c.confkey[1] "
            "WHERE c.conrelid = %s::regclass AND c.contype = 'f' "
            "AND cardinality(c.conkey) = 1 ORDER BY c.conname",
            [table],
        ).fetchall()
        if not keys:
            continue
        joins = " ".join(
            f'LEFT JOIN {ref} k{n} ON k{n}."{ref_column}" = t."{column}"'
            for n, (_name, column, ref, ref_column) in enumerate(keys)
        )
        counts = ", ".join(
            f'COUNT(*) FILTER (WHERE t."{column}" IS NOT NULL '
            f'AND k{n}."{ref_column}" IS NULL)'
            for n, (_name, column, _ref, ref_column) in enumerate(keys)
        )
        t0 = time.perf_counter()
        found = conn.execute(f"SELECT {counts} FROM {table} t {joins}").fetchone()
        orphans = {keys[n][0]: count for n, count in enumerate(found) if count}
        if orphans:
            raise SystemExit(f"{table}: rows without their referenced row: {orphans}")
        progress(
            f"  {time.perf_counter() - t0:6.1f} s  {table}: {len(keys)} foreign keys, "
            "no orphans"
        )
    conn.commit()


def reset_sequences(conn, tables: list[str]) -> None:
    for table in tables:
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )
    conn.commit()


def next_ids(conn, tables: list[str]) -> dict[str, int]:
    return {
        t: conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {t}").fetchone()[0]
        for t in tables
    }


# The people and the statistics table the measurements use -------------------------------


def civil_affairs(username: str, code: str):
    """A civil-affairs officer at `code` (a province, a county), granted through the
    accounts services as the test factories do."""
    from yinzheng.accounts.choices import Role
    from yinzheng.accounts.models import RoleGrant
    from yinzheng.core.tests.factories import user

    granted = RoleGrant.objects.active().filter(
        user__username=username, role=Role.CIVIL_AFFAIRS, division_id=code
    )
    if granted.exists():
        return granted.get().user
    return user(username, role=Role.CIVIL_AFFAIRS, at=code)


TABLE_ROWS = [
    ("实际居住情况证明", "《城乡居民最低生活保障办法》（基准数据）", "县民政局"),
    ("农村土地承包经营情况证明", "《农村土地承包法》（基准数据）", "县农业农村局"),
    (
        "农村集体经济组织成员身份证明",
        "《农村集体经济组织法》（基准数据）",
        "县农业农村局",
    ),
    ("民间纠纷调解情况证明", "《人民调解法》（基准数据）", "县司法局"),
    ("监护人指定情况证明", "《民法典》第三十一条（基准数据）", "县民政局"),
    ("家庭经济困难情况证明", "《学生资助管理办法》（基准数据）", "县教育局"),
    ("居民死亡证明（非正常死亡除外）", "《殡葬管理条例》（基准数据）", "县卫生健康局"),
    ("残疾人家庭情况证明", "《残疾人保障法》（基准数据）", "县残疾人联合会"),
    ("特困人员供养情况证明", "《社会救助暂行办法》（基准数据）", "县民政局"),
    ("退役军人家庭情况证明", "《退役军人保障法》（基准数据）", "县退役军人事务局"),
    ("宅基地使用情况证明", "《土地管理法》（基准数据）", "县自然资源局"),
    ("草原承包经营情况证明", "《草原法》（基准数据）", "县林业和草原局"),
]


def statistics_table(county: str, rng: random.Random) -> int:
    """The county's 《应由基层群众性自治组织出具证明事项统计表》: opened by its bureau,
    every township and department submitting a return of 5–12 rows, through the stats
    services. Returns the number of rows in the consolidated table."""
    from yinzheng.accounts.choices import Role
    from yinzheng.core.codes import Level
    from yinzheng.core.tests.factories import user
    from yinzheng.divisions.models import Division
    from yinzheng.stats import services
    from yinzheng.stats.models import StatsTable, TableRow

    found = StatsTable.objects.filter(county_id=county).first()
    if found is None:
        found = services.table_create(
            actor=civil_affairs(f"bench-xian-{county}", county),
            county_code=county,
            deadline=dt.date.today() - dt.timedelta(days=10),
            note="（基准数据）各乡镇（街道）、各部门逐项填报。",
        )
        units: list[tuple[Any, dict[str, str]]] = []
        for township in Division.objects.filter(
            parent_id=county, level=Level.TOWNSHIP
        ).order_by("code"):
            officer = user(
                f"bench-xz-{township.code}", role=Role.TOWNSHIP, at=township.code
            )
            units.append((officer, {"township_code": township.code}))
        for department in found.departments:
            officer = user(
                f"bench-bm-{county}-{department}",
                role=Role.DEPARTMENT,
                at=county,
                department=department,
            )
            units.append((officer, {"department": department}))
        for officer, unit in units:
            ret = services.return_open(actor=officer, table_id=found.pk, **unit)
            for name, basis, department in rng.sample(
                TABLE_ROWS, rng.randrange(5, len(TABLE_ROWS) + 1)
            ):
                services.row_add(
                    actor=officer,
                    return_id=ret.pk,
                    values={
                        "item_name": name,
                        "basis": basis,
                        "implementing_unit": "村（居）民委员会",
                        "competent_department": department,
                        "note": "",
                    },
                )
            services.return_submit(actor=officer, return_id=ret.pk)
    return TableRow.objects.filter(table_return__table=found).count()
