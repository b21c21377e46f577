"""Certificate requests through the services: intake, the records outcomes need,
verify → approve → seal and issue by three people, refusal with its notice, serials,
deadlines and the overdue list (REQ-016, REQ-031–049, DIV-02, -04, -05, -13, -16).

Proved here, among others: REQ-043 (Party matters transferred without a seal) and
REQ-045 (complex items due in working days, overdue lists).
"""

import datetime as dt
import re
import shutil
import subprocess

import pytest

from yinzheng.catalogue.choices import ListKind
from yinzheng.catalogue.models import Item
from yinzheng.catalogue.tests import factories as cf
from yinzheng.certificates import selectors, services
from yinzheng.certificates.choices import (
    ConsultationResult,
    IntakeClass,
    Outcome,
    Status,
    Trigger,
)
from yinzheng.certificates.models import CertificateRequest, DemandReport
from yinzheng.core.errors import Conflict, CoreCode, InvalidInput, NotAllowed
from yinzheng.core.tests.files import pdf_bytes
from yinzheng.ledger.models import Entry
from yinzheng.seals.choices import UseStatus
from yinzheng.seals.tests import factories as seal_factories

from .factories import id_number, issued, request

A1A = "620725101001"


def _verify(people, req, actor=None):
    return services.request_verify(
        actor=actor or people.clerk, request_id=req.pk, what="居住事实", how="入户查看"
    )


def _pdf_text(field, tmp_path) -> str:
    """The text poppler reads from a stored PDF (skips where poppler is missing)."""
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("reading PDF text needs poppler-utils (pdftotext)")
    path = tmp_path / "doc.pdf"
    with field.open("rb") as fh:
        path.write_bytes(fh.read())
    out = subprocess.run([tool, str(path), "-"], capture_output=True, check=True)
    return "".join(out.stdout.decode().split())


def _audit_events(req) -> list[str]:
    return list(
        Entry.objects.filter(subject=f"certificates.certificaterequest:{req.pk}")
        .order_by("pk")
        .values_list("event", flat=True)
    )


# The journey ----------------------------------------------------------------------------


def test_positive_item_is_issued_by_three_different_people_REQ_046_048_054_056(
    people, seal, catalogue, clock_at, tmp_path
):
    """A simple positive item needs no step beyond verification (its guide), review,
    approval, the register entry and sealing: the journal shows exactly those (REQ-048)."""
    clock_at(2026, 3, 2, 9)
    req = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    assert req.intake_class == IntakeClass.POSITIVE and req.outcome == Outcome.ISSUE

    req = _verify(people, req)
    assert req.status == Status.VERIFIED
    assert req.serial == f"{A1A}-2026-000001"
    assert req.certificate_pdf.read().startswith(b"%PDF")
    assert req.usage.status == UseStatus.REVIEWED and req.usage.reviewer == people.clerk
    assert req.usage.document_sha256 == req.certificate_sha256

    req = services.request_approve(actor=people.head, request_id=req.pk)
    assert req.status == Status.APPROVED
    req.usage.refresh_from_db()
    assert req.usage.approved_sha256 == req.certificate_sha256  # approval binds the PDF

    req = services.request_issue(actor=people.custodian, request_id=req.pk)
    assert req.status == Status.ISSUED
    entry = req.register_entry
    assert entry.chain.kind == "register_certificate"
    fields = entry.data["data"]["fields"]
    assert fields["certificate_no"] == req.serial
    assert (
        fields["requiring_unit"] == "县民政局" and fields["purpose"] == "办理低保申请"
    )
    assert (fields["handler"], fields["approver"], fields["custodian"]) == (
        "jingban",
        "zhuren",
        "yinzhang",
    )
    assert req.verified_by == people.clerk and req.verification_how == "入户查看"
    text = _pdf_text(req.certificate_pdf, tmp_path)
    assert req.serial in text and "实际居住情况证明" in text
    # Issue 16: the holder's own document prints the ID number its wording asks for.
    assert f"（公民身份号码：{req.id_number}）" in "".join(text.split())
    assert _audit_events(req) == [
        "certificate_request.received",
        "certificate_request.verified",
        "certificate_request.approved",
        "certificate_request.issued",
    ]


