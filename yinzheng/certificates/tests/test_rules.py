"""rules.decide(): examples per class and outcome, then properties over every input
(hypothesis). No database: decide() is pure (REQ-031–049, DIV-02, -04, -05, -16)."""

import datetime as dt
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from yinzheng.certificates import rules
from yinzheng.certificates.choices import (
    ConsultationResult,
    IntakeClass,
    Outcome,
    Trigger,
)

REQ_ID = re.compile(r"^REQ-\d{3}$")

POSITIVE = rules.ItemFacts(
    key="residence", name="实际居住情况证明", list_kind="positive"
)
NEGATIVE = rules.ItemFacts(
    key="proof_of_life",
    name="健在证明",
    list_kind="negative",
    list_title="不应由基层群众性自治组织出具证明事项清单（第一批）",
    route="居民办事事项涉及的相关部门通过与卫生健康部门信息共享的方式进行核对",
    responsible_departments=("卫生健康",),
)
NEGATIVE_WITH_EXCEPTIONS = rules.ItemFacts(
    key="marriage_childbearing",
    name="婚育状况证明",
    list_kind="negative",
    route="通过信息共享核对（收养情况除外）",
    responsible_departments=("卫生健康",),
    exceptions=("收养情况",),
)
UNLISTED = rules.ItemFacts(key="", name="没有依据的证明")
FULL_EXCEPTION = rules.ExceptionFacts(
    trigger=Trigger.ENTITY_DEMAND,
    entity_name="某银行",
    within_duties=True,
    verifiable=True,
    evidence="入户查看，邻居证言",
    assessment="不涉及财产处分，风险可控",
    precautions="仅证明居住事实，不作担保",
    materials_retained=True,
)
AGREED = rules.ConsultationFacts(
    form="council",
    held_on=dt.date(2026, 3, 1),
    participants="居民代表 15 人",
    result=ConsultationResult.AGREED,
    head_signed=True,
)
RISK_DONE = rules.RiskFacts(
    investigation="入户调查记录",
    deliberation="议事记录",
    assessment="评估",
    precautions="措施",
)


def facts(**kw) -> rules.RequestFacts:
    return rules.RequestFacts(committee_name="长城社区居民委员会", **kw)


# Examples ---------------------------------------------------------------------------


def test_positive_item_proceeds_and_says_a_refusal_needs_a_reason_REQ_032():
    d = rules.decide(POSITIVE, facts())
    assert d.intake_class == IntakeClass.POSITIVE
    assert d.outcome == Outcome.ISSUE and d.seal_allowed
    assert {r.req for r in d.reasons} >= {"REQ-031", "REQ-032", "REQ-044"}


def test_no_basis_is_not_issued_with_a_route_REQ_033_049():
    d = rules.decide(UNLISTED, facts(requiring_unit="某银行"))
    assert d.intake_class == IntakeClass.NO_BASIS
    assert d.outcome == Outcome.NOT_ISSUED
    assert d.route and d.departments == ("某银行",)
    assert "REQ-033" in {r.req for r in d.reasons}


def test_negative_item_is_refused_with_its_route_and_department_REQ_036():
    d = rules.decide(NEGATIVE, facts())
    assert d.intake_class == IntakeClass.NEGATIVE
    assert d.outcome == Outcome.REFUSE
    assert d.route == NEGATIVE.route and d.departments == ("卫生健康",)
    assert d.exception_available  # the switch is on by default (REQ-039)


def test_negative_item_with_every_exception_condition_is_issued_REQ_037_038():
    d = rules.decide(NEGATIVE, facts(exception=FULL_EXCEPTION))
    assert d.outcome == Outcome.ISSUE
    assert rules.NEGATIVE_EXCEPTION in d.tags
    assert {"REQ-037", "REQ-038"} <= {r.req for r in d.reasons}


def test_each_missing_exception_condition_blocks_issue_REQ_037_038():
    for change, code in [
        ({"trigger": ""}, "exception_trigger"),
        ({"entity_name": " "}, "exception_entity"),
        ({"within_duties": False}, "exception_duties"),
        ({"verifiable": False}, "exception_evidence"),
        ({"evidence": ""}, "exception_evidence"),
        ({"assessment": ""}, "exception_assessment"),
        ({"precautions": ""}, "exception_precautions"),
        ({"materials_retained": False}, "exception_materials"),
    ]:
        exc = rules.ExceptionFacts(**{**FULL_EXCEPTION.__dict__, **change})
        d = rules.decide(NEGATIVE, facts(exception=exc))
        assert d.outcome == Outcome.PENDING, change
        assert code in {m.code for m in d.missing}, change


