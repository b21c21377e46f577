"""Alerts mined from the registers (beyond the seeds): `yinzheng supervision scan`.

Each night the scan reads a county's registers, seals and certificate requests for the
patterns below, month by month, and raises an alert into the township's inbox for each
committee and month where one shows, with the entries that show it:

- sealing outside office hours or on a day off (the official calendar), by the
  journal's own time of the register entry, which nobody can backdate;
- certificate-register entries still not confirmed by the resident after N days;
- a seal out of the office past its return time; a handover past its due date;
- a burst of certificates for one resident, or for one purpose, in a month;
- a negative-list request refused, then issued to the same resident under another item;
- a committee refusing positive-list items far more often than its county's median
  (不作为);
- a sealing in a committee's register with no recorded approval of the head (乱作为,
  REQ-121): what `ledger verify`'s cross-check of the matters finds, raised as an alert.

The thresholds are the county's (`SupervisionSetting`). An alert's fingerprint (kind,
committee, month or object) makes the scan idempotent: run twice, it raises nothing new;
an open alert gets the entries found since, a dismissed one stays dismissed.
"""

import datetime as dt
import hashlib
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, JSONField, Min, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.certificates.choices import IntakeClass, Status
from yinzheng.certificates.models import CertificateRequest
from yinzheng.core import clock
from yinzheng.core.actors import SYSTEM, person
from yinzheng.core.codes import Level, ancestor_codes, subtree_q
from yinzheng.core.errors import Conflict, NotFound
from yinzheng.core.masking import mask_id_number
from yinzheng.core.text import required_text
from yinzheng.core.workdays import is_working_day
from yinzheng.divisions.models import Division
from yinzheng.ledger import audit
from yinzheng.ledger.models import Entry
from yinzheng.registers.services.books import Register, unconfirmed
from yinzheng.registers.services.checkpoints import REGISTER_KINDS
from yinzheng.seals.choices import HandoverStatus, TakeOutStatus
from yinzheng.seals.models import Handover, TakeOut, UsageRequest
from yinzheng.seals.registers_port import PREFIX as USAGE_PREFIX

from ..choices import AlertKind, AlertStatus, SealingProblem
from ..errors import SupervisionCode
from ..models import Alert, SupervisionSetting, TownshipCheck
from .checks import create_check
from .common import settings_for

EVIDENCE_LIMIT = 50  # rows kept on an alert; the count says how many there were


@dataclass
class Hit:
    kind: str
    committee: str
    key: str  # the month ("2026-11") or the object the alert is about
    start: dt.date
    end: dt.date
    summary: str
    evidence: list[dict[str, Any]] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        return f"{self.kind}:{self.committee}:{self.key}"


