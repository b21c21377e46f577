"""The issuing rules (REQ-031–049, DIV-02, DIV-04, DIV-05, DIV-13, DIV-16): one pure
function, `decide(item, facts) -> Decision`.

No database here: `selectors.item_facts()` and `selectors.request_facts()` build the plain
dataclasses below from the committee's effective catalogue (the list versions in force when
the request was taken in) and from what has been recorded on the request. Every outcome
carries its reasons, each with the REQ id it applies, so a page can explain it and a test
can check it.

1. The request gets exactly one intake class (REQ-031): Party-related, negative list,
   positive list, public interest (outside the lists) or no basis — in that order.
2. Party matters go to the Party organisation, never under the committee seal (REQ-043).
3. A certificate carrying legal or economic liability is refused (REQ-041, REQ-042).
4. A negative-list item is refused with its route and department (REQ-036), unless
   - the request falls under one of the item's bracketed exceptions (「…除外」): then it is
     not refused automatically but left for a manual decision (REQ-008, DIV-16), or
   - the factual-issuance exception is open in the jurisdiction (REQ-039) and every one of
     its conditions is recorded: trigger (policy gap, or a named civil/commercial entity's
     explicit demand), within duties, verifiable with evidence, assessment and
     precautions, materials retained (REQ-037, REQ-038, DIV-02, DIV-05).
5. No basis and not public interest: not issued (REQ-033).
6. On the way to issuing (positive items, public interest, the negative-list exception):
   a public-interest matter needs an agreed consultation and the head's signature
   (REQ-034; outside the positive list it is a "special case", REQ-035, DIV-04), and a
   legal-risk case needs the investigation record, the deliberation record and the
   assessment with precautions (REQ-040, DIV-05).
7. Where the item allows it, the notification-commitment route is offered (REQ-082;
   only the flag here).

Every outcome other than "issue" tells the resident where to go and who is responsible
(REQ-049): the item's route and departments, or the route of the class.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yinzheng.core.text import in_brackets

from .choices import ConsultationResult, IntakeClass, Outcome, Trigger

POSITIVE, NEGATIVE, NONE = "positive", "negative", "none"
DEPARTMENT = "department"  # REQ-123: certified by the competent department


@dataclass(frozen=True)
class ItemFacts:
    """What the catalogue says about the asked-for certificate, for this committee."""

    key: str  # "" when what was asked for is no catalogue item at all
    name: str
    list_kind: str = (
        NONE  # on the committee's effective catalogue: positive/negative/none
    )
    list_title: str = ""
    within_committee_duties: bool = False
    public_interest: bool = False
    legal_risk: bool = False
    liability_bearing: bool = False
    party_related: bool = False
    commitment_allowed: bool = False
    complexity: str = "simple"
    time_limit_days: int | None = None
    route: str = ""
    responsible_departments: tuple[str, ...] = ()
    exceptions: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExceptionFacts:
    """The recorded conditions of the factual-issuance exception (REQ-037, REQ-038)."""

    trigger: str = ""
    entity_name: str = ""
    within_duties: bool = False
    verifiable: bool = False
    evidence: str = ""
    assessment: str = ""
    precautions: str = ""
    materials_retained: bool = False


@dataclass(frozen=True)
class ConsultationFacts:
    """The residents' deliberation (议事协商) and the head's signature (REQ-034)."""

    form: str = ""
    held_on: dt.date | None = None
    participants: str = ""
    result: str = ""
    head_signed: bool = False


@dataclass(frozen=True)
class RiskFacts:
    """The three records a legal-risk case needs (REQ-040)."""

    investigation: str = ""
    deliberation: str = ""
    assessment: str = ""
    precautions: str = ""


@dataclass(frozen=True)
class RequestFacts:
    committee_name: str = ""
    requiring_unit: str = ""
    public_interest: bool = False
    party_related: bool = False
    legal_risk: bool = False
    carries_liability: bool = False
    exception_claimed: str = ""  # one of the item's bracketed exceptions, or ""
    negative_exception_enabled: bool = True  # the jurisdiction's switch (REQ-039)
    exception: ExceptionFacts | None = None
    consultation: ConsultationFacts | None = None
    risk: RiskFacts | None = None


@dataclass(frozen=True)
class Reason:
    code: str
    req: str
    message: str
    # What the words are made with (issue 16): a decision kept on a closed request
    # stores them with its code, and `localized` writes the words again in the
    # reader's language.
    params: tuple[Any, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "req": self.req,
            "message": self.message,
            "params": list(self.params),
        }


@dataclass(frozen=True)
class Missing:
    """A record still needed before the request may go on."""

    code: str
    label: str
    req: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "label": self.label, "req": self.req}


@dataclass(frozen=True)
class Decision:
    intake_class: str
    outcome: str
    reasons: tuple[Reason, ...]
    route: str = ""
    departments: tuple[str, ...] = ()
    missing: tuple[Missing, ...] = ()
    tags: frozenset[str] = field(default_factory=frozenset)
    commitment_available: bool = False
    # The factual-issuance exception may be recorded (negative item, switch on).
    exception_available: bool = False

    @property
    def may_issue(self) -> bool:
        return self.outcome == Outcome.ISSUE

    @property
    def seal_allowed(self) -> bool:
        """Only a request that may be issued ever goes under the committee seal."""
        return self.outcome == Outcome.ISSUE

    @property
    def department(self) -> str:
        return "、".join(self.departments)

    @property
    def is_refusal(self) -> bool:
        return self.outcome in (Outcome.REFUSE, Outcome.NOT_ISSUED)

    def as_dict(self) -> dict[str, Any]:
        return {
            "intake_class": self.intake_class,
            "outcome": self.outcome,
            "reasons": [r.as_dict() for r in self.reasons],
            "route": self.route,
            "departments": list(self.departments),
            "missing": [m.as_dict() for m in self.missing],
            "tags": sorted(self.tags),
            "commitment_available": self.commitment_available,
            "exception_available": self.exception_available,
        }


# Tags a decision may carry.
SPECIAL_CASE = "special_case"  # public interest outside the positive list (DIV-04)
NEGATIVE_EXCEPTION = "negative_exception"  # factual issuance of a negative item
ITEM_EXCEPTION = "item_exception"  # 「…除外」: manual decision (DIV-16)
PUBLIC_INTEREST_TAG = "public_interest"
LEGAL_RISK_TAG = "legal_risk"
ON_THE_SPOT = "on_the_spot"  # REQ-044
TIME_LIMITED = "time_limited"  # REQ-045
COMMITMENT = "commitment"  # REQ-082

PARTY_DEPARTMENT = "社区（村）党组织"


def intake_class(item: ItemFacts, facts: RequestFacts) -> str:
    """REQ-031: exactly one class, by precedence."""
    if item.party_related or facts.party_related:
        return IntakeClass.PARTY
    if item.list_kind == NEGATIVE:
        return IntakeClass.NEGATIVE
    if item.list_kind == DEPARTMENT:
        return IntakeClass.DEPARTMENT
    if item.list_kind == POSITIVE:
        return IntakeClass.POSITIVE
    if item.public_interest or facts.public_interest:
        return IntakeClass.PUBLIC_INTEREST
    return IntakeClass.NO_BASIS


def decide(item: ItemFacts, facts: RequestFacts) -> Decision:
    cls = intake_class(item, facts)
    reasons = [_class_reason(cls, item)]
    if cls == IntakeClass.PARTY:
        reasons.append(_reason("party_related", "REQ-043"))
        return Decision(
            cls,
            Outcome.TRANSFER_PARTY,
            tuple(reasons),
            route=_("请到社区（村）党组织办理，由党组织根据有关规定和要求出具"),
            departments=(PARTY_DEPARTMENT,),
        )
    if item.liability_bearing or facts.carries_liability:
        reasons.append(_reason("liability_bearing", "REQ-041"))
        reasons.append(_reason("beyond_seal_scope", "REQ-042"))
        return Decision(
            cls,
            Outcome.REFUSE,
            tuple(reasons),
            route=item.route
            or _(
                "该证明涉及承担法律责任或经济连带责任，村（居）委会不予出具。"
                "请向要求提供证明的单位说明，由其依职责自行核实或通过其他合法方式办理"
            ),
            departments=item.responsible_departments or (_demanding(facts),),
        )
    if cls == IntakeClass.NEGATIVE:
        return _negative(item, facts, reasons)
    if cls == IntakeClass.DEPARTMENT:
        # REQ-123: never issued by the committee, no exception; the resident is sent
        # to the department with its route, so no demand falls between the lists.
        reasons.append(
            Reason(
                "department_certifies",
                "REQ-123",
                _("该事项列入《%s》，应由相关部门出具证明，村（居）委会不予出具")
                % (item.list_title or _("应由相关部门出具的证明事项清单")),
            )
        )
        return Decision(
            cls,
            Outcome.REFUSE,
            tuple(reasons),
            route=item.route,
            departments=item.responsible_departments,
        )
    if cls == IntakeClass.NO_BASIS:
        reasons.append(_reason("no_legal_basis", "REQ-033"))
        return Decision(
            cls,
            Outcome.NOT_ISSUED,
            tuple(reasons),
            route=_(
                "请向要求提供证明的单位说明：该证明没有法律法规依据，村（居）委会不予出具；"
                "相关情况由该单位通过信息共享或依职责自行核实"
            ),
            departments=(_demanding(facts),),
        )
    tags: set[str] = set()
    if cls == IntakeClass.POSITIVE:
        reasons.append(_reason("positive_list", "REQ-032"))
    else:
        tags.add(SPECIAL_CASE)
        reasons.append(
            _reason("special_case", "REQ-035")  # DIV-04
        )
    return _issue_path(item, facts, cls, reasons, tags)


def _negative(item: ItemFacts, facts: RequestFacts, reasons: list[Reason]) -> Decision:
    route, departments = item.route, item.responsible_departments
    enabled = facts.negative_exception_enabled
    claimed = facts.exception_claimed
    if claimed and claimed in item.exceptions:
        reasons.append(
            _reason("item_exception", "REQ-008", claimed)  # DIV-16
        )
        tags = {ITEM_EXCEPTION}
        if enabled:
            missing = _exception_missing(facts.exception or ExceptionFacts())
            if facts.exception is not None and not missing:
                return _exception_granted(item, facts, reasons, tags)
            reasons.append(_exception_offer())
        else:
            # Under the general rules the exception route is closed here (REQ-039):
            # the person deciding can only refuse, with the route.
            missing = []
            reasons.append(_switched_off())
        return Decision(
            IntakeClass.NEGATIVE,
            Outcome.MANUAL,
            tuple(reasons),
            route=route,
            departments=departments,
            missing=tuple(missing),
            tags=frozenset(tags),
            exception_available=enabled,
        )
    reasons.append(_reason("negative_list", "REQ-036", item.list_title))
    if not enabled:
        reasons.append(_switched_off())
        return Decision(
            IntakeClass.NEGATIVE,
            Outcome.REFUSE,
            tuple(reasons),
            route=route,
            departments=departments,
        )
    if facts.exception is None:
        reasons.append(_exception_offer())
        return Decision(
            IntakeClass.NEGATIVE,
            Outcome.REFUSE,
            tuple(reasons),
            route=route,
            departments=departments,
            exception_available=True,
        )
    missing = _exception_missing(facts.exception)
    if missing:
        reasons.append(_reason("exception_incomplete", "REQ-037"))
        return Decision(
            IntakeClass.NEGATIVE,
            Outcome.PENDING,
            tuple(reasons),
            route=route,
            departments=departments,
            missing=tuple(missing),
            tags=frozenset({NEGATIVE_EXCEPTION}),
            exception_available=True,
        )
    return _exception_granted(item, facts, reasons, set())


def _exception_granted(
    item: ItemFacts, facts: RequestFacts, reasons: list[Reason], tags: set[str]
) -> Decision:
    exc = facts.exception
    assert exc is not None
    entity = exc.entity_name if exc.trigger == Trigger.ENTITY_DEMAND else ""
    reasons.append(_reason("negative_exception", "REQ-037", exc.trigger, entity))
    reasons.append(_reason("exception_assessed", "REQ-038"))
    return _issue_path(
        item, facts, IntakeClass.NEGATIVE, reasons, {*tags, NEGATIVE_EXCEPTION}
    )


def _issue_path(
    item: ItemFacts,
    facts: RequestFacts,
    cls: str,
    reasons: list[Reason],
    tags: set[str],
) -> Decision:
    missing: list[Missing] = []
    if item.public_interest or facts.public_interest:
        tags.add(PUBLIC_INTEREST_TAG)
        c = facts.consultation
        if c is not None and c.result == ConsultationResult.NOT_AGREED:
            reasons.append(_reason("consultation_not_agreed", "REQ-034"))
            return Decision(
                cls,
                Outcome.REFUSE,
                tuple(reasons),
                route=item.route
                or _("该事项经居民议事协商未获同意，请向要求提供证明的单位说明情况"),
                departments=item.responsible_departments or (_demanding(facts),),
                tags=frozenset(tags),
            )
        missing += _consultation_missing(c)
        reasons.append(_reason("public_interest", "REQ-034"))
    if item.legal_risk or facts.legal_risk:
        tags.add(LEGAL_RISK_TAG)
        missing += _risk_missing(facts.risk)
        reasons.append(_reason("legal_risk", "REQ-040"))
    if item.complexity == "complex":
        tags.add(TIME_LIMITED)
        reasons.append(_reason("time_limited", "REQ-045", item.time_limit_days or 0))
    else:
        tags.add(ON_THE_SPOT)
        reasons.append(_reason("on_the_spot", "REQ-044"))
    commitment = item.commitment_allowed
    if commitment:
        tags.add(COMMITMENT)
        reasons.append(_reason("commitment", "REQ-082"))
    if missing:
        committee = facts.committee_name or _("本村（居）民委员会")
        return Decision(
            cls,
            Outcome.PENDING,
            tuple(reasons),
            route=_("补齐以下记录后由%(c)s出具：%(m)s")
            % {"c": committee, "m": "、".join(m.label for m in missing)},
            departments=(committee,),
            missing=tuple(missing),
            tags=frozenset(tags),
            commitment_available=commitment,
        )
    return Decision(
        cls,
        Outcome.ISSUE,
        tuple(reasons),
        tags=frozenset(tags),
        commitment_available=commitment,
    )


def _exception_missing(exc: ExceptionFacts) -> list[Missing]:
    """REQ-037, REQ-038, DIV-02, DIV-05: every condition of the exception."""
    out = []
    if exc.trigger not in Trigger.values:
        out.append(_missing("exception_trigger", "REQ-037"))
    elif exc.trigger == Trigger.ENTITY_DEMAND and not exc.entity_name.strip():
        out.append(_missing("exception_entity", "REQ-037"))
    if not exc.within_duties:
        out.append(_missing("exception_duties", "REQ-037"))
    if not exc.verifiable or not exc.evidence.strip():
        out.append(_missing("exception_evidence", "REQ-037"))
    if not exc.assessment.strip():
        out.append(_missing("exception_assessment", "REQ-038"))
    if not exc.precautions.strip():
        out.append(_missing("exception_precautions", "REQ-038"))
    if not exc.materials_retained:
        out.append(_missing("exception_materials", "REQ-038"))
    return out


def _consultation_missing(c: ConsultationFacts | None) -> list[Missing]:
    if (
        c is None
        or not c.form
        or c.held_on is None
        or not c.participants.strip()
        or c.result != ConsultationResult.AGREED
    ):
        return [
            _missing("consultation", "REQ-034"),
            _missing("head_signature", "REQ-034"),
        ]
    if not c.head_signed:
        return [_missing("head_signature", "REQ-034")]
    return []


def _risk_missing(r: RiskFacts | None) -> list[Missing]:
    r = r or RiskFacts()
    out = []
    if not r.investigation.strip():
        out.append(_missing("risk_investigation", "REQ-040"))
    if not r.deliberation.strip():
        out.append(_missing("risk_deliberation", "REQ-040"))
    if not r.assessment.strip() or not r.precautions.strip():
        out.append(_missing("risk_assessment", "REQ-040"))
    return out


def _class_reason(cls: str, item: ItemFacts) -> Reason:
    return _reason(f"class_{cls}", "REQ-031")


def _switched_off() -> Reason:
    return _reason("exception_switched_off", "REQ-039")  # DIV-02


def _exception_offer() -> Reason:
    return _reason("exception_available", "REQ-037")


def _demanding(facts: RequestFacts) -> str:
    return facts.requiring_unit.strip() or _("要求提供证明的单位")


# The words of every reason and missing record, by code (issue 16). A decision is kept
# on a request once it is final, with the codes and parameters of its reasons; pages
# write the words again from here in the reader's language (`localized`), so the
# system's own reasons are never stuck in the language they were stored in.
REASON_MESSAGES: dict[str, Any] = {
    "party_related": gettext_lazy(
        "涉及党组织或党员的证明，由社区（村）党组织根据有关规定和要求办理，"
        "不使用村（居）委会印章"
    ),
    "liability_bearing": gettext_lazy(
        "村（居）委会印章不能用于任何承担法律责任及经济连带责任的证明，"
        "也不得应要求出具超出印章使用范围的证明"
    ),
    "beyond_seal_scope": gettext_lazy(
        "此类要求超出印章使用范围，可作为不合理要求向民政部门反映"
    ),
    "no_legal_basis": gettext_lazy(
        "该证明没有法律法规依据，也未列入国务院保留证明事项清单，村（居）委会不予出具"
    ),
    "positive_list": gettext_lazy(
        "该事项列入出具证明事项清单，应当依法出具；不予出具须写明理由"
    ),
    "special_case": gettext_lazy(
        "该事项不在正面清单内，但涉及公共利益，"
        "可经议事协商和主任签字后出具，按“特殊情况”统计"
    ),
    "item_exception": gettext_lazy(
        "该申请属于本事项的除外情形“%s”，不自动不予出具，须按出具证明的一般规则人工决定"
    ),
    "negative_list": gettext_lazy(
        "该事项列入《%s》，一般情况下村（居）委会不予出具，请按办事途径办理"
    ),
    "exception_incomplete": gettext_lazy("据实出具的例外情形须登记全部条件后方可出具"),
    "negative_exception": gettext_lazy(
        "负面清单事项例外：%s，属于职责范围且能够核实，据实出具"
    ),
    "exception_assessed": gettext_lazy("已充分评估并预先防范，相关资料已登记留存"),
    "consultation_not_agreed": gettext_lazy("居民议事协商未同意，不予出具"),
    "public_interest": gettext_lazy(
        "涉及公共利益或多数居民切身利益，须经居民议事协商同意并由主任签字"
    ),
    "legal_risk": gettext_lazy(
        "可能涉及法律风险：须有调查核实记录、议事协商记录和评估及防范措施"
    ),
    "time_limited": gettext_lazy("须调查核实的证明，在 %d 个工作日内办结"),
    "on_the_spot": gettext_lazy("简单证明，当场办结"),
    "commitment": gettext_lazy("该事项可实行告知承诺制：居民书面承诺后可不再提供证明"),
    "exception_switched_off": gettext_lazy(
        "本辖区对已列入负面清单的事项不再出具，不设例外"
    ),
    "exception_available": gettext_lazy(
        "因政策措施衔接不到位或民商事主体明确要求，属于自身职责范围且能够核实的，"
        "登记例外条件并充分评估后可据实出具"
    ),
}
CLASS_MESSAGE = gettext_lazy("受理分类：%s")
MISSING_LABELS: dict[str, Any] = {
    "exception_trigger": gettext_lazy("例外情形（政策衔接不到位或民商事主体明确要求）"),
    "exception_entity": gettext_lazy("提出要求的民商事主体名称"),
    "exception_duties": gettext_lazy("确认属于自身职责范围"),
    "exception_evidence": gettext_lazy("能够核实及核实依据"),
    "exception_assessment": gettext_lazy("充分评估情况"),
    "exception_precautions": gettext_lazy("预先防范措施"),
    "exception_materials": gettext_lazy("相关资料已登记留存"),
    "consultation": gettext_lazy(
        "居民议事协商记录（形式、日期、参加人员、结果为同意）"
    ),
    "head_signature": gettext_lazy("主任签字"),
    "risk_investigation": gettext_lazy("调查核实记录"),
    "risk_deliberation": gettext_lazy("议事协商记录"),
    "risk_assessment": gettext_lazy("法律风险评估及防范措施"),
}


def reason_message(code: str, params: Sequence[Any] | None, fallback: str = "") -> str:
    """The words of a reason in the active language. `params` None: a decision kept
    before reasons stored their parameters; a reason that needs them keeps `fallback`
    (the words it was stored with)."""
    if code.startswith("class_"):
        label = dict(IntakeClass.choices).get(code.removeprefix("class_"))
        return str(CLASS_MESSAGE) % label if label is not None else fallback
    template = REASON_MESSAGES.get(code)
    if template is None:
        return fallback or code
    if code == "negative_list":
        if params is None:
            return fallback or str(template) % _("负面清单")
        return str(template) % (params[0] if params and params[0] else _("负面清单"))
    if code == "negative_exception":
        if not params:
            return fallback
        trigger_code, entity = (list(params) + ["", ""])[:2]
        trigger = str(dict(Trigger.choices).get(trigger_code, trigger_code))
        if entity:
            trigger = f"{trigger}{in_brackets(entity)}"
        return str(template) % trigger
    if code in ("item_exception", "time_limited"):
        return str(template) % tuple(params) if params else fallback
    return str(template)


def _reason(code: str, req: str, *params: Any) -> Reason:
    return Reason(code, req, reason_message(code, params), params)


def _missing(code: str, req: str) -> Missing:
    return Missing(code, str(MISSING_LABELS[code]), req)


def localized(decision: dict[str, Any]) -> dict[str, Any]:
    """A decision (`Decision.as_dict`, live or kept) with its words in the active
    language, written again from the codes (issue 16)."""
    if not decision:
        return decision
    shown = dict(decision)
    shown["reasons"] = [
        {
            **reason,
            "message": reason_message(
                reason.get("code", ""), reason.get("params"), reason.get("message", "")
            ),
        }
        for reason in decision.get("reasons", [])
    ]
    shown["missing"] = [
        {**m, "label": str(MISSING_LABELS.get(m.get("code", ""), m.get("label", "")))}
        for m in decision.get("missing", [])
    ]
    return shown