def test_a_policy_gap_needs_no_entity_name_REQ_037():
    exc = rules.ExceptionFacts(
        **{**FULL_EXCEPTION.__dict__, "trigger": Trigger.POLICY_GAP, "entity_name": ""}
    )
    assert rules.decide(NEGATIVE, facts(exception=exc)).outcome == Outcome.ISSUE


def test_switch_off_refuses_even_with_every_condition_REQ_039():
    d = rules.decide(
        NEGATIVE, facts(exception=FULL_EXCEPTION, negative_exception_enabled=False)
    )
    assert d.outcome == Outcome.REFUSE
    assert not d.exception_available
    assert "REQ-039" in {r.req for r in d.reasons}


def test_bracketed_exception_is_not_auto_refused_but_left_for_a_person_REQ_008():
    d = rules.decide(NEGATIVE_WITH_EXCEPTIONS, facts(exception_claimed="收养情况"))
    assert d.outcome == Outcome.MANUAL
    assert rules.ITEM_EXCEPTION in d.tags
    assert d.route and d.departments
    # Decided under the general rules: with every condition it may be issued.
    d = rules.decide(
        NEGATIVE_WITH_EXCEPTIONS,
        facts(exception_claimed="收养情况", exception=FULL_EXCEPTION),
    )
    assert d.outcome == Outcome.ISSUE


def test_a_claimed_exception_the_item_does_not_have_changes_nothing_REQ_008():
    d = rules.decide(NEGATIVE, facts(exception_claimed="收养情况"))
    assert d.outcome == Outcome.REFUSE


def test_legal_risk_needs_all_three_records_REQ_040():
    item = rules.ItemFacts(**{**POSITIVE.__dict__, "legal_risk": True})
    d = rules.decide(item, facts())
    assert d.outcome == Outcome.PENDING
    assert {m.code for m in d.missing} == {
        "risk_investigation",
        "risk_deliberation",
        "risk_assessment",
    }
    partial = rules.RiskFacts(investigation="x", deliberation="y", assessment="z")
    d = rules.decide(item, facts(risk=partial))
    assert [m.code for m in d.missing] == ["risk_assessment"]  # no precautions
    assert rules.decide(item, facts(risk=RISK_DONE)).outcome == Outcome.ISSUE
    # Flagged on the request, not the item: the same (REQ-040 "ticking legal risk").
    assert rules.decide(POSITIVE, facts(legal_risk=True)).outcome == Outcome.PENDING


def test_liability_item_or_demand_is_refused_REQ_041_042():
    item = rules.ItemFacts(**{**POSITIVE.__dict__, "liability_bearing": True})
    d = rules.decide(item, facts())
    assert d.outcome == Outcome.REFUSE and not d.seal_allowed
    assert {"REQ-041", "REQ-042"} <= {r.req for r in d.reasons}
    d = rules.decide(POSITIVE, facts(carries_liability=True, requiring_unit="某公司"))
    assert d.outcome == Outcome.REFUSE and d.departments == ("某公司",)


def test_party_matters_go_to_the_party_organisation_without_a_seal_REQ_043():
    d = rules.decide(POSITIVE, facts(party_related=True))
    assert d.intake_class == IntakeClass.PARTY
    assert d.outcome == Outcome.TRANSFER_PARTY and not d.seal_allowed
    assert d.departments == (rules.PARTY_DEPARTMENT,)


def test_public_interest_waits_for_consultation_and_the_heads_signature_REQ_034():
    d = rules.decide(POSITIVE, facts(public_interest=True))
    assert d.outcome == Outcome.PENDING
    assert {m.code for m in d.missing} == {"consultation", "head_signature"}
    unsigned = rules.ConsultationFacts(**{**AGREED.__dict__, "head_signed": False})
    d = rules.decide(POSITIVE, facts(public_interest=True, consultation=unsigned))
    assert [m.code for m in d.missing] == ["head_signature"]
    d = rules.decide(POSITIVE, facts(public_interest=True, consultation=AGREED))
    assert d.outcome == Outcome.ISSUE