def test_simple_item_is_done_on_the_spot_REQ_044(people, seal, catalogue, clock_at):
    clock_at(2026, 3, 2, 9)
    req = issued(people, A1A, catalogue.simple)
    assert req.on_the_spot and req.due_on is None


def test_the_decision_keeps_the_list_versions_and_the_template_used_REQ_047(
    people, seal, catalogue
):
    req = issued(people, A1A, catalogue.simple)
    versions = set(
        req.catalogue_versions.values_list("catalogue_list__kind", flat=True)
    )
    assert versions == {ListKind.POSITIVE, ListKind.NEGATIVE}  # county + national
    assert req.list_kind == ListKind.POSITIVE
    assert req.template_text == "测试式样"  # the guide's 式样 at verification


def test_complex_item_is_due_in_working_days_across_national_day_REQ_045(
    people, catalogue, clock_at
):
    """Received Tue 2026-09-29, 5 working days: 30 Sep, 8, 9, 10 (a make-up Saturday)
    and 12 Oct; 1–7 Oct are the National Day holiday."""
    clock_at(2026, 9, 29, 10)
    req = request(actor=people.clerk, committee=A1A, item=catalogue.complex)
    assert req.due_on == dt.date(2026, 10, 12)
    assert req.complexity == "complex" and req.time_limit_days == 5


def test_overdue_requests_show_for_the_committee_and_its_township_only_REQ_045(
    people, catalogue, clock_at
):
    clock_at(2026, 9, 29, 10)
    late = request(actor=people.clerk, committee=A1A, item=catalogue.complex)
    request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    assert not selectors.overdue(people.clerk, dt.date(2026, 10, 12)).exists()

    on = dt.date(2026, 10, 13)
    assert list(selectors.overdue(people.clerk, on)) == [late]
    assert list(selectors.overdue(people.township, on)) == [late]
    assert not selectors.overdue(people.other_clerk, on).exists()
    services.request_withdraw(actor=people.clerk, request_id=late.pk, reason="不需要了")
    assert not selectors.overdue(people.township, on).exists()


def test_serials_are_gap_free_and_a_void_one_is_never_reused(
    people, seal, catalogue, clock_at
):
    clock_at(2026, 5, 6, 9)
    first = _verify(
        people, request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    )
    second = _verify(
        people, request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    )
    services.request_withdraw(actor=people.clerk, request_id=second.pk, reason="撤回")
    third = _verify(
        people, request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    )

    second.refresh_from_db()
    assert [first.serial, second.serial, third.serial] == [
        f"{A1A}-2026-000001",
        f"{A1A}-2026-000002",
        f"{A1A}-2026-000003",
    ]
    assert second.serial_void and second.status == Status.WITHDRAWN
    second.usage.refresh_from_db()
    assert second.usage.status == UseStatus.WITHDRAWN
    clock_at(2027, 1, 4, 9)
    fourth = _verify(
        people, request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    )
    assert fourth.serial == f"{A1A}-2027-000001"  # per committee and year


def test_a_failed_verification_takes_no_serial(people, catalogue):
    """No usable seal: the refusal rolls the counter back with it (gap-free)."""
    req = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    with pytest.raises(services.NoUsableSeal) as exc:
        _verify(people, req)
    assert exc.value.code == "no_usable_seal"
    assert services.next_number(A1A, 2026, "certificate") == 1


def test_electronic_issue_prefers_the_electronic_seal(people, seal, catalogue):
    electronic = seal_factories.in_use(
        officer=people.township,
        head=people.head,
        custodian=people.custodian,
        committee=A1A,
        form="electronic",
    )
    req = request(
        actor=people.clerk, committee=A1A, item=catalogue.simple, electronic=True
    )
    assert _verify(people, req).seal == electronic
    paper = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    assert _verify(people, paper).seal == seal


def test_a_seal_out_of_the_office_cannot_be_chosen(people, seal, catalogue):
    seal_factories.taken_out(seal, people=people)
    req = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    with pytest.raises(Conflict) as exc:
        _verify(people, req)
    assert exc.value.code == "no_usable_seal"


def test_verification_needs_what_and_how_REQ_046(people, seal, catalogue):
    req = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    with pytest.raises(InvalidInput) as exc:
        services.request_verify(
            actor=people.clerk, request_id=req.pk, what="x", how=" "
        )
    assert exc.value.code == "verification_required"


