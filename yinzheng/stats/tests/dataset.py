"""A generated dataset for the analysis tests (REQ-103): certificate cases, sealings,
reports and rectification items across two counties' committees, with every status and
intake class, times on both sides of local midnight, seeded so a failure replays.

Rows are bulk-inserted as they would stand after the services ran (an issued case names
its verifier, approver, serial and register entry), since the analysis only reads. Each
generated record is also kept as a plain `Record` so the tests can count by hand, in
Python, what the database should count (`expected_*`).
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from yinzheng.catalogue.models import Item
from yinzheng.certificates.choices import IntakeClass, Status
from yinzheng.certificates.models import CertificateRequest
from yinzheng.core.tests import factories as f
from yinzheng.ledger.models import Chain, Entry
from yinzheng.seals.choices import SealForm, UseCategory, UseStatus
from yinzheng.seals.models import Seal, UsageRequest
from yinzheng.supervision.choices import (
    OPEN_CASE_STATUSES,
    CaseStatus,
    Channel,
    ItemStatus,
    ReporterType,
)
from yinzheng.supervision.models import Case, Finding, RectificationItem

TZ = ZoneInfo("Asia/Shanghai")
COUNTY, OTHER_COUNTY = "620725", "440804"
T1, T2, T3 = "620725101", "620725102", "620725103"
COMMITTEES = [
    "620725101001",
    "620725101201",
    "620725102001",
    "620725102002",
    "620725103001",
    "440804001001",
]
# The period the data spans; tests choose periods inside and across it.
FIRST, LAST = dt.date(2025, 12, 1), dt.date(2026, 4, 30)
TODAY = dt.date(2026, 3, 20)
ITEMS = ["居住情况证明", "家庭经济状况证明", "无犯罪记录证明"]
FREE_TEXT = ["养殖证明", "亲属关系证明", "房屋无纠纷证明"]
ROUTES = [
    ("到县公安局户籍窗口办理", "县公安局"),
    ("由申请人书面承诺", "县人社局"),
]
OPEN = {Status.RECEIVED, Status.VERIFIED, Status.APPROVED}
FINISHED = {
    Status.ISSUED,
    Status.REFUSED,
    Status.COMMITTED,
    Status.TRANSFERRED,
    Status.ANNULLED,
}


@dataclass
class Record:
    """A certificate case as generated (what the figures must count)."""

    committee: str
    received_at: dt.datetime
    status: str
    intake_class: str
    complexity: str
    on_the_spot: bool
    due_on: dt.date | None
    finished_at: dt.datetime | None
    item: str
    refusal: tuple[str, str] | None


@dataclass
class Dataset:
    cases: list[Record] = field(default_factory=list)
    # (committee, category, sealed_at or None, status)
    uses: list[tuple[str, str, dt.datetime | None, str]] = field(default_factory=list)
    # (division, received_at, status, step_due_on)
    reports: list[tuple[str, dt.datetime, str, dt.date | None]] = field(
        default_factory=list
    )
    # (division, created_at, status, deadline)
    items: list[tuple[str, dt.datetime, str, dt.date]] = field(default_factory=list)


def _instant(rng: random.Random) -> dt.datetime:
    """A local time in the data's span; one in five right by a local midnight."""
    day = FIRST + dt.timedelta(days=rng.randrange((LAST - FIRST).days + 1))
    if rng.random() < 0.2:
        moment = dt.datetime.combine(day, dt.time(), TZ)
        return moment + rng.choice(
            [dt.timedelta(0), dt.timedelta(seconds=-1), dt.timedelta(minutes=30)]
        )
    seconds = rng.randrange(24 * 3600)
    return dt.datetime.combine(day, dt.time(), TZ) + dt.timedelta(seconds=seconds)


class _Entries:
    """Register entries for the rows that must name one (one chain per committee)."""

    def __init__(self) -> None:
        self.chains: dict[str, Chain] = {}
        self.next_seq: dict[str, int] = {}

    def take(self, committee: str, register: str, at: dt.datetime) -> Entry:
        key = f"register:{register}:{committee}:gen"
        if key not in self.chains:
            self.chains[key] = Chain.objects.create(
                key=key, kind=f"register_{register}", division_id=committee
            )
            self.next_seq[key] = 1
        seq = self.next_seq[key]
        self.next_seq[key] += 1
        return Entry.objects.create(
            chain=self.chains[key],
            seq=seq,
            prev_hash="0" * 64,
            hash=f"{seq:064x}",
            recorded_at=at,
            event="register.entry",
            subject=f"gen:{key}:{seq}",
            body="{}",
        )