def test_a_consultation_that_did_not_agree_refuses_REQ_034():
    no = rules.ConsultationFacts(
        **{**AGREED.__dict__, "result": ConsultationResult.NOT_AGREED}
    )
    d = rules.decide(POSITIVE, facts(public_interest=True, consultation=no))
    assert d.outcome == Outcome.REFUSE and d.route and d.departments


def test_public_interest_outside_the_list_is_a_special_case_REQ_035_DIV_04():
    d = rules.decide(UNLISTED, facts(public_interest=True))
    assert d.intake_class == IntakeClass.PUBLIC_INTEREST
    assert d.outcome == Outcome.PENDING  # not auto-refused
    assert rules.SPECIAL_CASE in d.tags
    d = rules.decide(UNLISTED, facts(public_interest=True, consultation=AGREED))
    assert d.outcome == Outcome.ISSUE and rules.SPECIAL_CASE in d.tags


def test_complex_items_are_time_limited_and_simple_ones_done_on_the_spot_REQ_044_045():
    complex_item = rules.ItemFacts(
        **{**POSITIVE.__dict__, "complexity": "complex", "time_limit_days": 5}
    )
    assert rules.TIME_LIMITED in rules.decide(complex_item, facts()).tags
    assert rules.ON_THE_SPOT in rules.decide(POSITIVE, facts()).tags


def test_commitment_route_is_flagged_where_the_item_allows_it_REQ_082():
    item = rules.ItemFacts(**{**POSITIVE.__dict__, "commitment_allowed": True})
    d = rules.decide(item, facts())
    assert d.commitment_available and "REQ-082" in {r.req for r in d.reasons}
    assert not rules.decide(POSITIVE, facts()).commitment_available


# Properties ---------------------------------------------------------------------------

text = st.sampled_from(["", " ", "有内容"])
items = st.builds(
    rules.ItemFacts,
    key=st.sampled_from(["", "k"]),
    name=st.just("某证明"),
    list_kind=st.sampled_from(["positive", "negative", "none"]),
    list_title=st.sampled_from(["", "某清单"]),
    within_committee_duties=st.booleans(),
    public_interest=st.booleans(),
    legal_risk=st.booleans(),
    liability_bearing=st.booleans(),
    party_related=st.booleans(),
    commitment_allowed=st.booleans(),
    complexity=st.sampled_from(["simple", "complex"]),
    time_limit_days=st.sampled_from([None, 3, 10]),
    route=st.sampled_from(["", "向公安部门申请"]),
    responsible_departments=st.sampled_from([(), ("公安",)]),
    exceptions=st.sampled_from([(), ("收养情况",)]),
)
exceptions = st.none() | st.builds(
    rules.ExceptionFacts,
    trigger=st.sampled_from(["", *Trigger.values, "bogus"]),
    entity_name=text,
    within_duties=st.booleans(),
    verifiable=st.booleans(),
    evidence=text,
    assessment=text,
    precautions=text,
    materials_retained=st.booleans(),
)
consultations = st.none() | st.builds(
    rules.ConsultationFacts,
    form=st.sampled_from(["", "council"]),
    held_on=st.sampled_from([None, dt.date(2026, 3, 1)]),
    participants=text,
    result=st.sampled_from(["", *ConsultationResult.values]),
    head_signed=st.booleans(),
)
risks = st.none() | st.builds(
    rules.RiskFacts,
    investigation=text,
    deliberation=text,
    assessment=text,
    precautions=text,
)
all_facts = st.builds(
    rules.RequestFacts,
    committee_name=st.sampled_from(["", "长城社区居民委员会"]),
    requiring_unit=st.sampled_from(["", " ", "某银行"]),
    public_interest=st.booleans(),
    party_related=st.booleans(),
    legal_risk=st.booleans(),
    carries_liability=st.booleans(),
    exception_claimed=st.sampled_from(["", "收养情况", "不存在的情形"]),
    negative_exception_enabled=st.booleans(),
    exception=exceptions,
    consultation=consultations,
    risk=risks,
)
# Negative items as the catalogue keeps them: route and department required (REQ-006).
negative_items = items.map(
    lambda i: rules.ItemFacts(
        **{
            **i.__dict__,
            "list_kind": "negative",
            "route": i.route or "向有关部门申请",
            "responsible_departments": i.responsible_departments or ("公安",),
        }
    )
)
catalogue_items = st.one_of(
    items.filter(lambda i: i.list_kind != "negative"), negative_items
)