def test_each_step_needs_its_role_and_its_committee(people, seal, catalogue):
    req = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    with pytest.raises(NotAllowed):
        _verify(people, req, actor=people.other_clerk)
    with pytest.raises(NotAllowed):
        _verify(people, req, actor=people.custodian)
    _verify(people, req)
    with pytest.raises(NotAllowed):
        services.request_approve(actor=people.clerk, request_id=req.pk)
    with pytest.raises(Conflict):  # not yet approved
        services.request_issue(actor=people.custodian, request_id=req.pk)
    services.request_approve(actor=people.head, request_id=req.pk)
    with pytest.raises(NotAllowed):
        services.request_issue(actor=people.head, request_id=req.pk)


def test_the_custodian_cannot_verify_what_they_will_seal_DIV_01(
    people, seal, catalogue
):
    """The custodian takes the clerk role too: reviewing the sealing is refused."""
    from yinzheng.accounts.choices import Role
    from yinzheng.core.tests import factories as f

    f.user("yinzhang", role=Role.CLERK, at=A1A)
    req = request(actor=people.custodian, committee=A1A, item=catalogue.simple)
    with pytest.raises(NotAllowed) as exc:
        _verify(people, req, actor=people.custodian)
    assert exc.value.code == "separation_of_duties"
    req.refresh_from_db()
    assert req.status == Status.RECEIVED and req.serial == ""


def test_a_changed_pdf_is_not_approved(people, seal, catalogue):
    req = _verify(
        people, request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    )
    with open(req.certificate_pdf.path, "ab") as fh:
        fh.write(b"tampered")
    with pytest.raises(Conflict) as exc:
        services.request_approve(actor=people.head, request_id=req.pk)
    assert exc.value.code == "stale_content"


def test_the_resident_confirms_the_register_entry_REQ_073(people, seal, catalogue):
    req = issued(people, A1A, catalogue.simple)
    confirmation = services.request_confirm(
        actor=people.clerk,
        request_id=req.pk,
        method="paper",
        paper_reference="第3页第2行",
    )
    assert confirmation.entry_id == req.register_entry_id


# Intake -------------------------------------------------------------------------------


def test_id_number_with_a_wrong_checksum_is_refused(people, catalogue):
    good = id_number()
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(InvalidInput) as exc:
        request(
            actor=people.clerk, committee=A1A, item=catalogue.simple, id_number=wrong
        )
    assert exc.value.code == "id_number_invalid"
    assert not CertificateRequest.objects.exists()


def test_the_id_number_is_stored_once_and_never_in_the_audit_trail(people, catalogue):
    number = id_number()
    req = request(
        actor=people.clerk, committee=A1A, item=catalogue.simple, id_number=number
    )
    assert CertificateRequest.objects.get(pk=req.pk).id_number == number
    body = Entry.objects.filter(
        subject=f"certificates.certificaterequest:{req.pk}"
    ).values_list("body", flat=True)
    assert body and not any(number in b or "13812345678" in b for b in body)


def test_unlisted_demand_warns_and_can_be_reported_REQ_016(people, catalogue):
    req = request(
        actor=people.clerk, committee=A1A, item_text="无房证明", requiring_unit="某银行"
    )
    assert req.intake_class == IntakeClass.NO_BASIS
    assert selectors.demand_warning(req)
    listed = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    assert not selectors.demand_warning(listed)
    report = services.demand_report(
        actor=people.clerk,
        committee_code=A1A,
        item_text="",
        demanding_organisation="某银行",
        request_id=req.pk,
    )
    assert report.item_text == "无房证明" and report.committee_id == A1A
    assert DemandReport.objects.count() == 1


def test_a_claimed_exception_must_be_one_of_the_items_REQ_008(people):
    with pytest.raises(InvalidInput) as exc:
        request(
            actor=people.clerk,
            committee=A1A,
            item=Item.objects.get(key="proof_of_life"),
            exception_claimed="收养情况",
        )
    assert exc.value.code == "exception_unknown"


# Outcomes -------------------------------------------------------------------------------