def generate(seed: int = 20260320, n_cases: int = 360) -> Dataset:
    """Divisions, people and every kind of row; returns what was generated."""
    rng = random.Random(seed)
    for code in COMMITTEES:
        f.division(code)
    clerk = f.user("gen-clerk")
    head = f.user("gen-head")
    items = [
        Item.objects.get_or_create(key=f"gen_item_{n}", defaults={"name": name})[0]
        for n, name in enumerate(ITEMS)
    ]
    entries = _Entries()
    data = Dataset()

    requests = []
    for n in range(n_cases):
        committee = rng.choice(COMMITTEES)
        received = _instant(rng)
        status = rng.choice(list(Status))
        intake = rng.choice(list(IntakeClass))
        complexity = rng.choice(["simple", "simple", "complex"])
        on_the_spot = (
            status == Status.ISSUED and complexity == "simple" and (rng.random() < 0.6)
        )
        due_on = (
            received.date() + dt.timedelta(days=rng.randrange(0, 20))
            if complexity == "complex" or rng.random() < 0.2
            else None
        )
        finished = (
            received + dt.timedelta(hours=rng.randrange(0, 24 * 25))
            if status in FINISHED
            else None
        )
        listed = rng.random() < 0.7
        item = rng.choice(items) if listed else None
        item_name = item.name if item else rng.choice(FREE_TEXT)
        refusal = rng.choice(ROUTES) if status == Status.REFUSED else None
        values = {
            "committee_id": committee,
            "tracking_code": f"GEN{seed % 1000:03d}{n:06d}",
            "resident_name": "生成数据",
            "id_number": "620725200501010011",
            "phone": "13900000000",
            "item": item,
            "item_text": item_name,
            "purpose": "办事",
            "requiring_unit": "某单位",
            "facts": "（生成数据）",
            "intake_class": intake,
            "outcome": "issue",
            "complexity": complexity,
            "due_on": due_on,
            "status": status,
            "received_by": clerk,
            "received_at": received,
            "on_the_spot": on_the_spot,
        }
        if status in (Status.ISSUED, Status.ANNULLED):
            assert finished is not None
            values.update(
                verified_by=clerk,
                verified_at=received,
                approved_by=head,
                approved_at=received,
                issued_at=finished,
                serial=f"{committee}-{n:06d}",
                register_entry=entries.take(committee, "certificate", finished),
            )
            if status == Status.ANNULLED:
                values["closed_at"] = finished + dt.timedelta(days=3)
        elif status == Status.REFUSED:
            assert refusal is not None and finished is not None
            values.update(
                refused_at=finished,
                refusal_reason="不予出具",
                refusal_route=refusal[0],
                refusal_department=refusal[1],
            )
        elif status in FINISHED or status == Status.WITHDRAWN:
            values["closed_at"] = finished or received + dt.timedelta(days=1)
        requests.append(CertificateRequest(**values))
        data.cases.append(
            Record(
                committee=committee,
                received_at=received,
                status=status,
                intake_class=intake,
                complexity=complexity,
                on_the_spot=on_the_spot,
                due_on=due_on,
                finished_at=finished,
                item=item_name,
                refusal=refusal,
            )
        )
    CertificateRequest.objects.bulk_create(requests)

    seals = {
        code: Seal.objects.create(
            committee_id=code,
            issuer_id=code[:9],
            form=SealForm.PHYSICAL,
            serial=f"GEN-{code}",
            imprint="生成村村民委员会",
            issued_on=FIRST,
            storage_location="村委会档案柜",
        )
        for code in COMMITTEES
    }
    uses = []
    for n in range(160):
        committee = rng.choice(COMMITTEES)
        status = rng.choice(list(UseStatus))
        category = rng.choice(list(UseCategory))
        submitted = _instant(rng)
        sealed = (
            submitted + dt.timedelta(hours=rng.randrange(0, 72))
            if status == UseStatus.SEALED
            else None
        )
        values = {
            "committee_id": committee,
            "seal": seals[committee],
            "category": category,
            "content": f"生成用印{n}",
            "copies": 1,
            "document": "seal-documents/gen.pdf",
            "document_sha256": "0" * 64,
            "status": status,
            "handler": clerk,
            "submitted_at": submitted,
        }
        if sealed is not None:
            values.update(
                reviewer=clerk,
                approver=head,
                custodian=head,
                sealed_at=sealed,
                register_entry=entries.take(committee, "work", sealed),
            )
        uses.append(UsageRequest(**values))
        data.uses.append((committee, category, sealed, status))
    UsageRequest.objects.bulk_create(uses)

    reports = []
    for n in range(90):
        committee = rng.choice(COMMITTEES)
        # A report names the committee when known, else only its county.
        division = committee if rng.random() < 0.7 else committee[:6]
        status = rng.choice(list(CaseStatus))
        received = _instant(rng)
        step_due = received.date() + dt.timedelta(days=rng.randrange(1, 60))
        reports.append(
            Case(
                tracking_no=f"G{seed % 100:02d}{n:011d}",
                county_id=committee[:6],
                division_id=division,
                committee_id=committee if division == committee else None,
                channel=Channel.HOTLINE,
                reporter_type=ReporterType.RESIDENT,
                demanding_unit="某银行网点",
                item_text="亲属关系证明",
                account="（生成数据）",
                status=status,
                received_at=received,
                step_due_on=step_due if status in OPEN_CASE_STATUSES else None,
                verified_at=received,
                notice_on=received.date(),
                feedback_sent_on=received.date(),
                response_on=received.date(),
                corrected_on=received.date(),
                closed_at=received,
            )
        )
        data.reports.append(
            (
                division,
                received,
                status,
                step_due if status in OPEN_CASE_STATUSES else None,
            )
        )
    Case.objects.bulk_create(reports)

    rectification = []
    for _n in range(70):
        committee = rng.choice(COMMITTEES)
        finding = Finding.objects.create(
            committee_id=committee,
            kind="other",
            description="（生成数据）",
            recorded_at=_instant(rng),
        )
        status = rng.choice(list(ItemStatus))
        created = _instant(rng)
        deadline = created.date() + dt.timedelta(days=rng.randrange(1, 60))
        rectification.append(
            RectificationItem(
                finding=finding,
                county_id=committee[:6],
                division_id=committee,
                responsible_unit="村委会",
                problem="（生成数据）",
                deadline=deadline,
                status=status,
                evidence="已整改" if status == ItemStatus.CLOSED else "",
                closed_on=deadline if status == ItemStatus.CLOSED else None,
                created_at=created,
            )
        )
        data.items.append((committee, created, status, deadline))
    RectificationItem.objects.bulk_create(rectification)
    return data


