"""The data the supervision-scan benchmark scans: one county's year of register entries,
the seal-use requests they record with the head's approvals in the county's audit
journal, certificate requests and confirmations, bulk-inserted (see
supervision_scan.py)."""

import datetime as dt
import hashlib
import os
import random
import secrets
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

# The national division codes; YINZHENG_BENCH_DIVISIONS names another folder of the
# same five files (a test's tiny province).
DIVISIONS = Path(
    os.environ.get("YINZHENG_BENCH_DIVISIONS")
    or Path(__file__).resolve().parents[2] / "shared" / "data" / "divisions"
)
TZ = ZoneInfo("Asia/Shanghai")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英"
PURPOSES = [
    "办理城乡居民养老保险待遇领取资格认证",
    "办理子女入学",
    "申领居住证",
    "办理医疗保险报销",
    "申请临时救助",
    "办理车辆过户",
    "申请公租房",
    "办理残疾人两项补贴",
    "办理银行贷款",
    "办理户口迁移",
    "申请高龄津贴",
    "办理就业登记",
]
BURST_PURPOSE = "办理城乡居民最低生活保障年审"
UNITS = ["某县人社局", "某商业银行支行", "某中心小学", "某派出所", "某县医保局"]


# The county ---------------------------------------------------------------------------


def county_committees(
    county: str, townships: int, per: int
) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The names of the county's first `townships` townships with at least `per`
    committees, and (code, name) of the first `per` committees of each, from the
    national codes."""
    import csv

    names: dict[str, str] = {}
    with open(DIVISIONS / "streets.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["areaCode"] == county:
                names[row["code"]] = row["name"]
    by_township: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with open(DIVISIONS / "villages.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["areaCode"] == county:
                by_township[row["streetCode"]].append((row["code"], row["name"]))
    chosen = [t for t in sorted(by_township) if len(by_township[t]) >= per][:townships]
    if len(chosen) < townships:
        raise SystemExit(f"{county}: fewer than {townships} townships of {per}")
    rows = []
    for township in chosen:
        rows += sorted(by_township[township])[:per]
    return {t: names.get(t, f"乡镇{t}") for t in chosen}, rows


def make_divisions(
    county: str, townships: dict[str, str], committees: list[tuple[str, str]]
) -> None:
    from yinzheng.core.tests.factories import division

    division(county, name=f"基准县{county}")
    for code, name in townships.items():
        division(code, name=name)
    for code, name in committees:
        division(code, name=name)


# Generation ---------------------------------------------------------------------------


class Year:
    def __init__(self, year: int) -> None:
        from yinzheng.core.workdays import is_working_day

        days = [
            dt.date(year, 1, 1) + dt.timedelta(days=n)
            for n in range((dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days)
        ]
        self.work = [d for d in days if is_working_day(d)]
        self.off = [d for d in days if not is_working_day(d)]

    def office(self, rng: random.Random) -> dt.datetime:
        day = rng.choice(self.work)
        seconds = rng.randrange(8 * 3600 + 1800, 18 * 3600)
        return dt.datetime.combine(day, dt.time(), TZ) + dt.timedelta(seconds=seconds)

    def off_hours(self, rng: random.Random) -> dt.datetime:
        if rng.random() < 0.5:
            day = rng.choice(self.off)
            seconds = rng.randrange(9 * 3600, 17 * 3600)
        else:
            day = rng.choice(self.work)
            seconds = rng.choice(
                [
                    rng.randrange(19 * 3600, 22 * 3600),
                    rng.randrange(7 * 3600, 7 * 3600 + 2400),
                ]
            )
        return dt.datetime.combine(day, dt.time(), TZ) + dt.timedelta(seconds=seconds)

    def times(self, rng: random.Random, n: int, off_rate: float) -> list[dt.datetime]:
        return sorted(
            self.off_hours(rng) if rng.random() < off_rate else self.office(rng)
            for _ in range(n)
        )


def id_number(rng: random.Random, county: str) -> str:
    from stdnum.cn import ric

    birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20000))
    body = f"{county}{birth:%Y%m%d}{rng.randrange(100, 1000)}"
    return body + ric.calc_check_digit(body + "0")


def resident(rng: random.Random, county: str) -> tuple[str, str, str]:
    name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN])
    phone = f"13{rng.randrange(100000000, 999999999)}"
    return name, id_number(rng, county), phone


class Generator:
    def __init__(self, args, committees: list[tuple[str, str]]) -> None:
        from yinzheng.catalogue.models import Item
        from yinzheng.core.tests.factories import user

        self.args = args
        self.committees = committees
        self.year = Year(args.year)
        self.rng = random.Random(args.seed)
        self.clerk = user("bench-clerk").pk
        self.head = user("bench-head").pk
        self.keeper = user("bench-keeper").pk
        self.positive = [
            Item.objects.get_or_create(
                key=f"bench_positive_{n}", defaults={"name": name}
            )[0]
            for n, name in enumerate(
                ["实际居住情况证明", "家庭经济状况证明", "监护人指定情况证明"]
            )
        ]
        # A fresh installation's items are those of the national negative list.
        self.negative = list(Item.objects.exclude(key__startswith="bench_")[:20])
        if not self.negative:
            raise SystemExit("the national negative list (batch 1) is not loaded")
        self.counts: dict[str, int] = defaultdict(int)
        self._usage_ids = self._next_ids()
        self._audit = self._audit_chain()

    # One committee's year ------------------------------------------------------------

    def committee(self, index: int, code: str) -> None:
        from yinzheng.ledger.models import Chain

        rng, year = self.rng, self.year
        per = -(-self.args.entries // len(self.committees))
        n_work, n_cert = per // 2, per - per // 2
        off_rate = 0.04 if index % 10 == 0 else 0.001
        work = self._entries(
            Chain(
                key=f"register:work:{code}:{self.args.year}",
                kind="register_work",
                division_id=code,
            ),
            year.times(rng, n_work, off_rate),
            self._work_fields,
        )
        cert_times = year.times(rng, n_cert, off_rate)
        people = self._people(index, cert_times)
        cert = self._entries(
            Chain(
                key=f"register:certificate:{code}:{self.args.year}",
                kind="register_certificate",
                division_id=code,
            ),
            cert_times,
            lambda seq, at: self._certificate_fields(code, seq, at, people[seq - 1]),
        )
        self.counts["entries"] += len(work) + len(cert)
        self._usages(index, code, work, cert)
        self._issued(code, cert, people)
        self._confirmations(cert, 0.15 if index % 15 == 7 else 0.001)
        self._refusals(index, code, cert_times, people)

    def _people(self, index: int, times: list[dt.datetime]) -> list[dict]:
        """Resident, purpose and item of each certificate, with the planted bursts."""
        rng, county = self.rng, self.args.county
        people = []
        for _at in times:
            name, number, phone = resident(rng, county)
            people.append(
                {
                    "name": name,
                    "id": number,
                    "phone": phone,
                    "purpose": rng.choice(PURPOSES),
                    "item": rng.choice(self.positive),
                    "unit": rng.choice(UNITS),
                }
            )
        by_month: dict[int, list[int]] = defaultdict(list)
        for n, at in enumerate(times):
            by_month[at.month].append(n)
        if index % 8 == 5:  # one resident, six certificates in a month
            rows = by_month[rng.randrange(1, 13)]
            same = dict(people[rows[0]])
            for n in rng.sample(rows, min(6, len(rows))):
                people[n].update(name=same["name"], id=same["id"], phone=same["phone"])
            self.counts["planted resident bursts"] += 1
        if index % 19 == 4:  # one purpose, 35 times in a month
            rows = by_month[rng.randrange(1, 13)]
            for n in rng.sample(rows, min(35, len(rows))):
                people[n]["purpose"] = BURST_PURPOSE
            self.counts["planted purpose bursts"] += 1
        return people

    def _entries(self, chain, times, fields) -> list:
        from yinzheng.ledger.models import GENESIS_HASH, Chain, Entry

        chain.save()
        register = chain.key.split(":")[1]
        prev, rows = GENESIS_HASH, []
        for seq, at in enumerate(times, start=1):
            # The seal-use request the sealing recorded (made in _usages, its id
            # taken here: the request names its entry, the entry its request).
            subject = f"seals.usagerequest:{next(self._usage_ids)}"
            data = {
                "register": register,
                "year": self.args.year,
                "fields": fields(seq, at),
            }
            entry = _chained(
                chain, seq, prev, at, "register.entry", subject, self.keeper, data
            )
            rows.append(entry)
            prev = entry.hash
        Entry.objects.bulk_create(rows, batch_size=2000)
        Chain.objects.filter(pk=chain.pk).update(head_seq=len(rows), head_hash=prev)
        return rows

    # The seal-use requests behind the entries (REQ-054, REQ-121) ------------------------

    def _next_ids(self):
        from yinzheng.seals.models import UsageRequest

        last = UsageRequest.objects.order_by("-pk").values_list("pk", flat=True).first()
        n = (last or 0) + 1
        while True:
            yield n
            n += 1

    def _audit_chain(self):
        from yinzheng.ledger.models import GENESIS_HASH, Chain

        chain, _ = Chain.objects.get_or_create(
            key=f"audit:{self.args.county}",
            defaults={"kind": "audit", "division_id": self.args.county},
        )
        return {
            "chain": chain,
            "seq": chain.head_seq,
            "prev": chain.head_hash or GENESIS_HASH,
        }

    def _usages(self, index: int, code: str, work: list, cert: list) -> None:
        """A sealed seal-use request for each entry, named by the entry and naming it,
        and the head's approval journaled before the sealing. Planted: every 12th
        committee has two sealings whose approval the journal lacks."""
        from yinzheng.seals.models import Seal, UsageRequest

        seal = Seal.objects.create(
            committee_id=code,
            issuer_id=code[:9],
            form="physical",
            serial=f"BENCH-{code}",
            imprint=f"基准印章{code}",
            issued_on=dt.date(self.args.year - 1, 1, 1),
            storage_location="村委会办公室",
            status="in_use",
        )
        usages, approvals = [], []
        unapproved = {3, 5} if index % 12 == 9 else set()
        for n, entry in enumerate([*work, *cert]):
            at, fields = entry.recorded_at, _fields(entry)
            pk = int(entry.subject.split(":")[1])
            usages.append(
                UsageRequest(
                    pk=pk,
                    committee_id=code,
                    seal=seal,
                    category=fields["category"],
                    content=fields["content"],
                    copies=1,
                    document="seal-documents/bench.pdf",
                    document_sha256=fields["document_sha256"],
                    certificate_no=fields.get("certificate_no", ""),
                    requiring_unit=fields.get("requiring_unit", ""),
                    purpose=fields.get("purpose", ""),
                    phone=fields.get("phone", ""),
                    status="sealed",
                    handler_id=self.clerk,
                    submitted_at=at - dt.timedelta(minutes=30),
                    reviewer_id=self.clerk,
                    reviewed_at=at - dt.timedelta(minutes=20),
                    not_blank_confirmed=True,
                    approver_id=self.head,
                    approved_at=at - dt.timedelta(minutes=10),
                    approved_sha256=fields["document_sha256"],
                    custodian_id=self.keeper,
                    sealed_at=at,
                    register_entry_id=entry.pk,
                )
            )
            if n in unapproved:
                self.counts["planted sealings without approval"] += 1
                continue
            approvals.append((at - dt.timedelta(minutes=10), entry.subject))
        UsageRequest.objects.bulk_create(usages, batch_size=2000)
        self._journal_approvals(code, approvals)
        self.counts["seal-use requests"] += len(usages)

    def _journal_approvals(self, code: str, approvals: list) -> None:
        """usage.approved entries on the county's audit chain, as the sealing service
        writes them (before/after of the request's status)."""
        from yinzheng.ledger.models import Chain, Entry

        audit = self._audit
        chain = audit["chain"]
        rows = []
        for at, subject in approvals:
            audit["seq"] += 1
            data = {
                "actor_name": "基准 主任",
                "division": code,
                "before": {"status": "reviewed"},
                "after": {"status": "approved"},
                "note": "",
            }
            entry = _chained(
                chain,
                audit["seq"],
                audit["prev"],
                at,
                "usage.approved",
                subject,
                self.head,
                data,
            )
            rows.append(entry)
            audit["prev"] = entry.hash
        Entry.objects.bulk_create(rows, batch_size=2000)
        Chain.objects.filter(pk=chain.pk).update(
            head_seq=audit["seq"], head_hash=audit["prev"]
        )
        self.counts["journaled approvals"] += len(rows)

    def _common(self, at: dt.datetime) -> dict:
        return {
            "sealed_at": at.strftime("%Y-%m-%d %H:%M"),
            "copies": 1,
            "approver": "基准 主任",
            "handler": "基准 经办",
            "reviewer": "基准 经办",
            "custodian": "基准 管印",
            "seal": "BENCH-公章",
        }

    def _work_fields(self, seq: int, at: dt.datetime) -> dict:
        return {
            **self._common(at),
            "content": f"关于召开村民代表会议的通知（第{seq}号）",
            "category": self.rng.choice(["W1", "W2", "W3"]),
            "document_sha256": hashlib.sha256(str(seq).encode()).hexdigest(),
        }

    def _certificate_fields(self, code, seq, at, person) -> dict:
        return {
            **self._common(at),
            "requiring_unit": person["unit"],
            "purpose": person["purpose"],
            "phone": person["phone"],
            "content": f"{person['item'].name}：{person['name']}",
            "certificate_no": f"{code}-{self.args.year}-{seq:06d}",
            "category": "C2",
            "document_sha256": hashlib.sha256(f"{code}{seq}".encode()).hexdigest(),
        }

    def _request(self, code: str, person: dict, **values):
        from yinzheng.certificates.models import CertificateRequest

        item = values.pop("item", person["item"])
        return CertificateRequest(
            committee_id=code,
            tracking_code=secrets.token_urlsafe(12),
            resident_name=person["name"],
            id_number=person["id"],
            phone=person["phone"],
            item=item,
            item_text=item.name,
            purpose=person["purpose"],
            requiring_unit=person["unit"],
            facts="（基准数据）兹证明该居民在本村实际居住。",
            list_kind="positive",
            received_by_id=self.clerk,
            **values,
        )

    def _issued(self, code: str, entries: list, people: list[dict]) -> None:
        from yinzheng.certificates.models import CertificateRequest

        rows = []
        for entry, person in zip(entries, people, strict=True):
            at = entry.recorded_at
            rows.append(
                self._request(
                    code,
                    person,
                    intake_class="positive",
                    outcome="issue",
                    status="issued",
                    received_at=at - dt.timedelta(minutes=20),
                    verified_by_id=self.clerk,
                    verified_at=at - dt.timedelta(minutes=10),
                    verification_what="居住事实",
                    verification_how="入户查看",
                    serial=f"{code}-{self.args.year}-{entry.seq:06d}",
                    approved_by_id=self.head,
                    approved_at=at - dt.timedelta(minutes=5),
                    issued_by_id=self.keeper,
                    issued_at=at,
                    register_entry_id=entry.pk,
                    on_the_spot=True,
                )
            )
        assert all(e.pk for e in entries), "bulk_create returned no primary keys"
        CertificateRequest.objects.bulk_create(rows, batch_size=1000)
        self.counts["issued requests"] += len(rows)

    def _confirmations(self, entries: list, unconfirmed: float) -> None:
        from yinzheng.ledger.models import Confirmation

        rows = [
            Confirmation(
                entry_id=e.pk,
                method="paper",
                paper_reference=f"第{e.seq // 20 + 1}页第{e.seq % 20 + 1}行",
                recorded_by_id=self.keeper,
                recorded_at=e.recorded_at + dt.timedelta(minutes=1),
            )
            for e in entries
            if self.rng.random() >= unconfirmed
        ]
        Confirmation.objects.bulk_create(rows, batch_size=2000)
        self.counts["confirmations"] += len(rows)

    def _refusals(self, index, code, times, people) -> None:
        from yinzheng.certificates.models import CertificateRequest

        rng, year = self.rng, self.year
        refused = []

        def refuse(at, person, intake, item):
            refused.append(
                self._request(
                    code,
                    person,
                    item=item,
                    intake_class=intake,
                    outcome="refuse" if intake == "negative" else "issue",
                    status="refused",
                    received_at=at - dt.timedelta(minutes=15),
                    refused_by_id=self.clerk,
                    refused_at=at,
                    refusal_reason="（基准数据）不符合出具条件",
                    refusal_route="（基准数据）到有关部门办理",
                    refusal_department="（基准数据）某县有关部门",
                )
            )

        by_month: dict[int, int] = defaultdict(int)
        for at in times:
            by_month[at.month] += 1
        outlier_months = set(rng.sample(range(1, 13), 3)) if index % 25 == 11 else set()
        for month, issued in by_month.items():
            rate = 0.3 if month in outlier_months else 0.02
            for _ in range(round(issued * rate)):
                day = rng.choice([d for d in year.work if d.month == month])
                at = dt.datetime.combine(day, dt.time(10), TZ)
                refuse(at, self._stranger(), "positive", rng.choice(self.positive))
        negatives = max(1, len(times) // 100)
        for n in range(negatives):
            at = year.office(rng)
            person = self._stranger()
            if n == 0 and index % 6 == 1:
                # Refused a negative-list item, then issued another certificate
                # within weeks: the same resident on a later issued request.
                later = [
                    i for i, t in enumerate(times) if t > at + dt.timedelta(days=3)
                ]
                if later:
                    target = people[later[0]]
                    person = {**person, "id": target["id"], "name": target["name"]}
                    self.counts["planted refused-then-issued"] += 1
            refuse(at, person, "negative", rng.choice(self.negative))
        if outlier_months:
            self.counts["planted refusal outliers"] += len(outlier_months)
        CertificateRequest.objects.bulk_create(refused, batch_size=1000)
        self.counts["refused requests"] += len(refused)

    def _stranger(self) -> dict:
        name, number, phone = resident(self.rng, self.args.county)
        return {
            "name": name,
            "id": number,
            "phone": phone,
            "purpose": self.rng.choice(PURPOSES),
            "item": self.positive[0],
            "unit": self.rng.choice(UNITS),
        }


def _fields(entry) -> dict:
    import json

    return json.loads(entry.body)["data"]["fields"]


def _chained(chain, seq, prev, at, event, subject, actor, data):
    """A ledger entry hashed onto `prev` as ledger.services.append writes it."""
    from yinzheng.ledger.canonical import canonical, entry_hash
    from yinzheng.ledger.models import Entry
    from yinzheng.ledger.services import _at_text

    body = canonical({"event": event, "subject": subject, "actor": actor, "data": data})
    digest = entry_hash(chain=chain.key, seq=seq, prev=prev, at=_at_text(at), body=body)
    return Entry(
        chain=chain,
        seq=seq,
        prev_hash=prev,
        hash=digest,
        recorded_at=at,
        event=event,
        subject=subject,
        actor_id=actor,
        body=body,
    )