def test_negative_item_is_refused_by_default_with_its_notice_REQ_036_049(
    people, seal, tmp_path
):
    item = Item.objects.get(key="proof_of_life")  # 健在证明, national batch 1
    req = request(actor=people.clerk, committee=A1A, item=item)
    assert req.intake_class == IntakeClass.NEGATIVE and req.outcome == Outcome.REFUSE
    with pytest.raises(Conflict) as exc:
        _verify(people, req)
    assert exc.value.code == "not_issuable"

    req = services.request_refuse(
        actor=people.clerk, request_id=req.pk, reason="负面清单事项，不予出具"
    )
    assert req.status == Status.REFUSED
    assert req.refusal_route == item.route
    assert req.refusal_department == "、".join(item.responsible_departments)
    assert "不应由基层群众性自治组织出具证明事项清单" in req.refusal_basis_text
    assert req.refusal_notice_no.startswith(
        f"{A1A}-"
    ) and req.refusal_notice_no.endswith("-BY00001")
    text = _pdf_text(req.refusal_notice, tmp_path)
    for wanted in ("不予出具证明告知书", "办事途径", "卫生健康", "第一批"):
        assert wanted in text, wanted
    assert "".join(item.route.split())[:20] in text
    # Issue 16: the reasons in words, never the system's requirement ids.
    assert "负面清单事项，不予出具" in text
    assert not re.search(r"REQ-\d+", text)


def test_the_refusal_notice_names_whom_the_department_queries_REQ_117(people, tmp_path):
    """The resident takes the notice to the handling department, which reads there
    whom to query by data sharing (item 1: not its police station, which certifies)."""
    item = Item.objects.get(key="kinship_certificate")
    req = request(actor=people.clerk, committee=A1A, item=item)
    req = services.request_refuse(
        actor=people.clerk, request_id=req.pk, reason="负面清单事项，不予出具"
    )
    text = _pdf_text(req.refusal_notice, tmp_path)
    assert "信息共享核对：公安、民政、卫生健康" in text


def test_a_refusal_without_route_or_department_is_not_saved_REQ_049(people, catalogue):
    req = request(actor=people.clerk, committee=A1A, item_text="无房证明")
    assert req.outcome == Outcome.NOT_ISSUED
    with pytest.raises(InvalidInput) as exc:
        services.request_refuse(actor=people.clerk, request_id=req.pk, reason="无依据")
    assert exc.value.code == "route_required"
    with pytest.raises(InvalidInput) as exc:
        services.request_refuse(
            actor=people.clerk, request_id=req.pk, reason="无依据", route="向银行说明"
        )
    assert exc.value.code == "department_required"
    req = services.request_refuse(
        actor=people.clerk,
        request_id=req.pk,
        reason="无依据",
        route="由需要单位通过信息共享核实",
        department="县不动产登记中心",
    )
    assert req.status == Status.REFUSED and "无法律法规依据" in req.refusal_basis_text


def test_refusing_a_positive_item_needs_a_reason_REQ_032(people, catalogue):
    req = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    with pytest.raises(InvalidInput) as exc:
        services.request_refuse(
            actor=people.clerk, request_id=req.pk, reason=" ", route="r", department="d"
        )
    assert exc.value.code == "reason_required"


def test_refused_and_withdrawn_are_final(people, seal, catalogue):
    refused = request(actor=people.clerk, committee=A1A, item_text="无房证明")
    services.request_refuse(
        actor=people.clerk,
        request_id=refused.pk,
        reason="无依据",
        route="r",
        department="d",
    )
    withdrawn = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    services.request_withdraw(
        actor=people.clerk, request_id=withdrawn.pk, reason="不要了"
    )
    for req in (refused, withdrawn):
        with pytest.raises(Conflict):
            _verify(people, req)
        with pytest.raises(Conflict):
            services.request_withdraw(actor=people.clerk, request_id=req.pk, reason="x")
        with pytest.raises(Conflict):
            services.request_refuse(
                actor=people.clerk,
                request_id=req.pk,
                reason="x",
                route="r",
                department="d",
            )


def test_refusing_after_verification_withdraws_the_sealing_and_voids_the_serial(
    people, seal, catalogue
):
    req = _verify(
        people, request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    )
    services.request_approve(actor=people.head, request_id=req.pk)
    req = services.request_refuse(
        actor=people.head,
        request_id=req.pk,
        reason="核实不符",
        route="r",
        department="d",
    )
    req.usage.refresh_from_db()
    assert req.usage.status == UseStatus.WITHDRAWN and req.serial_void