@dataclass(frozen=True)
class Window:
    county: str
    since: dt.date
    until: dt.date
    now: dt.datetime
    setting: SupervisionSetting

    def months(self) -> list[tuple[str, dt.datetime, dt.datetime]]:
        """Each month of the window ("2026-11") with its local start and end; months
        as ranges, so grouping by month needs no date function per row (SQLite
        would call one in Python for each)."""
        start, end = self.datetimes()
        tz = timezone.get_current_timezone()
        found = []
        day = self.since.replace(day=1)
        while day <= self.until:
            after = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
            found.append(
                (
                    _month(day),
                    max(start, dt.datetime.combine(day, dt.time.min, tzinfo=tz)),
                    min(end, dt.datetime.combine(after, dt.time.min, tzinfo=tz)),
                )
            )
            day = after
        return found

    def datetimes(self) -> tuple[dt.datetime, dt.datetime]:
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(self.since, dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(
            self.until + dt.timedelta(days=1), dt.time.min, tzinfo=tz
        )
        return start, end


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _month_span(key: str) -> tuple[dt.date, dt.date]:
    year, month = map(int, key.split("-"))
    start = dt.date(year, month, 1)
    after = dt.date(year + month // 12, month % 12 + 1, 1)
    return start, after - dt.timedelta(days=1)


def _entry_ref(pk: int, chain_key: str, seq: int, at: dt.datetime) -> dict[str, Any]:
    return {
        "entry": pk,
        "register": chain_key,
        "seq": seq,
        "at": timezone.localtime(at).isoformat(timespec="minutes"),
    }


# The patterns ------------------------------------------------------------------------


def off_hours(w: Window) -> list[Hit]:
    """Register entries made before opening, after closing or on a day off."""
    start, end = w.datetimes()
    rows = (
        Entry.objects.filter(subtree_q(w.county, "chain__division_id"))
        .filter(
            chain__kind__in=REGISTER_KINDS,
            event="register.entry",
            recorded_at__gte=start,
            recorded_at__lt=end,
        )
        .values_list("pk", "chain__division_id", "chain__key", "seq", "recorded_at")
        .order_by("recorded_at")
        .iterator(chunk_size=5000)
    )
    opens, closes = w.setting.office_opens, w.setting.office_closes
    tz = timezone.get_current_timezone()
    workday: dict[dt.date, bool] = {}
    found: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for pk, committee, chain_key, seq, at in rows:
        local = at.astimezone(tz)
        day = local.date()
        if day not in workday:
            workday[day] = is_working_day(day)
        if workday[day] and opens <= local.time() < closes:
            continue
        group = (committee, _month(day))
        counts[group] += 1
        if len(found[group]) < EVIDENCE_LIMIT:
            found[group].append(_entry_ref(pk, chain_key, seq, at))
    hits = []
    for (committee, month), evidence in found.items():
        if counts[(committee, month)] < w.setting.off_hours_min:
            continue
        start_day, end_day = _month_span(month)
        hits.append(
            Hit(
                AlertKind.OFF_HOURS,
                committee,
                month,
                start_day,
                end_day,
                _(
                    "%(month)s 有 %(n)d 次用印登记在非工作时间"
                    "（%(opens)s 前、%(closes)s 后或节假日）"
                )
                % {
                    "month": month,
                    "n": counts[(committee, month)],
                    "opens": opens.strftime("%H:%M"),
                    "closes": closes.strftime("%H:%M"),
                },
                evidence,
            )
        )
    return hits


def unconfirmed_entries(w: Window) -> list[Hit]:
    """Certificate-register entries the resident has not confirmed after N days."""
    cutoff = w.now - dt.timedelta(days=w.setting.unconfirmed_days)
    rows = (
        unconfirmed(subtree_q(w.county, "chain__division_id"))
        .filter(recorded_at__lt=cutoff)
        .values_list("pk", "chain__division_id", "chain__key", "seq", "recorded_at")
    )
    found: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for pk, committee, chain_key, seq, at in rows:
        group = (committee, _month(timezone.localtime(at).date()))
        counts[group] += 1
        if len(found[group]) < EVIDENCE_LIMIT:
            found[group].append(_entry_ref(pk, chain_key, seq, at))
    hits = []
    for (committee, month), evidence in found.items():
        start_day, end_day = _month_span(month)
        hits.append(
            Hit(
                AlertKind.UNCONFIRMED,
                committee,
                month,
                start_day,
                end_day,
                _("%(month)s 的 %(n)d 条出具证明登记超过 %(days)d 天仍未经居民签字确认")
                % {
                    "month": month,
                    "n": counts[(committee, month)],
                    "days": w.setting.unconfirmed_days,
                },
                evidence,
            )
        )
    return hits


def takeouts_overdue(w: Window) -> list[Hit]:
    rows = (
        TakeOut.objects.filter(subtree_q(w.county, "seal__committee_id"))
        .filter(status=TakeOutStatus.OUT, due_back_at__lt=w.now)
        .select_related("seal")
    )
    return [
        Hit(
            AlertKind.TAKEOUT_OVERDUE,
            t.seal.committee_id,
            f"takeout-{t.pk}",
            timezone.localtime(t.due_back_at).date(),
            w.until,
            _("“%(seal)s”带离办公场所，应于 %(due)s 归还，至今未还")
            % {
                "seal": str(t.seal),
                "due": timezone.localtime(t.due_back_at).strftime("%Y-%m-%d %H:%M"),
            },
            [{"takeout": t.pk, "seal": str(t.seal), "purpose": t.purpose}],
        )
        for t in rows
    ]


def handovers_overdue(w: Window) -> list[Hit]:
    rows = Handover.objects.filter(subtree_q(w.county, "committee_id")).filter(
        status=HandoverStatus.OPEN, due_on__lt=timezone.localtime(w.now).date()
    )
    return [
        Hit(
            AlertKind.HANDOVER_OVERDUE,
            h.committee_id,
            f"handover-{h.pk}",
            h.trigger_date,
            w.until,
            _("印章移交应于 %(due)s 前完成，至今未完成")
            % {"due": h.due_on.isoformat()},
            [{"handover": h.pk, "trigger": h.trigger, "due_on": h.due_on.isoformat()}],
        )
        for h in rows
    ]


def _digest(value: str) -> str:
    """A stable key for a resident or purpose, without the ID number in it."""
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def _bursts(
    w: Window,
    column: str,
    threshold: int,
    kind: str,
    describe: Callable[[str, int, str], str],
) -> list[Hit]:
    county = CertificateRequest.objects.filter(subtree_q(w.county, "committee_id"))
    hits = []
    for month, month_start, month_end in w.months():
        in_month = county.filter(issued_at__gte=month_start, issued_at__lt=month_end)
        groups = (
            in_month.exclude(**{column: ""})
            .values("committee_id", column)
            .annotate(n=Count("pk"))
            .filter(n__gte=threshold)
        )
        hits += [_burst(w, kind, describe, in_month, column, month, g) for g in groups]
    return hits


def _burst(
    w: Window,
    kind: str,
    describe: Callable[[str, int, str], str],
    in_month: Any,
    column: str,
    month: str,
    group: dict[str, Any],
) -> Hit:
    start_day, end_day = _month_span(month)
    value = group[column]
    requests = (
        in_month.filter(committee_id=group["committee_id"], **{column: value})
        .order_by("issued_at")
        .values_list("pk", "serial", "item_text", "issued_at")[:EVIDENCE_LIMIT]
    )
    return Hit(
        kind,
        group["committee_id"],
        f"{month}:{_digest(value)}",
        start_day,
        end_day,
        describe(month, group["n"], value),
        [
            {
                "request": pk,
                "serial": serial,
                "item": item,
                "at": timezone.localtime(at).isoformat(timespec="minutes"),
            }
            for pk, serial, item, at in requests
        ],
    )


def resident_bursts(w: Window) -> list[Hit]:
    return _bursts(
        w,
        "id_number",
        w.setting.resident_burst,
        AlertKind.RESIDENT_BURST,
        lambda month, n, value: (
            _("%(month)s 为同一居民（%(id)s）出具证明 %(n)d 次")
            % {"month": month, "id": mask_id_number(value), "n": n}
        ),
    )


def purpose_bursts(w: Window) -> list[Hit]:
    return _bursts(
        w,
        "purpose",
        w.setting.purpose_burst,
        AlertKind.PURPOSE_BURST,
        lambda month, n, value: (
            _("%(month)s 以同一用途“%(purpose)s”出具证明 %(n)d 次")
            % {"month": month, "purpose": value[:60], "n": n}
        ),
    )


def refused_then_issued(w: Window) -> list[Hit]:
    """A negative-list refusal followed, for the same resident at the same committee,
    by a certificate issued under another item within N days."""
    start, end = w.datetimes()
    refused = list(
        CertificateRequest.objects.filter(subtree_q(w.county, "committee_id"))
        .filter(
            status=Status.REFUSED,
            intake_class=IntakeClass.NEGATIVE,
            refused_at__gte=start,
            refused_at__lt=end,
        )
        .values_list(
            "pk", "committee_id", "id_number", "item_id", "item_text", "refused_at"
        )
    )
    if not refused:
        return []
    later: dict[tuple[str, str], list[tuple[Any, ...]]] = defaultdict(list)
    issued = CertificateRequest.objects.filter(
        committee_id__in={r[1] for r in refused},
        id_number__in={r[2] for r in refused},
        issued_at__gte=start,
    ).values_list(
        "pk", "committee_id", "id_number", "item_id", "item_text", "issued_at", "serial"
    )
    for row in issued:
        later[(row[1], row[2])].append(row)
    limit = dt.timedelta(days=w.setting.relapse_days)
    hits = []
    for pk, committee, id_number, item_id, item_text, refused_at in refused:
        assert refused_at is not None  # the filter above
        matches = [
            row
            for row in later[(committee, id_number)]
            if refused_at < row[5] <= refused_at + limit
            and (row[3] or row[4]) != (item_id or item_text)  # another item
        ]
        if not matches:
            continue
        hits.append(
            Hit(
                AlertKind.REFUSED_THEN_ISSUED,
                committee,
                f"request-{pk}",
                timezone.localtime(refused_at).date(),
                timezone.localtime(matches[-1][5]).date(),
                _(
                    "%(refused_on)s 拒绝出具负面清单事项“%(refused)s”后，"
                    "%(issued_on)s 又为同一居民出具了“%(issued)s”"
                )
                % {
                    "refused": item_text,
                    "refused_on": timezone.localtime(refused_at).date().isoformat(),
                    "issued": matches[0][4],
                    "issued_on": timezone.localtime(matches[0][5]).date().isoformat(),
                },
                [{"request": pk, "refused": item_text}]
                + [
                    {"request": row[0], "serial": row[6], "item": row[4]}
                    for row in matches
                ],
            )
        )
    return hits


def _township(committee_code: str) -> str:
    return ancestor_codes(committee_code)[-1]  # the committee's parent


def refusal_outliers(w: Window) -> list[Hit]:
    """不作为 (REQ-121): committees that refuse positive-list items markedly more often
    than their peers — above the county's median, or above the other committees of their
    own township, by the configured ratio — with at least the configured refusals."""
    county = CertificateRequest.objects.filter(subtree_q(w.county, "committee_id"))
    by_month: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for month, month_start, month_end in w.months():
        rows = (
            county.filter(
                intake_class=IntakeClass.POSITIVE,
                received_at__gte=month_start,
                received_at__lt=month_end,
            )
            .values("committee_id")
            .annotate(
                n=Count("pk"), refused=Count("pk", filter=Q(status=Status.REFUSED))
            )
        )
        for row in rows:
            by_month[month].append((row["committee_id"], row["n"], row["refused"]))
    ratio = Decimal(w.setting.refusal_ratio)
    hits = []
    for month, committees in by_month.items():
        median = statistics.median(Decimal(r) / Decimal(n) for _c, n, r in committees)
        townships: dict[str, tuple[int, int]] = defaultdict(lambda: (0, 0))
        for committee, n, refused in committees:
            total, refusals = townships[_township(committee)]
            townships[_township(committee)] = (total + n, refusals + refused)
        for committee, n, refused in committees:
            rate = Decimal(refused) / Decimal(n)
            total, refusals = townships[_township(committee)]
            peers_n, peers_refused = total - n, refusals - refused
            peers = Decimal(peers_refused) / Decimal(peers_n) if peers_n else None
            above_county = rate > median * ratio
            above_township = peers is not None and rate > peers * ratio
            if refused < w.setting.refusal_min or not (above_county or above_township):
                continue
            start_day, end_day = _month_span(month)
            hits.append(
                Hit(
                    AlertKind.REFUSAL_OUTLIER,
                    committee,
                    month,
                    start_day,
                    end_day,
                    _(
                        "%(month)s 正面清单事项拒绝 %(r)d 件/%(n)d 件（%(rate).0f%%），"
                        "同乡镇（街道）其他村（居）%(peers)s，同县中位数 %(median).0f%%"
                    )
                    % {
                        "month": month,
                        "r": refused,
                        "n": n,
                        "rate": rate * 100,
                        "peers": f"{peers * 100:.0f}%" if peers is not None else "—",
                        "median": median * 100,
                    },
                    [
                        {
                            "refused": refused,
                            "positive": n,
                            "township_peers": str(peers) if peers is not None else "",
                            "county_median": str(median),
                        }
                    ],
                )
            )
    return hits


CHUNK = 2000  # ids per query (SQLite's bound on variables)


def _journaled_approvals(subjects: list[str]) -> dict[str, dt.datetime]:
    """The first time the audit journal recorded the head's approval (usage.approved,
    ending "approved") of each seal-use request: the journal nobody can backdate, not
    the request's own columns."""
    first: dict[str, dt.datetime] = {}
    for start in range(0, len(subjects), CHUNK):
        # The entry's status read by the database's JSON functions (issue 15: parsing
        # each body in Python was most of the scan); a refusal to approve ends in
        # "rejected" and does not count.
        first.update(
            Entry.objects.filter(
                event="usage.approved", subject__in=subjects[start : start + CHUNK]
            )
            .annotate(journaled=Cast("body", JSONField()))
            .filter(journaled__data__after__status="approved")
            .values("subject")
            .annotate(first=Min("recorded_at"))
            .values_list("subject", "first")
        )
    return first


def _register_name(chain_key: str, seq: int) -> str:
    kind = chain_key.split(":")[1] if chain_key.count(":") >= 3 else ""
    return _("%(register)s第 %(seq)d 号") % {
        "register": Register.LABELS.get(kind, kind),
        "seq": seq,
    }


def sealed_without_approval(w: Window) -> list[Hit]:
    """乱作为 (REQ-121): sealings in a committee's registers without a recorded
    approval. Every register entry of a sealing names its seal-use request
    ("seals.usagerequest:<id>"); the sealing service refuses to seal before the head
    approves (REQ-054), so an entry whose request does not exist, whose approval the
    audit journal does not hold from before the entry was written, or that the
    request does not name as its own (no custodian sealed it), was made around the
    service. `ledger verify`'s cross-check finds some of
    these once someone runs it; the scan raises them each night."""
    sealings = Entry.objects.filter(subtree_q(w.county, "chain__division_id")).filter(
        chain__kind__in=REGISTER_KINDS,
        event="register.entry",
        subject__startswith=USAGE_PREFIX,
    )
    # Month by month (the window's ranges): the month is known without converting
    # each entry's time to local time.
    rows = [
        (month, *row)
        for month, month_start, month_end in w.months()
        for row in sealings.filter(
            recorded_at__gte=month_start, recorded_at__lt=month_end
        )
        .values_list(
            "pk", "chain__division_id", "chain__key", "seq", "recorded_at", "subject"
        )
        .order_by("recorded_at", "pk")
    ]
    if not rows:
        return []
    ids = sorted(
        {
            int(tail)
            for *_r, subject in rows
            if (tail := subject[len(USAGE_PREFIX) :]).isdigit() and len(tail) < 19
        }
    )
    usages: dict[int, tuple[int | None, int | None]] = {}
    for chunk in range(0, len(ids), CHUNK):
        usages.update(
            (pk, (entry_id, approver_id))
            for pk, entry_id, approver_id in UsageRequest.objects.filter(
                pk__in=ids[chunk : chunk + CHUNK]
            ).values_list("pk", "register_entry_id", "approver_id")
        )
    # Only a request that exists and names its approver can have a journaled approval.
    approvals = _journaled_approvals(
        [f"{USAGE_PREFIX}{pk}" for pk, (_e, approver) in usages.items() if approver]
    )
    found: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    names: dict[tuple[str, str], list[str]] = defaultdict(list)
    for month, pk, committee, chain_key, seq, at, subject in rows:
        tail = subject[len(USAGE_PREFIX) :]
        usage = usages.get(int(tail)) if tail.isdigit() and len(tail) < 19 else None
        approved_at = approvals.get(subject)
        if usage is None:
            problem = SealingProblem.NO_USAGE_REQUEST
        elif usage[1] is None or approved_at is None:
            problem = SealingProblem.NOT_APPROVED
        elif approved_at > at:
            problem = SealingProblem.APPROVED_AFTER
        elif usage[0] != pk:  # not written by the sealing service
            problem = SealingProblem.ENTRY_NOT_CLAIMED
        else:
            continue
        group = (committee, month)
        counts[group] += 1
        if len(found[group]) < EVIDENCE_LIMIT:
            found[group].append(
                {
                    **_entry_ref(pk, chain_key, seq, at),
                    "matter": subject,
                    "problem": problem.value,
                }
            )
            if len(names[group]) < 4:  # the summary names three
                names[group].append(_register_name(chain_key, seq))
    hits = []
    for (committee, month), evidence in found.items():
        start_day, end_day = _month_span(month)
        shown = names[(committee, month)]
        listed = "、".join(shown[:3])
        if counts[(committee, month)] > 3:
            listed = _("%(entries)s等") % {"entries": listed}
        hits.append(
            Hit(
                AlertKind.UNAPPROVED_SEALING,
                committee,
                month,
                start_day,
                end_day,
                _("%(month)s 有 %(n)d 次用印没有主任签批记录：%(entries)s")
                % {
                    "month": month,
                    "n": counts[(committee, month)],
                    "entries": listed,
                },
                evidence,
            )
        )
    return hits


PATTERNS: tuple[Callable[[Window], list[Hit]], ...] = (
    off_hours,
    unconfirmed_entries,
    takeouts_overdue,
    handovers_overdue,
    resident_bursts,
    purpose_bursts,
    refused_then_issued,
    refusal_outliers,
    sealed_without_approval,
)


# The scan ----------------------------------------------------------------------------


@dataclass
class ScanResult:
    raised: int = 0
    refreshed: int = 0
    unchanged: int = 0
    by_kind: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def counties_with_committees() -> list[str]:
    codes = Division.objects.filter(level=Level.COMMITTEE).values_list(
        "code", flat=True
    )
    return sorted({c[:6] for c in codes.iterator(chunk_size=10000)})


def scan(
    *,
    actor: Actor = SYSTEM,
    county_codes: Iterable[str] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> ScanResult:
    """Look for every pattern in each county; raise or refresh its alerts."""
    today = clock.today()
    until = until or today
    since = since or (until.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    # Alerts are per month: read whole months, so a scan over part of one never
    # replaces a month's evidence with less of it.
    since = since.replace(day=1)
    result = ScanResult()
    for county in sorted(county_codes) if county_codes else counties_with_committees():
        window = Window(county, since, until, clock.now(), settings_for(county))
        hits = [hit for pattern in PATTERNS for hit in pattern(window)]
        with transaction.atomic():
            _store(actor, hits, result)
    return result


def _store(actor: Actor, hits: list[Hit], result: ScanResult) -> None:
    now = clock.now()
    known = {
        a.fingerprint: a
        for a in Alert.objects.select_for_update().filter(
            fingerprint__in=[h.fingerprint for h in hits]
        )
    }
    for hit in hits:
        alert = known.get(hit.fingerprint)
        if alert is None:
            try:
                with transaction.atomic():  # a concurrent scan may raise it first
                    alert = Alert.objects.create(
                        kind=hit.kind,
                        fingerprint=hit.fingerprint,
                        committee_id=hit.committee,
                        period_start=hit.start,
                        period_end=hit.end,
                        summary=hit.summary[:300],
                        evidence=hit.evidence,
                        raised_at=now,
                        refreshed_at=now,
                    )
                    audit.record(
                        actor=actor,
                        event="supervision.alert_raised",
                        subject=alert,
                        after={"kind": hit.kind, "summary": alert.summary},
                    )
            except IntegrityError:
                result.unchanged += 1
                continue
            result.raised += 1
            result.by_kind[hit.kind] += 1
        elif alert.status == AlertStatus.OPEN and (
            alert.evidence != hit.evidence or alert.summary != hit.summary[:300]
        ):
            alert.evidence, alert.summary = hit.evidence, hit.summary[:300]
            alert.period_end, alert.refreshed_at = hit.end, now
            alert.save(
                update_fields=["evidence", "summary", "period_end", "refreshed_at"]
            )
            result.refreshed += 1
        else:
            result.unchanged += 1


# Deciding an alert -------------------------------------------------------------------


def _lock(alert_id: int, actor: Actor) -> Alert:
    alert = Alert.objects.select_for_update().filter(pk=alert_id).first()
    if alert is None:
        raise NotFound(_("预警不存在"), code=SupervisionCode.ALERT_NOT_FOUND)
    policy.require(actor, "supervision.alert_decide", alert)
    if alert.status != AlertStatus.OPEN:
        raise Conflict(_("该预警已处理"), code=SupervisionCode.ALERT_NOT_OPEN)
    return alert


@transaction.atomic
def alert_dismiss(*, actor: Actor, alert_id: int, reason: str) -> Alert:
    """Not a problem, with the reason why (journaled)."""
    alert = _lock(alert_id, actor)
    alert.dismiss_reason = required_text(
        reason, _("排除理由"), SupervisionCode.TEXT_REQUIRED, 2000
    )
    alert.status = AlertStatus.DISMISSED
    alert.decided_by, alert.decided_at = person(actor), clock.now()
    alert.save(update_fields=["status", "dismiss_reason", "decided_by", "decided_at"])
    audit.record(
        actor=actor,
        event="supervision.alert_dismissed",
        subject=alert,
        after={"reason": alert.dismiss_reason},
    )
    return alert


@transaction.atomic
def alert_to_check(
    *, actor: Actor, alert_id: int, checked_on: dt.date, findings: str, feedback: str
) -> TownshipCheck:
    """Look into it: the alert becomes a township check of the committee (REQ-093)."""
    alert = _lock(alert_id, actor)
    check = create_check(
        actor=actor,
        committee_code=alert.committee_id,
        checked_on=checked_on,
        findings=findings,
        feedback=feedback,
        action="supervision.alert_decide",
    )
    alert.status, alert.check_record = AlertStatus.CHECKED, check
    alert.decided_by, alert.decided_at = person(actor), clock.now()
    alert.save(update_fields=["status", "check_record", "decided_by", "decided_at"])
    audit.record(
        actor=actor,
        event="supervision.alert_checked",
        subject=alert,
        after={"check": check.pk},
    )
    return check
