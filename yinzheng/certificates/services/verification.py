"""Post-verification of commitments (事后核查, REQ-083), and the random draws that put
tasks first.

    VerificationTask open ─verification_close─▶ closed (true / false)
                                                   └─ false ─▶ CreditRecord (services.credit)

The township or civil affairs closes a task with its result, date, verifier and note; a
false result creates the person's credit record and queues its submission to the credit
platform (REQ-084). `commitment_sample` draws open tasks for priority at random: the
seed is generated with `secrets` unless one is given, and the journal keeps it with the
population (task ids) and the picks, so anyone can draw again with `draw()` —
`random.Random(seed)` over the sorted ids — and get the same picks (REQ-083, the
reading of gap 13).
"""

import datetime as dt
import math
import random
import secrets
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock
from yinzheng.core.actors import person
from yinzheng.core.codes import subtree_q
from yinzheng.core.errors import Conflict, CoreCode, InvalidInput, NotFound
from yinzheng.core.text import required_text
from yinzheng.core.transitions import move_to
from yinzheng.divisions.models import Division
from yinzheng.ledger import audit

from ..choices import TaskStatus, VerificationResult
from ..errors import CertificateCode
from ..models import Sampling, VerificationTask
from .credit import _credit_record_create

VERIFY = "commitment.verify"
SEED_MAX = 64
# How a draw is made, as the journal states it for whoever re-runs it.
DRAW_METHOD = "sorted(random.Random(seed).sample(sorted(population), size))"

TASK_FIELDS = [
    "status",
    "sampled",
    "result",
    "verified_on",
    "verifier",
    "note",
    "closed_by",
    "closed_at",
]


def _result(value: Any) -> str:
    if value is True or value == VerificationResult.TRUE:
        return VerificationResult.TRUE
    if value is False or value == VerificationResult.FALSE:
        return VerificationResult.FALSE
    raise InvalidInput(
        _("请选择核查结果：承诺属实或承诺不实"), code=CertificateCode.RESULT_REQUIRED
    )


@transaction.atomic
def verification_close(
    *,
    actor: Actor,
    task_id: int,
    result: Any,
    verified_on: dt.date | None,
    verifier: str,
    note: str,
) -> VerificationTask:
    """Record the result of the post-verification (REQ-083): true or false, the date,
    who verified and what was found. A false result creates the credit record and
    queues its submission to the credit platform (REQ-084)."""
    task = (
        VerificationTask.objects.select_for_update(of=("self",))
        .select_related("commitment", "commitment__request", "committee")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise NotFound(_("核查任务不存在"), code=CoreCode.TASK_NOT_FOUND)
    policy.require(actor, VERIFY, task)
    if task.status != TaskStatus.OPEN:
        raise Conflict(_("该核查任务已办结"), code=CoreCode.TASK_CLOSED)
    result = _result(result)
    if verified_on is None:
        raise InvalidInput(
            _("请填写核查日期"), code=CertificateCode.VERIFIED_ON_REQUIRED
        )
    if verified_on > clock.today() or verified_on < task.commitment.signed_on:
        raise InvalidInput(
            _("核查日期须在承诺签字之日和今天之间"),
            code=CertificateCode.VERIFIED_ON_INVALID,
        )
    verifier = required_text(
        verifier, _("核查人"), CertificateCode.VERIFIER_REQUIRED, 100
    )
    note = required_text(note, _("核查情况"), CoreCode.NOTE_REQUIRED, 4000)
    with audit.recorded(
        actor=actor, event="commitment.verified", subject=task, fields=TASK_FIELDS
    ):
        task.result, task.verified_on = result, verified_on
        task.verifier, task.note = verifier, note
        task.closed_by, task.closed_at = person(actor), clock.now()
        move_to(task, TaskStatus.CLOSED)
    if result == VerificationResult.FALSE:
        _credit_record_create(actor=actor, task=task)
    return task


def draw(population: Iterable[int], size: int, seed: str) -> list[int]:
    """The picks of a draw: `size` ids out of `population`, the same for the same seed,
    whatever the order the ids come in (DRAW_METHOD). Anyone can re-run it from the
    seed and the population the journal keeps."""
    ordered = sorted(population)
    return sorted(random.Random(seed).sample(ordered, size))


def _rate(rate: Any) -> Decimal:
    try:
        value = Decimal(str(rate))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(
            _("抽查比例须大于 0、不超过 1"), code=CertificateCode.SAMPLE_RATE_INVALID
        ) from exc
    if not value.is_finite() or not Decimal(0) < value <= Decimal(1):
        raise InvalidInput(
            _("抽查比例须大于 0、不超过 1"), code=CertificateCode.SAMPLE_RATE_INVALID
        )
    return value.quantize(Decimal("0.0001"))


@transaction.atomic
def commitment_sample(
    *,
    actor: Actor,
    scope_code: str,
    rate: Any = None,
    count: int | None = None,
    seed: str | None = None,
) -> Sampling:
    """Draw open, not yet sampled verification tasks below `scope_code` at random for
    priority (REQ-083): a rate (0–1, rounded up) or a count. Without a seed one is
    generated (secrets); the seed, the population and the picks are journaled."""
    scope = Division.objects.filter(code=scope_code).first()
    if scope is None:
        raise NotFound(_("区划不存在"), code=CoreCode.DIVISION_NOT_FOUND)
    policy.require(actor, VERIFY, scope)
    if (rate in (None, "")) == (count is None):
        raise InvalidInput(
            _("请填写抽查比例或抽查数量（二选一）"),
            code=CertificateCode.SAMPLE_SIZE_REQUIRED,
        )
    rate_value = _rate(rate) if rate not in (None, "") else None
    if rate_value is None and (
        not isinstance(count, int) or isinstance(count, bool) or count < 1
    ):
        raise InvalidInput(
            _("抽查数量须为正整数"), code=CertificateCode.SAMPLE_COUNT_INVALID
        )
    seed = (seed or "").strip() or secrets.token_hex(16)
    if len(seed) > SEED_MAX or not seed.isprintable():
        raise InvalidInput(
            _("随机种子不能超过 %d 个字符") % SEED_MAX,
            code=CertificateCode.SEED_INVALID,
        )
    population = list(
        VerificationTask.objects.select_for_update()
        .filter(
            subtree_q(scope.code, "committee_id"),
            status=TaskStatus.OPEN,
            sampled=False,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not population:
        raise Conflict(
            _("该范围内没有待抽查的核查任务"), code=CertificateCode.NOTHING_TO_SAMPLE
        )
    if rate_value is not None:
        size = math.ceil(rate_value * len(population))
    else:
        size = count or 0
    size = min(size, len(population))
    picks = draw(population, size, seed)
    sampling = Sampling.objects.create(
        scope=scope,
        seed=seed,
        rate=rate_value,
        count=count if rate_value is None else None,
        population=population,
        picks=picks,
        drawn_by=person(actor),
        drawn_at=clock.now(),
    )
    for task in VerificationTask.objects.select_for_update().filter(pk__in=picks):
        with audit.recorded(
            actor=actor,
            event="commitment.task_sampled",
            subject=task,
            fields=["sampled", "sampling"],
        ):
            task.sampled, task.sampling = True, sampling
    sampling.journal_entry = audit.record(
        actor=actor,
        event="commitment.sampled",
        subject=sampling,
        after={
            "scope": scope.code,
            "seed": seed,
            "rate": str(rate_value) if rate_value is not None else None,
            "count": sampling.count,
            "size": size,
            "population": population,
            "picks": picks,
            "method": DRAW_METHOD,
        },
    )
    sampling.save(update_fields=["journal_entry"])
    return sampling