def _exception(people, req, **over):
    values = {
        "trigger": Trigger.ENTITY_DEMAND,
        "entity_name": "某商业银行",
        "within_duties": True,
        "verifiable": True,
        "evidence": "入户查看，邻居证言",
        "assessment": "只证明在世事实，不涉及财产",
        "precautions": "注明用途，仅限本次使用",
        "materials": [("留存资料.pdf", pdf_bytes("retained"))],  # REQ-038
        **over,
    }
    return services.exception_record(actor=people.clerk, request_id=req.pk, **values)


def test_negative_exception_needs_every_condition_REQ_037_038(people, seal):
    req = request(
        actor=people.clerk, committee=A1A, item=Item.objects.get(key="proof_of_life")
    )
    _exception(people, req, assessment="")
    with pytest.raises(Conflict) as exc:
        _verify(people, req)
    assert "exception_assessment" in {m["code"] for m in exc.value.detail["missing"]}
    _exception(people, req, entity_name="")
    with pytest.raises(Conflict):
        _verify(people, req)

    _exception(people, req)
    req = issued_from(people, req)
    assert req.status == Status.ISSUED
    assert "negative_exception" in selectors.decision_for(req).tags


def issued_from(people, req):
    _verify(people, req)
    services.request_approve(actor=people.head, request_id=req.pk)
    return services.request_issue(actor=people.custodian, request_id=req.pk)


def test_negative_exception_is_off_when_the_switch_is_off_REQ_039(people, seal):
    req = request(
        actor=people.clerk, committee=A1A, item=Item.objects.get(key="proof_of_life")
    )
    _exception(people, req)  # complete, while the switch is on
    services.jurisdiction_setting_set(
        actor=people.civil,
        division_code="620725",
        negative_exception_enabled=False,
        note="依坡头区做法：负面清单事项不再出具",
    )
    assert not selectors.negative_exception_enabled(A1A)  # inherited from the county
    with pytest.raises(Conflict) as exc:
        _verify(people, req)
    assert exc.value.code == "not_issuable"
    with pytest.raises(Conflict) as exc:
        _exception(people, req)
    assert exc.value.code == "exception_switched_off"
    # A clerk may not change the switch; a lower setting overrides the county's.
    with pytest.raises(NotAllowed):
        services.jurisdiction_setting_set(
            actor=people.clerk, division_code=A1A, negative_exception_enabled=True
        )
    services.jurisdiction_setting_set(
        actor=people.civil, division_code="620725101", negative_exception_enabled=True
    )
    assert selectors.negative_exception_enabled(A1A)


def test_bracketed_exception_is_left_for_a_manual_decision_REQ_008(people, seal):
    item = Item.objects.get(key="marriage_childbearing_certificate")
    req = request(
        actor=people.clerk, committee=A1A, item=item, exception_claimed="收养情况"
    )
    assert req.outcome == Outcome.MANUAL
    assert "item_exception" in req.decision["tags"]


def test_public_interest_is_blocked_until_consultation_and_signature_REQ_034_035(
    people, seal, clock_at
):
    clock_at(2026, 4, 1, 9)
    req = request(
        actor=people.clerk,
        committee=A1A,
        item_text="小区加装电梯意见一致证明",
        public_interest=True,
    )
    assert req.intake_class == IntakeClass.PUBLIC_INTEREST
    assert "special_case" in req.decision["tags"]
    with pytest.raises(Conflict):
        _verify(people, req)
    services.consultation_record(
        actor=people.clerk,
        request_id=req.pk,
        form="council",
        held_on=dt.date(2026, 3, 30),
        participants="居民代表 21 人，楼栋长 3 人",
        result=ConsultationResult.AGREED,
        summary="一致同意",
    )
    with pytest.raises(Conflict) as exc:
        _verify(people, req)
    assert [m["code"] for m in exc.value.detail["missing"]] == ["head_signature"]
    with pytest.raises(NotAllowed):
        services.consultation_sign(actor=people.clerk, request_id=req.pk)
    services.consultation_sign(actor=people.head, request_id=req.pk)
    assert issued_from(people, req).status == Status.ISSUED