# What the figures must say, counted by hand -------------------------------------------


def matching_cases(data: Dataset, division: str, date_from, date_to) -> list[Record]:
    return [
        r
        for r in data.cases
        if (division == "CN" or r.committee.startswith(division))
        and date_from <= r.received_at.astimezone(TZ).date() <= date_to
    ]


def outcome_of(r: Record) -> str:
    if r.status == Status.ISSUED:
        if r.intake_class == IntakeClass.NEGATIVE:
            return "exception"
        if r.intake_class == IntakeClass.PUBLIC_INTEREST:
            return "special"
        return "issued"
    return {
        Status.REFUSED: "refused",
        Status.COMMITTED: "commitment",
        Status.TRANSFERRED: "transferred",
        Status.WITHDRAWN: "withdrawn",
        Status.ANNULLED: "annulled",
    }.get(Status(r.status), "open")


def mode_of(r: Record) -> str:
    if r.on_the_spot:
        return "on_the_spot"
    return "time_limited" if r.complexity == "complex" else "other"


def overdue(r: Record, today: dt.date) -> bool:
    if r.due_on is None:
        return False
    if r.status in OPEN:
        return r.due_on < today
    if r.status in FINISHED and r.finished_at is not None:
        return r.finished_at.astimezone(TZ).date() > r.due_on
    return False


def matching_uses(data: Dataset, division: str, date_from, date_to):
    return [
        (code, category)
        for code, category, sealed, status in data.uses
        if status == UseStatus.SEALED
        and sealed is not None
        and (division == "CN" or code.startswith(division))
        and date_from <= sealed.astimezone(TZ).date() <= date_to
    ]


def matching_reports(data: Dataset, division: str, date_from, date_to):
    return [
        (status, due)
        for code, at, status, due in data.reports
        if (division == "CN" or code.startswith(division))
        and date_from <= at.astimezone(TZ).date() <= date_to
    ]


def matching_items(data: Dataset, division: str, date_from, date_to):
    return [
        (status, deadline)
        for code, at, status, deadline in data.items
        if (division == "CN" or code.startswith(division))
        and date_from <= at.astimezone(TZ).date() <= date_to
    ]