def _complete(exc: rules.ExceptionFacts | None) -> bool:
    return (
        exc is not None
        and exc.trigger in Trigger.values
        and (exc.trigger != Trigger.ENTITY_DEMAND or bool(exc.entity_name.strip()))
        and exc.within_duties
        and exc.verifiable
        and bool(exc.evidence.strip())
        and bool(exc.assessment.strip())
        and bool(exc.precautions.strip())
        and exc.materials_retained
    )


@settings(max_examples=400)
@given(catalogue_items, all_facts)
def test_every_outcome_has_a_reason_with_a_req_id_and_one_intake_class_REQ_031(
    item, facts
):
    d = rules.decide(item, facts)
    assert d.reasons and all(REQ_ID.match(r.req) for r in d.reasons)
    assert d.intake_class in IntakeClass.values
    assert sum(1 for r in d.reasons if r.req == "REQ-031") == 1
    assert d.outcome in Outcome.values


@settings(max_examples=400)
@given(catalogue_items, all_facts)
def test_every_non_issue_outcome_has_a_route_and_a_department_REQ_049(item, facts):
    d = rules.decide(item, facts)
    if d.outcome != Outcome.ISSUE:
        assert d.route.strip()
        assert d.departments and all(x.strip() for x in d.departments)


@settings(max_examples=400)
@given(negative_items, all_facts)
def test_a_negative_item_is_issued_only_with_every_condition_and_the_switch_on(
    item, facts
):
    """REQ-036–039, DIV-02: never "issue" unless every exception condition is
    recorded and the jurisdiction keeps the exception open."""
    d = rules.decide(item, facts)
    if d.outcome == Outcome.ISSUE:
        assert facts.negative_exception_enabled
        assert _complete(facts.exception)


@settings(max_examples=300)
@given(catalogue_items, all_facts)
def test_liability_is_never_issued_REQ_041(item, facts):
    if item.liability_bearing or facts.carries_liability:
        assert rules.decide(item, facts).outcome != Outcome.ISSUE


@settings(max_examples=300)
@given(catalogue_items, all_facts)
def test_party_matters_never_get_a_seal_REQ_043(item, facts):
    d = rules.decide(item, facts)
    if item.party_related or facts.party_related:
        assert d.outcome == Outcome.TRANSFER_PARTY and not d.seal_allowed


@settings(max_examples=300)
@given(catalogue_items, all_facts)
def test_public_interest_is_issued_only_agreed_and_signed_REQ_034(item, facts):
    d = rules.decide(item, facts)
    if d.outcome == Outcome.ISSUE and (item.public_interest or facts.public_interest):
        c = facts.consultation
        assert c is not None and c.result == ConsultationResult.AGREED
        assert c.head_signed and c.participants.strip() and c.held_on and c.form


@settings(max_examples=300)
@given(catalogue_items, all_facts)
def test_legal_risk_is_issued_only_with_the_three_records_REQ_040(item, facts):
    d = rules.decide(item, facts)
    if d.outcome == Outcome.ISSUE and (item.legal_risk or facts.legal_risk):
        r = facts.risk
        assert r is not None
        assert all(
            x.strip()
            for x in (r.investigation, r.deliberation, r.assessment, r.precautions)
        )


@settings(max_examples=300)
@given(catalogue_items, all_facts)
def test_no_basis_is_never_issued_REQ_033(item, facts):
    d = rules.decide(item, facts)
    if d.intake_class == IntakeClass.NO_BASIS:
        assert d.outcome in (Outcome.NOT_ISSUED, Outcome.REFUSE)  # REFUSE: liability


def test_a_sample_entity_is_bracketed_once_in_the_reason():
    """Issue 16: not 民商事主体明确要求（（示例）某银行）."""
    message = rules.reason_message(
        "negative_exception", ["entity_demand", "（示例）某商业银行山丹支行"]
    )
    assert "（（" not in message and "（示例：某商业银行山丹支行）" in message