def test_a_consultation_recorded_again_needs_the_signature_again_REQ_034(people):
    req = request(
        actor=people.clerk, committee=A1A, item_text="x", public_interest=True
    )
    args = {
        "form": "assembly",
        "held_on": dt.date(2026, 1, 5),
        "participants": "全体居民",
        "result": ConsultationResult.AGREED,
    }
    services.consultation_record(actor=people.clerk, request_id=req.pk, **args)
    services.consultation_sign(actor=people.head, request_id=req.pk)
    record = services.consultation_record(actor=people.clerk, request_id=req.pk, **args)
    assert record.head_signed_by is None


def test_legal_risk_needs_the_three_records_REQ_040(people, seal, catalogue):
    req = request(
        actor=people.clerk, committee=A1A, item=catalogue.simple, legal_risk=True
    )
    services.risk_record(
        actor=people.clerk, request_id=req.pk, investigation="调查", deliberation="议事"
    )
    with pytest.raises(Conflict):
        _verify(people, req)
    services.risk_record(
        actor=people.clerk,
        request_id=req.pk,
        investigation="调查",
        deliberation="议事",
        assessment="评估",
        precautions="防范",
    )
    assert _verify(people, req).status == Status.VERIFIED


def test_liability_item_is_refused_REQ_041(people, seal, catalogue):
    Item.objects.filter(pk=catalogue.simple.pk).update(liability_bearing=True)
    req = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    assert req.outcome == Outcome.REFUSE
    with pytest.raises(Conflict):
        _verify(people, req)
    guarantee = request(
        actor=people.clerk, committee=A1A, item_text="担保证明", carries_liability=True
    )
    assert guarantee.outcome == Outcome.REFUSE


def test_party_item_is_transferred_without_a_seal_REQ_043(people, seal):
    party = cf.item("党员身份证明", key="party_member", guide=False)
    Item.objects.filter(pk=party.pk).update(party_related=True)
    req = request(actor=people.clerk, committee=A1A, item=party)
    assert req.intake_class == IntakeClass.PARTY
    assert req.outcome == Outcome.TRANSFER_PARTY
    with pytest.raises(Conflict):
        _verify(people, req)
    req = services.request_transfer(actor=people.clerk, request_id=req.pk)
    assert req.status == Status.TRANSFERRED
    assert req.usage is None and req.seal is None and req.serial == ""
    other = request(actor=people.clerk, committee=A1A, item_text="无房证明")
    with pytest.raises(Conflict) as exc:
        services.request_transfer(actor=people.clerk, request_id=other.pk)
    assert exc.value.code == "not_party_matter"


def test_setting_legal_risk_later_adds_the_records_REQ_040(people, catalogue):
    req = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    req = services.request_flags_set(
        actor=people.clerk,
        request_id=req.pk,
        public_interest=False,
        party_related=False,
        legal_risk=True,
        carries_liability=False,
    )
    assert req.outcome == Outcome.PENDING
    assert {m["code"] for m in req.decision["missing"]} >= {"risk_investigation"}


def test_unsealed_seal_service_state_is_untouched_by_a_refused_issue(
    people, seal, catalogue
):
    """The seal left the office between approval and sealing: nothing is issued."""
    req = _verify(
        people, request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    )
    services.request_approve(actor=people.head, request_id=req.pk)
    seal_factories.taken_out(seal, people=people)
    with pytest.raises(Conflict) as exc:
        services.request_issue(actor=people.custodian, request_id=req.pk)
    assert exc.value.code == "seal_unusable"
    req.refresh_from_db()
    assert req.status == Status.APPROVED and req.register_entry is None


@pytest.mark.parametrize(
    "given, kept",
    [("+86 138 1234 5678", "13812345678"), ("0936-551 2345", "0936-5512345")],
)
def test_the_residents_phone_is_checked_and_normalised_as_everywhere_REQ_072(
    people, catalogue, given, kept
):
    """One phone check for every contact number (core.phones): the register's 联系电话
    column then holds one form of each number."""
    req = request(actor=people.clerk, committee=A1A, item=catalogue.simple, phone=given)
    assert req.phone == kept


@pytest.mark.parametrize("bad", ["12345", "5512345", "call me", "1381234567"])
def test_a_number_nobody_can_call_is_refused_REQ_072(people, catalogue, bad):
    with pytest.raises(InvalidInput) as refused:
        request(actor=people.clerk, committee=A1A, item=catalogue.simple, phone=bad)
    assert refused.value.code == CoreCode.PHONE_INVALID


