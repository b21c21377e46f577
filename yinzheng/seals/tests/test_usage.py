"""Sealing: request → review → head approval → registration and sealing by the custodian
(REQ-050–058, REQ-067, REQ-069–072, DIV-01, DIV-12).

Proved here: REQ-050, REQ-051, REQ-052, REQ-053, REQ-054, REQ-055, REQ-056, REQ-057,
REQ-058, REQ-061, REQ-062, REQ-063, REQ-066, REQ-067, REQ-069, REQ-070, REQ-072.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yinzheng.core.errors import Conflict, InvalidInput, NotAllowed
from yinzheng.core.tests.files import pdf_bytes
from yinzheng.ledger.models import Entry
from yinzheng.registers.services import books as registers
from yinzheng.seals import services
from yinzheng.seals.choices import MajorMatter, UseCategory, UseStatus, VoteResult
from yinzheng.seals.models import UsageRequest
from yinzheng.seals.services import usage

from . import factories

DOC = pdf_bytes("resolution on repairing the road")


def request(people, seal, category=UseCategory.W1, document=DOC, **over):
    values = {
        "content": "关于村道硬化的村民代表会议决议",
        "copies": 3,
        "document": ("decision.pdf", document),
        **over,
    }
    return usage.usage_request(
        actor=people.clerk, seal_id=seal.pk, category=category, **values
    )


def through_approval(people, seal, **over):
    u = request(people, seal, **over)
    usage.usage_review(actor=people.clerk, usage_id=u.pk, approve=True, not_blank=True)
    return usage.usage_approve(actor=people.head, usage_id=u.pk, approve=True)


def test_only_the_six_categories_exist_REQ_050():
    assert sorted(UseCategory.values) == ["C1", "C2", "C3", "W1", "W2", "W3"]
    assert UseCategory.W1.label == "组织村（居）民依法开展自治活动的事项"


def test_a_request_without_category_content_or_document_is_refused_REQ_050_057(
    people, seal
):
    with pytest.raises(InvalidInput) as exc:
        request(people, seal, category="other")
    assert exc.value.code == "category_required"
    with pytest.raises(InvalidInput) as exc:
        request(people, seal, content="  ")
    assert exc.value.code == "content_required"
    with pytest.raises(InvalidInput) as exc:
        request(people, seal, document=b"")
    assert exc.value.code == "document_required"


def test_certificate_uses_need_a_certificate_case_REQ_052(people, seal):
    with pytest.raises(InvalidInput) as exc:
        request(people, seal, category=UseCategory.C2)
    assert exc.value.code == "certificate_case_required"
    with pytest.raises(InvalidInput) as exc:
        request(people, seal, category=UseCategory.C2, matter_ref="certificates:1")
    assert exc.value.code == "certificate_fields_required"


def test_the_whole_journey_writes_one_work_entry_with_four_people_REQ_054_058(
    people, seal
):
    u = through_approval(people, seal)
    sealed = usage.usage_seal(actor=people.custodian, usage_id=u.pk)
    assert sealed.status == UseStatus.SEALED
    entry = sealed.register_entry
    assert entry.chain.kind == "register_work"  # REQ-069
    fields = entry.data["data"]["fields"]
    assert fields["approver"] == people.head.display_name
    assert fields["handler"] == people.clerk.display_name
    assert fields["reviewer"] == people.clerk.display_name
    assert fields["custodian"] == people.custodian.display_name
    assert fields["copies"] == 3
    assert fields["document_sha256"] == sealed.approved_sha256
    assert (
        Entry.objects.filter(
            event="register.entry", subject=f"seals.usagerequest:{u.pk}"
        ).count()
        == 1
    )  # REQ-056


def test_certificate_uses_go_into_the_certificate_register_REQ_069_072(people, seal):
    u = through_approval(
        people,
        seal,
        category=UseCategory.C2,
        matter_ref="certificates.request:7",
        requiring_unit="县人社局",
        purpose="失业登记",
        phone="13800000000",
    )
    sealed = usage.usage_seal(actor=people.custodian, usage_id=u.pk)
    entry = sealed.register_entry
    assert entry.chain.kind == "register_certificate"
    row = registers.rows(entry.chain)[0]
    assert row.confirmed is False  # REQ-073: until the resident signs
    assert [row.fields[k] for k in ("requiring_unit", "purpose", "phone")] == [
        "县人社局",
        "失业登记",
        "138****0000",  # sealed under the master key (issue 13)
    ]
    assert registers.reveal_personal(
        actor=people.clerk, entry_id=entry.pk, reason="回电"
    ) == {"phone": "13800000000"}


def test_no_sealing_before_review_and_approval_REQ_053_054(people, seal):
    u = request(people, seal)
    with pytest.raises(Conflict) as exc:
        usage.usage_approve(actor=people.head, usage_id=u.pk, approve=True)
    assert exc.value.code == "usage_not_reviewed"
    with pytest.raises(Conflict) as exc:
        usage.usage_seal(actor=people.custodian, usage_id=u.pk)
    assert exc.value.code == "usage_not_approved"
    usage.usage_review(actor=people.clerk, usage_id=u.pk, approve=True, not_blank=True)
    with pytest.raises(Conflict):
        usage.usage_seal(actor=people.custodian, usage_id=u.pk)


def test_the_reviewer_must_confirm_the_document_is_not_blank_REQ_057(people, seal):
    u = request(people, seal)
    with pytest.raises(InvalidInput) as exc:
        usage.usage_review(
            actor=people.clerk, usage_id=u.pk, approve=True, not_blank=False
        )
    assert exc.value.code == "not_blank_required"
    u.refresh_from_db()
    assert u.status == UseStatus.SUBMITTED  # nothing half-written


def test_the_custodian_may_not_review_REQ_067(people, seal):
    u = request(people, seal)
    people_custodian_as_reviewer = people.custodian
    from yinzheng.accounts.choices import Role
    from yinzheng.core.tests import factories as f

    f.user(people_custodian_as_reviewer.username, role=Role.CLERK, at=seal.committee_id)
    with pytest.raises(NotAllowed) as exc:
        usage.usage_review(
            actor=people.custodian, usage_id=u.pk, approve=True, not_blank=True
        )
    assert exc.value.code == "separation_of_duties"


def test_a_custodian_who_reviewed_cannot_seal_REQ_067(people, seal, tree):
    """custodian2 reviews while custodian keeps the seal; after a handover custodian2
    keeps it — and still may not seal the matter it reviewed."""
    from yinzheng.accounts.choices import Role
    from yinzheng.core.tests import factories as f

    f.user(people.custodian2.username, role=Role.CLERK, at=tree["A1a"])
    u = request(people, seal)
    usage.usage_review(
        actor=people.custodian2, usage_id=u.pk, approve=True, not_blank=True
    )
    usage.usage_approve(actor=people.head, usage_id=u.pk, approve=True)
    factories.hand_over(seal, people=people, to=people.custodian2)
    with pytest.raises(NotAllowed) as exc:
        usage.usage_seal(actor=people.custodian2, usage_id=u.pk)
    assert exc.value.code == "separation_of_duties"


def test_only_the_seals_current_custodian_seals_REQ_070(people, seal):
    u = through_approval(people, seal)
    with pytest.raises(NotAllowed) as exc:
        usage.usage_seal(actor=people.custodian2, usage_id=u.pk)
    assert exc.value.code == "not_the_custodian"


def test_a_changed_document_is_not_sealed_REQ_057(people, seal):
    u = through_approval(people, seal)
    with open(u.document.path, "ab") as fh:
        fh.write(b" and one more clause")
    with pytest.raises(Conflict) as exc:
        usage.usage_seal(actor=people.custodian, usage_id=u.pk)
    assert exc.value.code == "document_changed"
    assert UsageRequest.objects.get(pk=u.pk).register_entry is None


def test_sealing_waits_for_the_end_of_the_public_notice_REQ_055(people, seal, clock_at):
    clock_at(2026, 5, 1, 9)
    u = through_approval(people, seal, major_matter=MajorMatter.NOTICE)
    with pytest.raises(Conflict) as exc:
        usage.usage_seal(actor=people.custodian, usage_id=u.pk)
    assert exc.value.code == "not_yet_sealable"
    usage.usage_attach_notice(
        actor=people.clerk,
        usage_id=u.pk,
        start=dt.date(2026, 5, 1),
        end=dt.date(2026, 5, 7),
        place="村务公开栏",
    )
    clock_at(2026, 5, 7, 17)
    with pytest.raises(Conflict):
        usage.usage_seal(actor=people.custodian, usage_id=u.pk)
    clock_at(2026, 5, 8, 9)
    assert usage.usage_seal(actor=people.custodian, usage_id=u.pk).status == "sealed"


def test_sealing_waits_for_a_passed_vote_and_a_failed_vote_closes_REQ_055(
    people, seal, clock_at
):
    clock_at(2026, 5, 1, 9)
    passed = through_approval(people, seal, major_matter=MajorMatter.VOTE)
    with pytest.raises(Conflict):
        usage.usage_seal(actor=people.custodian, usage_id=passed.pk)
    usage.usage_record_vote(
        actor=people.clerk,
        usage_id=passed.pk,
        body="村民代表会议",
        date=dt.date(2026, 5, 1),
        result=VoteResult.PASSED,
        record="应到 25 人，实到 21 人，赞成 19，反对 1，弃权 1",
    )
    assert usage.usage_seal(actor=people.custodian, usage_id=passed.pk).status == (
        "sealed"
    )
    failed = request(people, seal, major_matter=MajorMatter.VOTE)
    usage.usage_record_vote(
        actor=people.clerk,
        usage_id=failed.pk,
        body="村民会议",
        date=dt.date(2026, 5, 1),
        result=VoteResult.FAILED,
        record="赞成 10，反对 30",
    )
    failed.refresh_from_db()
    assert failed.status == UseStatus.CLOSED
    with pytest.raises(Conflict):
        usage.usage_seal(actor=people.custodian, usage_id=failed.pk)


@pytest.mark.parametrize(
    "retire", ["report_loss", "revoke", "block", "replace", "collect"]
)
def test_a_lost_revoked_blocked_replaced_or_collected_seal_is_never_applied_REQ_061_063(
    people, seal, tree, retire
):
    u = through_approval(people, seal)
    if retire == "report_loss":
        services.seal_report_loss(
            actor=people.head,
            seal_id=seal.pk,
            lost_on=dt.date(2026, 1, 2),
            circumstances="办公室失窃",
        )
    elif retire == "revoke":
        services.seal_revoke(actor=people.township, seal_id=seal.pk, reason="测试撤销")
    elif retire == "collect":
        services.seal_revoke(actor=people.township, seal_id=seal.pk, reason="测试撤销")
        services.seal_collect(actor=people.township, seal_id=seal.pk, note="已收缴")
    elif retire == "replace":
        new = factories.issued(
            officer=people.township, committee=seal.committee_id, replaces=seal
        )
        services.custody_appoint(
            actor=people.head, seal_id=new.pk, custodian_id=people.custodian2.pk
        )
        services.seal_replace(
            actor=people.township, old_seal_id=seal.pk, new_seal_id=new.pk
        )
    else:
        from yinzheng.divisions import services as divisions

        divisions.committee_abolish(
            actor=people.civil, code=tree["A1a"], reference="测试撤销文号"
        )
    with pytest.raises(Exception) as exc:
        usage.usage_seal(actor=people.custodian, usage_id=u.pk)
    assert getattr(exc.value, "code", "") in {"seal_unusable", "not_the_custodian"}
    assert UsageRequest.objects.get(pk=u.pk).status == UseStatus.APPROVED


def test_a_seal_taken_out_of_the_office_is_not_applied_REQ_066(people, seal):
    u = through_approval(people, seal)
    factories.taken_out(seal, people=people)
    with pytest.raises(Conflict) as exc:
        usage.usage_seal(actor=people.custodian, usage_id=u.pk)
    assert exc.value.code == "seal_unusable"


def test_other_committees_cannot_file_for_this_seal(people, seal, tree):
    from yinzheng.accounts.choices import Role
    from yinzheng.core.tests import factories as f

    outsider = f.user("other-clerk", role=Role.CLERK, at=tree["A1b"])
    with pytest.raises(NotAllowed):
        usage.usage_request(
            actor=outsider,
            seal_id=seal.pk,
            category=UseCategory.W1,
            content="x",
            copies=1,
            document=("a.pdf", DOC),
        )


def test_uploaded_files_are_hashed_as_stored(people, seal):
    upload = SimpleUploadedFile("scan.pdf", DOC, "application/pdf")
    u = usage.usage_request(
        actor=people.clerk,
        seal_id=seal.pk,
        category=UseCategory.W3,
        content="工作报告",
        copies=1,
        document=upload,
    )
    import hashlib

    assert u.document_sha256 == hashlib.sha256(DOC).hexdigest()
    assert u.document.read() == DOC


def test_a_text_file_named_doc_pdf_is_refused_for_sealing_issue_13_REQ_057(
    people, seal
):
    """Issue 13: a text file named doc.pdf was reviewed, approved and sealed."""
    with pytest.raises(InvalidInput) as refused:
        usage.usage_request(
            actor=people.clerk,
            seal_id=seal.pk,
            category=UseCategory.W1,
            content="关于村道硬化的村民代表会议决议",
            copies=3,
            document=("doc.pdf", b"Just text in a file named doc.pdf"),
        )

    assert refused.value.code == "file_type_invalid"
    assert "格式按文件内容识别" in str(refused.value.message)
    assert not UsageRequest.objects.exists()


def test_a_file_that_only_starts_like_a_pdf_is_refused_for_sealing(people, seal):
    with pytest.raises(InvalidInput) as refused:
        request(people, seal, document="%PDF-1.4 关于修路的决议".encode())

    assert "不是能打开的 PDF 文件" in str(refused.value.message)


def test_the_document_is_stored_under_a_name_the_system_chooses(people, seal):
    u = request(people, seal)

    stored = u.document.name.rsplit("/", 1)[-1]
    assert stored.endswith(".pdf") and "decision" not in stored
    assert len(stored) == 32 + len(".pdf")


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    steps=st.lists(
        st.sampled_from(["review", "approve", "seal", "withdraw"]), max_size=6
    )
)
def test_whatever_the_order_of_steps_a_sealed_matter_was_reviewed_and_approved_first(
    people, seal, steps
):
    u = request(people, seal)
    actions = {
        "review": lambda: usage.usage_review(
            actor=people.clerk, usage_id=u.pk, approve=True, not_blank=True
        ),
        "approve": lambda: usage.usage_approve(
            actor=people.head, usage_id=u.pk, approve=True
        ),
        "seal": lambda: usage.usage_seal(actor=people.custodian, usage_id=u.pk),
        "withdraw": lambda: usage.usage_withdraw(
            actor=people.clerk, usage_id=u.pk, reason="不需要了"
        ),
    }
    for step in steps:
        try:
            actions[step]()
        except (Conflict, InvalidInput, NotAllowed):
            pass
    u.refresh_from_db()
    entries = Entry.objects.filter(
        event="register.entry", subject=f"seals.usagerequest:{u.pk}"
    ).count()
    if u.status == UseStatus.SEALED:
        assert u.reviewed_at < u.approved_at < u.sealed_at or (
            u.reviewed_at <= u.approved_at <= u.sealed_at
        )
        assert entries == 1
    else:
        assert entries == 0


def test_the_custodian_does_not_record_the_notice_or_vote_it_then_seals_on_DIV_01(
    people, seal
):
    notice = through_approval(people, seal, major_matter=MajorMatter.NOTICE)
    with pytest.raises(NotAllowed) as exc:
        usage.usage_attach_notice(
            actor=people.custodian,
            usage_id=notice.pk,
            start=dt.date(2026, 5, 1),
            end=dt.date(2026, 5, 7),
            place="村务公开栏",
        )
    assert exc.value.code == "separation_of_duties"
    vote = through_approval(people, seal, major_matter=MajorMatter.VOTE)
    with pytest.raises(NotAllowed):
        usage.usage_record_vote(
            actor=people.custodian,
            usage_id=vote.pk,
            body="村民代表会议",
            date=dt.date(2026, 5, 1),
            result=VoteResult.PASSED,
            record="赞成 19",
        )