def test_electronic_issue_without_an_electronic_seal_is_refused_not_paper(
    people, seal, catalogue
):
    """Issue 14: ticking 电子出具 with only a physical seal was silently paper."""
    req = request(
        actor=people.clerk, committee=A1A, item=catalogue.simple, electronic=True
    )
    with pytest.raises(Conflict) as exc:
        _verify(people, req)
    assert exc.value.code == "no_usable_seal"
    assert "没有电子印章" in str(exc.value.message)


def test_electronic_issue_with_a_seal_not_yet_activated_says_so(
    people, seal, catalogue
):
    seal_factories.issued(officer=people.township, committee=A1A, form="electronic")
    req = request(
        actor=people.clerk, committee=A1A, item=catalogue.simple, electronic=True
    )
    with pytest.raises(Conflict) as exc:
        _verify(people, req)
    message = str(exc.value.message)
    assert "尚未由乡镇（街道）启用" in message and "尚未指定印章管理人" in message


def test_before_issue_only_a_draft_exists_and_issue_renders_the_certificate(
    people, seal, catalogue, tmp_path
):
    """Issue 14: the PDF downloadable before approval looked issued. Now the head
    approves a draft marked 草稿·未生效; the certificate itself (no mark) is rendered
    from the same content at issue, and the register names the approved draft."""
    from .test_documents import pdf_text

    req = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    req = _verify(people, req)
    with req.certificate_pdf.open("rb") as fh:
        draft = fh.read()
    assert "草稿·未生效" in pdf_text(draft, tmp_path)
    assert not req.issued_pdf
    services.request_approve(actor=people.head, request_id=req.pk)
    req = services.request_issue(actor=people.custodian, request_id=req.pk)
    with req.issued_pdf.open("rb") as fh:
        final = fh.read()
    text = pdf_text(final, tmp_path)
    assert "草稿" not in text and req.serial in text
    assert req.issued_sha256 and req.issued_sha256 != req.certificate_sha256
    entry = Entry.objects.get(pk=req.register_entry_id)
    assert entry.data["data"]["fields"]["document_sha256"] == req.certificate_sha256


def test_content_changed_after_approval_is_not_issued_REQ_057(people, seal, catalogue):
    req = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    _verify(people, req)
    services.request_approve(actor=people.head, request_id=req.pk)
    content = CertificateRequest.objects.get(pk=req.pk).certificate_content
    content["body"] = content["body"] + "另：此人品行端正。"
    CertificateRequest.objects.filter(pk=req.pk).update(certificate_content=content)
    with pytest.raises(Conflict) as exc:
        services.request_issue(actor=people.custodian, request_id=req.pk)
    assert exc.value.code == "stale_content"
    assert CertificateRequest.objects.get(pk=req.pk).status == Status.APPROVED


def test_a_guide_validity_becomes_the_token_expiry_and_is_enforced(
    people, seal, catalogue, clock_at
):
    """Issue 14: claims follow CWT, with an expiry where the item's guide sets one."""
    import datetime as dt

    from django.utils import timezone

    from yinzheng.catalogue.models import Guide
    from yinzheng.esign import tokens, verification
    from yinzheng.esign.choices import Verdict
    from yinzheng.esign.models import SignedDocument

    clock_at(2026, 3, 2, 10)
    Guide.objects.update_or_create(
        item=catalogue.simple, defaults={"validity_days": 30}
    )
    req = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    req = _verify(people, req)
    services.request_approve(actor=people.head, request_id=req.pk)
    services.request_issue(actor=people.custodian, request_id=req.pk)
    doc = SignedDocument.objects.get(serial=req.serial)
    expires = tokens.parse(doc.token).claims.expires
    assert expires is not None
    ends = timezone.localtime(dt.datetime.fromtimestamp(expires, dt.UTC))
    assert (ends.date(), ends.hour) == (dt.date(2026, 4, 1), 0)  # after 30 days
    assert verification.verify_token(doc.token).verdict == Verdict.VALID
    clock_at(2026, 4, 2, 10)
    late = verification.verify_token(doc.token)
    assert late.verdict == Verdict.INVALID
    assert [c.name for c in late.checks][-1] == "expiry"
